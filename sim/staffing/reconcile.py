"""Why the simulated staffing differs from the Erlang plan: pooling, blending, abandonment.

The Erlang plan (``staff``) staffs each contact type as its own team, pooled across the sites
that serve it, credits abandonment (Erlang A/X), and adds email/social backlog work on top of
voice and chat. Each effect is priced here with the plan's own formulas
(``analytic.queue_requirement``), per interval, in scheduled agent-hours (split over groups as
the plan splits, grossed up for each group's shrinkage):

* *sites*: sum over groups of Erlang(share_g x rate) minus Erlang(rate), per queue type: what
  pooling a queue's sites saves. Both methods count it.
* *skills*: sum of Erlang(rate_c) minus Erlang(sum of rate_c) over same-channel queue types linked
  by groups that serve several (rate-weighted handle time and patience): at most what agents with
  several skills save. Only the simulation counts it.
* *blending*: email/social work that fits in the idle time Erlang leaves the same group's voice
  and chat agents, per interval: at most what blending saves. Only the simulation counts it.
* *abandonment*: Erlang with patience ignored (C) minus the plan (A/X). Both count it.

What is left of the difference (targets held per interval at a confidence level, repeat contacts,
non-exponential times, the search's steps) is the remainder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sim.model import CHANNELS, CHAT, Model
from sim.staffing.analytic import Queue, queue_requirement
from sim.staffing.plan import StaffingResult, allocate, split_to_groups
from sim.staffing.targets import Targets
from sim.staffing.uncertainty import type_forecast_cv
from sim.staffing.workload import Workload, build_workload, shrinkage

QUEUE_CHANNELS = ("voice", "chat")
EFFECTS = ("site_pooling_h", "skill_pooling_h", "blending_h", "abandonment_h")


@dataclass(frozen=True)
class Effects:
    """Scheduled agent-hours each effect is worth, per group (arrays of length groups)."""

    site_pooling: np.ndarray
    skill_pooling: np.ndarray
    blending: np.ndarray
    abandonment: np.ndarray

    def totals(self, rows: np.ndarray | slice = slice(None)) -> dict[str, float]:
        """The four effects summed over `rows` (group indices), keyed as in ``EFFECTS``."""
        values = (self.site_pooling, self.skill_pooling, self.blending, self.abandonment)
        return {k: float(np.sum(v[rows])) for k, v in zip(EFFECTS, values, strict=True)}


@dataclass(frozen=True)
class Reconciliation:
    """Simulated against Erlang agent-hours, with what each analytic effect is worth."""

    erlang_hours: float
    simulation_hours: float
    site_pooling_h: float
    skill_pooling_h: float
    blending_h: float
    abandonment_h: float
    confidence: float
    by_site: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def difference_h(self) -> float:
        return self.simulation_hours - self.erlang_hours

    @property
    def residual_h(self) -> float:
        """The difference the two simulation-only effects (skills, blending) do not explain."""
        return self.difference_h + self.skill_pooling_h + self.blending_h

    def differs(self) -> bool:
        """Whether the two answers differ by at least one agent-hour."""
        return abs(self.difference_h) >= 0.5

    def main_cause(self) -> str:
        """The largest contribution pointing the way the difference goes."""
        parts = {
            "pooling queues that share agents": -self.skill_pooling_h,
            "blending email/social into idle voice/chat time": -self.blending_h,
            "what only the simulation sees": self.residual_h,
        }
        sign = 1.0 if self.difference_h >= 0 else -1.0
        return max(parts, key=lambda k: sign * parts[k])

    def sentence(self) -> str:
        """The reconciliation line the CLI and the dashboard print."""
        e, s, d = self.erlang_hours, self.simulation_hours, self.difference_h
        if not self.differs():
            return f"simulation and Erlang agree: {s:,.0f} scheduled agent-hours"
        only_sim = [
            (self.skill_pooling_h, "pools queues that share agents (worth up to {} h)"),
            (self.blending_h, "blends email/social into idle voice/chat time (up to {} h)"),
        ]
        both = [
            (self.site_pooling_h, "pooling each queue's sites ({} h)"),
            (self.abandonment_h, "abandonment (Erlang A vs C: {} h)"),
        ]
        sim_text = _clauses(only_sim) or "finds no pooling of skills or blending to add here"
        both_text = _clauses(both)
        return (
            f"simulation vs Erlang: {s:,.0f} vs {e:,.0f} scheduled agent-hours ({d:+,.0f} h), "
            f"mainly {self.main_cause()}. Only the simulation {sim_text}"
            + (f"; both count {both_text}" if both_text else "")
            + f". What only the simulation sees, {self.residual_h:+,.0f} h: each interval's "
            f"target held at {self.confidence:.0%} confidence, repeats, non-exponential times, "
            "the search's steps"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "erlang_hours": self.erlang_hours,
            "simulation_hours": self.simulation_hours,
            "difference_h": self.difference_h,
            **{k: getattr(self, k) for k in EFFECTS},
            "residual_h": self.residual_h,
            "main_cause": self.main_cause() if self.differs() else None,
            "confidence": self.confidence,
            "by_site": self.by_site,
            "line": self.sentence(),
        }


def _clauses(effects: list[tuple[float, str]]) -> str:
    """The effects worth at least an agent-hour, each in its words, joined with 'and'."""
    return " and ".join(text.format(f"{hours:,.0f}") for hours, text in effects if hours >= 0.5)


def _queue(model: Model, wl: Workload, targets: Targets, c: int) -> Queue:
    return Queue(wl.rate_per_s[c], float(wl.aht_s[c]), float(wl.abandon_rate[c]),
                 float(wl.redial_probability[c]), type_forecast_cv(model, c, targets))  # fmt: skip


def _need(model: Model, targets: Targets, c: int, q: Queue) -> np.ndarray:
    channel = CHANNELS[model.type_channel[c]]
    req, _method = queue_requirement(model, channel, q, targets.for_channel(channel), targets)
    return np.asarray(req, dtype=float)


def _queue_types(model: Model) -> list[int]:
    return [c for c in range(model.n_types) if CHANNELS[model.type_channel[c]] in QUEUE_CHANNELS]


def site_pooling(model: Model, wl: Workload, targets: Targets, req: np.ndarray) -> np.ndarray:
    """(types, intervals) agents each queue would need more if each group were its own team."""
    out = np.zeros_like(req)
    for c in _queue_types(model):
        q = _queue(model, wl, targets, c)
        groups = [g for g in np.flatnonzero(wl.eligible[:, c]) if wl.share[g, c].any()]
        if len(groups) < 2:
            continue
        split = sum(_need(model, targets, c, replace(q, rate_per_s=q.rate_per_s * wl.share[g, c]))
                    for g in groups)  # fmt: skip
        out[c] = split - req[c]
    return out


def skill_components(model: Model, wl: Workload) -> list[list[int]]:
    """Same-channel queue types linked (directly or through others) by a group serving both."""
    parent = {c: c for c in _queue_types(model)}

    def root(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return c

    for g in range(wl.eligible.shape[0]):
        served = [c for c in parent if wl.eligible[g, c]]
        for a in served:
            for b in served:
                if model.type_channel[a] == model.type_channel[b]:
                    parent[root(b)] = root(a)
    comps: dict[int, list[int]] = {}
    for c in parent:
        comps.setdefault(root(c), []).append(c)
    return [sorted(v) for v in comps.values() if len(v) > 1]


def skill_pooling(model: Model, wl: Workload, targets: Targets, req: np.ndarray) -> np.ndarray:
    """(types, intervals) agents a single pool of linked queues would save, split by need."""
    out = np.zeros_like(req)
    dt = np.diff(wl.interval_edges_s)
    for comp in skill_components(model, wl):
        qs = [_queue(model, wl, targets, c) for c in comp]
        volume = np.array([float(q.rate_per_s @ dt) for q in qs])
        w = volume / volume.sum() if volume.sum() > 0 else np.full(len(qs), 1 / len(qs))
        pooled = Queue(
            sum(q.rate_per_s for q in qs),
            float(sum(wi * q.aht_s for wi, q in zip(w, qs, strict=True))),
            float(sum(wi * q.abandon_rate for wi, q in zip(w, qs, strict=True))),
            float(sum(wi * q.redial_probability for wi, q in zip(w, qs, strict=True))),
            max(q.forecast_cv for q in qs),
        )
        separate = req[comp].sum(axis=0)
        gain = separate - _need(model, targets, comp[0], pooled)
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(separate > 0, req[comp] / separate, 0.0)
        out[comp] = part * gain
    return out


def abandonment(model: Model, wl: Workload, targets: Targets, req: np.ndarray) -> np.ndarray:
    """(types, intervals) agents the queue would need more if nobody abandoned (Erlang C)."""
    out = np.zeros_like(req)
    for c in _queue_types(model):
        q = _queue(model, wl, targets, c)
        if q.abandon_rate > 0:
            out[c] = _need(model, targets, c, replace(q, abandon_rate=0.0)) - req[c]
    return out


def blending(model: Model, wl: Workload, alloc: np.ndarray) -> np.ndarray:
    """(groups, intervals) backlog agents that fit in the group's idle voice/chat agents."""
    queue = np.isin(np.asarray(CHANNELS)[model.type_channel], QUEUE_CHANNELS)
    conc = np.where(model.type_channel == CHAT, model.chat_max_concurrency, 1)[:, None]
    busy_per_type = wl.rate_per_s * wl.aht_s[:, None] / conc
    busy = split_to_groups(model, wl, busy_per_type)[:, queue].sum(axis=1)
    idle = np.clip(alloc[:, queue].sum(axis=1) - busy, 0.0, None)
    return np.minimum(alloc[:, ~queue].sum(axis=1), idle)


