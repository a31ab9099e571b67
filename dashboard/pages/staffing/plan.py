"""Required vs rostered agents per interval, site and group, for the staffing page.

*Required* is `sim.staffing`'s plan: agents to schedule (on-phone need grossed up for shrinkage)
to meet the targets in every interval, by the Erlang formulas or, once the page's background job
has run it, by the simulation search. *Rostered* is what the scenario's own shift lines log in
(average agents per interval, before shrinkage). An interval is understaffed by the rule
`ccsim schedule` uses (`api.understaffed`: agents compared as tables show them, to 0.1), and its
shortfall is required minus rostered agents times the interval's hours; overstaffed when the
roster exceeds the requirement by at least `max(OVER_MIN_AGENTS, OVER_SHARE x required)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.pages.staffing.job import entry_key
from sim import api
from sim.api import Scenario, StaffingResult

OVER_MIN_AGENTS = 2.0
OVER_SHARE = 0.25
METHODS = ("erlang", "simulation")


@dataclass(frozen=True)
class StaffingView:
    """The plan, the roster beside it (per group x interval), and per-group totals.

    `table` has per method m in `methods`: `m_required`, `m_short` (agents short, 0 when met);
    `required`, `gap` and `status` follow `method`, the requirement the page shows.
    """

    plan: StaffingResult
    table: pd.DataFrame
    summary: pd.DataFrame  # per site x group
    site_timezones: dict[str, str]
    interval_hours: float
    method: str = "erlang"
    methods: tuple[str, ...] = ("erlang",)
    simulation: dict[str, Any] | None = None  # the job's entry (`job.simulation_entry`)
    stale: bool = False  # a simulated entry was given for another scenario or other targets


def roster_cost(model, table: pd.DataFrame, g: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Cost of the rostered agents per row, priced as the simulator prices the site: wage or
    vendor price per logged hour times rostered hours; a price per productive hour, handled
    minute or contact pays for the work done, which the roster does as the plan does (the plan's
    cost of that work)."""
    per_hour = np.array([hourly_price(model, int(k)) for k in range(len(model.group_names))])
    by_hours = table["rostered_agents"].to_numpy() * hours * per_hour[g]
    volume = np.array([_volume_priced(model, int(k)) for k in range(len(model.group_names))])
    return np.where(volume[g], table["cost"].to_numpy(), by_hours)


def _price(model, g: int):
    return model.scenario.sites[int(model.group_site[g])].pricing


def hourly_price(model, g: int) -> float:
    """What one logged hour of group g costs: the vendor's price per logged hour, else the wage."""
    price = _price(model, g)
    if price is not None and price.model == "per_logged_hour":
        return float(price.rate)
    return float(model.group_wage_per_hour[g])


def _volume_priced(model, g: int) -> bool:
    price = _price(model, g)
    return price is not None and price.model != "per_logged_hour"


def status(required: np.ndarray, rostered: np.ndarray) -> np.ndarray:
    """'under' (the schedule's rounding rule), 'over' (well above) or 'ok' per interval."""
    gap = rostered - required
    over = np.maximum(OVER_MIN_AGENTS, OVER_SHARE * required)
    under = api.understaffed(required, rostered)
    return np.select([under, gap >= over], ["under", "over"], "ok")


def shortfall(required: np.ndarray, rostered: np.ndarray) -> np.ndarray:
    """Agents short per interval: required minus rostered where understaffed, else 0."""
    return np.where(api.understaffed(required, rostered), required - rostered, 0.0)


def staffing_view(
    scenario: Scenario,
    targets: Sequence[str] = (),
    simulation: dict[str, Any] | None = None,
    method: str = "erlang",
) -> StaffingView:
    """Plan the scenario with the Erlang method (beside a simulated answer for the same scenario
    and targets, if given) and compare it with the scenario's shifts; `method` picks the
    requirement statuses follow."""
    plan = api.staff(scenario, method="erlang", targets=list(targets))
    model = plan.model
    stale = simulation is not None and simulation.get("key") != entry_key(
        model.scenario_hash, targets
    )
    simulation = None if stale else simulation
    edges, presence = api.roster_presence(model)
    table = plan.by_group.copy()
    g = table["group_idx"].to_numpy()
    i = table["interval"].to_numpy()
    table["rostered_agents"] = presence[g, i]
    table["erlang_required"] = table["scheduled_agents"]
    methods: tuple[str, ...] = ("erlang",)
    if simulation is not None:
        table["simulation_required"] = np.asarray(simulation["scheduled"], dtype=float)[g, i]
        methods = METHODS
    method = method if method in methods else "erlang"
    hours = np.diff(edges)[i] / 3600.0
    table["hours"] = hours
    rostered = table["rostered_agents"].to_numpy()
    for m in methods:
        table[f"{m}_short"] = shortfall(table[f"{m}_required"].to_numpy(), rostered)
    table["required"] = table[f"{method}_required"]
    table["gap"] = rostered - table["required"]
    table["status"] = status(table["required"].to_numpy(), rostered)
    table["rostered_cost"] = roster_cost(model, table, g, hours)
    weeks = model.horizon_s / (7 * 86_400.0)
    fte_hours = plan.targets.fte_hours_per_week * weeks
    summary = _summary(table, methods, fte_hours, simulation)
    zones = dict(zip(model.site_names, model.site_timezones, strict=True))
    return StaffingView(plan, table, summary, zones, float(model.interval_s) / 3600.0, method,
                        methods, simulation, stale)  # fmt: skip


