"""The plan's own prediction of a week's SL, ASA and abandonment, at the staffing it provides.

The staffing is the week scenario's roster (``weeks.week_scenario``: the plan's paid FTE spread
on the week's intervals as the requirement spreads them), on the phone after the plan's
shrinkage of the week: ``presence x (1 - shrinkage)`` per group and interval.
Each group's agents are split over the types it serves (primary skills, as ``ccsim staff``
splits work) in proportion to what each type asks of it at the plan's targets
(``share x required``), so at exactly the required staffing each type gets back its requirement.

Per type and interval, the formulas ``ccsim staff`` sizes with, now evaluated at those agents:

* voice: Erlang A/X (exponential patience, redials at the fixed-point rate; Erlang C without
  patience), handle time times the group's learning-curve factor;
* chat: equivalent servers (agents x max concurrency slots at the full-concurrency handle time);
* email/social: the fluid FIFO backlog of the interval's work (no randomness) at the type's own
  agents plus the idle time the group's voice/chat agents leave (blending, ``blend_spare``):
  waits from when the work arrives to when capacity reaches it.

Fractional agents are the linear blend of the two whole numbers around them. The scenario's
shared busy days (Gamma day factors) are averaged by Gauss-Laguerre quadrature; the planner's
forecast cv is not (it is uncertainty about the forecast, not variation the simulator draws).
Per channel, over the measured week: SL = sum(within) / sum(SL denominator) under the
scenario's SL definition, ASA = sum(wait of answered) / sum(answered), abandonment =
sum(abandoned) / sum(queued), as the KPI registry aggregates the simulated contacts.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np

from sim.analytic.erlang_x import erlang_x_metrics, gamma_nodes
from sim.model import CHANNELS, Model, compile_model
from sim.planning.result import PlanResult
from sim.scenario import Scenario
from sim.staffing.analytic import type_requirements
from sim.staffing.targets import parse_targets
from sim.staffing.uncertainty import type_forecast_cv
from sim.staffing.workload import Workload, build_workload

QUEUE_BASIS = "Erlang A/X at the plan's roster"
BACKLOG_BASIS = "fluid backlog at the plan's roster and the idle time of its voice/chat agents"
QUEUE_CHANNELS = ("voice", "chat")
_SUMS = ("offered", "within", "denominator", "answered", "wait_answered_s", "abandoned")


def _busy_cv(model: Model, c: int) -> float:
    """The cv of the simulator's shared busy-day factor for type c (0 without busy days)."""
    return type_forecast_cv(model, c, dataclasses.replace(parse_targets(model.scenario, []),
                                                          forecast_cv=0.0))  # fmt: skip


def onphone_agents(result: PlanResult, week: int, wl: Workload) -> np.ndarray:
    """(groups, intervals) agents on the phone: the roster less the plan's shrinkage that week.

    The week scenario sets each group's absenteeism so that it and the off-phone time give the
    plan's shrinkage (``weeks.week_scenario``); the simulated week bears that out, while
    ``staffing.workload.shrinkage`` on the roster's short shift pieces overstates off-phone time.
    """
    keep = 1.0 - np.array([g.shrinkage[week - 1] for g in result.setup.groups])
    return wl.presence * keep[:, None]


def group_split(model: Model, wl: Workload, onphone: np.ndarray, targets) -> np.ndarray:
    """(groups, types, intervals) agents of each group per type: split by what the types ask."""
    req = type_requirements(model, wl, targets)["required"].to_numpy()
    ask = wl.share * req.reshape(model.n_types, wl.n_intervals)[None]
    total = ask.sum(axis=1, keepdims=True)
    equal = wl.eligible[:, :, None] / np.maximum(wl.eligible.sum(axis=1), 1)[:, None, None]
    split = np.where(total > 0, ask / np.where(total > 0, total, 1.0), equal)
    return split * onphone[:, None, :]


def blend_spare(model: Model, wl: Workload, by_group: np.ndarray, busy: np.ndarray) -> np.ndarray:
    """Email/social agents: their own share plus the idle time the group's queue agents leave.

    ``busy`` (types, intervals) are the agents each voice/chat type keeps busy; what its agents
    do not use goes back to their groups and on to the group's deferred types, as asked.
    """
    deferred = np.array([CHANNELS[ch] not in QUEUE_CHANNELS for ch in model.type_channel])
    agents = by_group.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        idle = np.where(agents > 0, np.maximum(agents - busy, 0.0) / agents, 0.0)
    spare = (by_group * (idle * ~deferred[:, None])[None]).sum(axis=1)  # (groups, intervals)
    own = by_group * deferred[None, :, None]
    weight = np.where(own.sum(axis=1, keepdims=True) > 0, own,
                      wl.eligible[:, :, None] * deferred[None, :, None] * 1.0)  # fmt: skip
    total = weight.sum(axis=1, keepdims=True)
    extra = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 0.0) * spare[:, None]
    return (own + extra).sum(axis=0)


