"""Fitting duration distributions: handle times (complete data) and patience (right-censored).

Handle times: lognormal, gamma and exponential by maximum likelihood; the family with the lowest
AIC (= 2k - 2 log L) wins, and the Kolmogorov-Smirnov distance says how well it fits. Patience is
seen only for callers who abandoned; a served caller's wait is a lower bound on its patience (right
censoring), and callers who never waited say nothing. So patience is estimated by Kaplan-Meier and
by censored maximum likelihood: log L = sum over abandons of log f(w) + over served of log S(w).
The naive mean of abandoners' waits would only describe the impatient few.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

FAMILIES = ("lognormal", "gamma", "exponential")
PATIENCE_FAMILIES = ("exponential", "gamma", "lognormal", "weibull")
SCENARIO_FAMILIES = ("exponential", "gamma", "lognormal")  # the scenario format's families


@dataclass(frozen=True)
class Fit:
    """One fitted family: mean and CV (the scenario's parameters), AIC, KS distance."""

    family: str
    mean_s: float
    cv: float
    aic: float
    ks: float | None  # Kolmogorov-Smirnov distance (complete data only)
    params: dict[str, float]
    mean_ci95: tuple[float, float] | None = None

    def scenario_dist(self) -> dict[str, object]:
        """This fit as a scenario distribution (`handle_time` or `patience`)."""
        if self.family == "exponential":
            return {"dist": "exponential", "mean_s": round(self.mean_s, 1)}
        return {"dist": self.family, "mean_s": round(self.mean_s, 1), "cv": round(self.cv, 3)}

    def to_json(self) -> dict[str, object]:
        return {"family": self.family, "mean_s": self.mean_s, "cv": self.cv, "aic": self.aic,
                "ks": self.ks, "params": self.params, "mean_ci95": self.mean_ci95}  # fmt: skip


def _frozen(family: str, params: dict[str, float]) -> stats.rv_continuous:
    if family == "exponential":
        return stats.expon(scale=params["scale"])
    if family == "gamma":
        return stats.gamma(params["shape"], scale=params["scale"])
    if family == "lognormal":
        return stats.lognorm(params["sigma"], scale=math.exp(params["mu"]))
    return stats.weibull_min(params["shape"], scale=params["scale"])


def distribution(fit: Fit) -> stats.rv_continuous:
    """The scipy distribution of a fit (for plots and goodness of fit)."""
    return _frozen(fit.family, fit.params)


def _moments(family: str, p: dict[str, float]) -> tuple[float, float]:
    if family == "exponential":
        return p["scale"], 1.0
    if family == "gamma":
        return p["shape"] * p["scale"], 1 / math.sqrt(p["shape"])
    if family == "lognormal":
        return math.exp(p["mu"] + p["sigma"] ** 2 / 2), math.sqrt(math.expm1(p["sigma"] ** 2))
    k = p["shape"]
    g1, g2 = special.gamma(1 + 1 / k), special.gamma(1 + 2 / k)
    return p["scale"] * g1, math.sqrt(max(g2 / g1**2 - 1, 0.0))


def fit_handle_times(x: np.ndarray) -> list[Fit]:
    """MLE fits of every family to positive durations, best (lowest AIC) first."""
    x = np.asarray(x, dtype=float)
    x = x[x > 0]
    if len(x) < 2:
        raise ValueError("need at least two positive durations to fit")
    fits = []
    logx = np.log(x)
    candidates = {
        "exponential": {"scale": float(x.mean())},
        "lognormal": {"mu": float(logx.mean()), "sigma": float(max(logx.std(), 1e-6))},
    }
    shape, _, scale = stats.gamma.fit(x, floc=0)
    candidates["gamma"] = {"shape": float(shape), "scale": float(scale)}
    for family in FAMILIES:
        p = candidates[family]
        dist = _frozen(family, p)
        loglik = float(np.sum(dist.logpdf(x)))
        mean, cv = _moments(family, p)
        ks = float(stats.kstest(x, dist.cdf).statistic)
        fits.append(Fit(family, mean, cv, 2 * len(p) - 2 * loglik, ks, p))
    return sorted(fits, key=lambda f: f.aic)


# ---- censored patience -------------------------------------------------------------------------


@dataclass(frozen=True)
class KaplanMeier:
    """Product-limit survival curve of patience: S(t) just after each distinct event time."""

    times: np.ndarray
    survival: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray

    def median(self) -> float | None:
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.times[below[0]]) if len(below) else None

    def restricted_mean(self, horizon: float) -> float:
        """Area under S(t) up to `horizon` (the mean is not identified past the longest wait)."""
        t = np.concatenate([[0.0], self.times[self.times < horizon], [horizon]])
        s = np.concatenate([[1.0], self.survival[self.times < horizon]])
        return float(np.sum(np.diff(t) * s))


