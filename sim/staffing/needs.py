"""Staffing needs against the roster, per site: what `ccsim run` shows beside the simulated KPIs.

The analytic requirement (`staff_erlang`: Erlang C/A/X, chat and email-backlog formulas, grossed
up for the site's off-phone time and absenteeism) is set against the agents the scenario's shifts
put on the roster (planned shifts, before absences). Both are compared at the site's peak
interval (the interval with the largest requirement) and over the horizon in FTE. The detail per
interval and group is `ccsim staff`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import Model
from sim.staffing.plan import StaffingResult


@dataclass(frozen=True)
class SiteNeed:
    """One site: its peak interval, agents needed and rostered there, and FTE over the horizon."""

    site: str
    location: str
    peak_interval: int
    peak_local: str  # e.g. "Mon 09:30" in the site's time zone
    needed_at_peak: float  # agents to roster (net requirement grossed up for shrinkage)
    rostered_at_peak: float
    fte_needed: float
    fte_rostered: float


def rostered_agents(model: Model, edges_s: np.ndarray) -> np.ndarray:
    """(sites, intervals) mean number of agents on a planned shift in each interval."""
    n_sites, n_int = len(model.site_names), len(edges_s) - 1
    out = np.zeros((n_sites, n_int))
    dt = np.diff(edges_s)
    for agent, windows in enumerate(model.agent_windows):
        site = int(model.group_site[model.agent_group[agent]])
        for start, end in windows:
            overlap = np.minimum(edges_s[1:], end) - np.maximum(edges_s[:-1], start)
            out[site] += np.clip(overlap, 0.0, None) / dt
    return out


def site_needs(staffing: StaffingResult) -> list[SiteNeed]:
    """Requirement against roster for every site of the staffed model."""
    model = staffing.model
    bg = staffing.by_group
    n_int = int(bg["interval"].max()) + 1
    edges = np.arange(n_int + 1) * float(model.interval_s)
    edges = np.minimum(edges, model.horizon_s)
    rostered = rostered_agents(model, edges)
    weeks = model.horizon_s / (7 * 86_400.0)
    fte_hours = staffing.targets.fte_hours_per_week * weeks
    dt_h = np.diff(edges) / 3600.0
    out = []
    for s, site in enumerate(model.site_names):
        mine = bg[bg["site"] == site]
        need = mine.groupby("interval")["scheduled_agents"].sum()
        need = need.reindex(range(n_int), fill_value=0.0)
        peak = int(need.to_numpy().argmax())
        start = mine.loc[mine["interval"] == peak, "local_start"]
        local = start.iloc[0].strftime("%a %H:%M") if len(start) else ""
        out.append(
            SiteNeed(
                site=site,
                location=model.scenario.sites[s].location,
                peak_interval=peak,
                peak_local=local,
                needed_at_peak=float(need.iloc[peak]),
                rostered_at_peak=float(rostered[s, peak]),
                fte_needed=float(mine["fte"].sum()),
                fte_rostered=float((rostered[s] * dt_h).sum() / fte_hours),
            )
        )
    return out
