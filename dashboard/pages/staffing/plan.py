"""Required vs rostered agents per interval, site and group, for the staffing page.

*Required* is `sim.staffing`'s Erlang plan: agents to schedule (on-phone need grossed up for
shrinkage) to meet the targets in every interval. *Rostered* is what the scenario's own shift
lines log in (average agents per interval, before shrinkage). An interval is understaffed when
the roster is below the requirement, overstaffed when it exceeds it by at least
`max(OVER_MIN_AGENTS, OVER_SHARE x required)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import api
from sim.api import Scenario, StaffingResult

OVER_MIN_AGENTS = 2.0
OVER_SHARE = 0.25
TOLERANCE = 0.05  # fractions of an agent: averaging over an interval, not a shortfall


@dataclass(frozen=True)
class StaffingView:
    """The plan, the roster beside it (per group x interval), and per-group totals."""

    plan: StaffingResult
    table: pd.DataFrame  # by_group + rostered, gap, status, rostered_cost
    summary: pd.DataFrame  # per site x group
    site_timezones: dict[str, str]
    interval_hours: float


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


def staffing_view(scenario: Scenario, targets: Sequence[str] = ()) -> StaffingView:
    """Plan the scenario with the Erlang method and compare it with the scenario's shifts."""
    plan = api.staff(scenario, method="erlang", targets=list(targets))
    model = plan.model
    edges, presence = api.roster_presence(model)
    table = plan.by_group.copy()
    g = table["group_idx"].to_numpy()
    i = table["interval"].to_numpy()
    table["rostered_agents"] = presence[g, i]
    table["gap"] = table["rostered_agents"] - table["scheduled_agents"]
    over = np.maximum(OVER_MIN_AGENTS, OVER_SHARE * table["scheduled_agents"])
    table["status"] = np.select(
        [table["gap"] < -TOLERANCE, table["gap"] >= over], ["under", "over"], "ok"
    )
    hours = np.diff(edges)[i] / 3600.0
    table["rostered_cost"] = roster_cost(model, table, g, hours)
    table["hours"] = hours
    summary = (
        table.assign(
            required_hours=table["scheduled_agents"] * hours,
            rostered_hours=table["rostered_agents"] * hours,
            under=table["status"].eq("under"),
            over=table["status"].eq("over"),
        )
        .groupby(["site", "group"], sort=False)
        .agg(
            peak_required=("scheduled_agents", "max"),
            required_hours=("required_hours", "sum"),
            rostered_hours=("rostered_hours", "sum"),
            fte=("fte", "sum"),
            cost=("cost", "sum"),
            rostered_cost=("rostered_cost", "sum"),
            under_intervals=("under", "sum"),
            over_intervals=("over", "sum"),
        )
        .reset_index()
    )
    zones = dict(zip(model.site_names, model.site_timezones, strict=True))
    return StaffingView(plan, table, summary, zones, float(model.interval_s) / 3600.0)


def site_series(view: StaffingView, site: str, group: str | None = None) -> pd.DataFrame:
    """Per interval of one site (one group, or all summed): local start, required, rostered."""
    rows = view.table[view.table["site"] == site]
    if group is not None:
        rows = rows[rows["group"] == group]
    agg = rows.groupby("interval", sort=True).agg(
        local_start=("local_start", "first"),
        required=("scheduled_agents", "sum"),
        rostered=("rostered_agents", "sum"),
    )
    agg["gap"] = agg["rostered"] - agg["required"]
    over = np.maximum(OVER_MIN_AGENTS, OVER_SHARE * agg["required"])
    agg["status"] = np.select([agg["gap"] < -TOLERANCE, agg["gap"] >= over], ["under", "over"],
                              "ok")  # fmt: skip
    return agg.reset_index()


def totals(view: StaffingView) -> dict[str, float]:
    """Headline numbers: FTE and cost of the plan, rostered cost, intervals short or over."""
    s = view.summary
    return {
        "fte": float(s["fte"].sum()),
        "cost": float(s["cost"].sum()),
        "rostered_cost": float(s["rostered_cost"].sum()),
        "under_intervals": int(s["under_intervals"].sum()),
        "over_intervals": int(s["over_intervals"].sum()),
    }