def kaplan_meier(wait: np.ndarray, abandoned: np.ndarray) -> KaplanMeier:
    """Kaplan-Meier estimate from waits (abandoned: event, served: censored)."""
    wait = np.asarray(wait, dtype=float)
    abandoned = np.asarray(abandoned, dtype=bool)
    times = np.unique(wait[abandoned])
    order = np.sort(wait)
    at_risk = len(wait) - np.searchsorted(order, times, side="left")
    events = np.bincount(np.searchsorted(times, wait[abandoned]), minlength=len(times))
    survival = np.cumprod(1.0 - events / at_risk)
    return KaplanMeier(times, survival, at_risk, events)


def _censored_loglik(family: str, p: dict[str, float], w: np.ndarray, d: np.ndarray) -> float:
    dist = _frozen(family, p)
    return float(np.sum(dist.logpdf(w[d])) + np.sum(dist.logsf(w[~d])))


def _unpack(family: str, theta: np.ndarray) -> dict[str, float]:
    if family == "lognormal":
        return {"mu": float(theta[0]), "sigma": float(math.exp(theta[1]))}
    return {"shape": float(math.exp(theta[0])), "scale": float(math.exp(theta[1]))}


def fit_patience(wait: np.ndarray, abandoned: np.ndarray) -> list[Fit]:
    """Censored MLE of patience for each family in PATIENCE_FAMILIES, best AIC first.

    Only callers who waited (wait > 0) carry information. The exponential has a closed form,
    mean = total waiting time / abandonments, with a 95% CI from the chi-square distribution.
    """
    w = np.asarray(wait, dtype=float)
    d = np.asarray(abandoned, dtype=bool)
    keep = w > 0
    w, d = w[keep], d[keep]
    n_events = int(d.sum())
    if n_events < 2:
        raise ValueError("need at least two abandonments to estimate patience")
    total = float(w.sum())
    mean = total / n_events
    exp_p = {"scale": mean}
    ci = (2 * total / stats.chi2.ppf(0.975, 2 * n_events),
          2 * total / stats.chi2.ppf(0.025, 2 * n_events))  # fmt: skip
    fits = [Fit("exponential", mean, 1.0, 2 - 2 * _censored_loglik("exponential", exp_p, w, d),
                None, exp_p, ci)]  # fmt: skip
    logw = np.log(w[d])
    starts = {
        "gamma": np.array([0.0, math.log(mean)]),
        "weibull": np.array([0.0, math.log(mean)]),
        "lognormal": np.array([logw.mean() + 1.0, math.log(max(logw.std(), 0.1))]),
    }
    for family, x0 in starts.items():
        res = optimize.minimize(
            lambda th, fam=family: -_censored_loglik(fam, _unpack(fam, th), w, d),
            x0,
            method="Nelder-Mead",
            options={"xatol": 1e-6, "fatol": 1e-6, "maxiter": 4000},
        )
        p = _unpack(family, res.x)
        m, cv = _moments(family, p)
        fits.append(Fit(family, m, cv, 4 + 2 * float(res.fun), None, p))
    return sorted(fits, key=lambda f: f.aic)


def best_scenario_fit(fits: list[Fit]) -> Fit:
    """The lowest-AIC fit among the families a scenario can express."""
    return min((f for f in fits if f.family in SCENARIO_FAMILIES), key=lambda f: f.aic)
