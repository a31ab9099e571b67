"""Time helpers shared by the pages' figures: a series on the full interval grid, wall clocks.

Times in the tidy interval table are tz-aware UTC (`interval_start_utc`); plotly plots naive
wall-clock times, so figures convert with `to_clock` into the zone they show.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

Clock = Literal["utc", "local"]


def interval_series(intervals: pd.DataFrame, dimension: str, key: str) -> pd.DataFrame:
    """One (dimension, key)'s rows on the full interval grid, indexed by interval."""
    overall = intervals[intervals["dimension"] == "overall"]
    grid = overall[["interval", "interval_start_utc"]].drop_duplicates("interval")
    rows = intervals[(intervals["dimension"] == dimension) & (intervals["key"] == key)]
    rows = rows.drop(columns=["dimension", "key", "interval_start_utc"])
    return grid.merge(rows, on="interval", how="left").set_index("interval").sort_index()


def to_clock(start_utc: pd.Series, timezone: str) -> pd.Series:
    """Tz-aware UTC timestamps as naive wall-clock times in `timezone` (what plotly plots)."""
    return start_utc.dt.tz_convert(timezone).dt.tz_localize(None)


def on_clock(
    series: pd.DataFrame, timezone: str, day: str | None
) -> tuple[pd.DataFrame, pd.Series]:
    """The series' rows (all, or those on `day` in `timezone`) and their wall-clock times there."""
    x = to_clock(series["interval_start_utc"], timezone)
    if day is None:
        return series, x
    keep = x.dt.normalize() == pd.Timestamp(day)
    return series[keep], x[keep]


def day_label(day: str | None) -> str:
    """'2026-09-14' -> 'Mon 14 Sep 2026'; None -> 'whole horizon'."""
    return "whole horizon" if day is None else pd.Timestamp(day).strftime("%a %d %b %Y")


def time_axis_title(start_utc: pd.Series, timezone: str) -> str:
    """'Interval start (UTC)' or e.g. 'Interval start, Asia/Manila local time (UTC+08:00)'."""
    if timezone == "UTC":
        return "Interval start (UTC)"
    offsets = start_utc.dt.tz_convert(timezone).map(lambda t: t.strftime("%z")).unique()
    labels = "/".join(f"UTC{o[:3]}:{o[3:]}" for o in offsets)
    return f"Interval start, {timezone} local time" + (f" ({labels})" if labels else "")
