"""Per-contact facts the KPIs are built from (one place, so every KPI uses the same definitions).

Service-level outcome of a contact, with threshold T (seconds; the SLA for email/social):
- *within*: answered with wait <= T;
- *missed*: answered with wait > T, abandoned after waiting > T, or still waiting at the end with
  wait > T;
- *short abandon*: abandoned with wait <= T;
- *blocked*: got a busy signal; contacts still waiting less than T at the end are not yet decided.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import ABANDONED, BLOCKED, COMPLETED, IN_SERVICE, WAITING, ContactLog
from sim.model import Model


def contact_frame(log: ContactLog, model: Model) -> pd.DataFrame:
    """One row per contact arriving after the warm-up, with the flags and times KPIs sum up."""
    keep = log.arrival_s >= model.warmup_s
    arrival = log.arrival_s[keep]
    ctype = log.type_idx[keep]
    status = log.status[keep]
    answer = log.answer_s[keep]
    end = log.end_s[keep]
    agent = log.agent[keep]

    answered = np.isfinite(answer)
    handled = np.zeros(len(answer))
    np.subtract(end, answer, out=handled, where=status == COMPLETED)
    completed = status == COMPLETED
    abandoned = status == ABANDONED
    waiting_end = status == WAITING
    wait = np.where(answered, answer - arrival, np.where(abandoned, end - arrival, np.nan))
    wait = np.where(waiting_end, log.end_time_s - arrival, wait)
    threshold = model.sl_threshold_s[ctype]
    over = wait > threshold
    group = np.where(agent >= 0, model.agent_group[np.maximum(agent, 0)], -1)
    return pd.DataFrame(
        {
            "interval": (arrival // model.interval_s).astype(np.int64),
            "type_idx": ctype,
            "group_idx": group,
            "site_idx": np.where(group >= 0, model.group_site[np.maximum(group, 0)], -1),
            "offered": 1,
            "answered": answered,
            "completed": completed,
            "abandoned": abandoned,
            "blocked": status == BLOCKED,
            "waiting_end": waiting_end,
            "in_service_end": status == IN_SERVICE,
            "within": answered & ~over,
            "missed": (answered | abandoned | waiting_end) & over,
            "short_abandon": abandoned & ~over,
            "wait_answered_s": np.where(answered, wait, 0.0),
            "handle_s": handled,
        }
    )
