"""Vectorised search for the smallest agent count meeting a monotone target.

Staffing questions ("fewest agents with service level >= 80 %") are searches over an
integer ``n`` for a predicate that is false below some threshold and true from it on.
``min_feasible`` runs that search for a whole array of independent problems at once
(e.g. 336 half-hours x 24 queues): it gallops upward from a known-infeasible ``n`` to
bracket the threshold, then bisects. Each round evaluates the predicate only on the
problems not yet settled, so the cost is ``O(log n)`` vectorised formula calls.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Predicate = Callable[[np.ndarray, np.ndarray], np.ndarray]


def min_feasible(
    feasible: Predicate,
    lo: np.ndarray,
    step: np.ndarray,
    max_agents: int = 10**8,
) -> np.ndarray:
    """Smallest integer n > lo with feasible(n, idx) true, per flat problem index.

    ``feasible(n, idx)`` gets candidate counts and the flat indices of the problems they
    belong to; ``lo`` must be infeasible (or -1) and the predicate monotone in n.
    """
    lo = np.asarray(lo, dtype=np.int64).ravel().copy()
    step = np.maximum(np.asarray(step, dtype=np.int64).ravel(), 1)
    step = np.broadcast_to(step, lo.shape).copy()
    hi = np.empty_like(lo)
    # Gallop: try lo + step, doubling the step while infeasible.
    idx = np.arange(lo.size)
    while idx.size:
        cand = lo[idx] + step[idx]
        if np.any(cand > max_agents):
            raise ValueError(f"no feasible agent count up to {max_agents}")
        ok = np.asarray(feasible(cand, idx), dtype=bool)
        hi[idx[ok]] = cand[ok]
        bad = idx[~ok]
        lo[bad] = cand[~ok]
        step[bad] *= 2
        idx = bad
    # Bisect on (lo, hi]: lo infeasible, hi feasible.
    idx = np.flatnonzero(hi - lo > 1)
    while idx.size:
        mid = (lo[idx] + hi[idx]) // 2
        ok = np.asarray(feasible(mid, idx), dtype=bool)
        hi[idx[ok]] = mid[ok]
        lo[idx[~ok]] = mid[~ok]
        idx = idx[hi[idx] - lo[idx] > 1]
    return hi
