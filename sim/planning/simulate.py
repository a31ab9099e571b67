"""Plan vs simulation: simulate chosen plan weeks and set the plan's prediction beside the result.

Per channel the plan predicts SL, ASA and abandonment at the staffing it provides that week
(``predict``: Erlang A/X, and the fluid backlog for email/social, at the week scenario's roster
after shrinkage) and states the channel's target or cap beside it (``target``; none: no
target); overall an FCR of the groups' skills weighted by the work they take, times each group's
learning-curve FCR factor at its average tenure, and the week's labour cost on the simulator's
basis (``sim_cost``: the week's roster priced as the ``labour_cost`` KPI prices it). The
simulation of the week's scenario (``weeks.week_scenario``) gives the same KPIs with 95% CIs over
replications; ``outside_ci`` says where the plan's value falls outside that CI. The plan's own
weekly cost (payroll) is another basis: ``sim_cost.payroll_parts``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sim.model import CHANNELS
from sim.planning.predict import predict_week
from sim.planning.result import PlanResult
from sim.planning.sim_cost import roster_labour
from sim.planning.weeks import week_scenario
from sim.staffing.workload import build_workload

SIM_COLUMNS = ["week", "week_start", "metric", "kpi", "channel", "plan", "plan_basis",
               "sim_mean", "sim_ci95_low", "sim_ci95_high", "covered", "target",
               "outside_ci"]  # fmt: skip
CHANNEL_KPIS = ("service_level", "asa_s", "abandon_rate")
LABOUR_BASIS = "week's roster priced as the simulator's labour cost"


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


def channel_target(targets, channel: str, name: str) -> float | None:
    """The plan's target (SL) or cap (ASA, abandonment) of a channel KPI; None without one."""
    t = targets.for_channel(channel)
    return {"service_level": t.sl, "asa_s": t.asa_s, "abandon_rate": t.abandon}[name]


def outside_ci(plan: float | None, low: float | None, high: float | None) -> bool | None:
    """Whether the plan's value lies outside the simulated 95% CI (None if either is missing)."""
    if plan is None or low is None or high is None or any(pd.isna(v) for v in (plan, low, high)):
        return None
    return bool(plan < low - 1e-12 or plan > high + 1e-12)


def simulate_weeks(
    result: PlanResult,
    weeks: Sequence[int],
    replications: int = 3,
    seed: int = 20261125,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = 1,
) -> pd.DataFrame:
    """Simulate each week's scenario; plan vs simulation of SL, ASA, abandonment, FCR, labour."""
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
        predicted = predict_week(result, week, sc)
        items = [(f"{name}_{ch}", name, ch, predicted[(name, ch)]["value"],
                  predicted[(name, ch)]["basis"], channel_target(targets, ch, name))
                 for name in CHANNEL_KPIS for ch in channels]  # fmt: skip
        items += [("fcr", "fcr", "all", plan_fcr(result, week), "learning-curve FCR of the skills",
                   None),
                  ("labour_cost", "labour_cost", "all", roster_labour(result, week, sc),
                   LABOUR_BASIS, None)]  # fmt: skip
        for metric, kpi, channel, promised, basis, target in items:
            got = run.kpi(kpi, "overall", "all") if channel == "all" else run.kpi(
                kpi, "channel", channel)  # fmt: skip
            if got["mean"] is None and promised is None:
                continue  # e.g. nothing simulated nor predicted
            low, high = got["ci95_low"], got["ci95_high"]
            rows.append({"week": week, "week_start": start, "metric": metric, "kpi": kpi,
                         "channel": channel, "plan": promised, "plan_basis": basis,
                         "sim_mean": got["mean"], "sim_ci95_low": low, "sim_ci95_high": high,
                         "covered": covered, "target": target,
                         "outside_ci": outside_ci(promised, low, high)})  # fmt: skip
    return pd.DataFrame(rows, columns=SIM_COLUMNS)
