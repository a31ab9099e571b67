"""What-if edits on a scenario dict: scale headcount, set one peak everywhere, add/remove shifts.

Each edit is a pure function: it takes a scenario as a plain dict (`Scenario.model_dump(mode=
"json")` or a hand-written mapping), returns a changed deep copy and never touches its input. An
edit that cannot apply (an unknown site, a bad percentage, the last shift line of a group) raises
ScenarioError naming the field and what is allowed; the result is validated by the caller like a
YAML file (`sim.api.from_dict`). Headcount scaling changes the selection's total to the nearest
whole agent (halves up, computed exactly: no float drift) and spreads it over the shift lines by
largest remainder: each line moves to its exact share rounded down or up, so +10% on lines of
4, 2 and 1 agents (7.7 exact) gives 8, not the unchanged 4 + 2 + 1 that rounding each line gives.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from fractions import Fraction
from typing import Any

from sim.errors import ScenarioError

MAX_PERCENT = 1000.0
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMEZONE_SLACK_DAYS = 1  # customers' local dates may lie a day either side of the horizon's


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def scaled(headcount: int, percent: float) -> int:
    """`headcount` changed by `percent` %, to the nearest whole agent (halves away from zero)."""
    return apportioned([headcount], percent)[0]


def apportioned(headcounts: list[int], percent: float) -> list[int]:
    """Each of `headcounts` changed by `percent` %, whole agents that add up to the nearest whole
    number to the exact total (halves up): lines rounded down, then the largest remainders (the
    first line of equal ones) rounded up; a line is never more than one agent from its exact share.
    """
    factor = (100 + Fraction(str(percent))) / 100
    exact = [max(Fraction(0), Fraction(h) * factor) for h in headcounts]
    out = [math.floor(x) for x in exact]
    total = math.floor(sum(exact, Fraction(0)) + Fraction(1, 2))
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def _site(data: dict[str, Any], name: str) -> tuple[int, dict[str, Any]]:
    names = [s["name"] for s in data["sites"]]
    if name not in names:
        raise ScenarioError(f"site: no site {name!r}; use one of {names}")
    return names.index(name), data["sites"][names.index(name)]


def _group(site: dict[str, Any], name: str) -> tuple[int, dict[str, Any]]:
    names = [g["name"] for g in site["groups"]]
    if name not in names:
        raise ScenarioError(f"group: site {site['name']!r} has no group {name!r}; use one of "
                            f"{names}")  # fmt: skip
    return names.index(name), site["groups"][names.index(name)]


def scale_headcount(
    data: dict[str, Any],
    percent: float,
    site: str | None = None,
    group: str | None = None,
    shift: int | None = None,
) -> dict[str, Any]:
    """Scale the headcount of every shift line (or one site's, one group's, one line) by
    `percent` % (-100 to +1000), the total to the nearest agent (see the module docstring); a
    group needs its site, a shift line index its group."""
    if not _finite(percent):
        raise ScenarioError("percent: enter a number, e.g. 10 for +10% or -5 for -5%")
    if not -100 <= percent <= MAX_PERCENT:
        raise ScenarioError(f"percent: {percent:g} is outside -100..{MAX_PERCENT:g}")
    if group is not None and site is None or shift is not None and group is None:
        raise ScenarioError("scale: name the site of a group and the group of a shift line")
    out = copy.deepcopy(data)
    sites = [_site(out, site)[1]] if site is not None else out["sites"]
    chosen: list[dict[str, Any]] = []
    for s in sites:
        groups = [_group(s, group)[1]] if group is not None else s["groups"]
        for g in groups:
            lines = g.get("shifts", [])
            if shift is not None:
                if not 0 <= shift < len(lines):
                    raise ScenarioError(f"shift: group {g['name']!r} has shift lines 0.."
                                        f"{len(lines) - 1}, not {shift}")  # fmt: skip
                lines = [lines[shift]]
            chosen += lines
    new = apportioned([int(line["headcount"]) for line in chosen], percent)
    for line, headcount in zip(chosen, new, strict=True):
        line["headcount"] = headcount
    return out


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ScenarioError(f"{field}: {value!r} is not a date; write YYYY-MM-DD") from None


def horizon_dates(data: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The first and last date of the horizon (in its time zone), both included."""
    horizon = data["horizon"]
    first = _date(horizon["start"], "horizon.start")
    last = first + dt.timedelta(days=math.ceil(float(horizon["days"])) - 1)
    return first, last


