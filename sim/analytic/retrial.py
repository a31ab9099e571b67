"""Retrial queues: blocked callers join an "orbit" and redial after Exp(gamma) times.

There is no waiting room: a caller (fresh or retrying) who finds all agents busy goes
(back) to the orbit; each orbiting caller retries at rate ``gamma`` independently
(classical linear retrial policy).

* M/M/1: Falin & Templeton (1997) give ``E[orbit] = rho^2/(1-rho) + lam rho/(gamma (1-rho))``
  with ``rho = lam/mu``; the agent is busy with probability ``rho`` and, by PASTA, that is
  also the chance a first attempt is blocked.
* M/M/c: no closed form; the chain on (busy agents, orbit size) is truncated at an
  orbit size whose probability is below 1e-18 and solved by linear level reduction
  (fresh calls move the orbit up only from the all-busy state, so each level's
  distribution is a fixed vector times the all-busy probability one level down).

Both require ``lam < c mu``.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from numpy.typing import ArrayLike

from sim.analytic._numerics import out
from sim.analytic.erlang import check_agents, check_nonneg


def retrial_mm1_metrics(
    arrival_rate: ArrayLike, service_rate: ArrayLike, retrial_rate: ArrayLike
) -> dict[str, np.ndarray]:
    """M/M/1 retrial queue (closed form); ``retrial_rate`` is per orbiting caller.

    Keys: mean_orbit, mean_orbit_time (E[time in orbit] = mean_orbit/lam), p_busy,
    p_first_attempt_blocked, mean_in_system.
    """
    lam, mu, gamma = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        check_nonneg("retrial_rate", retrial_rate, positive=True),
    )
    rho = lam / mu
    stable = rho < 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        orbit = np.where(stable, rho**2 / (1 - rho) + lam * rho / (gamma * (1 - rho)), np.inf)
        orbit_time = np.where(lam > 0, orbit / np.where(lam > 0, lam, 1.0), 0.0)
        orbit_time = np.where(stable, orbit_time, np.inf)
    p_busy = np.minimum(rho, 1.0)
    return {
        "mean_orbit": out(orbit),
        "mean_orbit_time": out(orbit_time),
        "p_busy": out(p_busy),
        "p_first_attempt_blocked": out(p_busy),
        "mean_in_system": out(orbit + p_busy),
    }


def _solve_mmc_retrial(lam: float, mu: float, gamma: float, c: int, top: int) -> np.ndarray:
    """Stationary pi[j, i] (j in orbit, i busy agents), orbit truncated at ``top``.

    Levels j only move up through state (c, j), so pi_{j+1} = pi_j[c] * r_{j+1}; the
    vectors r_j come from a backward recursion (linear level reduction), O(top c^3).
    """
    i = np.arange(c + 1)
    base = np.zeros((c + 1, c + 1))
    base[i[:-1], i[:-1] + 1] = lam
    base[i[1:], i[1:] - 1] = i[1:] * mu
    r = np.zeros((top + 2, c + 1))
    e_c = np.zeros(c + 1)
    e_c[c] = 1.0
    for j in range(top, -1, -1):
        m = base.copy()
        out_rate = lam * ((i < c) | (j < top)) + i * mu + j * gamma * (i < c)
        m[i, i] = -out_rate
        # Retrials from level j+1: (k, j+1) -> (k+1, j), folded into row c.
        m[c, 1:] += r[j + 1, :-1] * (j + 1) * gamma
        if j > 0:
            r[j] = linalg.solve(m.T, -lam * e_c, check_finite=False)
        else:
            a = m.T.copy()
            a[0, :] = 1.0
            r[0] = linalg.solve(a, np.eye(c + 1)[0], check_finite=False)
    pi = np.zeros((top + 1, c + 1))
    pi[0] = r[0]
    for j in range(1, top + 1):
        pi[j] = pi[j - 1, c] * r[j]
        total = pi[j].sum()
        if total > 1e100:  # rescale to avoid overflow; only ratios matter
            pi[: j + 1] /= total
    pi = np.maximum(pi, 0.0)
    return pi / pi.sum()


def retrial_mmc_metrics(
    arrival_rate: float,
    service_rate: float,
    retrial_rate: float,
    agents: int,
    tail_mass: float = 1e-18,
) -> dict[str, float]:
    """M/M/c retrial queue without waiting room, by a truncated-orbit CTMC (scalars only).

    Keys: mean_orbit, mean_orbit_time, mean_busy_agents (= lam/mu), p_all_busy_time_avg
    (also the first-attempt blocking probability), truncation_level.
    """
    lam = float(check_nonneg("arrival_rate", arrival_rate))
    mu = float(check_nonneg("service_rate", service_rate, positive=True))
    gamma = float(check_nonneg("retrial_rate", retrial_rate, positive=True))
    c = int(check_agents(agents))
    if c < 1 or lam >= c * mu:
        raise ValueError("need agents >= 1 and arrival_rate < agents * service_rate")
    top = max(64, int(4 * lam / gamma) + 64)
    while True:
        pi = _solve_mmc_retrial(lam, mu, gamma, c, top)
        orbit_marginal = pi.sum(axis=1)
        if orbit_marginal[-max(1, top // 8) :].sum() < tail_mass or top > 5_000_000:
            break
        top *= 2
    mean_orbit = float(orbit_marginal @ np.arange(top + 1))
    return {
        "mean_orbit": mean_orbit,
        "mean_orbit_time": mean_orbit / lam if lam > 0 else 0.0,
        "mean_busy_agents": float(pi.sum(axis=0) @ np.arange(c + 1)),
        "p_all_busy_time_avg": float(pi[:, c].sum()),
        "truncation_level": top,
    }
