"""The small staffing scenario as a dict: one day, one voice queue served by two sites."""

from __future__ import annotations

from typing import Any


def small_dict(volume: float = 1200.0, with_email: bool = True) -> dict[str, Any]:
    """One day of English voice (and email) answered by agents in Manila and Mexico City."""
    demand = [
        {
            "name": "en_voice", "channel": "voice", "language": "en", "timezone": "UTC",
            "volume_per_day": volume, "intraday_profile": [0] * 6 + [1] * 14 + [0] * 4,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "patience": {"dist": "exponential", "mean_s": 300},
        },
    ]  # fmt: skip
    if with_email:
        demand.append({
            "name": "en_email", "channel": "email", "language": "en", "timezone": "UTC",
            "volume_per_day": volume / 4, "intraday_profile": [0] * 6 + [1] * 14 + [0] * 4,
            "handle_time": {"dist": "exponential", "mean_s": 400},
        })  # fmt: skip
    skills = [{"language": "en", "channel": "voice"}, {"language": "en", "channel": "email"}]
    shift = {"start": "06:00", "end": "20:00", "headcount": 10}
    return {
        "name": "small",
        "horizon": {"start": "2026-09-14", "days": 1, "timezone": "UTC", "interval_minutes": 60},
        "channels": {"voice": {"sl_threshold_s": 20, "sl_target": 0.8},
                     "email": {"sla_hours": 4, "sla_target": 0.9}},  # fmt: skip
        "demand": demand,
        "sites": [
            {"name": "manila", "timezone": "UTC", "location": "offshore",
             "groups": [{"name": "team", "wage_per_hour": 8, "skills": skills,
                         "shifts": [shift],
                         "workforce": {"absenteeism": 0.05,
                                       "off_phone": [{"after_start_h": 4, "duration_min": 30}]}}]},
            {"name": "mexico", "timezone": "UTC", "location": "nearshore",
             "groups": [{"name": "team", "wage_per_hour": 14, "skills": skills,
                         "shifts": [shift]}]},
        ],
    }  # fmt: skip
