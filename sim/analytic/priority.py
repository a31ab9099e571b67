"""M/M/c with several priority classes sharing one exponential service rate.

Class 1 has the highest priority. With ``sigma_k = (lam_1 + ... + lam_k)/(c mu)`` and
``C`` the Erlang C probability of waiting at the total load:

* Non-preemptive (head of the line), Cobham (1954): an arrival of class ``k`` waits on
  average ``W_k = C / (c mu (1 - sigma_{k-1}) (1 - sigma_k))``.
* Preemptive resume: class ``k`` is invisible to classes ``1..k-1``, and with equal
  service rates the number of class ``1..k`` customers behaves like an FCFS M/M/c with
  arrival rate ``Lambda_k = lam_1 + ... + lam_k``. So
  ``T_k = (L(Lambda_k) - L(Lambda_{k-1})) / lam_k`` by Little's law.

A class whose cumulative load reaches ``c mu`` has infinite waits; classes above it stay
finite (the servers are then always busy, so ``C = 1`` in Cobham's formula).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sim.analytic._numerics import out
from sim.analytic.erlang import _c_metrics, _erlang_b, _erlang_c, check_agents, check_nonneg


def _mean_in_system(lam: np.ndarray, mu: np.ndarray, c: np.ndarray) -> np.ndarray:
    return _c_metrics(lam, mu, c, np.zeros_like(lam))["mean_in_system"]


def _dl_dlam(lam: np.ndarray, mu: np.ndarray, c: np.ndarray) -> np.ndarray:
    """dL/dlam of M/M/c: the sojourn of a vanishing class just below load lam."""
    a = lam / mu
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b = _erlang_b(c, a)
        db = b * (c / a - 1.0 + b)
        rho = a / c
        d = 1.0 - rho + rho * b
        big_c = b / d
        dc = (db * d - b * (-1.0 / c + b / c + rho * db)) / d**2
        dlq = dc * a / (c - a) + big_c * c / (c - a) ** 2
        res = (dlq + 1.0) / mu
    # Vanishing load: L = a/(1-a) + O(a^2) for one agent, a + O(a^2) for more.
    tiny = np.where(c == 1, 1.0 / (mu * (1.0 - a) ** 2), 1.0 / mu)
    return np.where(a > 1e-10, res, tiny)


def priority_mmc_metrics(
    arrival_rates: Sequence[ArrayLike], service_rate: ArrayLike, agents: ArrayLike
) -> dict[str, np.ndarray]:
    """Per-class mean waits and sojourns; first axis of each result is the class (1 first).

    Keys: wq, sojourn (non-preemptive), wq_preemptive (sojourn minus mean service) and
    sojourn_preemptive (preemptive resume).
    """
    if len(arrival_rates) < 1:
        raise ValueError("need at least one class")
    arrays = np.broadcast_arrays(
        check_nonneg("service_rate", service_rate, positive=True),
        check_agents(agents),
        *(check_nonneg("arrival_rates", r) for r in arrival_rates),
    )
    mu, c, lams = arrays[0], arrays[1], np.stack(arrays[2:])
    if np.any(c < 1):
        raise ValueError("agents must be >= 1")
    cap = c * mu
    cum = np.cumsum(lams, axis=0)
    sigma = cum / cap
    sigma_prev = np.concatenate([np.zeros_like(sigma[:1]), sigma[:-1]])
    p_wait = _erlang_c(c, np.minimum(cum[-1] / mu, c))
    with np.errstate(divide="ignore", invalid="ignore"):
        wq = np.where(sigma < 1.0, p_wait / (cap * (1.0 - sigma_prev) * (1.0 - sigma)), np.inf)
        levels = np.concatenate([np.zeros_like(cum[:1]), cum])
        big_l = np.stack([_mean_in_system(lv, mu, c) for lv in levels])
        # A tiny class would lose digits in the difference: use dL/dLambda at the midpoint
        # (exact limit for a zero rate, O(lam_k^2) error otherwise).
        tiny = lams < 1e-5 * cap
        mid = np.stack(
            [_dl_dlam(lv + 0.5 * lk, mu, c) for lv, lk in zip(levels[:-1], lams, strict=True)]
        )
        soj_p = np.where(tiny, mid, (big_l[1:] - big_l[:-1]) / np.where(tiny, 1.0, lams))
        soj_p = np.where(sigma < 1.0, soj_p, np.inf)
    return {
        "wq": out(wq),
        "sojourn": out(wq + 1.0 / mu),
        "wq_preemptive": out(soj_p - 1.0 / mu),
        "sojourn_preemptive": out(soj_p),
    }
