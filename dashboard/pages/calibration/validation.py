"""The calibration page's job: calibrate the bank log again and validate it by simulation.

Module level (a job worker imports it by name); the record it returns is JSON-ready, so the page
keeps it in a store and redraws without simulating again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sim import api

BANK_LOG = api.BUNDLED_DIR / "data" / "anonymous_bank_february_1999.tsv"
METRICS = {  # metric: (axis title, tick format, name in the chart title)
    "abandon_rate": ("Abandonment (% of calls that waited)", ".0%", "abandonment"),
    "asa_s": ("Average speed of answer (s)", "", "average speed of answer"),
    "offered": ("Calls offered per day in the hour", ",.0f", "calls offered"),
    "service_level": ("Service level (% within threshold)", ".0%", "service level"),
    "occupancy": ("Agent occupancy (%)", ".0%", "agent occupancy"),
}


def _num(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def validation_record(replications: int, seed: int = 1, progress: Callable | None = None) -> dict:
    """Calibrate the bank log, validate by simulation; a JSON-ready record of the comparison."""
    log, cal, v = api.calibrate_log(
        BANK_LOG, "anonymous-bank", "bank_1999", None, replications, seed, progress
    )
    rows = [
        {
            "metric": m,
            "hour": str(h),
            **{
                k: _num(r[k])
                for k in ("observed", "sim_mean", "ci_low", "ci_high", "pi_low", "pi_high")
            },
        }
        for (m, h), r in v.table.iterrows()
        if m in METRICS
    ]
    checks = {
        m: {k: (bool(x) if isinstance(x, bool) else _num(x)) for k, x in c.items()}
        for m, c in v.checks.items()
        if m in ("abandon_rate", "asa_s")
    }
    hourly = v.checks["hourly_abandonment"]
    return {
        "replications": replications,
        "timezone": cal.scenario.horizon.timezone,
        "days": log.days,
        "rows": rows,
        "checks": checks,
        "hourly": {
            "hours_scored": int(hourly["hours_scored"]),
            "inside_pi_share": _num(hourly["inside_pi_share"]),
        },
    }


def validation_job(progress: Callable[[int, int], None], replications: int) -> dict:
    """The worker's entry point: the validation record with `replications` simulated months."""
    return validation_record(replications, 1, progress)
