"""Erlang C staffing for many problems at once, by a vectorised upward recursion.

The smallest ``n`` with ``P(W <= t) >= target`` lies above the stability bound
``n0 = floor(a) + 1`` (``a = lam/mu``), and usually only ``O(sqrt(a))`` steps above it. So:
compute Erlang B at ``n0`` once (for large ``n0`` in log space, ``B = pmf(n0; a) / cdf(n0; a)``
of a Poisson law via the regularised incomplete gamma function; for small ``n0`` by the
recursion from ``B(0) = 1``), then walk up with the stable forward
recursion ``B(n) = a B(n-1) / (n + a B(n-1))`` for all unsettled problems together, checking
``C = n B / (n - a (1 - B))`` and ``SL = 1 - C exp(-(n mu - lam) t)`` at each step.

Each step is a handful of numpy operations on the problems still open, so a week of
half-hours for dozens of queues takes a few milliseconds; the answers are those of
``erlang.erlang_c_min_agents`` (the exhaustive search), which the tests check.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from sim.analytic._numerics import out

_MAX_STEPS = 10_000_000
_RECURSION_MAX_N = 16  # below this, recursing from B(0) beats the gamma function (measured)


def _log_erlang_b(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """log B(n, a) = log pmf(n; a) - log cdf(n; a), stable for large n and a (a > 0)."""
    log_pmf = n * np.log(a) - a - special.gammaln(n + 1.0)
    log_cdf = np.log(special.gammaincc(n + 1.0, a))
    return log_pmf - log_cdf


def _erlang_b_start(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """B(n, a) at each problem's start: the forward recursion from B(0) = 1 for small n
    (a few cheap vector steps), the incomplete gamma function beyond."""
    b = np.ones_like(a)
    small = n <= _RECURSION_MAX_N
    if np.any(small):
        ns, as_ = n[small], a[small]
        bs = np.ones_like(as_)
        for k in range(1, int(ns.max()) + 1):
            step = as_ * bs / (k + as_ * bs)
            bs = np.where(k <= ns, step, bs)
        b[small] = bs
    if not np.all(small):
        b[~small] = np.exp(_log_erlang_b(n[~small], a[~small]))
    return b


def erlang_c_staffing(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    awt: ArrayLike,
    sl_target: ArrayLike,
    max_occupancy: float | None = None,
) -> np.ndarray:
    """Fewest agents with Erlang C P(W <= awt) >= sl_target (and occupancy cap). Zero load -> 0."""
    lam, mu, t, tgt = (
        np.asarray(v, dtype=float)
        for v in np.broadcast_arrays(arrival_rate, service_rate, awt, sl_target)
    )
    if np.any(lam < 0) or np.any(mu <= 0) or np.any(t < 0) or np.any(np.isnan(lam + mu + t)):
        raise ValueError("need arrival_rate >= 0, service_rate > 0 and awt >= 0")
    if np.any(~((tgt > 0) & (tgt < 1))):
        raise ValueError("sl_target must lie strictly between 0 and 1")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must lie in (0, 1]")
    shape = lam.shape
    lam, mu, t, tgt = lam.ravel(), mu.ravel(), t.ravel(), tgt.ravel()
    a = lam / mu
    res = np.zeros(a.size, dtype=np.int64)
    idx = np.flatnonzero(a > 0)
    if idx.size == 0:
        return out(res.reshape(shape))
    ai = a[idx]
    n = np.floor(ai) + 1.0
    if max_occupancy is not None:
        n = np.maximum(n, np.ceil(ai / max_occupancy - 1e-12))
    b = _erlang_b_start(n, ai)
    mu_t = mu[idx] * t[idx]
    goal = tgt[idx]
    for _ in range(_MAX_STEPS):
        c = n * b / (n - ai * (1.0 - b))
        ok = 1.0 - c * np.exp(-(n - ai) * mu_t) >= goal
        if ok.any():
            res[idx[ok]] = n[ok].astype(np.int64)
            keep = ~ok
            idx, ai, n, b, mu_t, goal = (
                idx[keep],
                ai[keep],
                n[keep],
                b[keep],
                mu_t[keep],
                goal[keep],
            )
            if idx.size == 0:
                break
        n = n + 1.0
        b = ai * b / (n + ai * b)
    return out(res.reshape(shape))
