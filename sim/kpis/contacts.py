"""Per-contact facts the KPIs are built from (one place, so every KPI uses the same definitions).

Service-level outcome of a contact, with threshold T (seconds; the SLA for email/social):
- *within*: answered with wait <= T;
- *missed*: answered with wait > T, abandoned after waiting > T, or still waiting at the end with
  wait > T;
- *short abandon*: abandoned with wait <= T;
- *blocked*: got a busy signal; contacts still waiting less than T at the end are not yet decided.
Waits run from queue entry (after any time in the bot). Contacts that never queued (resolved,
abandoned or deferred in the bot) take no part in the service level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.journeys import REDIAL, REPEAT
from sim.engine.log import (
    ABANDONED,
    BLOCKED,
    BOT_RESOLVED,
    CALLBACK_FAILED,
    COMPLETED,
    IN_SERVICE,
    WAITING,
    ContactLog,
)
from sim.model import VOICE, Model


def contact_frame(log: ContactLog, model: Model) -> pd.DataFrame:
    """One row per contact arriving in the measured window (after the warm-up), with its flags."""
    keep = (log.arrival_s >= model.warmup_s) & (log.arrival_s < model.measure_end_s)
    arrival = log.arrival_s[keep]
    queued = log.queued_s[keep]
    ctype = log.type_idx[keep]
    status = log.status[keep]
    answer = log.answer_s[keep]
    end = log.end_s[keep]
    agent = log.agent[keep]
    in_bot = log.in_bot_s[keep]
    callback = log.callback[keep]

    answered = np.isfinite(answer)
    completed = status == COMPLETED
    handled = np.zeros(len(answer))
    np.subtract(end, answer, out=handled, where=completed)
    abandoned = status == ABANDONED
    waiting_end = status == WAITING
    lost_callback = status == CALLBACK_FAILED
    with np.errstate(invalid="ignore"):
        wait = np.where(answered, answer - queued, np.where(abandoned, end - queued, np.nan))
    wait = np.where(waiting_end, log.end_time_s - queued, wait)
    threshold = model.sl_threshold_s[ctype]
    over = wait > threshold
    answered_ok = answered & ~lost_callback
    group = np.where(agent >= 0, log.agent_group[np.maximum(agent, 0)], -1)
    voice = model.type_channel[ctype] == VOICE
    cb_window = np.asarray(model.callback_window_s, dtype=float)[ctype]
    with np.errstate(invalid="ignore"):  # inf - inf for contacts never answered
        on_time = callback & completed & (answer - queued <= cb_window)
    line_s = np.minimum(end, log.end_time_s) - arrival
    # a caller who took a callback hung up on entering the queue: the wait holds no line
    with np.errstate(invalid="ignore"):
        line_s = np.where(callback, line_s - (np.minimum(answer, log.end_time_s) - queued), line_s)
    return pd.DataFrame(
        {
            "interval": (arrival // model.interval_s).astype(np.int64),
            "type_idx": ctype,
            "group_idx": group,
            "site_idx": np.where(group >= 0, model.group_site[np.maximum(group, 0)], -1),
            "offered": 1,
            "queued": np.isfinite(queued),
            "answered": answered_ok,
            "completed": completed,
            "abandoned": abandoned,
            "blocked": status == BLOCKED,
            "waiting_end": waiting_end,
            "in_service_end": status == IN_SERVICE,
            "within": answered_ok & ~over,
            "missed": (answered_ok | abandoned | waiting_end) & over,
            "short_abandon": abandoned & ~over,
            "wait_answered_s": np.where(answered_ok, wait, 0.0),
            "handle_s": handled,
            "acw_s": np.where(completed, log.acw_s[keep], 0.0),
            "resolved_by_agent": log.resolved[keep] == 1,
            "bot_sessions": in_bot > 0,
            "bot_resolved": status == BOT_RESOLVED,
            "bot_escalated": (in_bot > 0) & np.isfinite(queued),
            "repeats": log.origin[keep] == REPEAT,
            "redials": log.origin[keep] == REDIAL,
            "callbacks_accepted": callback,
            "callbacks_completed": callback & completed,
            "callbacks_on_time": on_time,
            "voice_minutes": np.where(voice, line_s / 60, 0.0),
        }
    )
