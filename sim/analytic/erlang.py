"""Erlang B and Erlang C: the M/M/n/n loss system and the M/M/n delay system.

With Poisson arrivals (rate ``lam``), exponential handling times (rate ``mu``) and ``n``
agents, the offered load is ``a = lam/mu`` Erlangs.

* Erlang B, ``B(n, a)``, is the probability that an arrival finds all ``n`` agents busy
  when blocked calls are lost.
* Erlang C, ``C(n, a)``, is the probability that an arrival must wait when calls queue
  FCFS with infinite patience. It follows from B without cancellation via
  ``1/C = 1 + (1 - rho) (1/B - 1)``, ``rho = a/n``; for ``rho >= 1`` the queue is
  unstable and every call waits.
* Waiting time given a wait is exponential with rate ``n mu - lam``, so
  ``P(W <= t) = 1 - C exp(-(n mu - lam) t)`` and ``E[W] = C / (n mu - lam)``.

``1/B - 1`` is evaluated in log space (see ``_numerics``), so the formulas are exact to
about 1e-13 for tens of thousands of agents. Inputs broadcast like numpy ufuncs;
``agents`` must hold whole numbers. Zero load gives zero waiting and ``B = C = 0``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from sim.analytic._numerics import as_float, log_inv_b_minus_1, out
from sim.analytic.search import min_feasible


def check_agents(agents: ArrayLike) -> np.ndarray:
    """Validate an agent count array (non-negative whole numbers) and return it as float."""
    n = as_float(agents)
    if np.any(n < 0) or np.any(n != np.floor(n)):
        raise ValueError("agents must be non-negative whole numbers")
    return n


def check_nonneg(name: str, value: ArrayLike, positive: bool = False) -> np.ndarray:
    """Validate a rate or time array (>= 0, or > 0 when ``positive``) and return it as float."""
    v = as_float(value)
    bad = (v <= 0) if positive else (v < 0)
    if np.any(bad) or np.any(np.isnan(v)):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}")
    return v


def _erlang_b(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    lr = log_inv_b_minus_1(n, a)
    return np.where(a > 0, special.expit(-lr), 0.0)


def _erlang_c(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(n > 0, a / np.where(n > 0, n, 1.0), np.inf)
        lr = log_inv_b_minus_1(n, a)
        c = special.expit(-(lr + np.log1p(-np.minimum(rho, 1.0))))
    return np.where(a <= 0, 0.0, np.where(rho < 1.0, c, 1.0))


def erlang_b(agents: ArrayLike, load: ArrayLike) -> np.ndarray:
    """Blocking probability of M/M/n/n with ``agents`` servers and ``load`` Erlangs."""
    n, a = np.broadcast_arrays(check_agents(agents), check_nonneg("load", load))
    return out(_erlang_b(n, a))


def erlang_c(agents: ArrayLike, load: ArrayLike) -> np.ndarray:
    """Probability of waiting P(W > 0) in M/M/n (1 when load >= agents, 0 at zero load)."""
    n, a = np.broadcast_arrays(check_agents(agents), check_nonneg("load", load))
    return out(_erlang_c(n, a))


def _inputs(
    arrival_rate: ArrayLike, service_rate: ArrayLike, agents: ArrayLike, *extra: ArrayLike
) -> list[np.ndarray]:
    lam = check_nonneg("arrival_rate", arrival_rate)
    mu = check_nonneg("service_rate", service_rate, positive=True)
    n = check_agents(agents)
    rest = [check_nonneg("awt", e) for e in extra]
    return list(np.broadcast_arrays(lam, mu, n, *rest))


def _c_metrics(lam: np.ndarray, mu: np.ndarray, n: np.ndarray, t: np.ndarray) -> dict:
    """Erlang C metrics on already-broadcast float arrays."""
    a = lam / mu
    excess = n * mu - lam
    stable = excess > 0
    idle = lam <= 0
    c = _erlang_c(n, a)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mwgw = np.where(stable, 1.0 / np.where(stable, excess, 1.0), np.inf)
        asa = np.where(stable, c * mwgw, np.inf)
        sl = np.where(stable, 1.0 - c * np.exp(-np.where(stable, excess, 0.0) * t), 0.0)
        lq = np.where(stable, lam * asa, np.inf)
        occ = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), 0.0)
    zero_n = np.where(n > 0, 1.0 / (np.where(n > 0, n, 1.0) * mu), 0.0)
    return {
        "erlang_b": _erlang_b(n, a),
        "p_wait": np.where(idle, 0.0, c),
        "asa": np.where(idle, 0.0, asa),
        "mean_wait_given_wait": np.where(idle, zero_n, mwgw),
        "service_level": np.where(idle, 1.0, sl),
        "mean_queue_len": np.where(idle, 0.0, lq),
        "mean_in_system": np.where(idle, 0.0, lq + a),
        "occupancy": np.where(idle, 0.0, occ),
    }


def erlang_c_metrics(
    arrival_rate: ArrayLike, service_rate: ArrayLike, agents: ArrayLike, awt: ArrayLike
) -> dict[str, np.ndarray]:
    """All standard M/M/n (Erlang C) KPIs; ``awt`` is the service-level threshold time.

    Keys: erlang_b, p_wait, asa (E[W] over all calls), mean_wait_given_wait,
    service_level (P(W <= awt)), mean_queue_len, mean_in_system, occupancy.
    Unstable load (lam >= n mu) gives p_wait=1, asa=inf, service_level=0.
    """
    lam, mu, n, t = _inputs(arrival_rate, service_rate, agents, awt)
    return {k: out(v) for k, v in _c_metrics(lam, mu, n, t).items()}


def littles_law_mmn(
    arrival_rate: ArrayLike, service_rate: ArrayLike, agents: ArrayLike
) -> dict[str, np.ndarray]:
    """Lq, Wq, L, W of M/M/n, tied together by Little's law (L = lam W, Lq = lam Wq)."""
    lam, mu, n = _inputs(arrival_rate, service_rate, agents)
    m = _c_metrics(lam, mu, n, np.zeros_like(lam))
    wq = m["asa"]
    return {
        "Lq": out(m["mean_queue_len"]),
        "Wq": out(wq),
        "L": out(m["mean_in_system"]),
        "W": out(wq + 1.0 / mu),
    }


