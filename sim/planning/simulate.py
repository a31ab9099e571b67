"""Plan vs simulation: simulate chosen plan weeks and set the plan's promise beside the result.

The plan promises each channel's service-level target in a week it covers (the requirement was
sized for it), an FCR of the groups' skills weighted by the work they take, times each group's
learning-curve FCR factor at its average tenure, and its floor labour cost (headcount and
overtime at the wage or vendor hourly price). The simulation of the week's scenario
(``weeks.week_scenario``) gives the same three with 95% CIs over replications.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sim.model import CHANNELS
from sim.planning.result import PlanResult
from sim.planning.weeks import week_scenario
from sim.staffing.workload import build_workload

SIM_COLUMNS = ["week", "week_start", "metric", "plan", "sim_mean", "sim_ci95_low",
               "sim_ci95_high", "covered"]  # fmt: skip


def plan_fcr(result: PlanResult, week: int) -> float:
    """Work-weighted FCR of the groups' skills times their learning-curve factor this week."""
    model = result.requirement.template
    wl = build_workload(model)
    t = week - 1
    contacts = wl.rate_per_s * np.diff(wl.interval_edges_s)  # (types, intervals), template
    scale = result.setup.volumes[:, t] / np.maximum(contacts.sum(axis=1), 1e-12)
    handled = (wl.share * (contacts * scale[:, None])[None]).sum(axis=2)  # (groups, types)
    rows = result.weeks[result.weeks["week"] == week]
    heads = rows["headcount"].to_numpy()
    learn = np.ones(len(heads))
    for gi, flow in enumerate(result.flows):
        hires = result.decisions.hires[gi]
        total = flow.fcr_heads[t] + flow.fcr_per_hire[t] @ hires
        learn[gi] = total / heads[gi] if heads[gi] > 0 else 1.0
    fcr = np.nan_to_num(model.fcr, nan=0.0) * learn[:, None]
    return float((handled * fcr).sum() / max(handled.sum(), 1e-12))


def plan_labour(result: PlanResult, week: int) -> float:
    """Floor labour cost of the week: headcount and overtime less undertime, at hourly rates."""
    rows = result.weeks[result.weeks["week"] == week]
    hours = result.setup.plan.hours_per_week
    cost = 0.0
    for gi, g in enumerate(result.setup.groups):
        r = rows.iloc[gi]
        paid = r["headcount"] + r["overtime_fte"] * g.overtime.premium
        paid -= r["undertime_fte"] * (1.0 - g.undertime.pay_share)
        cost += paid * hours * g.wage_per_hour
    return float(cost)


def simulate_weeks(
    result: PlanResult,
    weeks: Sequence[int],
    replications: int = 3,
    seed: int = 20261125,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = 1,
) -> pd.DataFrame:
    """Simulate each week's scenario and tabulate plan vs simulation (SL per channel, FCR, cost)."""
    from sim import api  # the public API runs the replications (local import: no cycle)

    targets = result.requirement.targets
    total = len(weeks) * replications
    rows = []
    for i, week in enumerate(weeks):
        sc = week_scenario(result, week)
        step = None if progress is None else (
            lambda done, _n, i=i: progress(i * replications + done, total))  # fmt: skip
        run = api.run(sc, replications=replications, seed=seed, progress=step, workers=workers)
        mine = result.weeks[result.weeks["week"] == week]
        covered = bool((mine["short_fte"] <= 0).all())
        start = result.setup.week_starts[week - 1]
        channels = sorted({CHANNELS[c] for c in run.model.type_channel}, key=CHANNELS.index)
        items = [(f"service_level_{ch}", targets.for_channel(ch).sl, ("channel", ch))
                 for ch in channels if targets.for_channel(ch).sl is not None]  # fmt: skip
        items += [("fcr", plan_fcr(result, week), ("overall", "all")),
                  ("labour_cost", plan_labour(result, week), ("overall", "all"))]  # fmt: skip
        for name, promised, (dim, key) in items:
            kpi = "service_level" if name.startswith("service_level") else name
            got = run.kpi(kpi, dim, key)
            rows.append({"week": week, "week_start": start, "metric": name, "plan": promised,
                         "sim_mean": got["mean"], "sim_ci95_low": got["ci95_low"],
                         "sim_ci95_high": got["ci95_high"], "covered": covered})  # fmt: skip
    return pd.DataFrame(rows, columns=SIM_COLUMNS)
