"""Confidence intervals over independent replications (Student t, two-sided 95%), kept in range.

A t-interval is symmetric, so for a share near 0 or 1 (an interval with a handful of contacts, all
answered in time in most replications) or a small count it can reach past the KPI's range: below
0 or above 100%. The bounds are clipped to the range the KPI registry gives (shares in [0, 1],
counts, durations and costs >= 0): the clipped interval still covers every value the KPI can take
inside the t-interval, and never reports one it cannot take.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.kpis.registry import value_range


def summarize(values: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean, standard error and 95% CI of every column over the `replication` level.

    `values` is indexed by `by` + ["replication"]; the result has one row per `by` key and a
    column MultiIndex (metric, statistic) with statistics mean, se, ci95_low, ci95_high, n. CI
    bounds (and means, off only by rounding) are clipped to each registered KPI's range.
    """
    grouped = values.groupby(level=by, observed=True, sort=True)
    mean = grouped.mean()
    n = grouped.count()
    sd = grouped.std(ddof=1)
    se = sd / np.sqrt(n)
    dof, where = np.unique(np.maximum(n.to_numpy() - 1, 1), return_inverse=True)
    t = pd.DataFrame(  # the quantile once per distinct df, not once per cell
        stats.t.ppf(0.975, dof)[where].reshape(n.shape), index=n.index, columns=n.columns
    )
    half = (t * se).where(n > 1)
    lo, hi = _ranges(mean.columns)
    # a mean leaves the range only by rounding (occupancy 1 + 1e-15); bounds as pandas' clip
    mean = _clipped(mean, lo, hi)
    low, high = _clipped(mean - half, lo, hi), _clipped(mean + half, lo, hi)
    return (
        pd.concat(
            {
                "mean": mean,
                "se": se.where(n > 1),
                "ci95_low": low,
                "ci95_high": high,
                "n": n,
            },
            axis=1,
        )
        .swaplevel(0, 1, axis=1)
        .sort_index(axis=1)
    )


def _ranges(columns: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Each column's (low, high) KPI range from the registry, as arrays."""
    bounds = np.array([value_range(col) for col in columns], dtype=float).reshape(-1, 2)
    return bounds[:, 0], bounds[:, 1]


def _clipped(frame: pd.DataFrame, lo: np.ndarray, hi: np.ndarray) -> pd.DataFrame:
    """`frame` with each column clipped to its range, NaN kept (one numpy pass, not per column)."""
    values = frame.to_numpy(dtype=float)
    values = np.where(values < lo, lo, values)
    values = np.where(values > hi, hi, values)
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)
