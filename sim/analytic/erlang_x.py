"""Erlang X-style staffing: Erlang A plus redials and forecast uncertainty.

Koole's "Erlang X" calculator extends Erlang A (exponential patience, rate ``theta``) with two
facts planners face:

* **Redials.** A caller who abandons tries again with probability ``r``, so agents see a
  larger offered rate ``lam_eff`` solving the fixed point
  ``lam_eff = lam + r lam_eff P_ab(lam_eff, n)``. It is found by the monotone iteration
  ``lam_{k+1} = lam / (1 - r P_ab(lam_k, n))`` from ``lam_0 = lam`` (``P_ab`` grows with the
  rate, so the iterates increase to the smallest fixed point). The queue is treated as
  stationary at ``lam_eff`` (redials arrive later, but in the same busy period).
* **Forecast uncertainty.** The true rate is ``lam F`` with a day factor ``F ~ Gamma`` of mean
  1 and coefficient of variation ``cv``. Every KPI worsens with the rate, so "the target holds
  with probability p" is the same as "the target holds at ``lam F_p``", ``F_p`` the p-quantile
  of F (a chance constraint). ``mode="expected"`` instead asks that the KPI averaged over F
  (Gauss-Laguerre quadrature) meets the target.

With ``r = 0`` and ``cv = 0`` everything reduces to Erlang A (and to Erlang C at ``theta = 0``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from sim.analytic._numerics import out
from sim.analytic.erlang import _check_target, check_agents, check_nonneg
from sim.analytic.erlang_a import _a_metrics
from sim.analytic.search import min_feasible

SL_DEFINITIONS = ("offered", "answered", "abandons_after_threshold", "virtual")
_FIXED_POINT_ITERS = 60
_QUAD_NODES = 24


def service_level(m: dict[str, np.ndarray], definition: str) -> np.ndarray:
    """Service level of Erlang A metrics under one of ccsim's SL definitions (docs/kpis.md).

    offered: P(served, W <= t); answered: P(W <= t | served); abandons_after_threshold:
    answered within t over all but short abandons; virtual: P(V <= t).
    """
    if definition == "offered":
        return m["p_served_within_t"]
    if definition == "answered":
        return m["sl_answered"]
    if definition == "abandons_after_threshold":
        with np.errstate(invalid="ignore", divide="ignore"):
            denom = 1.0 - m["p_abandon_within_t"]
            return np.where(denom > 0, m["p_served_within_t"] / np.where(denom > 0, denom, 1), 1.0)
    if definition == "virtual":
        return m["sl_virtual"]
    raise ValueError(f"sl definition must be one of {SL_DEFINITIONS}")


def forecast_factor(cv: ArrayLike, probability: ArrayLike) -> np.ndarray:
    """p-quantile of a Gamma day factor with mean 1 and coefficient of variation cv (1 at cv=0)."""
    cv, p = np.broadcast_arrays(np.asarray(cv, dtype=float), np.asarray(probability, dtype=float))
    if np.any(cv < 0) or np.any((p <= 0) | (p >= 1)):
        raise ValueError("need cv >= 0 and 0 < probability < 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(cv > 0, 1.0 / np.where(cv > 0, cv, 1.0) ** 2, 1.0)
        q = stats.gamma.ppf(p, shape, scale=1.0 / shape)
    return out(np.where(cv > 0, q, 1.0))


def _effective_metrics(
    lam: np.ndarray, mu: np.ndarray, theta: np.ndarray, n: np.ndarray, t: np.ndarray,
    redial: np.ndarray, exact: bool,
) -> tuple[dict[str, np.ndarray], np.ndarray]:  # fmt: skip
    """Erlang A metrics at the redial fixed-point rate (and that rate)."""
    rate = lam.copy()
    if np.any(redial > 0):
        for _ in range(_FIXED_POINT_ITERS):
            p_ab = _a_metrics(rate, mu, theta, n, t, False)["p_abandon"]
            # An unstable Erlang C row has p_ab = 0 (no patience): redials change nothing there.
            new = lam / np.maximum(1.0 - redial * p_ab, 1e-12)
            if np.allclose(new, rate, rtol=1e-12, atol=0.0):
                rate = new
                break
            rate = new
    return _a_metrics(rate, mu, theta, n, t, exact), rate


def erlang_x_metrics(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    abandon_rate: ArrayLike,
    agents: ArrayLike,
    awt: ArrayLike,
    redial_probability: ArrayLike = 0.0,
) -> dict[str, np.ndarray]:
    """Erlang A KPIs at the redial-inflated rate; adds ``effective_arrival_rate``.

    ``p_abandon`` is per attempt; ``p_abandon_final`` is the share of *callers* who give up
    for good (abandon and do not redial), ``p_abandon_attempt * (1 - r) * lam_eff / lam``.
    """
    arrays = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        check_nonneg("abandon_rate", abandon_rate),
        check_agents(agents),
        check_nonneg("awt", awt),
        _check_prob("redial_probability", redial_probability),
    )
    lam, mu, theta, n, t, r = (np.array(a, dtype=float) for a in arrays)
    m, rate = _effective_metrics(lam, mu, theta, n, t, r, True)
    with np.errstate(invalid="ignore", divide="ignore"):
        final = np.where(lam > 0, m["p_abandon"] * (1 - r) * rate / np.where(lam > 0, lam, 1), 0)
    res = {**m, "effective_arrival_rate": rate, "p_abandon_final": final}
    return {k: out(v) for k, v in res.items()}


def _check_prob(name: str, value: ArrayLike) -> np.ndarray:
    v = np.asarray(value, dtype=float)
    if np.any((v < 0) | (v >= 1)) or np.any(np.isnan(v)):
        raise ValueError(f"{name} must lie in [0, 1)")
    return v


def erlang_x_min_agents(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    abandon_rate: ArrayLike,
    awt: ArrayLike = 0.0,
    sl_target: ArrayLike | None = None,
    abandon_target: ArrayLike | None = None,
    asa_target: ArrayLike | None = None,
    redial_probability: ArrayLike = 0.0,
    forecast_cv: ArrayLike = 0.0,
    probability: float = 0.5,
    mode: str = "quantile",
    sl_definition: str = "offered",
    max_occupancy: float | None = None,
) -> np.ndarray:
    """Fewest agents meeting every given target under redials and forecast uncertainty.

    Targets: service level (under ``sl_definition``) >= ``sl_target``, attempt abandonment
    <= ``abandon_target``, mean wait of answered contacts <= ``asa_target``. ``mode`` is
    "quantile" (targets hold with ``probability``) or "expected" (targets on the mean over F;
    ASA there is infinite unless patience bounds it, so use SL or abandonment targets).
    ``abandon_rate = 0`` rows are Erlang C. Zero load -> 0 agents.
    """
    if sl_target is None and abandon_target is None and asa_target is None:
        raise ValueError("give at least one of sl_target, abandon_target, asa_target")
    if mode not in ("quantile", "expected"):
        raise ValueError("mode must be 'quantile' or 'expected'")
    if sl_definition not in SL_DEFINITIONS:
        raise ValueError(f"sl_definition must be one of {SL_DEFINITIONS}")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must lie in (0, 1]")
    if not 0 < probability < 1:
        raise ValueError("probability must lie strictly between 0 and 1")
    arrays = np.broadcast_arrays(
        check_nonneg("arrival_rate", arrival_rate),
        check_nonneg("service_rate", service_rate, positive=True),
        check_nonneg("abandon_rate", abandon_rate),
        check_nonneg("awt", awt),
        _check_target("sl_target", 0.5 if sl_target is None else sl_target),
        _check_target("abandon_target", 0.5 if abandon_target is None else abandon_target),
        check_nonneg("asa_target", 1.0 if asa_target is None else asa_target, positive=True),
        _check_prob("redial_probability", redial_probability),
        check_nonneg("forecast_cv", forecast_cv),
    )
    shape = arrays[0].shape
    lam, mu, theta, t, sl, ab, asa, r, cv = (np.array(a, dtype=float).ravel() for a in arrays)
    if mode == "quantile":
        nodes, weights = np.ones((1, lam.size)), np.ones(1)
        lam_design = lam * forecast_factor(cv, probability)
    else:
        nodes, weights = gamma_nodes(cv)
        lam_design = lam
    busy = np.flatnonzero(lam > 0)
    res = np.zeros(lam.size, dtype=np.int64)
    if busy.size == 0:
        return out(res.reshape(shape))

    def feasible(n: np.ndarray, j: np.ndarray) -> np.ndarray:
        i = busy[j]
        nf = n.astype(float)
        ok = np.ones(n.shape, dtype=bool)
        if max_occupancy is not None:
            ok &= lam_design[i] <= max_occupancy * nf * mu[i]
        kpi = {"sl": 0.0, "ab": 0.0, "asa": 0.0}
        for q, w in zip(nodes[:, i], weights, strict=True):
            rate = lam[i] * q if mode == "expected" else lam_design[i]
            m, _ = _effective_metrics(rate, mu[i], theta[i], nf, t[i], r[i], asa_target is not None)
            kpi["sl"] = kpi["sl"] + w * service_level(m, sl_definition)
            kpi["ab"] = kpi["ab"] + w * m["p_abandon"]
            kpi["asa"] = kpi["asa"] + w * m["asa_served"]
        # Without patience an overloaded queue grows without bound (in "expected" mode the
        # unstable quadrature nodes count with service level 0).
        ok &= (theta[i] > 0) | (nf * mu[i] > lam_design[i])
        if sl_target is not None:
            ok &= kpi["sl"] >= sl[i]
        if abandon_target is not None:
            ok &= kpi["ab"] <= ab[i]
        if asa_target is not None:
            ok &= kpi["asa"] <= asa[i]
        return ok

    load = lam_design[busy] / mu[busy]
    lo = np.zeros(busy.size, dtype=np.int64)
    res[busy] = min_feasible(feasible, lo, np.maximum(np.ceil(np.sqrt(load)), 1).astype(np.int64))
    return out(res.reshape(shape))


def gamma_nodes(cv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Generalised Gauss-Laguerre nodes (per problem) and weights for E[g(F)], F ~ Gamma(1, cv)."""
    k = np.where(cv > 0, 1.0 / np.where(cv > 0, cv, 1.0) ** 2, 0.0)
    if np.all(cv == 0):
        return np.ones((1, cv.size)), np.ones(1)
    if np.unique(k).size > 1:
        raise ValueError("mode='expected' needs one forecast_cv for all problems")
    shape = float(k.flat[0])
    x, w = special.roots_genlaguerre(_QUAD_NODES, shape - 1.0)
    w = w / w.sum()
    keep = w > 1e-14
    return (x[keep] / shape)[:, None] * np.ones((1, cv.size)), w[keep]
