"""Any plan week as a scenario the simulator runs: the week's volumes and the planned people.

The scenario is the base scenario over the week (Monday to Sunday, after a one-day warm-up that
repeats Sunday), with:

* each type's volume per day = the week's volume / 7, no peaks (the representative week), the
  week's handle-time factor on its mean;
* per group, the analytic scheduled agents of each interval scaled by the plan's headcount
  (with overtime, less undertime) over its requirement, worked as shifts of at most 9 hours on
  the interval grid (agent k works every interval with more than k agents), on the site's clock;
* the plan's shrinkage for that week (absenteeism set so that off-phone time and absences give
  it), the group's learning curve at the tenure whose productivity is the group's average, and
  no attrition inside the week (the plan moves people between weeks);
* the plan's wage per hour for groups of sites without a vendor price.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.planning.result import PlanResult
from sim.scenario import Scenario, scenario_from_dict
from sim.scenario.models import WEEKDAYS
from sim.staffing.workload import shrinkage

MAX_SHIFT_INTERVALS_H = 9.0


def _scaled_dist(dist: dict[str, Any], factor: float) -> dict[str, Any]:
    out = dict(dist)
    if "mean_s" in out:
        out["mean_s"] = out["mean_s"] * factor
    if "values_s" in out:
        out["values_s"] = [v * factor for v in out["values_s"]]
    return out


def _runs(agents: np.ndarray, max_len: int) -> list[tuple[int, int]]:
    """(first, end) interval runs of each agent, cut into pieces of at most max_len intervals."""
    out = []
    for k in range(int(agents.max(initial=0))):
        on = np.concatenate([[False], agents > k, [False]])
        flips = np.flatnonzero(on[1:] != on[:-1])
        for a, b in zip(flips[::2], flips[1::2], strict=True):
            pieces = int(np.ceil((b - a) / max_len))
            cuts = np.round(np.linspace(a, b, pieces + 1)).astype(int)
            out += list(zip(cuts[:-1], cuts[1:], strict=True))
    return out


def week_shifts(agents: np.ndarray, monday: dt.date, interval_min: int, scenario_tz: str,
                site_tz: str) -> list[dict[str, Any]]:  # fmt: skip
    """Shift lines (site-local start, end, weekday, headcount) giving `agents` per interval."""
    start = pd.Timestamp(monday).tz_localize(scenario_tz)
    max_len = int(MAX_SHIFT_INTERVALS_H * 60 // interval_min)
    counts: Counter = Counter()
    for a, b in _runs(agents, max_len):
        t0 = (start + pd.Timedelta(minutes=interval_min * a)).tz_convert(site_tz)
        t1 = (start + pd.Timedelta(minutes=interval_min * b)).tz_convert(site_tz)
        counts[(WEEKDAYS[t0.day_of_week], f"{t0:%H:%M}", f"{t1:%H:%M}")] += 1
    return [{"start": s, "end": e, "days": [d], "headcount": n}
            for (d, s, e), n in sorted(counts.items())]  # fmt: skip


def tenure_for(productivity: float, lc) -> float:
    """Tenure (weeks) at which the learning curve gives this productivity (1 / AHT factor)."""
    if lc is None or productivity >= 1.0 - 1e-9:
        return 52.0 if lc is None else max(52.0, float(lc.weeks_to_proficiency))
    factor = min(1.0 / max(productivity, 1e-9), lc.initial_aht_factor)
    span = lc.initial_aht_factor - 1.0
    return float(lc.weeks_to_proficiency * (lc.initial_aht_factor - factor) / span)


def week_scenario(result: PlanResult, week: int) -> Scenario:
    """The plan's week `week` (1-based) as a scenario (see the module docstring)."""
    setup, req = result.setup, result.requirement
    if not 1 <= week <= setup.n_weeks:
        raise ScenarioError(f"week {week}: the plan has weeks 1 to {setup.n_weeks}")
    t = week - 1
    monday = setup.week_starts[t]
    data = setup.scenario.model_dump(mode="json")
    data["name"] = f"{setup.plan.name}_week{week}"
    data["description"] = f"{setup.plan.name}: week {week} from {monday} (ccsim plan)"
    interval = int(data["horizon"]["interval_minutes"])
    data["horizon"].update(start=str(monday - dt.timedelta(days=1)), days=8, warmup_hours=24)
    for c, ct in enumerate(data["demand"]):
        ct["volume_per_day"] = float(setup.volumes[c, t]) / 7.0
        ct["peaks"] = []
        ct["handle_time"] = _scaled_dist(ct["handle_time"], float(setup.aht_factor[c, t]))
    off, _ = shrinkage(req.template)
    rows = result.weeks[result.weeks["week"] == week].set_index(["site", "group"])
    gi = 0
    for site in data["sites"]:
        for group in site["groups"]:
            g = setup.groups[gi]
            r = rows.loc[(g.site, g.group)]
            paid = float(r["headcount"] + r["overtime_fte"] - r["undertime_fte"])
            need = float(r["required_fte"])
            ratio = paid / need if need > 0 else 0.0
            agents = np.round(req.scheduled_agents[t, gi] * ratio).astype(int)
            if site.get("pricing") is None:
                group["wage_per_hour"] = g.wage_per_hour  # the plan's wage prices the week
            group["shifts"] = week_shifts(agents, monday, interval, data["horizon"]["timezone"],
                                          site["timezone"])  # fmt: skip
            wf = group.setdefault("workforce", {})
            keep = 1.0 - float(g.shrinkage[t])
            wf["absenteeism"] = float(np.clip(1.0 - keep / (1.0 - off[gi]), 0.0, 0.95))
            wf["attrition_per_month"] = 0.0
            heads = float(r["headcount"])
            prod = float(r["effective_fte"]) / heads if heads > 0 else 1.0
            wf["tenure_weeks"] = tenure_for(prod, g.learning_curve)
            wf["learning_curve"] = (g.learning_curve.model_dump(mode="json")
                                    if g.learning_curve else None)  # fmt: skip
            gi += 1
    return scenario_from_dict(data, f"{setup.plan.name}: week {week}")
