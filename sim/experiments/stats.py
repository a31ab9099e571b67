"""Confidence intervals over independent replications (Student t, two-sided 95%)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def summarize(values: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean, standard error and 95% CI of every column over the `replication` level.

    `values` is indexed by `by` + ["replication"]; the result has one row per `by` key and a
    column MultiIndex (metric, statistic) with statistics mean, se, ci95_low, ci95_high, n.
    """
    grouped = values.groupby(level=by, observed=True, sort=True)
    mean = grouped.mean()
    n = grouped.count()
    sd = grouped.std(ddof=1)
    se = sd / np.sqrt(n)
    t = pd.DataFrame(
        stats.t.ppf(0.975, np.maximum(n.to_numpy() - 1, 1)), index=n.index, columns=n.columns
    )
    half = (t * se).where(n > 1)
    return (
        pd.concat(
            {
                "mean": mean,
                "se": se.where(n > 1),
                "ci95_low": mean - half,
                "ci95_high": mean + half,
                "n": n,
            },
            axis=1,
        )
        .swaplevel(0, 1, axis=1)
        .sort_index(axis=1)
    )
