"""Entry points of the analytic staffing method (the simulation method is in ``simulated``)."""

from __future__ import annotations

import time

from sim.model import Model
from sim.staffing.analytic import type_requirements
from sim.staffing.plan import StaffingResult, build_result
from sim.staffing.targets import Targets, scenario_targets
from sim.staffing.workload import build_workload


def staff_erlang(model: Model, targets: Targets | None = None) -> StaffingResult:
    """Erlang-type staffing per interval x type, allocated to sites and groups."""
    started = time.perf_counter()
    targets = targets or scenario_targets(model.scenario)
    wl = build_workload(model, backlog_always_open=targets.backlog_hours == "always")
    by_type = type_requirements(model, wl, targets)
    result = build_result(model, wl, targets, "erlang", by_type)
    late = by_type[(by_type["method"] == "backlog")]
    if len(late) and not wl.open_share.all():
        result.notes.append(
            "email/social work is planned within the hours the scenario's shifts serve it "
            "(backlog_hours=always to plan around the clock)"
        )
    result.wall_time_s = time.perf_counter() - started
    return result
