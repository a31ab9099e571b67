"""The results page's downloads: every KPI of a run, and every KPI per interval (CSV or Parquet).

The summary table has one row per (dimension, key, metric) with its statistics; the interval table
one row per (dimension, key, interval) with each KPI's mean, se, CI and n, the interval start in
UTC and in the reporting time zone, and for site rows on the site's own clock (`no_site` rows,
queues no site staffed, on the reporting clock).
"""

from __future__ import annotations

import io

import pandas as pd

from sim.results import NO_SITE, RunResult

DOWNLOAD_STATS = ("mean", "se", "ci95_low", "ci95_high", "n")
SITE_DIMENSIONS = ("site", "site_channel")  # keys 'site' and 'site/channel'


def kpi_table(result: RunResult) -> pd.DataFrame:
    """Every KPI by dimension and key: one row per (dimension, key, metric) with its statistics."""
    long = result.summary.stack(level=0, future_stack=True)
    long.index = long.index.set_names(["dimension", "key", "metric"])
    table = long.reset_index()
    table = table[["dimension", "key", "metric", *DOWNLOAD_STATS]].dropna(subset=["mean"])
    return table.reset_index(drop=True)


def interval_table(result: RunResult) -> pd.DataFrame:
    """Every per-interval KPI by dimension and key, with site rows also on the site's clock."""
    table = result.interval_table()
    model = result.model
    zones = dict(zip(model.site_names, model.site_timezones, strict=True))
    zones[NO_SITE] = model.scenario.reporting.timezone  # queues no site staffed
    site_rows = table["dimension"].isin(SITE_DIMENSIONS)
    zone = table["key"].where(site_rows).str.split("/").str[0].map(zones)
    local = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    for name in zone.dropna().unique():
        sel = zone == name
        local[sel] = table.loc[sel, "interval_start_utc"].dt.tz_convert(name).dt.tz_localize(None)
    table.insert(5, "site_timezone", zone)
    table.insert(6, "interval_start_site", local)
    return table


def _csv(table: pd.DataFrame) -> str:
    return table.to_csv(index=False)


def _parquet(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


def kpi_csv(result: RunResult) -> str:
    return _csv(kpi_table(result))


def kpi_parquet(result: RunResult) -> bytes:
    return _parquet(kpi_table(result))


def interval_csv(result: RunResult) -> str:
    return _csv(interval_table(result))


def interval_parquet(result: RunResult) -> bytes:
    return _parquet(interval_table(result))
