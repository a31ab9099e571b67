"""The results page's downloads: every KPI of a run as one flat table (CSV or Parquet)."""

from __future__ import annotations

import io

import pandas as pd

from sim.results import RunResult

DOWNLOAD_STATS = ("mean", "se", "ci95_low", "ci95_high", "n")


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
