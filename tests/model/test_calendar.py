"""Time zones: profiles in the customers' clock, shifts in the site's clock, DST days."""

from __future__ import annotations

import numpy as np
import pandas as pd
from helpers import compiled, single_queue


def _peak_hour_utc(model, day: int) -> int:
    """UTC hour of the busiest rate bin on a given day of the horizon."""
    bins = model.rates_per_s[0]
    per_day = len(bins) // int(model.horizon_s // 86_400)
    day_bins = bins[day * per_day : (day + 1) * per_day]
    return int(np.argmax(day_bins) * 900 // 3600)


def _new_york_profile(start: str, days: int) -> dict:
    data = single_queue(days=days)
    data["horizon"]["start"] = start
    profile = [0.0] * 24
    profile[9] = 1.0  # all volume between 09:00 and 10:00 New York time
    data["demand"][0].update(timezone="America/New_York", intraday_profile=profile)
    return data


def test_local_peak_moves_in_utc_across_dst():
    """A 09:00 New York peak is at 14:00 UTC in winter and 13:00 UTC in summer."""
    winter = compiled(_new_york_profile("2026-01-05", 1))
    summer = compiled(_new_york_profile("2026-07-06", 1))
    assert _peak_hour_utc(winter, 0) == 14
    assert _peak_hour_utc(summer, 0) == 13


def test_dst_transition_inside_horizon():
    """Across the March 2026 change (8 Mar), the peak moves from 14:00 to 13:00 UTC."""
    model = compiled(_new_york_profile("2026-03-06", 4))
    assert [_peak_hour_utc(model, d) for d in range(4)] == [14, 14, 13, 13]


def test_daily_volume_preserved_on_ordinary_days():
    """Each local day's expected arrivals equal volume_per_day (weights normalised)."""
    data = single_queue(days=3)
    data["demand"][0].update(
        timezone="Europe/Madrid", intraday_profile=list(range(1, 25)), volume_per_day=1000
    )
    model = compiled(data)
    assert abs(model.expected_arrivals()[0] - 3000) < 1e-6 * 3000


def test_spring_forward_day_loses_the_missing_hour():
    """On the 23-hour day, the skipped local hour 02:00-03:00 carries no demand."""
    data = single_queue(days=1, timezone="America/New_York")
    data["horizon"]["start"] = "2026-03-08"
    data["demand"][0].update(timezone="America/New_York", volume_per_day=2400)
    model = compiled(data)
    # a flat profile gives 100/hour; the horizon is 23 real hours long on that local day
    assert model.horizon_s == 86_400
    local_day_volume = model.expected_arrivals()[0]
    assert abs(local_day_volume - 2400) < 1e-6  # 24 h of UTC time covers 23 h + 1 h next day


def test_weekday_profile_and_peak_multiplier():
    """Weekday weights (normalised to mean 1) and a dated peak multiply the daily volume."""
    data = single_queue(days=7)
    data["demand"][0].update(
        volume_per_day=700,
        weekday_profile=[2, 1, 1, 1, 1, 1, 0],
        peaks=[{"start": "2026-01-07", "end": "2026-01-07", "multiplier": 2.5}],
    )
    model = compiled(data)
    per_day = model.rates_per_s[0].reshape(7, -1).sum(axis=1) * 900
    expected = np.array([1400, 700, 700 * 2.5, 700, 700, 700, 0])
    assert np.allclose(per_day, expected)


def test_shift_in_site_local_time():
    """A 09:00-17:00 Manila shift logs in at 01:00 UTC and out at 09:00 UTC."""
    data = single_queue(days=1)
    data["sites"][0]["timezone"] = "Asia/Manila"
    data["sites"][0]["groups"][0]["shifts"] = [{"start": "09:00", "end": "17:00", "headcount": 3}]
    model = compiled(data)
    assert model.n_agents == 3
    assert model.agent_windows[0] == [(3600.0, 9 * 3600.0)]


def test_overnight_shift_and_merging():
    """A 22:00-06:00 shift runs past midnight; back-to-back 24h shifts merge into one login."""
    data = single_queue(days=2)
    data["sites"][0]["groups"][0]["shifts"] = [
        {"start": "22:00", "end": "06:00", "headcount": 1},
        {"start": "00:00", "end": "24:00", "headcount": 1},
    ]
    model = compiled(data)
    assert model.agent_windows[0] == [(0.0, 6 * 3600.0), (22 * 3600.0, 30 * 3600.0),
                                      (46 * 3600.0, 54 * 3600.0)]  # fmt: skip
    assert model.agent_windows[1] == [(0.0, 2 * 86_400.0)]  # logs out at the horizon end


def test_shift_days_follow_local_weekday():
    """A Monday-only shift works only on the site's local Monday."""
    data = single_queue(days=7)
    data["sites"][0]["groups"][0]["shifts"] = [
        {"start": "08:00", "end": "12:00", "days": ["mon"], "headcount": 1}
    ]
    model = compiled(data)
    start = pd.Timestamp("2026-01-05", tz="UTC")  # a Monday
    logins = [start + pd.Timedelta(seconds=w[0]) for w in model.agent_windows[0]]
    assert [t.day_name() for t in logins] == ["Monday"]


def test_horizon_in_local_timezone():
    """The horizon starts at local midnight of its own time zone."""
    data = single_queue(days=1)
    data["horizon"]["timezone"] = "Asia/Tokyo"
    model = compiled(data)
    assert model.t0_utc == pd.Timestamp("2026-01-04 15:00", tz="UTC")
