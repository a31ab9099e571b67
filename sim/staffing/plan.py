"""A staffing plan: required agents per interval x site x group, with FTE and cost.

Per-type requirements are split over the groups that serve the type (``Workload.share``),
weighted by the group's handle-time factor, summed per group and rounded up per interval:
that is the *net* (on-phone) requirement. Shrinkage turns it into scheduled agents,
``scheduled = net / ((1 - off_phone) (1 - absenteeism))``; FTE are scheduled agent-hours over
``fte_hours_per_week`` (pro rata for the horizon). Cost follows ``kpis/costs.py``: the wage
per scheduled hour, or the site's vendor price: per logged hour (scheduled), per productive
hour or handled minute (the busy time the group's share of the load implies), per contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.model import CHAT, Model
from sim.staffing.targets import Targets
from sim.staffing.workload import Workload, shrinkage

_EPS = 1e-9


@dataclass
class StaffingResult:
    """What ``api.staff`` returns; frames are tidy tables ready for CSV/Parquet."""

    model: Model
    targets: Targets
    method: str
    by_type: pd.DataFrame  # interval x contact type: load and required agents
    by_skill: pd.DataFrame  # interval x site x group x type: net agents allocated
    by_group: pd.DataFrame  # interval x site x group: net, scheduled, FTE, cost
    summary: pd.DataFrame  # site x group totals
    wall_time_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    checks: pd.DataFrame | None = None  # simulation: per type x interval KPI checks
    pooling: dict[str, Any] | None = None  # simulation vs Erlang
    erlang: StaffingResult | None = None  # simulation: the analytic starting point
    reconciliation: Any = None  # simulation: why it differs from Erlang (`reconcile`)

    def scheduled_matrix(self) -> np.ndarray:
        """(groups, intervals) scheduled agents."""
        n_int = int(self.by_group["interval"].max()) + 1
        out = np.zeros((len(self.model.group_names), n_int))
        g = self.by_group["group_idx"].to_numpy()
        out[g, self.by_group["interval"].to_numpy()] = self.by_group["scheduled_agents"]
        return out

    def totals(self) -> dict[str, float]:
        s = self.summary
        return {
            "agent_hours": float(s["scheduled_hours"].sum()),
            "net_agent_hours": float(s["net_hours"].sum()),
            "fte": float(s["fte"].sum()),
            "cost": float(s["cost"].sum()),
            "peak_scheduled_agents": float(
                self.by_group.groupby("interval")["scheduled_agents"].sum().max()
            ),
        }

    def to_json(self, intervals: bool = True) -> dict[str, Any]:
        sc = self.model.scenario
        out: dict[str, Any] = {
            "scenario": {"name": sc.name, "hash": self.model.scenario_hash},
            "method": self.method,
            "targets": self.targets.describe(),
            "wall_time_s": round(self.wall_time_s, 3),
            "totals": self.totals(),
            "by_group": _records(self.summary),
            "notes": self.notes,
        }
        if self.pooling is not None:
            out["pooling"] = self.pooling
        if self.reconciliation is not None:
            out["reconciliation"] = self.reconciliation.to_json()
        if self.checks is not None:
            checked = self.checks[self.checks["checked"]]
            out["checks"] = {
                "intervals_checked": int(len(checked)),
                "intervals_failing": int((~checked["ok"]).sum()),
            }
        if intervals:
            cols = ["interval", "interval_start_utc", "site", "group", "net_agents",
                    "required_agents", "scheduled_agents", "fte", "cost"]  # fmt: skip
            frame = self.by_group[cols].copy()
            frame["interval_start_utc"] = frame["interval_start_utc"].astype(str)
            out["intervals"] = _records(frame)
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.to_dict(orient="records")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in rows]


def allocate(model: Model, wl: Workload, by_type: pd.DataFrame) -> np.ndarray:
    """(groups, types, intervals) net agents of each type allocated to each group.

    Group g takes share s_g of the type's work; with handle-time factor f_g against the
    factor f the type was staffed with, it needs ``n s_g f_g / f`` agents for it.
    """
    n_types, n_int = wl.rate_per_s.shape
    return split_to_groups(model, wl, by_type["required"].to_numpy().reshape(n_types, n_int))


def split_to_groups(model: Model, wl: Workload, per_type: np.ndarray) -> np.ndarray:
    """(groups, types, intervals): agents per (type, interval) split as ``allocate`` does."""
    prof = np.where(wl.eligible, np.nan_to_num(model.proficiency, nan=1.0), 0.0)
    ratio = prof / np.maximum(wl.handle_factor, 1e-300)[None, :]
    return wl.share * ratio[:, :, None] * per_type[None, :, :]


def hourly_rate(model: Model, g: int) -> float:
    """Cost of one scheduled hour of group g (wage, or the vendor's hourly price; 0 if none)."""
    price = model.scenario.sites[int(model.group_site[g])].pricing
    if price is not None and price.model in ("per_logged_hour", "per_productive_hour"):
        return float(price.rate)
    return float(model.group_wage_per_hour[g])


def labour_costs(
    model: Model,
    wl: Workload,
    by_type: pd.DataFrame,
    scheduled: np.ndarray,
    dt_h: np.ndarray,
    busy_factor: np.ndarray | None = None,
) -> np.ndarray:
    """(groups, intervals) cost of a staffing, priced like the simulator's cost KPIs.

    `busy_factor` (per group) scales each group's busy time, e.g. a learning curve's AHT factor.
    """
    n_types, n_int = wl.rate_per_s.shape
    load = by_type["load_erlangs"].to_numpy().reshape(n_types, n_int)
    contacts = by_type["contacts"].to_numpy().reshape(n_types, n_int)
    conc = np.where(model.type_channel == CHAT, model.chat_max_concurrency, 1)[:, None]
    prof = np.where(wl.eligible, np.nan_to_num(model.proficiency, nan=1.0), 0.0)
    ratio = prof / np.maximum(wl.handle_factor, 1e-300)[None, :]
    busy_h = (wl.share * ratio[:, :, None] * (load / conc)[None]).sum(axis=1) * dt_h
    if busy_factor is not None:
        busy_h = busy_h * np.asarray(busy_factor, dtype=float)[:, None]
    handled = (wl.share * contacts[None]).sum(axis=1)
    cost = scheduled * dt_h * model.group_wage_per_hour[:, None]
    for g in range(len(model.group_names)):
        price = model.scenario.sites[int(model.group_site[g])].pricing
        if price is None:
            continue
        cost[g] = (
            price.rate
            * {
                "per_logged_hour": scheduled[g] * dt_h,
                "per_productive_hour": busy_h[g],
                "per_handled_minute": busy_h[g] * 60.0,
                "per_contact": handled[g],
            }[price.model]
        )
    return cost


def build_result(
    model: Model,
    wl: Workload,
    targets: Targets,
    method: str,
    by_type: pd.DataFrame,
    net_override: np.ndarray | None = None,
    scheduled_override: np.ndarray | None = None,
) -> StaffingResult:
    """Assemble the per-group and per-skill tables from per-type requirements (or overrides)."""
    alloc = allocate(model, wl, by_type)
    net = alloc.sum(axis=1) if net_override is None else net_override
    required = np.ceil(net - _EPS)
    off, absent = shrinkage(model)
    keep = (1.0 - off) * (1.0 - absent)
    scheduled = (
        np.ceil(required / keep[:, None] - _EPS) if scheduled_override is None
        else scheduled_override
    )  # fmt: skip
    dt_h = np.diff(wl.interval_edges_s) / 3600.0
    weeks = model.horizon_s / (7 * 86_400.0)
    starts = model.t0_utc + pd.to_timedelta(wl.interval_edges_s[:-1], unit="s")
    cost = labour_costs(model, wl, by_type, scheduled, dt_h)
    rows = []
    for g, name in enumerate(model.group_names):
        site_idx = int(model.group_site[g])
        site, group = name.split("/", 1)
        tz = model.site_timezones[site_idx]
        hours = scheduled[g] * dt_h
        rows.append(
            pd.DataFrame(
                {
                    "interval": np.arange(len(dt_h)),
                    "interval_start_utc": starts,
                    "local_start": starts.tz_convert(tz).tz_localize(None),
                    "site": site,
                    "group": group,
                    "group_idx": g,
                    "net_agents": net[g],
                    "required_agents": required[g],
                    "shrinkage": 1.0 - keep[g],
                    "scheduled_agents": scheduled[g],
                    "fte": hours / (targets.fte_hours_per_week * weeks),
                    "cost": cost[g],
                }
            )
        )
    by_group = pd.concat(rows, ignore_index=True)
    summary = _summary(by_group, dt_h)
    by_skill = _by_skill(model, alloc, starts)
    return StaffingResult(model, targets, method, by_type, by_skill, by_group, summary)


def _summary(by_group: pd.DataFrame, dt_h: np.ndarray) -> pd.DataFrame:
    frame = by_group.assign(
        net_hours=by_group["net_agents"] * dt_h[by_group["interval"]],
        scheduled_hours=by_group["scheduled_agents"] * dt_h[by_group["interval"]],
    )
    agg = frame.groupby(["site", "group"], sort=False).agg(
        peak_required=("required_agents", "max"),
        peak_scheduled=("scheduled_agents", "max"),
        net_hours=("net_hours", "sum"),
        scheduled_hours=("scheduled_hours", "sum"),
        fte=("fte", "sum"),
        cost=("cost", "sum"),
        shrinkage=("shrinkage", "first"),
    )
    return agg.reset_index()


def _by_skill(model: Model, alloc: np.ndarray, starts: pd.DatetimeIndex) -> pd.DataFrame:
    g, c, i = np.nonzero(alloc > _EPS)
    names = np.asarray(model.group_names, dtype=object)[g]
    return pd.DataFrame(
        {
            "interval": i,
            "interval_start_utc": starts[i],
            "site": [n.split("/", 1)[0] for n in names],
            "group": [n.split("/", 1)[1] for n in names],
            "type": np.asarray(model.type_names, dtype=object)[c],
            "net_agents": alloc[g, c, i],
        }
    ).sort_values(["interval", "site", "group", "type"], ignore_index=True)
