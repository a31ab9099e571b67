"""Shared busy-day factor and per-type remainder fitted to daily volumes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate.busyness import fit_busyness

MEANS = np.array([200.0, 400.0, 300.0])
TYPE_CV = np.array([0.0, 0.15, 0.0])
SHARED_CV = 0.2


def _days(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Daily counts of three types over n dates with a shared and one per-type gamma factor."""
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    shared = rng.gamma(1 / SHARED_CV**2, SHARED_CV**2, n)
    own = np.ones((n, 3))
    own[:, 1] = rng.gamma(1 / TYPE_CV[1] ** 2, TYPE_CV[1] ** 2, n)
    weekday = np.where(dates.day_of_week < 5, 1.0, 0.5)[:, None]
    counts = rng.poisson(MEANS * weekday * shared[:, None] * own)
    return pd.DataFrame(counts, index=dates, columns=["A", "B", "C"])


def test_shared_cv2_is_unbiased_within_four_standard_errors() -> None:
    """Over replicated logs the mean shared cv^2 and B's total cv^2 match the truth (k=4 SE)."""
    rng = np.random.default_rng(7)
    fits = [fit_busyness(_days(120, rng)) for _ in range(150)]
    shared = np.array([f.shared_cv2 for f in fits])
    assert abs(shared.mean() - SHARED_CV**2) < 4 * shared.std(ddof=1) / np.sqrt(len(shared))
    total_b = np.array([f.types["B"].total_cv2 for f in fits])
    truth_b = (1 + SHARED_CV**2) * (1 + TYPE_CV[1] ** 2) - 1
    assert abs(total_b.mean() - truth_b) < 4 * total_b.std(ddof=1) / np.sqrt(len(total_b))
    # the analytical SE agrees with the spread over replications (within a factor of 1.5)
    se = np.mean([f.shared_cv2_se for f in fits])
    assert shared.std(ddof=1) / 1.5 < se < 1.5 * shared.std(ddof=1)


def test_per_type_factor_only_where_called_for() -> None:
    """On a long log only type B (own spread) gets a per-type factor, near its true cv."""
    fit = fit_busyness(_days(3000, np.random.default_rng(3)))
    assert [k for k, t in fit.types.items() if t.needed] == ["B"]
    assert abs(fit.types["B"].residual_cv - TYPE_CV[1]) < 0.03
    assert fit.scenario_field() == {"cv": round(fit.shared_cv, 4)}


def test_bank_days_are_not_shared_across_types(bank_calibration) -> None:
    """On the 1999 bank log the shared busy-day cv^2 is within 2 SE of zero; PS needs its own."""
    from sim.calibrate.report import calibration_json

    busy = calibration_json(bank_calibration)["busyness"]
    assert abs(busy["shared_cv2"]) < 2 * busy["shared_cv2_se"]
    assert busy["types"]["PS"]["needed"] and busy["types"]["PS"]["day_factor_cv"] > 0.1
