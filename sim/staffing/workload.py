"""What the staffing formulas read from a compiled model, per contact type and interval.

* Offered rate per reporting interval (the mean of the 15-minute rate grid), inflated for
  journeys that bring contacts back to agents: bot escalations and retries, repeat contacts
  of unresolved issues (FCR) up to ``max_attempts``. Redials are left to Erlang X.
* Handle time (mean, times the serving groups' proficiency), patience as an exponential rate.
* Which groups serve each type (primary skill, no overflow delay) and in what shares: by the
  agents the scenario's own shifts put in each interval, else by their headcount, else equally.
* Shrinkage per group from its workforce block: off-phone minutes inside an average shift,
  and absenteeism.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kpis.agents import time_in_intervals
from sim.model import Model


@dataclass(frozen=True)
class Workload:
    """Per type (c) and interval (i) inputs; group tables are (groups, types[, intervals])."""

    interval_edges_s: np.ndarray  # (intervals + 1,)
    rate_per_s: np.ndarray  # (types, intervals) offered to agents
    aht_s: np.ndarray  # (types,) mean handle time at the serving groups, plus mean ACW
    handle_factor: np.ndarray  # (types,) share-weighted proficiency factor inside aht_s
    abandon_rate: np.ndarray  # (types,) 1 / mean patience, 0 without patience
    redial_probability: np.ndarray  # (types,)
    eligible: np.ndarray  # (groups, types) bool
    share: np.ndarray  # (groups, types, intervals) share of the type's agents per group
    presence: np.ndarray  # (groups, intervals) agents the scenario's shifts log in
    open_share: np.ndarray  # (types, intervals) share of interval with a serving agent

    @property
    def n_intervals(self) -> int:
        return self.rate_per_s.shape[1]


def interval_edges(model: Model) -> np.ndarray:
    """Reporting-interval edges in seconds from the horizon start (last one clipped)."""
    n = int(np.ceil(model.horizon_s / model.interval_s - 1e-9))
    return np.minimum(np.arange(n + 1) * float(model.interval_s), model.horizon_s)


def interval_rates(model: Model, edges: np.ndarray) -> np.ndarray:
    """Mean arrival rate per type in each interval, from the 15-minute rate grid."""
    per_bin = model.rates_per_s * np.diff(model.rate_edges_s)
    cum = np.concatenate([np.zeros((model.n_types, 1)), np.cumsum(per_bin, axis=1)], axis=1)
    at = np.array([np.interp(edges, model.rate_edges_s, row) for row in cum])
    return np.diff(at, axis=1) / np.diff(edges)


def group_presence(model: Model, edges: np.ndarray) -> np.ndarray:
    """Average number of agents each group's shifts log in per interval (before shrinkage)."""
    rows = [(model.agent_group[a], s, e) for a, ws in enumerate(model.agent_windows) for s, e in ws]
    n_groups = len(model.group_names)
    if not rows:
        return np.zeros((n_groups, len(edges) - 1))
    g, s, e = (np.asarray(x) for x in zip(*rows, strict=True))
    return time_in_intervals(s, e, g, n_groups, edges) / np.diff(edges)


def eligibility(model: Model) -> np.ndarray:
    """(groups, types): primary skill without overflow delay (any skill if none such exists)."""
    skilled = np.isfinite(model.proficiency)
    primary = skilled & (model.delay_s == 0) & ~model.secondary
    fallback = skilled & ~primary.any(axis=0, keepdims=True)
    return primary | fallback


