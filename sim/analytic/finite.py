"""M/M/n/K: Erlang C with a finite number of lines (busy signal when K are in system).

States ``j = 0..K`` form a birth-death chain; ``pi_j`` is proportional to ``a^j/j!`` for
``j <= n`` and to ``pi_n rho^(j-n)`` above, with ``a = lam/mu`` and ``rho = a/n``. The
lower block sums to ``pi_n / B(n, a)`` (Erlang B), the upper block is a truncated
geometric series, so every metric has a closed form. Sums are taken in log space with
``s = log rho`` so loads far from ``n`` and long line pools neither overflow nor cancel.

By PASTA an arrival is blocked with probability ``pi_K`` and must wait (admitted, all
agents busy) with probability ``sum_{j=n}^{K-1} pi_j``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.analytic._numerics import log_inv_b_minus_1, out
from sim.analytic.erlang import check_agents, check_nonneg


def _log_geom(s: np.ndarray, m: np.ndarray) -> np.ndarray:
    """log(sum_{i=0}^{m-1} e^{i s}) for integer m >= 0 (-inf when m = 0)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pos = m * s + np.log(-np.expm1(-m * s)) - s - np.log(-np.expm1(-s))
        neg = np.log(-np.expm1(m * s)) - np.log(-np.expm1(s))
        res = np.where(s > 0, pos, neg)
        res = np.where(s == 0, np.log(m), res)
        res = np.where(s == -np.inf, 0.0, res)
    return np.where(m <= 0, -np.inf, res)


def _truncated_geom_mean(s: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Mean of i under weights e^{i s} on i = 0..m, stable as s -> 0 and for large |s|."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = (m + 1.0) * s
        direct = 1.0 / np.expm1(-s) - (m + 1.0) / np.expm1(-u)
        direct = np.where(s == -np.inf, 0.0, direct)

        def reg(v: np.ndarray) -> np.ndarray:
            v2 = v * v
            return v * (1 / 12 - v2 * (1 / 720 - v2 * (1 / 30240 - v2 / 1209600)))

        series = m / 2.0 + reg(-s) - (m + 1.0) * reg(-u)
    return np.where(np.abs(u) < 1e-2, series, direct)


def mmnk_metrics(
    arrival_rate: ArrayLike, service_rate: ArrayLike, agents: ArrayLike, lines: ArrayLike
) -> dict[str, np.ndarray]:
    """Exact M/M/n/K KPIs with ``lines`` = K >= agents >= 1 (system capacity).

    Keys: p_block, p_wait_arriving (P(admitted and all agents busy)), p_wait_admitted
    (same, given admitted), mean_queue_len, mean_in_system, mean_wait_admitted (E[W] of
    admitted calls), occupancy.
    """
    lam, mu, n, k = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        check_agents(agents),
        check_agents(lines),
    )
    if np.any(n < 1) or np.any(k < n):
        raise ValueError("need 1 <= agents <= lines")
    a = lam / mu
    m = k - n
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(a / n)
        log_inv_b = np.logaddexp(0.0, log_inv_b_minus_1(n, a))
        log_g1 = s + _log_geom(s, m)  # log sum_{i=1}^{m} rho^i
        log_pn = -np.logaddexp(log_inv_b, np.where(m > 0, log_g1, -np.inf))
        p_upper = np.exp(log_pn + _log_geom(s, m + 1.0))  # P(j >= n)
        p_block = np.exp(log_pn + np.where(m > 0, m * s, 0.0))
        p_wait = np.where(m > 0, np.maximum(p_upper - p_block, 0.0), 0.0)
        lq = p_upper * _truncated_geom_mean(s, m)
        admitted = lam * (1.0 - p_block)
        idle = lam <= 0
        res = {
            "p_block": p_block,
            "p_wait_arriving": p_wait,
            "p_wait_admitted": p_wait / (1.0 - p_block),
            "mean_queue_len": lq,
            "mean_in_system": lq + admitted / mu,
            "mean_wait_admitted": np.where(idle, 0.0, lq / np.where(idle, 1.0, admitted)),
            "occupancy": admitted / (n * mu),
        }
    return {key: out(np.where(idle, 0.0, v)) for key, v in res.items()}
