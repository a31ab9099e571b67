"""Why a week is short: what the most a group could have on the floor that week is, and why.

For group g and week t, the most effective FTE reachable in t alone: today's staff and the
committed classes, plus a full class (``max_class``) in the best start weeks of each calendar
month (``max_classes_per_month`` of them; a class's value in week t depends only on its start),
plus the most overtime on that headcount. A week is *coverable* when that reaches the
requirement; a short coverable week is short because covering it clashes with other weeks
(shared monthly class limit) or, in economic mode, because the penalty is cheaper.
"""

from __future__ import annotations

import numpy as np

from sim.planning.flow import Flow
from sim.planning.optimise import candidate_weeks, fixed_hires
from sim.planning.setup import GroupSetup, PlanSetup

TOL = 1e-6


def max_reachable(setup: PlanSetup, g: GroupSetup, flow: Flow, t: int) -> float:
    """Most effective FTE (with overtime) group g can have in week t, ignoring other weeks."""
    n = setup.n_weeks
    fixed = fixed_hires(g, n)
    eff = flow.effective[t] + flow.effective_per_hire[t] @ fixed
    heads = flow.heads[t] + flow.heads_per_hire[t] @ fixed
    weeks = candidate_weeks(g, n)
    if g.hiring is not None and len(weeks):
        share = g.overtime.max_share
        value = flow.effective_per_hire[t, weeks] + share * flow.heads_per_hire[t, weeks]
        used = {}
        for w, _ in g.fixed:
            used[setup.month[w]] = used.get(setup.month[w], 0) + 1
        for m in np.unique(setup.month[weeks]):
            inside = setup.month[weeks] == m
            free = max(g.hiring.max_classes_per_month - used.get(m, 0), 0)
            best = np.sort(value[inside])[::-1][:free]
            eff += g.hiring.max_class * float(best.sum())
    return float(eff + g.overtime.max_share * heads)


def reason(setup: PlanSetup, g: GroupSetup, flow: Flow, t: int, required: float) -> str:
    """One sentence on why week t of group g is short."""
    week = setup.week_starts
    reach = max_reachable(setup, g, flow, t)
    if reach + TOL >= required:
        if setup.plan.solver.coverage == "economic":
            return "coverable, but penalty_per_fte_week is cheaper than the classes it needs"
        return "coverable alone, but not together with the other weeks within the classes-per-"\
               "month limit"  # fmt: skip
    if g.hiring is None:
        return f"no hiring at {g.site} (add sites.hiring); today's staff and overtime reach "\
               f"{reach:.1f} of {required:.1f} FTE"  # fmt: skip
    first = g.hiring.lead_time_weeks + g.hiring.training_weeks
    if t < first:
        return (
            f"lead time: the first class can start in week {g.hiring.lead_time_weeks + 1} "
            f"and graduates in week {first + 1} ({week[min(first, len(week) - 1)]}); "
            f"{reach:.1f} of {required:.1f} FTE reachable"
        )
    return (
        f"class limits: at most {reach:.1f} of {required:.1f} FTE reachable by then "
        f"(max_class {g.hiring.max_class}, {g.hiring.max_classes_per_month} classes per "
        "month, graduation and attrition)"
    )