def _shares(eligible: np.ndarray, presence: np.ndarray) -> np.ndarray:
    """Share of each type's agents per group and interval (see module docstring)."""
    el = eligible[:, :, None].astype(float)
    by_interval = el * presence[:, None, :]
    total = by_interval.sum(axis=0, keepdims=True)
    by_horizon = el * presence.sum(axis=1)[:, None, None]
    horizon_total = by_horizon.sum(axis=0, keepdims=True)
    equal = el / np.maximum(el.sum(axis=0, keepdims=True), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fallback = np.where(horizon_total > 0, by_horizon / horizon_total, equal)
        share = np.where(total > 0, by_interval / total, fallback)
    return np.broadcast_to(share, (*eligible.shape, presence.shape[1])).copy()


def demand_factor(model: Model, eligible: np.ndarray) -> np.ndarray:
    """Contacts reaching agents per forecast contact: bot escalations, retries, repeats."""
    n = model.n_types
    direct = np.ones(n)
    extra = np.zeros(n)
    names = model.type_names
    for c, ct in enumerate(model.scenario.demand):
        if ct.bot is not None:
            o = ct.bot.outcomes
            direct[c] = 1 - ct.bot.share + ct.bot.share * o.escalated
            if ct.bot.retry is not None and o.retry_later > 0:
                target = names.index(ct.bot.retry.as_type) if ct.bot.retry.as_type else c
                extra[target] += ct.bot.share * o.retry_later * model.expected_arrivals()[c]
    arrivals = model.expected_arrivals()
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = direct + np.where(arrivals > 0, extra / np.where(arrivals > 0, arrivals, 1), 0)
    for c, ct in enumerate(model.scenario.demand):
        if ct.repeat is not None:
            fcr = model.fcr[eligible[:, c], c]
            unresolved = 1.0 - (float(fcr.mean()) if fcr.size else 1.0)
            factor[c] *= sum(unresolved**k for k in range(ct.repeat.max_attempts))
    return factor


def build_workload(model: Model, backlog_always_open: bool = False) -> Workload:
    """All per-interval staffing inputs of a model."""
    edges = interval_edges(model)
    eligible = eligibility(model)
    presence = group_presence(model, edges)
    share = _shares(eligible, presence)
    rates = interval_rates(model, edges) * demand_factor(model, eligible)[:, None]
    prof = np.where(eligible, np.nan_to_num(model.proficiency, nan=1.0), 0.0)
    mean_share = share.mean(axis=2)
    weights = np.where(mean_share.sum(axis=0) > 0, mean_share, eligible.astype(float))
    prof_eff = (weights * prof).sum(axis=0) / np.maximum(weights.sum(axis=0), 1e-300)
    acw_prof = np.where(eligible, np.nan_to_num(model.acw_factor, nan=1.0), 0.0)
    acw_eff = (weights * acw_prof).sum(axis=0) / np.maximum(weights.sum(axis=0), 1e-300)
    acw = np.array([d.mean if d is not None else 0.0 for d in model.acw_dists]) * acw_eff
    aht = np.array([d.mean for d in model.handle_dists]) * prof_eff + acw  # agents stay busy
    theta = np.array([1.0 / p.mean if p is not None else 0.0 for p in model.patience_dists])
    redial = np.array([ct.redial.probability if ct.redial else 0.0 for ct in model.scenario.demand])
    staffed = (eligible[:, :, None] * presence[:, None, :]).sum(axis=0)
    if backlog_always_open or not np.any(staffed > 0):
        open_share = np.ones_like(rates)
    else:
        open_share = np.clip(staffed, 0.0, 1.0)
    return Workload(edges, rates, aht, prof_eff, theta, np.minimum(redial, 0.99), eligible,
                    share, presence, open_share)  # fmt: skip


def shrinkage(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """(off-phone share of an average shift, absenteeism) per group."""
    off = np.zeros(len(model.group_names))
    absent = np.array([wf.absenteeism for wf in model.group_workforce])
    groups = [g for s in model.scenario.sites for g in s.groups]
    for i, (group, wf) in enumerate(zip(groups, model.group_workforce, strict=True)):
        lengths = [_shift_hours(sh.start, sh.end) for sh in group.shifts if sh.headcount > 0]
        length_h = float(np.mean(lengths)) if lengths else 8.0
        minutes = sum(
            min(a.duration_min, max(length_h * 60 - a.after_start_h * 60, 0.0))
            for a in wf.off_phone
        )
        off[i] = min(minutes / (length_h * 60), 0.9)
    return off, absent


def _shift_hours(start: str, end: str) -> float:
    h0, m0 = (int(x) for x in start.split(":"))
    h1, m1 = (int(x) for x in end.split(":"))
    length = (h1 * 60 + m1) - (h0 * 60 + m0)
    return (length if length > 0 else length + 24 * 60) / 60.0
