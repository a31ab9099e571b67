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


def _level_vector(lam: float, mu: float, exit_rate: float, g: list[float], c: int) -> list[float]:
    """Expected time in each busy-count state of one orbit level per unit of inflow into c.

    GTH-style state elimination (only sums and products of positive rates, so no
    cancellation): states 0..c-1 are censored in turn, leaving state c, then the times
    are recovered by back-substitution. ``g[k]`` is the rate from state c to state k via
    the levels above; ``exit_rate`` (j gamma) leaves the level from states below c. With
    ``exit_rate = 0`` the result is the (unnormalised) stationary vector of the level.
    """
    d = [0.0] * c
    gs = [0.0] * c
    exit_acc = exit_rate
    carry = 0.0  # rate c -> current state accumulated through censored states
    exit_c = 0.0
    for s in range(c):
        if s > 0:
            exit_acc = exit_rate + s * mu * exit_acc / d[s - 1]
        carry = g[s] + carry + (c * mu if s == c - 1 else 0.0)
        gs[s] = carry
        d[s] = lam + exit_acc
        exit_c += carry * exit_acc / d[s]
        carry = carry * lam / d[s]
    x = [0.0] * (c + 1)
    x[c] = lam / exit_c if exit_c > 0 else 1.0
    x[c - 1] = x[c] * gs[c - 1] / d[c - 1]
    for s in range(c - 2, -1, -1):
        x[s] = (x[s + 1] * (s + 1) * mu + x[c] * gs[s]) / d[s]
    return x


def _solve_mmc_retrial(lam: float, mu: float, gamma: float, c: int, top: int) -> np.ndarray:
    """Stationary pi[j, i] (j in orbit, i busy agents), orbit truncated at ``top``.

    Levels only move up through state (c, j), so pi_{j+1} = pi_j[c] r_{j+1}; the vectors
    r_j come from a backward recursion over levels (linear level reduction).
    """
    r = np.zeros((top + 2, c + 1))
    for j in range(top, -1, -1):
        # Returns from level j+1: (k, j+1) -> (k+1, j) at rate (j+1) gamma, per unit of pi(c, j).
        back = r[j + 1] * (j + 1) * gamma
        g = [0.0] + [float(v) for v in back[: c - 1]]
        r[j] = _level_vector(lam, mu, j * gamma, g, c)
    pi = np.zeros((top + 1, c + 1))
    pi[0] = r[0]
    for j in range(1, top + 1):
        pi[j] = pi[j - 1, c] * r[j]
        total = pi[j].sum()
        if total > 1e100:  # rescale to avoid overflow; only ratios matter
            pi[: j + 1] /= total
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
