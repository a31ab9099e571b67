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
    """Contacts per (from, to) step of one replication, for arrivals in the measured window.

    Counted per distinct (origin, status, resolved, went through the bot) in bulk, then each
    combination's contacts follow the same steps.
    """
    keep = (log.arrival_s >= model.warmup_s) & (log.arrival_s < model.measure_end_s)
    shape = (len(ORIGIN_NAMES), len(STATUS_NAMES), 2, 2)
    code = np.ravel_multi_index(
        (log.origin[keep], log.status[keep], log.resolved[keep] == 1, log.in_bot_s[keep] > 0),
        shape,
    )
    counts = np.bincount(code, minlength=int(np.prod(shape)))
    flows: Counter[tuple[str, str]] = Counter()
    for flat in np.flatnonzero(counts).tolist():
        o, s, r, b = np.unravel_index(flat, shape)
        for step in _steps(ORIGIN_NAMES[o], STATUS_NAMES[s], bool(r), bool(b)):
            flows[step] += int(counts[flat])
    return flows


def _steps(origin: str, status: str, resolved: bool, in_bot: bool) -> list[tuple[str, str]]:
    """The (from, to) steps of one contact with this origin, status, resolution and bot visit."""
    source = ORIGIN_LABELS[origin]
    if in_bot:
        if status in BOT_ENDS:
            return [(source, BOT), (BOT, BOT_ENDS[status])]
        steps = [(source, BOT), (BOT, QUEUE)]
    else:
        steps = [(source, QUEUE)]
    if status == "completed":
        return [*steps, (QUEUE, RESOLVED if resolved else UNRESOLVED)]
    return [*steps, (QUEUE, QUEUE_ENDS.get(status, OPEN))]


def journey_flows(logs: dict[int, ContactLog], model: Model) -> dict[str, Any] | None:
    """Mean flows over the replications' logs (None without logs), in a JSON-ready shape."""
    return mean_flows([log_flows(log, model) for log in logs.values()])


def mean_flows(per_replication: list[Counter[tuple[str, str]]]) -> dict[str, Any] | None:
    """Mean of replications' `log_flows` (None without any), in a JSON-ready shape.

    The counts are whole numbers, so where each replication's were counted (here, or in the
    process that simulated it) does not change the result.
    """
    if not per_replication:
        return None
    total: Counter[tuple[str, str]] = Counter()
    for flows_ in per_replication:
        total.update(flows_)
    n = len(per_replication)
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
