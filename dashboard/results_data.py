"""What the results pages read from a run: headline KPI estimates and a flat table to download.

Card values come from `RunResult.kpi` (mean and 95% CI across replications); rates' CIs are
clipped to [0, 1] and counts' and costs' to >= 0, the values the metric can take.
"""

from __future__ import annotations

import io
import math
from typing import Literal

import pandas as pd

from dashboard.data import Estimate, KpiCard
from sim.results import RunResult

ResultKind = Literal["percent", "duration", "count", "money"]

# metric, label, kind, breakdown dimension
RESULT_CARDS: tuple[tuple[str, str, ResultKind, str], ...] = (
    ("service_level", "Service level", "percent", "channel"),
    ("asa_s", "Average speed of answer", "duration", "channel"),
    ("abandon_rate", "Abandonment", "percent", "channel"),
    ("aht_s", "Average handle time", "duration", "channel"),
    ("fcr", "First-contact resolution", "percent", "channel"),
    ("occupancy", "Occupancy", "percent", "site"),
    ("waiting_end", "Backlog at the end", "count", "channel"),
    ("cost_per_contact", "Cost per contact", "money", "channel"),
)
DOWNLOAD_STATS = ("mean", "se", "ci95_low", "ci95_high", "n")


def estimate(result: RunResult, metric: str, kind: str, dimension: str, key: str) -> Estimate:
    """Mean and 95% CI of one KPI, the CI clipped to the metric's range; all None if absent."""
    try:
        value = result.kpi(metric, dimension, key)
    except KeyError:
        return Estimate(None, None, None)
    high_bound = 1.0 if kind == "percent" else math.inf

    def clip(x: float | None) -> float | None:
        return None if x is None else min(max(x, 0.0), high_bound)

    return Estimate(value["mean"], clip(value["ci95_low"]), clip(value["ci95_high"]))


def result_cards(result: RunResult) -> tuple[KpiCard, ...]:
    """The results page's eight headline cards, each with its breakdown by channel or site."""
    cards = []
    dimensions = set(result.summary.index.get_level_values(0))
    for metric, label, kind, by in RESULT_CARDS:
        keys = list(result.summary.loc[by].index) if by in dimensions else []
        breakdown = tuple(
            (key, est)
            for key in keys
            if (est := estimate(result, metric, kind, by, key)).mean is not None
        )
        overall = estimate(result, metric, kind, "overall", "all")
        cards.append(KpiCard(metric, label, kind, overall, breakdown))  # type: ignore[arg-type]
    return tuple(cards)


def kpi_table(result: RunResult) -> pd.DataFrame:
    """Every KPI by dimension and key: one row per (dimension, key, metric) with its statistics."""
    long = result.summary.stack(level=0, future_stack=True)
    long.index = long.index.set_names(["dimension", "key", "metric"])
    table = long.reset_index()
    table = table[["dimension", "key", "metric", *DOWNLOAD_STATS]].dropna(subset=["mean"])
    return table.reset_index(drop=True)


def kpi_csv(result: RunResult) -> str:
    return kpi_table(result).to_csv(index=False)


def kpi_parquet(result: RunResult) -> bytes:
    buffer = io.BytesIO()
    kpi_table(result).to_parquet(buffer, index=False)
    return buffer.getvalue()
