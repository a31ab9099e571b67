"""Customer journeys from the contact logs: where contacts come from, bot or agent, how they end.

Every contact is one step of an issue. Its origin (first contact, repeat of an unresolved issue,
redial, return sent by the bot) leads to the bot/IVR or straight to the agent queue; the bot
resolves, loses, sends away or escalates to the queue; the queue ends answered (resolved or not)
or abandoned. Counts are means over replications of the contacts arriving in the measured window.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from sim.engine import ContactLog
from sim.engine.log import ORIGIN_NAMES, STATUS_NAMES
from sim.model import Model

ORIGIN_LABELS = {
    "first": "First contacts",
    "repeat": "Repeat contacts (unresolved issues)",
    "redial": "Redials",
    "bot_retry": "Returns sent by the bot",
}
BOT = "Bot / IVR"
QUEUE = "Agent queue"
BOT_ENDS = {
    "bot_resolved": "Resolved by the bot",
    "bot_abandoned": "Lost in the bot",
    "bot_deferred": "Sent away to retry later",
    "in_bot": "Still in the bot at the end",
}
RESOLVED = "Answered, resolved"
UNRESOLVED = "Answered, not resolved (may repeat)"
ABANDONED = "Abandoned, busy or missed callback"
OPEN = "Waiting or in service at the end"
QUEUE_ENDS = {
    "abandoned": ABANDONED,
    "blocked": ABANDONED,
    "callback_failed": ABANDONED,
    "waiting": OPEN,
    "in_service": OPEN,
}


def log_flows(log: ContactLog, model: Model) -> Counter[tuple[str, str]]:
    """Contacts per (from, to) step of one replication, for arrivals in the measured window."""
    keep = (log.arrival_s >= model.warmup_s) & (log.arrival_s < model.measure_end_s)
    origin = np.asarray(ORIGIN_NAMES, dtype=object)[log.origin[keep]]
    status = np.asarray(STATUS_NAMES, dtype=object)[log.status[keep]]
    resolved = log.resolved[keep]
    in_bot = log.in_bot_s[keep] > 0
    flows: Counter[tuple[str, str]] = Counter()
    for o, s, r, b in zip(origin, status, resolved, in_bot, strict=True):
        source = ORIGIN_LABELS[o]
        if b:
            flows[(source, BOT)] += 1
            if s in BOT_ENDS:
                flows[(BOT, BOT_ENDS[s])] += 1
                continue
            flows[(BOT, QUEUE)] += 1
        else:
            flows[(source, QUEUE)] += 1
        if s == "completed":
            flows[(QUEUE, RESOLVED if r == 1 else UNRESOLVED)] += 1
        else:
            flows[(QUEUE, QUEUE_ENDS.get(s, OPEN))] += 1
    return flows


def journey_flows(logs: dict[int, ContactLog], model: Model) -> dict[str, Any] | None:
    """Mean flows over the replications' logs (None without logs), in a JSON-ready shape."""
    if not logs:
        return None
    total: Counter[tuple[str, str]] = Counter()
    for log in logs.values():
        total.update(log_flows(log, model))
    n = len(logs)
    labels: list[str] = []
    for source, target in total:
        for label in (source, target):
            if label not in labels:
                labels.append(label)
    order = [*ORIGIN_LABELS.values(), BOT, QUEUE, *BOT_ENDS.values(), RESOLVED, UNRESOLVED,
             ABANDONED, OPEN]  # fmt: skip
    labels.sort(key=order.index)
    flows = [
        {"source": s, "target": t, "value": count / n}
        for (s, t), count in sorted(total.items(), key=lambda kv: (order.index(kv[0][0]),
                                                                    order.index(kv[0][1])))
    ]  # fmt: skip
    return {"labels": labels, "flows": flows, "replications": n}
