"""Wall-clock to UTC: arrival-rate grids from customers' local profiles, shift windows from sites.

Everything local is resolved here, once. Customers follow their own clock: on a daylight-saving
day the missing (or repeated) local hour simply has no (or double) demand, and a 09:00 peak stays at
09:00 local while it moves by an hour in UTC. Shifts follow the site's clock the same way.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from sim.scenario.models import WEEKDAYS, ContactType, Shift, clock_seconds

RATE_BIN_S = 900  # every IANA offset is a multiple of 15 minutes, so local slots align with bins
DAY_S = 86_400


def horizon_start_utc(start: dt.date, timezone: str) -> pd.Timestamp:
    """The UTC instant of local midnight at the start of the horizon."""
    return pd.Timestamp(
        dt.datetime.combine(start, dt.time(), tzinfo=ZoneInfo(timezone))
    ).tz_convert("UTC")


def rate_bin_edges(horizon_s: float) -> np.ndarray:
    """Edges (seconds from horizon start) of the 15-minute rate grid, the last one clipped."""
    edges = np.arange(0.0, horizon_s, RATE_BIN_S)
    return np.append(edges, horizon_s)


def arrival_rates(ct: ContactType, t0: pd.Timestamp, edges: np.ndarray) -> np.ndarray:
    """Arrivals per second of one contact type in each rate bin, read on the customers' clock."""
    mids = t0 + pd.to_timedelta((edges[:-1] + edges[1:]) / 2, unit="s")
    local = mids.tz_convert(ct.timezone)
    seconds_of_day = (local.hour * 3600 + local.minute * 60 + local.second).to_numpy()
    profile = np.ones(24) if ct.intraday_profile == "flat" else np.asarray(ct.intraday_profile)
    slot_s = DAY_S / len(profile)
    density = profile / profile.sum() / slot_s  # share of the day's volume per second
    slot = np.minimum((seconds_of_day // slot_s).astype(int), len(profile) - 1)

    weekday = np.asarray(ct.weekday_profile, dtype=float)
    weekday = weekday / weekday.mean()
    day_factor = weekday[local.day_of_week.to_numpy()]
    dates = local.normalize().tz_localize(None).to_numpy()
    peak = np.ones(len(dates))
    for p in ct.peaks:
        inside = (dates >= np.datetime64(p.start)) & (dates <= np.datetime64(p.end))
        peak = np.where(inside, peak * p.multiplier, peak)
    return ct.volume_per_day * day_factor * peak * density[slot]


def shift_windows(
    shift: Shift, timezone: str, t0: pd.Timestamp, horizon_s: float
) -> list[tuple[float, float]]:
    """(login, logout) seconds from horizon start of each occurrence of a shift near the horizon."""
    zone = ZoneInfo(timezone)
    start_s, end_s = clock_seconds(shift.start), clock_seconds(shift.end)
    if end_s <= start_s:
        end_s += DAY_S
    first = (t0.tz_convert(timezone) - pd.Timedelta(days=1)).date()
    last = (t0 + pd.Timedelta(seconds=horizon_s)).tz_convert(timezone).date()
    days = {WEEKDAYS.index(d) for d in shift.days}
    out = []
    day = first
    while day <= last:
        if day.weekday() in days:
            midnight = dt.datetime.combine(day, dt.time())
            login = _utc_seconds(midnight + dt.timedelta(seconds=start_s), zone, t0)
            logout = _utc_seconds(midnight + dt.timedelta(seconds=end_s), zone, t0)
            if logout > 0 and login < horizon_s and logout > login:
                out.append((max(login, 0.0), logout))
        day += dt.timedelta(days=1)
    return out


def _utc_seconds(local_wall: dt.datetime, zone: ZoneInfo, t0: pd.Timestamp) -> float:
    """Seconds from t0 of a local wall time (a time in a DST gap maps to just after the gap)."""
    aware = local_wall.replace(tzinfo=zone)
    return (aware.astimezone(dt.UTC) - t0.to_pydatetime()).total_seconds()


def merge_windows(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Join windows that touch or overlap, so back-to-back shifts are one continuous login."""
    merged: list[tuple[float, float]] = []
    for login, logout in sorted(windows):
        if merged and login <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], logout))
        else:
            merged.append((login, logout))
    return merged
