"""Required FTE per week and group, from ccsim's own analytic staffing.

Each plan week is a *representative week*: the base scenario's contact types with their
intraday and weekday profiles (no peaks inside the week), scaled to the week's volume per type,
with the week's handle-time factor, staffed per interval by ``sim.staffing`` (Erlang C/A/X,
chat, email backlog) and split over groups as the scenario's shifts split the work. Then, as
``ccsim staff`` does, per interval: net agents rounded up, scheduled agents
``ceil(net / (1 - shrinkage))`` with the plan's shrinkage of that week; FTE are agent-hours over
``hours_per_week``. A flat plan week therefore gives exactly ``ccsim staff`` on that week.

Weeks sharing handle-time factors are staffed in one vectorised call (the formulas are per
interval); email/social backlog is planned week by week, so weeks never borrow each other's
capacity.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.analytic.backlog import backlog_agents
from sim.analytic.erlang_x import forecast_factor
from sim.model import CHANNELS, Model, compile_model
from sim.planning.setup import PlanSetup
from sim.scenario import scenario_from_dict
from sim.staffing.analytic import type_requirements
from sim.staffing.plan import allocate
from sim.staffing.targets import Targets, parse_targets
from sim.staffing.workload import Workload, build_workload

_EPS = 1e-9
TEMPLATE_VOLUME_PER_DAY = 1000.0


@dataclass(frozen=True)
class Requirement:
    """Required agents per week x group x interval of the representative week, and FTE."""

    template: Model  # the representative week (Monday 00:00 on the scenario's clock)
    targets: Targets
    net_agents: np.ndarray  # (weeks, groups, intervals) on-phone agents, rounded up
    scheduled_agents: np.ndarray  # (weeks, groups, intervals) with shrinkage
    productive_fte: np.ndarray  # (groups, weeks)
    scheduled_fte: np.ndarray  # (groups, weeks)
    method: np.ndarray  # (weeks,) "erlang" or "simulation"


def template_model(setup: PlanSetup) -> Model:
    """The base scenario as one flat week from the plan's first Monday, unit volumes."""
    data = setup.scenario.model_dump(mode="json")
    data["horizon"].update(start=str(setup.week_starts[0]), days=7, warmup_hours=0)
    for ct in data["demand"]:
        ct.update(volume_per_day=TEMPLATE_VOLUME_PER_DAY, peaks=[])
    return compile_model(scenario_from_dict(data, f"{setup.plan.name}: representative week"))


def _stack(wl: Workload, scale: np.ndarray, aht: np.ndarray) -> Workload:
    """The template workload repeated for len(scale) weeks, rates scaled per type and week."""
    n = scale.shape[1]
    span = wl.interval_edges_s[-1]
    edges = np.concatenate([wl.interval_edges_s[:-1] + i * span for i in range(n)] + [[n * span]])
    rates = np.concatenate([wl.rate_per_s * scale[:, i : i + 1] for i in range(n)], axis=1)
    return dataclasses.replace(
        wl, interval_edges_s=edges, rate_per_s=rates, aht_s=wl.aht_s * aht,
        share=np.tile(wl.share, (1, 1, n)), presence=np.tile(wl.presence, (1, n)),
        open_share=np.tile(wl.open_share, (1, n)),
    )  # fmt: skip


def _net_agents(model: Model, wl: Workload, targets: Targets, n: int) -> np.ndarray:
    """(n weeks, groups, intervals) net agents of a stacked workload."""
    by_type = type_requirements(model, wl, targets)
    n_types, n_int = model.n_types, wl.n_intervals // n
    req = by_type["required"].to_numpy().reshape(n_types, n * n_int).copy()
    dt = np.diff(wl.interval_edges_s)[:n_int]
    factor = float(forecast_factor(targets.forecast_cv, targets.probability))
    for c in range(n_types):
        channel = CHANNELS[model.type_channel[c]]
        if channel in ("voice", "chat"):
            continue
        t = targets.for_channel(channel)
        work = wl.rate_per_s[c].reshape(n, n_int) * dt * float(wl.aht_s[c]) * factor
        plan = backlog_agents(work, wl.open_share[c, :n_int], float(model.interval_s),
                              t.threshold_s)  # fmt: skip
        req[c] = np.asarray(plan.agents).reshape(-1)
    by_type = by_type.assign(required=req.reshape(-1))
    net = allocate(model, wl, by_type).sum(axis=1)  # (groups, n * n_int)
    net = np.ceil(net - _EPS)
    return net.reshape(net.shape[0], n, n_int).transpose(1, 0, 2)


def required_fte(setup: PlanSetup, progress=None) -> Requirement:
    """Analytic required FTE for every week of the plan (see the module docstring)."""
    model = template_model(setup)
    targets = parse_targets(model.scenario, list(setup.plan.targets))
    wl = build_workload(model, backlog_always_open=targets.backlog_hours == "always")
    weekly_template = 7.0 * TEMPLATE_VOLUME_PER_DAY
    scale = setup.volumes / weekly_template
    n_weeks, n_groups, n_int = setup.n_weeks, len(model.group_names), wl.n_intervals
    net = np.zeros((n_weeks, n_groups, n_int))
    regimes: dict[tuple[float, ...], list[int]] = {}
    for w in range(n_weeks):
        regimes.setdefault(tuple(np.round(setup.aht_factor[:, w], 6)), []).append(w)
    for done, (aht, weeks) in enumerate(regimes.items(), start=1):
        stacked = _stack(wl, scale[:, weeks], np.asarray(aht))
        net[weeks] = _net_agents(model, stacked, targets, len(weeks))
        if progress is not None:
            progress(done, len(regimes))
    return finish(setup, model, targets, net, np.array(["erlang"] * n_weeks, dtype=object))


def finish(setup: PlanSetup, model: Model, targets: Targets, net: np.ndarray,
           method: np.ndarray) -> Requirement:  # fmt: skip
    """Scheduled agents with each week's shrinkage, and FTE, from net agents per interval."""
    keep = 1.0 - np.array([g.shrinkage for g in setup.groups])  # (groups, weeks)
    scheduled = np.ceil(net / keep.T[:, :, None] - _EPS)
    dt_h = np.diff(np.minimum(np.arange(net.shape[2] + 1) * model.interval_s, model.horizon_s))
    dt_h = dt_h / 3600.0
    hours = setup.plan.hours_per_week
    return Requirement(
        template=model, targets=targets, net_agents=net, scheduled_agents=scheduled,
        productive_fte=(net @ dt_h).T / hours, scheduled_fte=(scheduled @ dt_h).T / hours,
        method=method,
    )  # fmt: skip
