"""Erlang A (Palm's M/M/n+M): Erlang C plus exponential patience with rate ``theta``.

The number in system is a birth-death chain: birth rate ``lam``; death rate ``j mu`` for
``j <= n`` and ``n mu + k theta`` with ``k`` callers queued. With ``x = n mu/theta`` and
``y = lam/theta`` the queue weights are ``w_k = y^k / ((x+1)...(x+k))`` and their sum is
the Kummer function ``A = 1F1(1; x+1; y)``; with ``E = B(n, lam/mu)``,
``P(W > 0) = A E / (1 - E + A E)`` (Garnett, Mandelbaum & Reiman 2002).

An arrival that finds ``k`` queued has virtual wait ``V`` (the wait it would have with
infinite patience) equal to a sum of ``Exp(n mu + i theta)``, ``i = 0..k``, hence
``exp(-theta V) ~ Beta(x, k+1)``. It is served iff ``V < tau``, ``tau ~ Exp(theta)``, and
waits ``W = min(V, tau)``. Mixing the Beta laws over ``k`` gives closed forms in ``A``:

* ``P(V > t | W > 0) = exp(-n mu t + y (1 - z)) A(x, y z) / A(x, y)``, ``z = e^{-theta t}``
* ``P(served, V > t | W > 0) = x/(x+1) exp(-(n mu + theta) t + y (1 - z)) A(x+1, y z)/A(x, y)``

Abandonment means are sums over ``k`` of cancellation-free terms
(``P(Ab | k) = (k+1)/(x+k+1)``, ``E[W 1{served} | k] = x H_k/((x+k+1) theta)``,
``E[W 1{Ab} | k] = G_k/((x+k+1) theta)`` with ``H_k = sum_{i<=k+1} 1/(x+i)`` and
``G_k = sum_{i<=k+1} i/(x+i)``), summed over a window around the mode of ``w_k`` until
the tail is below 1e-17. ``theta = 0`` falls back to Erlang C.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from sim.analytic._numerics import log_inv_b_minus_1, log_kummer, out
from sim.analytic.erlang import _c_metrics, _check_target, check_agents, check_nonneg
from sim.analytic.search import min_feasible

_CHUNK = 256
_TAIL_EPS = 1e-17
_MAX_K = 50_000_000

SL_METRICS = ("sl_virtual", "p_served_within_t", "sl_answered")


def _queue_sums(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E[P(Ab|k)], E[G_k/(x+k+1)], E[x H_k/(x+k+1)] over the queue length k seen by a waiter."""
    xf, yf = x.ravel().astype(float), y.ravel().astype(float)
    size = xf.size
    s0, sab, swab, swsv = (np.zeros(size) for _ in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        mode = np.maximum(np.floor(yf - xf), 0.0)
        k0 = np.maximum(mode - np.ceil(12.0 * np.sqrt(yf) + 12.0), 0.0)
        h = np.where(k0 > 0, special.digamma(xf + k0 + 1.0) - special.digamma(xf + 1.0), 0.0)
        g = k0 - xf * h
        logy = np.log(yf)
    logw, scale = np.zeros(size), np.zeros(size)
    idx = np.arange(size)
    steps = np.arange(_CHUNK, dtype=float)
    while idx.size:
        xi, ki = xf[idx, None], k0[idx, None] + steps
        with np.errstate(divide="ignore", invalid="ignore"):
            lratio = np.where(ki > 0, logy[idx, None] - np.log(xi + ki), 0.0)
        lw = logw[idx, None] + np.cumsum(lratio, axis=1)
        new_scale = np.maximum(scale[idx], np.max(lw, axis=1))
        shrink = np.exp(scale[idx] - new_scale)
        for s in (s0, sab, swab, swsv):
            s[idx] *= shrink
        scale[idx] = new_scale
        w = np.exp(lw - new_scale[:, None])
        denom = xi + ki + 1.0
        hk = h[idx, None] + np.cumsum(1.0 / denom, axis=1)
        gk = g[idx, None] + np.cumsum((ki + 1.0) / denom, axis=1)
        s0[idx] += w.sum(axis=1)
        sab[idx] += (w * (ki + 1.0) / denom).sum(axis=1)
        swab[idx] += (w * gk / denom).sum(axis=1)
        swsv[idx] += (w * xi * hk / denom).sum(axis=1)
        logw[idx], h[idx], g[idx] = lw[:, -1], hk[:, -1], gk[:, -1]
        k0[idx] += _CHUNK
        # Next ratio y/(x+k) < 1 from here on, so the tail is below w r / (1 - r).
        with np.errstate(divide="ignore", invalid="ignore"):
            r = yf[idx] / (xf[idx] + k0[idx])
            tail = w[:, -1] * r / (1.0 - r)
            ref = np.minimum(np.minimum(s0[idx], sab[idx]), swab[idx])
            ref = np.minimum(ref, np.where(swsv[idx] > 0, swsv[idx], np.inf))
        done = (r < 1.0) & (tail <= _TAIL_EPS * ref)
        done |= k0[idx] > _MAX_K
        idx = idx[~done]
    shape = x.shape
    return (sab / s0).reshape(shape), (swab / s0).reshape(shape), (swsv / s0).reshape(shape)


def _a_metrics(
    lam: np.ndarray,
    mu: np.ndarray,
    theta: np.ndarray,
    n: np.ndarray,
    t: np.ndarray,
    exact_sums: bool = True,
) -> dict[str, np.ndarray]:
    """Erlang A metrics on broadcast float arrays (theta = 0 rows use Erlang C)."""
    has_ab = theta > 0
    th = np.where(has_ab, theta, 1.0)
    x, y = n * mu / th, lam / th
    idle = lam <= 0
    lr = log_inv_b_minus_1(n, lam / mu)
    lk = log_kummer(x, y)
    pw = np.where(idle, 0.0, special.expit(lk - lr))
    if exact_sums:
        pab_w, wab_w, wsv_w = _queue_sums(x, y)
    else:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            served = x / (x + 1.0) * np.exp(log_kummer(x + 1.0, y) - lk)
        pab_w = 1.0 - served
        wab_w = wsv_w = np.full_like(x, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lz = -th * t
        z = np.exp(lz)
        ey = y * -np.expm1(lz)
        yz = np.where(np.isfinite(t), y * z, 0.0)
        x_lz = np.where(x > 0, x * lz, 0.0)
        pvt_w = np.exp(x_lz + ey + log_kummer(x, yz) - lk)
        pst_w = x / (x + 1.0) * np.exp(x_lz + lz + ey + log_kummer(x + 1.0, yz) - lk)
        p_ab = pw * pab_w
        p_sv = 1.0 - p_ab
        served_in_t = np.maximum(p_sv - pw * pst_w, 0.0)
        res = {
            "p_wait": pw,
            "p_abandon": p_ab,
            "p_abandon_given_wait": pab_w,
            "mean_wait_all": p_ab / th,
            "mean_queue_len": lam * p_ab / th,
            "occupancy": np.where(n > 0, lam * p_sv / (np.where(n > 0, n, 1.0) * mu), 0.0),
            "asa_served": np.where(p_sv > 0, pw * wsv_w / th / p_sv, 0.0),
            "mean_wait_abandoned": np.where(pab_w > 0, wab_w / pab_w / th, 0.0),
            "sl_virtual": 1.0 - pw * pvt_w,
            "p_served_within_t": served_in_t,
            "sl_answered": np.where(p_sv > 0, served_in_t / p_sv, 0.0),
            "p_abandon_within_t": np.maximum(p_ab - pw * (z * pvt_w - pst_w), 0.0),
        }
    for key in res:
        if key.startswith(("p_", "sl_")) or key == "occupancy":
            res[key] = np.clip(res[key], 0.0, 1.0)
    if np.all(has_ab):
        return res
    c = _c_metrics(lam, mu, n, t)
    zero = np.zeros_like(lam)
    fallback = {
        "p_wait": c["p_wait"],
        "p_abandon": zero,
        "p_abandon_given_wait": zero,
        "mean_wait_all": c["asa"],
        "mean_queue_len": c["mean_queue_len"],
        "occupancy": c["occupancy"],
        "asa_served": c["asa"],
        "mean_wait_abandoned": zero,
        "sl_virtual": c["service_level"],
        "p_served_within_t": c["service_level"],
        "sl_answered": c["service_level"],
        "p_abandon_within_t": zero,
    }
    return {k: np.where(has_ab, v, fallback[k]) for k, v in res.items()}


def _a_inputs(*args: ArrayLike) -> list[np.ndarray]:
    lam, mu, theta, n, t = args
    return list(
        np.broadcast_arrays(
            check_nonneg("arrival_rate", lam),
            check_nonneg("service_rate", mu, positive=True),
            check_nonneg("abandon_rate", theta),
            check_agents(n),
            check_nonneg("awt", t),
        )
    )


def erlang_a_metrics(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    abandon_rate: ArrayLike,
    agents: ArrayLike,
    awt: ArrayLike,
) -> dict[str, np.ndarray]:
    """Exact M/M/n+M KPIs; ``abandon_rate`` = 1/mean patience, ``awt`` = SL threshold.

    Keys: p_wait, p_abandon, p_abandon_given_wait, mean_wait_all (E[W] over all arrivals),
    mean_queue_len, occupancy, asa_served (E[W | served]), mean_wait_abandoned,
    sl_virtual (P(V <= awt)), p_served_within_t (P(served, W <= awt)),
    sl_answered (P(W <= awt | served)), p_abandon_within_t (P(abandoned, W <= awt)).
    """
    lam, mu, theta, n, t = _a_inputs(arrival_rate, service_rate, abandon_rate, agents, awt)
    return {k: out(v) for k, v in _a_metrics(lam, mu, theta, n, t).items()}


def erlang_a_min_agents(
    arrival_rate: ArrayLike,
    service_rate: ArrayLike,
    abandon_rate: ArrayLike,
    awt: ArrayLike = 0.0,
    sl_target: ArrayLike | None = None,
    abandon_target: ArrayLike | None = None,
    sl_metric: str = "p_served_within_t",
) -> np.ndarray:
    """Smallest n meeting an Erlang A service-level and/or abandonment target.

    ``sl_metric`` picks the SL definition (sl_virtual, p_served_within_t, sl_answered) that
    must be >= ``sl_target``; ``p_abandon`` must be <= ``abandon_target``. Zero load -> 0.
    """
    if sl_target is None and abandon_target is None:
        raise ValueError("give sl_target and/or abandon_target")
    if sl_metric not in SL_METRICS:
        raise ValueError(f"sl_metric must be one of {SL_METRICS}")
    lam, mu, theta, _, t = _a_inputs(arrival_rate, service_rate, abandon_rate, 0, awt)
    sl = _check_target("sl_target", 0.5 if sl_target is None else sl_target)
    ab = _check_target("abandon_target", 0.5 if abandon_target is None else abandon_target)
    lam, mu, theta, t, sl, ab = np.broadcast_arrays(lam, mu, theta, t, sl, ab)
    flat = [v.ravel() for v in (lam, mu, theta, t, sl, ab)]
    busy = np.flatnonzero(flat[0] > 0)
    res = np.zeros(lam.size, dtype=np.int64)
    if busy.size:

        def feasible(n: np.ndarray, j: np.ndarray) -> np.ndarray:
            i = busy[j]
            m = _a_metrics(*(f[i] for f in flat[:3]), n.astype(float), flat[3][i], False)
            ok = np.ones(n.shape, dtype=bool)
            if sl_target is not None:
                ok &= m[sl_metric] >= flat[4][i]
            if abandon_target is not None:
                ok &= m["p_abandon"] <= flat[5][i]
            return ok

        load = flat[0][busy] / flat[1][busy]
        lo = np.zeros(busy.size, dtype=np.int64)
        res[busy] = min_feasible(feasible, lo, np.ceil(load).astype(np.int64))
    return out(res.reshape(lam.shape))
