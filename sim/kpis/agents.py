"""Agent time per interval: logged-in time and busy time, for occupancy.

Each agent's sessions and busy periods are step functions in time; their integral over each
reporting interval comes from the cumulative area under the count of overlapping periods, so the
cost is O(periods log periods), not periods x intervals.
"""

from __future__ import annotations

import numpy as np

from sim.engine.log import ContactLog
from sim.model import CHAT, Model


def busy_periods(log: ContactLog, model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, agent) of busy time: non-chat services with their after-call work, and
    periods holding any chat (after-call work on chats holds its slot)."""
    served = np.isfinite(log.answer_s) & (model.type_channel[log.type_idx] != CHAT)
    end = np.minimum(log.end_s[served] + log.acw_s[served], log.end_time_s)
    return (
        np.concatenate([log.answer_s[served], log.chat_busy_start_s]),
        np.concatenate([end, log.chat_busy_end_s]),
        np.concatenate([log.agent[served], log.chat_busy_agent]),
    )


def time_in_intervals(
    starts: np.ndarray, ends: np.ndarray, keys: np.ndarray, n_keys: int, edges: np.ndarray
) -> np.ndarray:
    """Seconds of the periods [start, end) in each interval, per key: shape (n_keys, intervals)."""
    out = np.zeros((n_keys, len(edges) - 1))
    for k in range(n_keys):
        sel = keys == k
        if not sel.any():
            continue
        out[k] = np.diff(_cumulative_area(starts[sel], ends[sel], edges))
    return out


def _cumulative_area(starts: np.ndarray, ends: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Integral from -inf to each `at` of the number of periods open at that time."""
    times = np.concatenate([starts, ends])
    deltas = np.concatenate([np.ones(len(starts)), -np.ones(len(ends))])
    order = np.argsort(times, kind="stable")
    times, deltas = times[order], deltas[order]
    level = np.cumsum(deltas)
    area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(times))])
    return np.interp(at, times, area, left=0.0, right=area[-1])


def chat_busy_time(agent: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """Total time agents held at least one chat (the union of each agent's chat intervals).

    Vectorised over all agents at once: times are replaced by their ranks (exact, ties kept) and
    each agent's ranks shifted above the previous agent's, so one running maximum finds where
    every agent's busy blocks start without mixing agents.
    """
    if len(agent) == 0:
        return 0.0
    order = np.lexsort((start, agent))
    agent, start, end = agent[order], start[order], end[order]
    n = len(agent)
    uniq, rank = np.unique(np.concatenate([start, end]), return_inverse=True)
    seq = np.concatenate([[0], np.cumsum(agent[1:] != agent[:-1])]).astype(np.int64)
    shift = seq * (len(uniq) + 1)
    reach = np.maximum.accumulate(rank[n:] + shift)
    new_block = np.concatenate([[True], rank[1:n] + shift[1:] > reach[:-1]])
    first = np.flatnonzero(new_block)
    return float(np.sum(np.maximum.reduceat(end, first) - start[first]))
