"""Capacity-plan speed: a 52-week plan for 3 sites x 6 groups (required FTE analytic + MILP).

The scenario is built here: six contact types (English and Spanish voice, chat, email, social,
back-office voice), three sites (Dallas, Bogota, Manila) with six groups each, one group per
type, 30-minute intervals. The plan runs 52 weeks from 2026-08-03 with the scenario's weekday
profile, a season multiplier for late November to December, tenure bands, attrition by tenure,
hiring classes per site and a learning curve. Timed: `api.plan` (validation, compilation,
required FTE per week, the MILP per site, the weekly table). Target (issue 14): <= 10 s.

Usage::

    python benchmarks/plan.py            # one timed run after a warm-up import

The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import yaml

from sim import api

TYPES = [("en_voice", "voice", "en", 2400), ("es_voice", "voice", "es", 900),
         ("en_chat", "chat", "en", 1500), ("en_email", "email", "en", 800),
         ("en_social", "social", "en", 300), ("bo_voice", "voice", "fr", 600)]  # fmt: skip
SITES = [("dallas", "America/Chicago", "onshore"), ("bogota", "America/Bogota", "nearshore"),
         ("manila", "Asia/Manila", "offshore")]  # fmt: skip
PROFILE = [0.6, 0.4, 0.3, 0.2, 0.2, 0.4, 1.2, 3, 5, 6.5, 7.2, 7.4, 7.2, 7, 6.8, 6.6, 6.4, 6.2,
           6, 5.6, 5, 4, 2.8, 1.5]  # fmt: skip


def scenario() -> dict:
    """Six types answered by six groups at each of three sites (18 groups)."""
    demand = [{"name": n, "channel": ch, "language": lang, "timezone": "America/Chicago",
               "volume_per_day": vol, "intraday_profile": PROFILE,
               "weekday_profile": [1.12, 1.05, 1.0, 0.98, 1.0, 0.95, 0.9],
               "handle_time": {"dist": "lognormal", "mean_s": 360, "cv": 0.8},
               "patience": {"dist": "exponential", "mean_s": 240} if ch in ("voice", "chat")
               else None}
              for n, ch, lang, vol in TYPES]  # fmt: skip
    sites = [{"name": s, "timezone": tz, "location": loc,
              "groups": [{"name": n, "skills": [{"language": lang, "channel": ch}],
                          "shifts": [{"start": "00:00", "end": "24:00", "headcount": 10}]}
                         for n, ch, lang, _ in TYPES]}
             for s, tz, loc in SITES]  # fmt: skip
    return {"name": "plan_bench", "horizon": {"start": "2026-08-03", "days": 7,
            "timezone": "America/Chicago", "interval_minutes": 30},
            "channels": {"voice": {"sl_threshold_s": 20, "sl_target": 0.8},
                         "chat": {"sl_threshold_s": 60, "sl_target": 0.8},
                         "email": {"sla_hours": 24, "sla_target": 0.9},
                         "social": {"sla_hours": 2, "sla_target": 0.85}},
            "demand": demand, "sites": sites}  # fmt: skip


def plan() -> dict:
    """52 weeks, season peak, people rules per site."""
    hiring = {"lead_time_weeks": 4, "training_weeks": 4, "graduation_rate": 0.85,
              "min_class": 4, "max_class": 25, "max_classes_per_month": 2}  # fmt: skip
    attrition = [{"up_to_tenure_weeks": 12, "per_week": 0.02}, {"per_week": 0.008}]
    lc = {"initial_aht_factor": 1.3, "initial_fcr_factor": 0.85, "weeks_to_proficiency": 10}
    sites = [{"name": s, "hiring": hiring, "attrition": attrition, "learning_curve": lc,
              "groups": [{"name": n, "headcount": [{"tenure_weeks": 40, "agents": 12},
                                                   {"tenure_weeks": 6, "agents": 3}]}
                         for n, *_ in TYPES]}
             for s, *_ in SITES]  # fmt: skip
    return {"name": "plan_bench", "scenario": "scenario.yaml",
            "horizon": {"start": "2026-08-03", "weeks": 52},
            "volumes": {"multipliers": [{"start": "2026-11-20", "end": "2026-12-24",
                                         "multiplier": 1.6}]},
            "sites": sites}  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario()))
        (folder / "plan.yaml").write_text(yaml.safe_dump(plan()))
        started = time.perf_counter()
        result = api.plan(folder / "plan.yaml")
        wall = time.perf_counter() - started
    totals = result.to_json(weeks=False)["totals"]
    groups = len(result.setup.groups)
    print(f"52-week plan, {len(SITES)} sites x {len(TYPES)} groups ({groups} groups): "
          f"{wall:.2f} s (target <= 10 s)")  # fmt: skip
    for k, v in result.timings.items():
        print(f"  {k:<13} {v:6.2f} s")
    print(f"  solver: {result.decisions.status}; {totals['classes']} classes, "
          f"{totals['hires']:.0f} hires; coverable short group-weeks "
          f"{totals['coverable_short_group_weeks']}")  # fmt: skip
    print(
        json.dumps(
            {
                "benchmark": "plan",
                "weeks": 52,
                "sites": len(SITES),
                "groups": groups,
                "wall_s": round(wall, 3),
                "target_s": 10.0,
                "within_target": wall <= 10.0,
                "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
                "status": result.decisions.status,
                "classes": totals["classes"],
                "coverable_short_group_weeks": totals["coverable_short_group_weeks"],
            }
        )
    )


if __name__ == "__main__":
    main()
