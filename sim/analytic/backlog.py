"""Deferred work (email, social): agents needed to clear each contact within its SLA window.

Email does not queue for an idle agent the way calls do: it can wait, but each item must be
handled within ``sla_s`` of its arrival, and only while the center is open. The fluid plan used
here spreads the work of each arrival interval ``j`` evenly over the *open* time of its window
``[arrival, arrival + sla]`` (arrivals at the middle of the interval). Serving in
earliest-deadline order, that plan finishes every item by its deadline, and it is the least
peaked of such plans for a single interval's work: ``agents_k = open_k sum_j cover_{k-j}
w_j / (interval_s D_j)``, with ``w_j`` the work (agent-seconds) arriving in ``j`` and ``D_j`` the
open time (in intervals) inside its window.

Work whose whole window is closed (an email on Saturday night with a 4-hour SLA and the
center closed until Monday) cannot meet its SLA: it is done in the first open interval after
its arrival and counted as ``late_work_s``. Windows running past the end of the horizon
assume the last day's opening hours repeat, so the last day's work is not crammed into the
final hours. The result is fractional agents (a fluid bound, no randomness).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAY_S = 86_400


@dataclass(frozen=True)
class BacklogPlan:
    """Fractional agents per interval and the work that cannot meet its SLA."""

    agents: np.ndarray  # (..., intervals)
    late_work_s: np.ndarray  # (...,)


def _cover(interval_s: float, sla_s: float) -> np.ndarray:
    """Share of each interval k = j, j+1, ... inside the window of an arrival mid-interval j."""
    end = 0.5 + sla_s / interval_s  # window end, in intervals from the start of j
    n = int(np.ceil(end))
    k = np.arange(n, dtype=float)
    return np.clip(np.minimum(k + 1.0, end) - np.maximum(k, 0.5), 0.0, 1.0)


def backlog_agents(
    work_s: np.ndarray, open_share: np.ndarray, interval_s: float, sla_s: float
) -> BacklogPlan:
    """Agents per interval that clear each interval's work within sla_s, in open time only.

    ``work_s`` (..., intervals): agent-seconds of work arriving per interval; ``open_share``
    (intervals,) or same shape: share of each interval during which work can be done.
    """
    work = np.atleast_2d(np.asarray(work_s, dtype=float))
    if np.any(work < 0) or sla_s <= 0 or interval_s <= 0:
        raise ValueError("need work_s >= 0, sla_s > 0 and interval_s > 0")
    open_ = np.broadcast_to(np.clip(np.asarray(open_share, dtype=float), 0, 1), work.shape)
    n_int = work.shape[-1]
    cover = _cover(interval_s, sla_s)
    per_day = max(int(round(DAY_S / interval_s)), 1)
    agents = np.zeros_like(work)
    late = np.zeros(work.shape[0])
    for row in range(work.shape[0]):
        o = _extend(open_[row], len(cover), per_day)
        # D_j = sum_k cover_k open_{j+k}
        d = np.correlate(o, cover, mode="full")[len(cover) - 1 : len(cover) - 1 + n_int]
        w = work[row]
        ok = d > 1e-12
        rate = np.where(ok, w / (interval_s * np.where(ok, d, 1.0)), 0.0)
        spread = np.convolve(rate, cover)[:n_int]
        agents[row] = open_[row] * spread
        for j in np.flatnonzero(~ok & (w > 0)):
            later = np.flatnonzero(open_[row, j:] > 0)
            late[row] += w[j]
            if later.size:
                k = j + later[0]
                agents[row, k] += w[j] / (interval_s * open_[row, k])
    shape = np.shape(work_s)
    return BacklogPlan(agents.reshape(shape), late.reshape(shape[:-1]))


def _extend(open_: np.ndarray, extra: int, per_day: int) -> np.ndarray:
    """Open shares padded past the end by repeating the last day (windows past the horizon)."""
    last_day = open_[-per_day:] if open_.size >= per_day else open_
    reps = int(np.ceil(extra / max(last_day.size, 1))) + 1
    return np.concatenate([open_, np.tile(last_day, reps)[:extra]])
