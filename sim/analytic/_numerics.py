"""Stable numerical kernels shared by the analytic queueing formulas.

Erlang-type formulas are ratios of Poisson-like sums such as ``sum_{j<=n} a^j/j!``.
Evaluated naively they overflow (factorials) or lose all digits to cancellation for
thousands of agents. Everything here works in log space:

* ``log_poisson_pmf(k, m)`` is ``log(m^k e^-m / k!)`` for real ``k``, computed with
  Loader's saddle-point split (Stirling remainder plus ``k*bd0``) so it stays accurate
  when ``k`` and ``m`` are both in the tens of thousands.
* ``log_inv_b_minus_1(n, a)`` is ``log(1/B(n, a) - 1)`` for Erlang B, i.e. the log
  of ``sum_{j<n} pi_j / pi_n``; Erlang B and C follow without cancellation.
* ``log_kummer(x, y)`` is ``log 1F1(1; x+1; y) = log sum_k y^k / ((x+1)...(x+k))``,
  the queue-side sum of the Erlang-A (M/M/n+M) chain with ``x = n mu/theta`` and
  ``y = lam/theta``.

Both sums switch between a regularised incomplete gamma form (scipy) and a direct
geometric series in the far left tail, where the incomplete gamma would underflow.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_LOG_2PI = float(np.log(2.0 * np.pi))
_TINY = 1e-20
_SERIES_EPS = 1e-17
_MAX_SERIES_TERMS = 2_000_000


def as_float(x: object) -> np.ndarray:
    """Convert to a float64 array (scalars become 0-d arrays)."""
    return np.asarray(x, dtype=float)


def out(x: np.ndarray) -> np.ndarray | np.floating | np.integer:
    """Return numpy scalars for 0-d results so scalar inputs give scalar outputs."""
    x = np.asarray(x)
    return x[()] if x.ndim == 0 else x


def _k_bd0(k: np.ndarray, m: np.ndarray) -> np.ndarray:
    """k (u - log1p(u)) with u = m/k - 1 (Loader's bd0), without cancellation.

    Near u = 0 a power series is used; elsewhere ``(m - k) - k log(m/k)``, with the log
    taken as ``log m - log k`` when ``m/k`` is small so that it keeps its precision.
    """
    k, m = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(m, dtype=float))
    res = np.empty(k.shape, dtype=float)
    u = (m - k) / k
    small = np.abs(u) < 0.25
    us = u[small]
    # u^2/2 - u^3/3 + u^4/4 - ... summed by Horner from the highest term.
    acc = np.zeros_like(us)
    for j in range(32, 1, -1):
        acc = acc * us + ((-1.0) ** j) / j
    res[small] = k[small] * acc * us * us
    kb, mb, ub = k[~small], m[~small], u[~small]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(ub < -0.9, np.log(mb) - np.log(kb), np.log1p(ub))
        res[~small] = (mb - kb) - kb * log_ratio
    return res


def _stirlerr(k: np.ndarray) -> np.ndarray:
    """log(k!) - [(k + 1/2) log k - k + log(2 pi)/2] for real k > 0."""
    k = np.asarray(k, dtype=float)
    res = np.empty_like(k)
    big = k >= 15.0
    kb = k[big]
    k2 = 1.0 / (kb * kb)
    res[big] = (
        1.0 / 12.0 - k2 * (1.0 / 360.0 - k2 * (1.0 / 1260.0 - k2 * (1.0 / 1680.0 - k2 / 1188.0)))
    ) / kb
    ks = k[~big]
    res[~big] = special.gammaln(ks + 1.0) - (ks + 0.5) * np.log(ks) + ks - 0.5 * _LOG_2PI
    return res


def log_poisson_pmf(k: object, m: object) -> np.ndarray:
    """log(m^k e^-m / Gamma(k+1)) for real k >= 0 and m >= 0, accurate for large k and m."""
    k, m = np.broadcast_arrays(as_float(k), as_float(m))
    res = np.empty(k.shape, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = k < 15.0
        ks, ms = k[small], m[small]
        res[small] = special.xlogy(ks, ms) - ms - special.gammaln(ks + 1.0)
        kb, mb = k[~small], m[~small]
        res[~small] = -_k_bd0(kb, mb) - _stirlerr(kb) - 0.5 * (_LOG_2PI + np.log(kb))
    return res


def _geometric_series(first_ratio_fn, shape: tuple[int, ...], active: np.ndarray) -> np.ndarray:
    """Sum 1 + t1 + t2 + ... with t_j = t_{j-1} * first_ratio_fn(j, idx); terms must decrease."""
    total = np.ones(shape, dtype=float)
    idx = np.flatnonzero(active.ravel())
    flat_total = total.ravel()
    term = np.ones(idx.size)
    j = 0
    while idx.size and j < _MAX_SERIES_TERMS:
        j += 1
        ratio = first_ratio_fn(j, idx)
        term = term * ratio
        flat_total[idx] += term
        # The ratios decrease, so the remaining tail is at most term * r / (1 - r).
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = term * ratio / np.maximum(1.0 - ratio, 1e-300)
        keep = tail > _SERIES_EPS * flat_total[idx]
        idx, term = idx[keep], term[keep]
    return flat_total.reshape(shape)


def log_inv_b_minus_1(n: object, a: object) -> np.ndarray:
    """log(1/B(n, a) - 1) = log(P(Poisson(a) <= n-1) / P(Poisson(a) = n)); -inf for n = 0."""
    n, a = np.broadcast_arrays(as_float(n), as_float(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(n > 0, special.gammaincc(np.maximum(n, 1.0), a), 0.0)
        res = np.log(q) - log_poisson_pmf(n, a)
    res = np.where(n <= 0, -np.inf, res)
    res = np.where((n > 0) & (a <= 0), np.inf, res)
    # Far left tail (n << a): the incomplete gamma underflows; sum the finite series
    # 1/B - 1 = sum_{i=1..n} prod_{l<i} (n-l)/a directly (ratios decrease, so it converges).
    need = (n > 0) & (a > 0) & (q < _TINY)
    if np.any(need):
        nf, af = n.ravel(), a.ravel()

        def ratio(j: int, idx: np.ndarray) -> np.ndarray:
            return np.maximum(nf[idx] - j, 0.0) / af[idx]

        # 1/B - 1 = (n/a) * [1 + (n-1)/a + (n-1)(n-2)/a^2 + ...]
        s = _geometric_series(ratio, n.shape, need)
        with np.errstate(divide="ignore", invalid="ignore"):
            res = np.where(need, np.log(n) - np.log(a) + np.log(s), res)
    return res


def log_kummer(x: object, y: object) -> np.ndarray:
    """log 1F1(1; x+1; y) = log sum_{k>=0} y^k / ((x+1)(x+2)...(x+k)) for x, y >= 0."""
    x, y = np.broadcast_arrays(as_float(x), as_float(y))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = np.where(x > 0, special.gammainc(np.where(x > 0, x, 1.0), y), 0.0)
        res = np.log(p) - log_poisson_pmf(x, y)
    res = np.where(x <= 0, y, res)  # 1F1(1; 1; y) = e^y
    need = (x > 0) & (p < _TINY)
    if np.any(need):
        xf, yf = x.ravel(), y.ravel()

        def ratio(j: int, idx: np.ndarray) -> np.ndarray:
            return yf[idx] / (xf[idx] + j)

        s = _geometric_series(ratio, x.shape, need)
        res = np.where(need, np.log(s), res)
    return res


def log1mexp(v: np.ndarray) -> np.ndarray:
    """log(1 - exp(v)) for v <= 0, accurate on both sides of log 2."""
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(v > -0.6931471805599453, np.log(-np.expm1(v)), np.log1p(-np.exp(v)))
