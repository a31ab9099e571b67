"""Capacity planning: weeks to months ahead, how many agents to hire, where and when.

* ``models`` / ``loading``: the plan YAML (pydantic, JSON Schema) over a base scenario;
* ``setup``: weekly arrays (volumes, handle-time factors, shrinkage, people rules);
* ``required``: required FTE per week from ccsim's analytic staffing of a representative week;
* ``flow``: headcount through tenure (attrition, classes, graduation, learning curve);
* ``optimise``: class sizes and start weeks at minimum cost (MILP, HiGHS); ``diagnose``: why a
  week stays short; ``result``: the weekly table;
* ``weeks``: any plan week as a scenario the simulator runs; ``simulate``: plan vs simulation.
"""

from __future__ import annotations

import time

import numpy as np

from sim.planning.flow import group_flow
from sim.planning.optimise import fixed_hires, levers_for, optimise
from sim.planning.required import Requirement, required_fte
from sim.planning.result import PlanResult, build_result
from sim.planning.setup import PlanSetup


def compute_plan(
    setup: PlanSetup,
    optimised: bool = True,
    hires: list[np.ndarray] | None = None,
    requirement: Requirement | None = None,
    progress=None,
) -> PlanResult:
    """Required FTE, then either the optimised classes or the given ones (`hires` per group)."""
    started = time.perf_counter()
    req = requirement if requirement is not None else required_fte(setup, progress)
    t_req = time.perf_counter() - started
    flows = [group_flow(g, setup.n_weeks) for g in setup.groups]
    required = req.scheduled_fte
    if optimised and hires is None:
        dec = optimise(setup, flows, required)
    else:
        given = hires or [fixed_hires(g, setup.n_weeks) for g in setup.groups]
        dec = levers_for(setup, flows, required, given)
    t_opt = time.perf_counter() - started - t_req
    result = build_result(setup, req, flows, dec)
    result.wall_time_s = time.perf_counter() - started
    result.timings = {"required_fte": t_req, "optimise": t_opt,
                      "table": result.wall_time_s - t_req - t_opt}  # fmt: skip
    return result


__all__ = ["PlanResult", "PlanSetup", "compute_plan"]