def set_peak(data: dict[str, Any], start: Any, end: Any, multiplier: Any) -> dict[str, Any]:
    """Give every contact type one peak from `start` to `end` (customers' dates, inclusive):
    a peak with exactly these dates gets the new multiplier, else it is added in date order.

    Refused when the dates lie wholly outside the horizon (the peak would change nothing).
    """
    first_day, last_day = _date(start, "peak start"), _date(end, "peak end")
    if last_day < first_day:
        raise ScenarioError(f"peak end: {last_day} is before the start {first_day}")
    if not (_finite(multiplier) and multiplier > 0):
        raise ScenarioError("peak multiplier: enter a number above 0 (1.5 = 50% more contacts)")
    lo, hi = horizon_dates(data)
    slack = dt.timedelta(days=TIMEZONE_SLACK_DAYS)
    if last_day < lo - slack or first_day > hi + slack:
        raise ScenarioError(f"peak dates: {first_day} to {last_day} lie outside the horizon "
                            f"({lo} to {hi}), so the peak would change nothing")  # fmt: skip
    out = copy.deepcopy(data)
    for ct in out["demand"]:
        peaks = [p for p in ct.get("peaks") or [] if not _same_dates(p, first_day, last_day)]
        peaks.append({"start": first_day.isoformat(), "end": last_day.isoformat(),
                      "multiplier": float(multiplier)})  # fmt: skip
        ct["peaks"] = sorted(peaks, key=lambda p: (str(p["start"]), str(p["end"])))
    return out


def remove_peak(data: dict[str, Any], start: Any, end: Any) -> dict[str, Any]:
    """Remove the peak with exactly these dates from every contact type (refused if none has it)."""
    first_day, last_day = _date(start, "peak start"), _date(end, "peak end")
    out = copy.deepcopy(data)
    found = False
    for ct in out["demand"]:
        peaks = ct.get("peaks") or []
        kept = [p for p in peaks if not _same_dates(p, first_day, last_day)]
        found = found or len(kept) < len(peaks)
        ct["peaks"] = kept
    if not found:
        raise ScenarioError(f"peak dates: no contact type has a peak from {first_day} to "
                            f"{last_day}")  # fmt: skip
    return out


def _same_dates(peak: dict[str, Any], start: dt.date, end: dt.date) -> bool:
    return _date(peak["start"], "peak start") == start and _date(peak["end"], "peak end") == end


def peak_table(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct peak (dates) with each contact type's multiplier there (None: no peak)."""
    dates = sorted({(str(p["start"]), str(p["end"])) for ct in data["demand"]
                    for p in ct.get("peaks") or []})  # fmt: skip
    rows = []
    for start, end in dates:
        values = {}
        for ct in data["demand"]:
            match = [p for p in ct.get("peaks") or [] if (str(p["start"]), str(p["end"]))
                     == (start, end)]  # fmt: skip
            values[ct["name"]] = float(match[0]["multiplier"]) if match else None
        rows.append({"start": start, "end": end, "multipliers": values})
    return rows


def add_shift(
    data: dict[str, Any], site: str, group: str, start: str, end: str,
    days: list[str] | None, headcount: Any,
) -> dict[str, Any]:  # fmt: skip
    """Add a shift line (site local times HH:MM, weekdays mon..sun) to one group."""
    if not (_finite(headcount) and float(headcount).is_integer() and headcount >= 0):
        raise ScenarioError("shift headcount: enter a whole number of agents, 0 or more")
    chosen = list(days or WEEKDAYS)
    unknown = [d for d in chosen if d not in WEEKDAYS]
    if unknown:
        raise ScenarioError(f"shift days: {unknown} are not weekdays; use {list(WEEKDAYS)}")
    out = copy.deepcopy(data)
    g = _group(_site(out, site)[1], group)[1]
    line = {"start": str(start).strip(), "end": str(end).strip(),
            "days": [d for d in WEEKDAYS if d in chosen], "headcount": int(headcount)}  # fmt: skip
    g.setdefault("shifts", []).append(line)
    return out


def remove_shift(data: dict[str, Any], site: str, group: str, index: int) -> dict[str, Any]:
    """Remove shift line `index` of a group; its last line is refused (the group would have no
    agents at all: set its headcount to 0 instead, which keeps the group visible)."""
    out = copy.deepcopy(data)
    g = _group(_site(out, site)[1], group)[1]
    lines = g.get("shifts", [])
    if not 0 <= index < len(lines):
        raise ScenarioError(f"shift: group {group!r} has shift lines 0..{len(lines) - 1}, "
                            f"not {index}")  # fmt: skip
    if len(lines) == 1:
        raise ScenarioError(f"shift: {site}/{group} has only this shift line; a group needs at "
                            "least one (set its headcount to 0 to staff nobody)")  # fmt: skip
    del lines[index]
    return out


def headcount_by_site(data: dict[str, Any]) -> dict[str, int]:
    """Agents on shift lines per site (each line counted once, whatever its days)."""
    return {s["name"]: sum(int(sh["headcount"]) for g in s["groups"] for sh in g.get("shifts", []))
            for s in data["sites"]}  # fmt: skip