def _blend(fn, agents: np.ndarray) -> dict[str, np.ndarray]:
    """KPI sums at fractional agents: the linear blend of whole numbers around them."""
    lo = np.floor(agents + 1e-9)
    w = np.clip(agents - lo, 0.0, 1.0)
    a, b = fn(lo), fn(lo + 1.0)
    return {k: (1.0 - w) * a[k] + w * b[k] for k in a}


def _queue_sums(
    lam: np.ndarray, aht: np.ndarray, theta: float, redial: float, servers: np.ndarray, *,
    threshold_s: float, definition: str, dt: np.ndarray,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Per-interval contact sums of an Erlang A/X queue with `servers` (whole) servers."""
    m = erlang_x_metrics(lam, 1.0 / aht, theta, servers, threshold_s, redial)
    attempts = m["effective_arrival_rate"] * dt
    p_ab = m["p_abandon"]
    den = {"offered": 1.0, "answered": 1.0 - p_ab, "virtual": 1.0,
           "abandons_after_threshold": 1.0 - m["p_abandon_within_t"]}[definition]  # fmt: skip
    num = m["sl_virtual"] if definition == "virtual" else m["p_served_within_t"]
    answered = attempts * (1.0 - p_ab)
    return {"offered": attempts, "within": attempts * num, "denominator": attempts * den,
            "answered": answered, "wait_answered_s": answered * m["asa_served"],
            "abandoned": attempts * p_ab}  # fmt: skip


def _backlog_sums(
    contacts: np.ndarray, aht_s: np.ndarray, agents: np.ndarray, edges: np.ndarray,
    threshold_s: float,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Fluid FIFO backlog: work arrives evenly in each interval, served at the agents' capacity.

    The served-work curve is exact: linear pieces, with a break where a backlog clears inside an
    interval; each interval's work is read at 8 evenly spaced levels (midpoint rule).
    """
    dt = np.diff(edges)
    arrived = np.concatenate([[0.0], np.cumsum(contacts * aht_s)])
    times, done = [float(edges[0])], [0.0]
    for i in range(len(dt)):
        rate, cap, backlog = contacts[i] * aht_s[i] / dt[i], agents[i], arrived[i] - done[-1]
        if cap > rate and backlog > 0 and backlog / (cap - rate) < dt[i]:
            clear = backlog / (cap - rate)  # the backlog clears inside the interval
            times.append(float(edges[i] + clear))
            done.append(done[-1] + cap * clear)
        end = arrived[i + 1] if cap >= rate and arrived[i] - done[-1] <= 1e-9 else min(
            arrived[i + 1], done[-1] + cap * (edges[i + 1] - times[-1]))  # fmt: skip
        times.append(float(edges[i + 1]))
        done.append(float(end))
    t_done, done = np.asarray(times), np.asarray(done)
    sums = {k: np.zeros(len(dt)) for k in _SUMS}
    for i in np.flatnonzero(contacts > 0):
        levels = arrived[i] + (np.arange(8) + 0.5) / 8 * (arrived[i + 1] - arrived[i])
        t_in = np.interp(levels, arrived, edges)
        t_out = np.where(levels <= done[-1], np.interp(levels, done, t_done), np.inf)
        wait = np.maximum(t_out - t_in, 0.0)
        sums["offered"][i] = sums["denominator"][i] = contacts[i]
        sums["within"][i] = contacts[i] * np.mean(wait <= threshold_s)
        served = np.isfinite(wait)
        sums["answered"][i] = contacts[i] * np.mean(served)
        sums["wait_answered_s"][i] = contacts[i] * np.mean(np.where(served, wait, 0.0))
    return sums


def _type_sums(model: Model, wl: Workload, c: int, agents: np.ndarray, aht: np.ndarray,
               threshold_s: float) -> dict[str, np.ndarray]:  # fmt: skip
    """Per-interval sums of type c, averaged over the busy-day factor where it has one."""
    channel = CHANNELS[model.type_channel[c]]
    dt = np.diff(wl.interval_edges_s)
    cv = _busy_cv(model, c)
    nodes, weights = gamma_nodes(np.array([cv]))
    definition = model.scenario.reporting.sl_definition
    theta = float(wl.abandon_rate[c])
    redial = float(wl.redial_probability[c]) if channel == "voice" else 0.0
    m = len(model.chat_factors) if channel == "chat" else 1
    served_s = aht * float(model.chat_factors[-1]) if channel == "chat" else aht
    total = {k: np.zeros(len(dt)) for k in _SUMS}
    for f, w in zip(nodes[:, 0], weights, strict=True):
        lam = wl.rate_per_s[c] * f
        if channel in QUEUE_CHANNELS:  # chat: m slots per agent at the full-concurrency time
            queue = partial(_queue_sums, lam, served_s, theta, redial, threshold_s=threshold_s,
                            definition=definition, dt=dt)  # fmt: skip
            sums = _blend(queue, agents * m)
        else:
            sums = _backlog_sums(lam * dt, aht, agents, wl.interval_edges_s, threshold_s)
        for k in _SUMS:
            total[k] += w * sums[k]
    return total


def _learning_aht(model: Model, wl: Workload, aht_factor: np.ndarray) -> np.ndarray:
    """(types, intervals) mean handle time with each serving group's learning-curve factor."""
    handle = np.array([d.mean for d in model.handle_dists]) * wl.handle_factor
    factor = (wl.share * aht_factor[:, None, None]).sum(axis=0)  # shares sum to 1 per type
    factor = np.where(wl.share.sum(axis=0) > 0, factor, 1.0)
    return wl.aht_s[:, None] + handle[:, None] * (factor - 1.0)


def predict_week(result: PlanResult, week: int, scenario: Scenario) -> dict[tuple[str, str], dict]:
    """{(kpi, channel): {"value", "basis"}} predicted for the week scenario's measured week."""
    model = compile_model(scenario)
    plan_targets = result.requirement.targets
    wl = build_workload(model, backlog_always_open=plan_targets.backlog_hours == "always")
    scenario_targets = parse_targets(model.scenario, [])
    rows = result.weeks[result.weeks["week"] == week]
    heads, effective = rows["headcount"].to_numpy(), rows["effective_fte"].to_numpy()
    aht_factor = np.where(effective > 0, heads / np.maximum(effective, 1e-12), 1.0)
    by_group = group_split(model, wl, onphone_agents(result, week, wl), plan_targets)
    agents = by_group.sum(axis=0)
    aht = _learning_aht(model, wl, aht_factor)
    edges = wl.interval_edges_s
    dt = np.diff(edges)
    channels = [CHANNELS[ch] for ch in model.type_channel]
    busy = np.zeros_like(agents)
    sums: list[dict[str, np.ndarray] | None] = [None] * model.n_types
    for queue in (True, False):  # voice and chat first: email/social get their idle time
        if not queue:
            agents = blend_spare(model, wl, by_group, busy)
        for c in (c for c in range(model.n_types) if (channels[c] in QUEUE_CHANNELS) == queue):
            threshold = scenario_targets.for_channel(channels[c]).threshold_s
            sums[c] = _type_sums(model, wl, c, agents[c], aht[c], threshold)
            per_agent = len(model.chat_factors) if channels[c] == "chat" else 1
            full = float(model.chat_factors[-1]) if channels[c] == "chat" else 1.0
            busy[c] = sums[c]["answered"] / dt * aht[c] * full / per_agent
    measured = (edges[:-1] >= model.warmup_s - 1e-9) & (edges[1:] <= model.measure_end_s + 1e-9)
    by_channel: dict[str, dict[str, float]] = {}
    for c, type_sums in enumerate(sums):
        acc = by_channel.setdefault(channels[c], dict.fromkeys(_SUMS, 0.0))
        for k in _SUMS:
            acc[k] += float(np.sum(type_sums[k][measured]))
    out = {}
    for channel, s in by_channel.items():
        basis = QUEUE_BASIS if channel in QUEUE_CHANNELS else BACKLOG_BASIS
        values = {
            "service_level": s["within"] / s["denominator"] if s["denominator"] > 0 else None,
            "asa_s": s["wait_answered_s"] / s["answered"] if s["answered"] > 0 else None,
            "abandon_rate": s["abandoned"] / s["offered"] if s["offered"] > 0 else None,
        }
        for name, v in values.items():
            finite = v is not None and np.isfinite(v)
            out[(name, channel)] = {"value": float(v) if finite else None,
                                    "basis": basis if finite else f"{basis}: unstable"}  # fmt: skip
    return out
