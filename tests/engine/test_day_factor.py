"""Day-to-day overdispersion: a Gamma(mean 1, cv) factor per local day on the arrival rates."""

from __future__ import annotations

import numpy as np
from helpers import compiled, single_queue

from sim.engine.arrivals import generate_demand

DAYS = 60
RATE = 0.02  # per second: 1728 contacts a day


def _daily_counts(cv: float, reps: int) -> np.ndarray:
    data = single_queue(rate_per_s=RATE, days=DAYS)
    data["demand"][0]["day_factor_cv"] = cv
    model = compiled(data)
    out = []
    for r in range(reps):
        t = generate_demand(model, 11, r).arrival_s
        out.append(np.bincount((t // 86_400).astype(int), minlength=DAYS))
    return np.array(out)


def test_daily_variance_matches_poisson_gamma_theory() -> None:
    """Daily counts have mean m and variance m + cv^2 m^2 (negative binomial), within 4 SE."""
    cv, m = 0.15, RATE * 86_400
    counts = _daily_counts(cv, reps=30)
    means, variances = counts.mean(axis=1), counts.var(axis=1, ddof=1)
    se_mean = means.std(ddof=1) / np.sqrt(len(means))
    se_var = variances.std(ddof=1) / np.sqrt(len(variances))
    assert abs(means.mean() - m) < 4 * se_mean
    assert abs(variances.mean() - (m + cv**2 * m**2)) < 4 * se_var


def test_zero_cv_is_plain_poisson() -> None:
    """Without a day factor the daily variance equals the mean (Poisson), within 4 SE."""
    counts = _daily_counts(0.0, reps=20)
    ratio = counts.var(axis=1, ddof=1) / counts.mean(axis=1)
    assert abs(ratio.mean() - 1.0) < 4 * ratio.std(ddof=1) / np.sqrt(len(ratio))