def effects(erlang: StaffingResult) -> Effects:
    """What each effect is worth in the Erlang plan's scheduled agent-hours, per group."""
    model, targets = erlang.model, erlang.targets
    wl = build_workload(model, backlog_always_open=targets.backlog_hours == "always")
    by_type = erlang.by_type
    req = by_type["required"].to_numpy(dtype=float).reshape(model.n_types, -1)
    off, absent = shrinkage(model)
    keep = ((1.0 - off) * (1.0 - absent))[:, None]
    dt_h = np.diff(wl.interval_edges_s) / 3600.0

    def hours(per_type: np.ndarray) -> np.ndarray:
        return (split_to_groups(model, wl, per_type).sum(axis=1) / keep) @ dt_h

    blended = blending(model, wl, allocate(model, wl, by_type))
    return Effects(
        site_pooling=hours(site_pooling(model, wl, targets, req)),
        skill_pooling=hours(skill_pooling(model, wl, targets, req)),
        blending=(blended / keep) @ dt_h,
        abandonment=hours(abandonment(model, wl, targets, req)),
    )


def reconcile(erlang: StaffingResult, simulation: StaffingResult) -> Reconciliation:
    """The reconciliation of a simulated staffing with the Erlang plan it started from."""
    fx = effects(erlang)
    e, s = erlang.summary, simulation.summary
    model = erlang.model
    site_of = np.array([n.split("/", 1)[0] for n in model.group_names])
    by_site = {}
    for site in dict.fromkeys(site_of):
        eh = float(e.loc[e["site"] == site, "scheduled_hours"].sum())
        sh = float(s.loc[s["site"] == site, "scheduled_hours"].sum())
        parts = fx.totals(np.flatnonzero(site_of == site))
        residual = sh - eh + parts["skill_pooling_h"] + parts["blending_h"]
        by_site[site] = {"erlang_hours": eh, "simulation_hours": sh, **parts,
                         "residual_h": residual}  # fmt: skip
    return Reconciliation(
        erlang_hours=float(e["scheduled_hours"].sum()),
        simulation_hours=float(s["scheduled_hours"].sum()),
        confidence=simulation.targets.confidence,
        by_site=by_site,
        **fx.totals(),
    )
