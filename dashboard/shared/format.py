"""Human-readable numbers for KPI cards and hover labels (percentages, durations, money, CIs)."""

from __future__ import annotations

import math

DASH = "–"


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def fmt_percent(value: float | None, digits: int = 1) -> str:
    """0.897 -> '89.7%'; missing values -> an en dash."""
    return DASH if _missing(value) else f"{100 * value:.{digits}f}%"


def duration_unit(seconds: float | None) -> tuple[str, float]:
    """The unit a duration reads best in ('s', 'min' or 'h') and its size in seconds."""
    if _missing(seconds) or abs(seconds) < 100:
        return "s", 1.0
    if abs(seconds) < 100 * 60:
        return "min", 60.0
    return "h", 3600.0


def fmt_duration(seconds: float | None, unit: tuple[str, float] | None = None) -> str:
    """412 -> '6.9 min'; `unit` forces one unit (so a CI reads in the same unit as its mean)."""
    if _missing(seconds):
        return DASH
    name, size = unit or duration_unit(seconds)
    return f"{seconds / size:.1f} {name}"


def fmt_money(value: float | None, currency: str = "USD") -> str:
    """2.4074 -> 'USD 2.41', 208953.7 -> 'USD 208,953.73'; missing values -> an en dash."""
    return DASH if _missing(value) else f"{currency} {value:,.2f}"


def fmt_threshold(seconds: float) -> str:
    """A service-level threshold as configured: 20 -> '20 s', 86400 -> '24 h'."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def fmt_ci(
    low: float | None,
    high: float | None,
    kind: str,
    mean: float | None = None,
    currency: str = "USD",
) -> str:
    """'95% CI 88.7–90.7%' (percent), '95% CI USD 2.32–2.50' (money), or in the mean's unit."""
    if _missing(low) or _missing(high):
        return "95% CI " + DASH
    if kind == "percent":
        return f"95% CI {100 * low:.1f}–{100 * high:.1f}%"
    if kind == "money":
        return f"95% CI {fmt_money(low, currency)}–{high:,.2f}"
    name, size = duration_unit(mean if mean is not None else high)
    return f"95% CI {low / size:.1f}–{high / size:.1f} {name}"
