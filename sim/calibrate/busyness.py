"""Shared busy days fitted to daily volumes: one Gamma(mean 1) factor per day common to all types,
plus a per-type factor only where a type's own day-to-day spread calls for it.

With N_di = Poisson(m_wi * B_d * F_di) for date d of weekday w, the shared factor B (cv_B) and
type factor F (cv_i), covariances between types give cv_B^2 = sum_w n_w sum_{i<j} c_wij /
sum_w n_w sum_{i<j} m_wi m_wj, and each type's total (1+cv_B^2)(1+cv_i^2)-1 is the pooled
method-of-moments estimate of demand.day_factor_cv. A per-type factor is kept when the total
exceeds cv_B^2 by more than two standard errors (from the spread of the per-date products).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TypeBusyness:
    """One type's day-to-day spread: total CV^2 beyond Poisson, its SE, and the residual cv."""

    total_cv2: float
    total_cv2_se: float
    residual_cv: float  # per-type factor on top of the shared one (0 when not called for)
    needed: bool  # total exceeds the shared part by > 2 SE


@dataclass(frozen=True)
class Busyness:
    """Shared busy-day factor and the per-type remainder fitted to a days x types table."""

    shared_cv2: float
    shared_cv2_se: float
    types: dict[str, TypeBusyness]
    days: int

    @property
    def shared_cv(self) -> float:
        return float(np.sqrt(max(self.shared_cv2, 0.0)))

    @property
    def significant(self) -> bool:
        """The shared factor exceeds zero by more than two standard errors (worth simulating)."""
        return bool(self.shared_cv2 > 2 * self.shared_cv2_se)

    def scenario_field(self) -> dict[str, float]:
        """The scenario's `busyness` entry (one factor shared by all types)."""
        return {"cv": round(self.shared_cv, 4)}

    def to_json(self) -> dict[str, object]:
        return {
            "shared_cv": self.shared_cv, "shared_cv2": self.shared_cv2,
            "shared_cv2_se": self.shared_cv2_se, "days": self.days,
            "types": {k: {"total_cv2": t.total_cv2, "total_cv2_se": t.total_cv2_se,
                          "day_factor_cv": t.residual_cv, "needed": t.needed}
                      for k, t in self.types.items()},
        }  # fmt: skip


def fit_busyness(daily: pd.DataFrame) -> Busyness:
    """Fit shared and per-type day factors to daily counts (index: dates, columns: types)."""
    daily = daily.astype(float)
    weekday = pd.DatetimeIndex(daily.index).day_of_week
    cols = list(daily.columns)
    k = len(cols)
    num = den = var_num = 0.0
    tot_num, tot_den, tot_var = np.zeros(k), np.zeros(k), np.zeros(k)
    for _, x in daily.groupby(weekday):
        n = len(x)
        if n < 2:
            continue
        arr = x.to_numpy()
        m = arr.mean(axis=0)
        dev = arr - m
        c = np.atleast_2d(np.cov(arr, rowvar=False, ddof=1))
        iu = np.triu_indices(k, 1)
        # per-date cross products: their spread gives the SE (captures shared-factor correlation)
        cross = (dev[:, iu[0]] * dev[:, iu[1]]).sum(axis=1) * n / (n - 1)
        num += n * c[iu].sum()
        den += n * np.outer(m, m)[iu].sum()
        var_num += n * cross.var(ddof=1)
        v = np.diag(c)
        tot_num += n * (v - m)
        tot_den += n * m * m
        tot_var += n * (dev**2 * n / (n - 1) - arr).var(axis=0, ddof=1)
    shared = num / den if den > 0 else 0.0
    shared_se = float(np.sqrt(var_num) / den) if den > 0 else float("nan")
    types = {}
    for i, name in enumerate(cols):
        if tot_den[i] <= 0:
            types[name] = TypeBusyness(0.0, float("nan"), 0.0, False)
            continue
        total = tot_num[i] / tot_den[i]
        se = float(np.sqrt(tot_var[i]) / tot_den[i])
        needed = total - max(shared, 0.0) > 2 * se
        residual = (1 + total) / (1 + max(shared, 0.0)) - 1 if needed else 0.0
        types[name] = TypeBusyness(float(total), se, float(np.sqrt(max(residual, 0.0))), needed)
    return Busyness(float(shared), shared_se, types, len(daily))


def log_busyness(calls: pd.DataFrame, dates: pd.DatetimeIndex) -> Busyness:
    """Busyness fitted to a call log's daily volumes per call type (all dates, by weekday)."""
    from sim.calibrate.demand import daily_counts

    table = {
        str(t): daily_counts(calls.loc[calls["type"] == t, "arrival_s"].to_numpy(), dates)
        for t in sorted(calls["type"].unique())
    }
    return fit_busyness(pd.DataFrame(table))
