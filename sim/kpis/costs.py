"""Costs and shrinkage: agent pay or vendor price per site, telephony, bot, SLA penalties.

Per site, labour is the groups' wage x worked shift hours unless the site has a vendor price
(per logged hour, per productive hour, per handled minute or per contact). Telephony is charged per
voice minute in the system (IVR/bot, queue and talk). A site's cost per resolved issue is its
labour over the issues its agents resolved (bot-resolved issues belong to no site). SLA penalties
are paid for each interval or day in which a channel's service level is below its target.
Shrinkage is the share of planned shift time not spent on the phone (off-phone activities and
absences).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.log import ContactLog
from sim.kpis.agents import time_in_intervals
from sim.kpis.ratios import SL_VARIANTS, SUMMED, ratios
from sim.model import CHANNELS, Model

HOUR = 3600.0


def cost_kpis(
    log: ContactLog,
    model: Model,
    contacts: pd.DataFrame,
    issues_resolved: float,
    busy_s_by_site: np.ndarray,
) -> pd.DataFrame:
    """Per (dimension, key) for sites and overall: cost components, totals, shrinkage."""
    sc = model.scenario
    lo, hi = model.warmup_s, min(max(log.end_time_s, model.horizon_s), model.measure_end_s)
    edges = np.array([lo, hi])
    n_sites, n_groups = len(model.site_names), len(model.group_names)
    groups_of = log.agent_group
    worked_g = time_in_intervals(
        log.shift_start_s, log.shift_end_s, groups_of[log.shift_agent], n_groups, edges
    )[:, 0]
    planned_g = _planned_seconds(model, edges)
    online_g = time_in_intervals(
        log.online_start_s, log.online_end_s, groups_of[log.online_agent], n_groups, edges
    )[:, 0]
    site_of = model.group_site
    worked = np.bincount(site_of, worked_g, n_sites)
    planned = np.bincount(site_of, planned_g, n_sites)
    online = np.bincount(site_of, online_g, n_sites)
    wages = np.bincount(site_of, worked_g / HOUR * model.group_wage_per_hour, n_sites)
    done = contacts[contacts["site_idx"] >= 0].groupby("site_idx")
    handled_min = done["handle_s"].sum().reindex(range(n_sites), fill_value=0.0) / 60
    handled = done["completed"].sum().reindex(range(n_sites), fill_value=0.0)
    resolved = done["resolved_by_agent"].sum().reindex(range(n_sites), fill_value=0.0)
    labour = np.empty(n_sites)
    for s, site in enumerate(sc.sites):
        price = site.pricing
        if price is None:
            labour[s] = wages[s]
            continue
        units = {
            "per_logged_hour": worked[s] / HOUR,
            "per_productive_hour": busy_s_by_site[s] / HOUR,
            "per_handled_minute": handled_min.iloc[s],
            "per_contact": handled.iloc[s],
        }[price.model]
        labour[s] = price.rate * units
    telephony = float(contacts["voice_minutes"].sum()) * sc.costs.telephony_per_minute
    bot_price = np.array([c.bot.cost_per_session if c.bot else 0.0 for c in sc.demand])
    bot_cost = float((contacts["bot_sessions"] * bot_price[contacts["type_idx"]]).sum())
    penalty = _sla_penalties(model, contacts)
    total = labour.sum() + telephony + bot_cost + penalty
    handled_all = float(contacts["completed"].sum() + contacts["bot_resolved"].sum())
    keys = [("site", n) for n in model.site_names] + [("overall", "all")]
    rows = pd.MultiIndex.from_tuples(keys, names=["dimension", "key"])
    nan = np.full(n_sites, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "labour_cost": [*labour, labour.sum()],
                "telephony_cost": [*nan, telephony],
                "bot_cost": [*nan, bot_cost],
                "sla_penalty": [*nan, penalty],
                "cost_total": [*labour, total],
                "cost_per_contact": [*(labour / handled.to_numpy()), total / handled_all],
                "cost_per_resolved_issue": [
                    *(labour / resolved.to_numpy()),
                    total / issues_resolved,
                ],
                "scheduled_hours": [*(worked / HOUR), worked.sum() / HOUR],
                "shrinkage": [*(1 - online / planned), 1 - online.sum() / planned.sum()],
            },
            index=rows,
        ).replace([np.inf, -np.inf], np.nan)


def _planned_seconds(model: Model, edges: np.ndarray) -> np.ndarray:
    """Shift seconds per group as planned (before absences and off-phone time)."""
    rows = [(model.agent_group[a], s, e) for a, ws in enumerate(model.agent_windows) for s, e in ws]
    if not rows:
        return np.zeros(len(model.group_names))
    g, s, e = (np.asarray(x) for x in zip(*rows, strict=True))
    return time_in_intervals(s, e, g, len(model.group_names), edges)[:, 0]


def _sla_penalties(model: Model, contacts: pd.DataFrame) -> float:
    """Sum of penalties for intervals or days whose channel service level is below target."""
    sl_column = SL_VARIANTS[model.scenario.reporting.sl_definition]
    channel = np.asarray(CHANNELS)[model.type_channel[contacts["type_idx"].to_numpy()]]
    total = 0.0
    for rule in model.scenario.costs.penalties:
        mine = contacts[channel == rule.channel]
        period = (
            mine["interval"]
            if rule.period == "interval"
            else mine["interval"] // (86_400 // model.interval_s)
        )
        sl = ratios(mine[SUMMED].groupby(period).sum().astype(float), sl_column)["service_level"]
        total += rule.amount * int((sl.dropna() < rule.target).sum())
    return total
