"""One KPI of a run as a table cell: mean ± CI half-width in the KPI's display unit (registry)."""

from __future__ import annotations

import math

from sim.kpis.registry import MONEY, format_value, kpi
from sim.results import RunResult


def half_width(mean: float | None, low: float | None, high: float | None) -> float | None:
    """The larger side of a CI (bounds are clipped to the KPI's range, so it may be lopsided)."""
    if mean is None or low is None or high is None:
        return None
    half = max(high - mean, mean - low)
    return half if math.isfinite(half) else None


def kpi_cell(
    result: RunResult,
    metric: str,
    dimension: str,
    key: str,
    channel: str | None = None,
    unit: bool = True,
) -> str:
    """`82.4% ± 1.6%`, `9.9 s ± 1.1`, `5.42 h ± 0.35`; `–` where undefined, "" where absent."""
    try:
        v = result.kpi(metric, dimension, key)
    except KeyError:
        return ""
    return format_value(
        metric, v["mean"], half_width(v["mean"], v["ci95_low"], v["ci95_high"]), channel, unit
    )


def money_header(metric: str, currency: str) -> str:
    """A money column's header with its currency, e.g. `cost USD`."""
    entry = kpi(metric)
    return f"{entry.short} {currency}" if entry.kind == MONEY else entry.short