def _check_target(name: str, target: ArrayLike) -> np.ndarray:
    v = as_float(target)
    if np.any(~((v > 0) & (v < 1))):
        raise ValueError(f"{name} must lie strictly between 0 and 1")
    return v


def _search_c(lam: np.ndarray, mu: np.ndarray, ok_fn, max_occupancy: float | None) -> np.ndarray:
    """Shared Erlang C staffing search: smallest n with ok_fn(n, idx) (and occupancy cap)."""
    a = (lam / mu).ravel()
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must lie in (0, 1]")

    def feasible(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        ok = (n * mu.ravel()[idx] > lam.ravel()[idx]) & ok_fn(n.astype(float), idx)
        if max_occupancy is not None:
            ok &= a[idx] <= max_occupancy * n
        return ok

    res = np.zeros(a.shape, dtype=np.int64)
    busy = np.flatnonzero(a > 0)
    if busy.size:

        def sub(n: np.ndarray, j: np.ndarray) -> np.ndarray:
            return feasible(n, busy[j])

        lo = np.floor(a[busy]).astype(np.int64)
        step = np.ceil(np.sqrt(a[busy])).astype(np.int64)
        res[busy] = min_feasible(sub, lo, step)
    return res.reshape(lam.shape)


def erlang_c_min_agents(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    awt: ArrayLike,
    sl_target: ArrayLike,
    max_occupancy: float | None = None,
) -> np.ndarray:
    """Smallest n with Erlang C service level P(W <= awt) >= sl_target (exact search).

    Optionally also requires occupancy lam/(n mu) <= ``max_occupancy``. Zero load -> 0.
    """
    lam, mu, t, tgt = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        check_nonneg("awt", awt),
        _check_target("sl_target", sl_target),
    )
    lf, mf, tf, gf = lam.ravel(), mu.ravel(), t.ravel(), tgt.ravel()

    def ok(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        m = _c_metrics(lf[idx], mf[idx], n, tf[idx])
        return m["service_level"] >= gf[idx]

    return out(_search_c(lam, mu, ok, max_occupancy))


def erlang_c_min_agents_asa(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    asa_target: ArrayLike,
    max_occupancy: float | None = None,
) -> np.ndarray:
    """Smallest n with Erlang C mean wait over all calls E[W] <= asa_target. Zero load -> 0."""
    lam, mu, tgt = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        check_nonneg("asa_target", asa_target, positive=True),
    )
    lf, mf, gf = lam.ravel(), mu.ravel(), tgt.ravel()

    def ok(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        m = _c_metrics(lf[idx], mf[idx], n, np.zeros_like(n))
        return m["asa"] <= gf[idx]

    return out(_search_c(lam, mu, ok, max_occupancy))


def erlang_c_min_agents_pwait(
    arrival_rate: ArrayLike, service_rate: ArrayLike, pwait_target: ArrayLike
) -> np.ndarray:
    """Smallest n with Erlang C probability of waiting P(W > 0) <= pwait_target."""
    lam, mu, tgt = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        _check_target("pwait_target", pwait_target),
    )
    lf, mf, gf = lam.ravel(), mu.ravel(), tgt.ravel()

    def ok(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return _erlang_c(n, lf[idx] / mf[idx]) <= gf[idx]

    return out(_search_c(lam, mu, ok, None))
