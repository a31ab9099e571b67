"""Quality-and-efficiency-driven (Halfin-Whitt) approximations and square-root staffing.

With offered load ``R = lam/mu`` and ``n = R + beta sqrt(R)`` agents, as ``R`` grows with
``beta`` fixed the probability of waiting converges to a non-degenerate limit:

* Erlang C (Halfin & Whitt 1981): ``P(W > 0) -> [1 + beta Phi(beta)/phi(beta)]^-1``.
* Erlang A (Garnett, Mandelbaum & Reiman 2002), with ``r = sqrt(mu/theta)`` and the
  normal hazard ``h(x) = phi(x)/(1 - Phi(x))``:
  ``P(W > 0) -> [1 + h(beta r)/(r h(-beta))]^-1`` and
  ``P(Ab) ~ P(W > 0) (h(beta r) - beta r)/(r sqrt(n))``.

Square-root staffing picks ``beta*`` with Halfin-Whitt ``P(W > 0) = target`` and staffs
``ceil(R + beta* sqrt(R))``; Borst, Mandelbaum & Reiman (2004) found it exact or one
agent short of the exact Erlang C answer. These are approximations: use ``erlang`` and
``erlang_a`` for exact values.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

from sim.analytic._numerics import as_float, out

_SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))


def normal_hazard(x: ArrayLike) -> np.ndarray:
    """Hazard rate phi(x)/(1 - Phi(x)) of the standard normal, stable in both tails."""
    return out(_SQRT_2_OVER_PI / special.erfcx(as_float(x) / np.sqrt(2.0)))


def halfin_whitt_pwait(beta: ArrayLike) -> np.ndarray:
    """Halfin-Whitt limit of the Erlang C probability of waiting (1 for beta <= 0)."""
    b = as_float(beta)
    h = normal_hazard(-b)
    with np.errstate(invalid="ignore"):
        res = np.where(b > 0, h / (h + np.where(b > 0, b, 0.0)), 1.0)
    return out(res)


def garnett_pwait(beta: ArrayLike, theta_over_mu: ArrayLike) -> np.ndarray:
    """Garnett-Mandelbaum-Reiman QED approximation of the Erlang A probability of waiting."""
    b = as_float(beta)
    r = np.sqrt(1.0 / as_float(theta_over_mu))
    return out(1.0 / (1.0 + normal_hazard(b * r) / (r * normal_hazard(-b))))


def garnett_pabandon(beta: ArrayLike, theta_over_mu: ArrayLike, agents: ArrayLike) -> np.ndarray:
    """Garnett-Mandelbaum-Reiman QED approximation of the Erlang A abandonment probability."""
    b = as_float(beta)
    r = np.sqrt(1.0 / as_float(theta_over_mu))
    pw = garnett_pwait(b, theta_over_mu)
    return out(pw * (normal_hazard(b * r) - b * r) / (r * np.sqrt(as_float(agents))))


def _beta_star(target: float) -> float:
    if not 0.0 < target < 1.0:
        raise ValueError("target_pwait must lie strictly between 0 and 1")
    return optimize.brentq(
        lambda b: float(halfin_whitt_pwait(b)) - target, 1e-12, 40.0, xtol=1e-15, rtol=1e-15
    )


def sqrt_staffing_beta(target_pwait: ArrayLike) -> np.ndarray:
    """beta* solving Halfin-Whitt P(W > 0) = target_pwait (the square-root safety factor)."""
    t = as_float(target_pwait)
    return out(np.vectorize(_beta_star, otypes=[float])(t))


def sqrt_staffing_agents(load: ArrayLike, target_pwait: ArrayLike) -> np.ndarray:
    """Square-root staffing ceil(R + beta* sqrt(R)) for a target probability of waiting."""
    r = as_float(load)
    beta = sqrt_staffing_beta(target_pwait)
    return out(np.ceil(r + beta * np.sqrt(r)).astype(np.int64))
