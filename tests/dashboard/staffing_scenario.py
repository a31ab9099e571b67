"""A small staffing scenario for the dashboard tests: one day, two sites, a roster short at peak."""

from __future__ import annotations

from typing import Any

PROFILE = [0] * 6 + [1] * 4 + [3] * 6 + [1] * 4 + [0] * 4  # a midday peak, 06:00-20:00 UTC


def staffing_dict() -> dict[str, Any]:
    """English voice and email answered in Manila (UTC+8) and Mexico City (UTC-6), hourly."""
    skills = [{"language": "en", "channel": "voice"}, {"language": "en", "channel": "email"}]
    demand = [
        {"name": "en_voice", "channel": "voice", "language": "en", "timezone": "UTC",
         "volume_per_day": 1500, "intraday_profile": PROFILE,
         "handle_time": {"dist": "exponential", "mean_s": 300},
         "patience": {"dist": "exponential", "mean_s": 300}},
        {"name": "en_email", "channel": "email", "language": "en", "timezone": "UTC",
         "volume_per_day": 300, "intraday_profile": PROFILE,
         "handle_time": {"dist": "exponential", "mean_s": 400}},
    ]  # fmt: skip

    def site(name: str, zone: str, wage: float, headcount: int) -> dict[str, Any]:
        shift = {"start": "06:00", "end": "20:00", "headcount": headcount}
        return {"name": name, "timezone": zone, "location": "offshore",
                "groups": [{"name": "team", "wage_per_hour": wage, "skills": skills,
                            "shifts": [shift]}]}  # fmt: skip

    return {
        "name": "staffing_small",
        "horizon": {"start": "2026-09-14", "days": 1, "timezone": "UTC", "interval_minutes": 60},
        "channels": {"voice": {"sl_threshold_s": 20, "sl_target": 0.8},
                     "email": {"sla_hours": 4, "sla_target": 0.9}},
        "demand": demand,
        "sites": [site("manila", "Asia/Manila", 8, 8),
                  site("mexico", "America/Mexico_City", 14, 4)],
    }  # fmt: skip
