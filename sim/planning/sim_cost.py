"""The plan's labour cost of a week on the simulator's basis, so plan and simulation compare.

The plan's own weekly cost (``result.weeks["cost"]``) is *payroll*: every agent on payroll and in
training paid ``hours_per_week`` hours (absences included), plus overtime, hiring and training.
The simulator's ``labour_cost`` KPI pays only what the week's roster works in the measured week:
worked shift hours at the wage or the vendor's price per logged hour, or the vendor's price per
productive hour, handled minute or contact. Here the week scenario's roster is priced that way
by ``sim.staffing.plan.labour_costs`` (the staffing module's own pricing of a roster): shifts
less expected absences (absenteeism), busy time from the week's offered work at the groups'
learning-curve handle-time factor. For wages and prices per logged hour its value is the
expected value of what the simulation measures; for a price per productive hour, busy time is the
offered work with chats at full concurrency (as staffing prices it), less than the simulator's
time holding any chat, so the plan's figure is low there (12% for Manila in the bundled plan).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import compile_model
from sim.planning.result import PlanResult
from sim.scenario import Scenario
from sim.staffing.plan import labour_costs
from sim.staffing.workload import build_workload, shrinkage


def roster_labour(result: PlanResult, week: int, scenario: Scenario) -> float:
    """Expected `labour_cost` KPI of the week's scenario (its roster priced as the simulator)."""
    model = compile_model(scenario)
    wl = build_workload(model)
    edges = wl.interval_edges_s
    dt_s = np.diff(edges)
    _, absent = shrinkage(model)
    worked = wl.presence * (1.0 - absent)[:, None]  # agents on shift, absences expected
    by_type = pd.DataFrame({
        "load_erlangs": (wl.rate_per_s * wl.aht_s[:, None]).ravel(),
        "contacts": (wl.rate_per_s * dt_s[None, :]).ravel(),
    })  # fmt: skip
    rows = result.weeks[result.weeks["week"] == week]
    heads, effective = rows["headcount"].to_numpy(), rows["effective_fte"].to_numpy()
    aht_factor = np.where(effective > 0, heads / np.maximum(effective, 1e-12), 1.0)
    cost = labour_costs(model, wl, by_type, worked, dt_s / 3600.0, busy_factor=aht_factor)
    measured = (edges[:-1] >= model.warmup_s - 1e-9) & (edges[1:] <= model.measure_end_s + 1e-9)
    return float(cost[:, measured].sum())


def payroll_parts(result: PlanResult, week: int) -> dict[str, float]:
    """The plan's own weekly cost of `week` and its parts (all groups; see the module docstring)."""
    rows = result.weeks[result.weeks["week"] == week]
    keys = ("cost", "cost_wages", "cost_overtime", "cost_hiring", "cost_training", "headcount",
            "in_training")  # fmt: skip
    return {k: float(rows[k].sum()) for k in keys}