def _summary(
    table: pd.DataFrame, methods: Sequence[str], fte_hours: float, simulation: dict | None
) -> pd.DataFrame:
    """Per site x group: each method's hours, FTE and shortfall; roster hours and costs."""
    h = table["hours"]
    parts: dict[str, pd.Series] = {
        "rostered_hours": table["rostered_agents"] * h,
        "under": table["status"].eq("under"),
        "over": table["status"].eq("over"),
    }
    for m in methods:
        parts[f"{m}_hours"] = table[f"{m}_required"] * h
        parts[f"{m}_short_hours"] = table[f"{m}_short"] * h
        parts[f"{m}_short_intervals"] = table[f"{m}_short"] > 0
    agg = {k: (k, "sum") for k in parts}
    agg |= {f"{m}_peak": (f"{m}_required", "max") for m in methods}
    agg |= {k: (k, "sum") for k in ("fte", "cost", "rostered_cost")}
    out = (
        table.assign(**parts)
        .groupby(["site", "group"], sort=False)
        .agg(**agg)
        .reset_index()
        .rename(columns={"under": "under_intervals", "over": "over_intervals"})
    )
    for m in methods:
        out[f"{m}_fte"] = out[f"{m}_hours"] / fte_hours
        out[f"{m}_short_fte"] = out[f"{m}_short_hours"] / fte_hours
    if simulation is not None:
        cost = {(r["site"], r["group"]): r["cost"] for r in simulation["summary"]}
        keys = zip(out["site"], out["group"], strict=True)
        out["simulation_cost"] = [cost.get(k, 0.0) for k in keys]
    out["peak_required"] = out["erlang_peak"]
    out["required_hours"] = out["erlang_hours"]
    return out


def site_series(view: StaffingView, site: str, group: str | None = None) -> pd.DataFrame:
    """Per interval of one site (one group, or all summed): local start, required, rostered
    (and each method's requirement, `erlang_required` / `simulation_required`)."""
    rows = view.table[view.table["site"] == site]
    if group is not None:
        rows = rows[rows["group"] == group]
    agg = rows.groupby("interval", sort=True).agg(
        local_start=("local_start", "first"),
        required=("required", "sum"),
        rostered=("rostered_agents", "sum"),
        **{f"{m}_required": (f"{m}_required", "sum") for m in view.methods},
    )
    agg["gap"] = agg["rostered"] - agg["required"]
    agg["status"] = status(agg["required"].to_numpy(), agg["rostered"].to_numpy())
    return agg.reset_index()


def short_rows(view: StaffingView, site: str, group: str | None, day: str | None) -> pd.DataFrame:
    """The group x interval rows of a site (group, local day) where the roster is short."""
    rows = view.table[(view.table["site"] == site) & (view.table["status"] == "under")]
    if group is not None:
        rows = rows[rows["group"] == group]
    if day is not None:
        rows = rows[rows["local_start"].dt.strftime("%Y-%m-%d") == day]
    return rows.sort_values(["local_start", "group"])


def totals(view: StaffingView) -> dict[str, float]:
    """Headline numbers: FTE and cost of the plan, rostered cost, intervals short or over, and
    each method's shortfall in agent-hours and FTE."""
    s = view.summary
    out = {
        "fte": float(s["fte"].sum()),
        "cost": float(s["cost"].sum()),
        "rostered_cost": float(s["rostered_cost"].sum()),
        "under_intervals": int(s["under_intervals"].sum()),
        "over_intervals": int(s["over_intervals"].sum()),
    }
    for m in view.methods:
        for key in ("hours", "fte", "short_hours", "short_fte", "short_intervals"):
            out[f"{m}_{key}"] = float(s[f"{m}_{key}"].sum())
    return out
