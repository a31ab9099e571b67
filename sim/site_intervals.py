"""Per-site interval KPIs on each site's own clock: SL, ASA, abandonment, occupancy by channel.

The contact KPIs come from the `site_channel` rows of a run's intervals (see `sim.kpis.site_share`
for how contacts no agent took are shared among sites, and the `no_site` rows of
queues nobody staffed); occupancy and agents logged in are the
site's own (agents serve every channel they have). Each interval carries its start in UTC, in the
site's local time and in the reporting time zone, so a planner can pick "Black Friday" on either
calendar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sim.kpis.registry import COUNT, REGISTRY
from sim.kpis.site_share import DIMENSION, NO_SITE

if TYPE_CHECKING:
    from sim.results import RunResult

SITE_METRICS = ("occupancy", "agents_staffed")  # the site's agents, whatever the channel
FIRST = [
    "site", "channel", "timezone", "interval", "interval_start_utc", "interval_start_site",
    "site_date", "reporting_date",
]  # fmt: skip


def site_interval_table(result: RunResult) -> pd.DataFrame:
    """One row per (site, channel, interval) on the run's full interval grid, with site clocks.

    Empty (with the leading columns) for runs made before per-site contact KPIs were recorded.
    """
    table = result.interval_table()
    rows = table[table["dimension"] == DIMENSION]
    if rows.empty:
        return pd.DataFrame(columns=FIRST)
    model = result.model
    zones = dict(zip(model.site_names, model.site_timezones, strict=True))
    zones[NO_SITE] = model.scenario.reporting.timezone  # unstaffed queues: the customers' clock
    grid = table.loc[table["dimension"] == "overall", ["interval", "interval_start_utc"]]
    grid = grid.drop_duplicates("interval")
    keys = rows["key"].drop_duplicates().str.split("/", n=1, expand=True)
    keys.columns = ["site", "channel"]
    frame = keys.merge(grid, how="cross")
    contact = rows.drop(columns=["dimension", "interval_start_utc", "interval_start_local"])
    contact = contact.dropna(axis=1, how="all")  # KPIs not kept per site (e.g. backlog)
    contact = contact[
        [c for c in contact if _metric(c) in contact and _metric(c) not in SITE_METRICS]
    ]
    contact[["site", "channel"]] = contact.pop("key").str.split("/", n=1, expand=True)
    frame = frame.merge(contact, on=["site", "channel", "interval"], how="left")
    counts = [c for c in frame.columns if c not in FIRST and _is_count(_metric(c))]
    n = [c for c in counts if c.endswith("_n")]
    frame[n] = frame[n].fillna(float(result.replications))  # a missing row: zero in every one
    frame[counts] = frame[counts].fillna(0.0)
    site = table.loc[table["dimension"] == "site"].rename(columns={"key": "site"})
    site = site[["site", "interval", *(c for c in site if _metric(c) in SITE_METRICS)]]
    frame = frame.merge(site, on=["site", "interval"], how="left")
    zone = frame["site"].map(zones)
    local = _site_clock(frame["interval_start_utc"], zone)
    reporting = frame["interval_start_utc"].dt.tz_convert(model.scenario.reporting.timezone)
    clocks = pd.DataFrame({
        "timezone": zone,
        "interval_start_site": local,
        "site_date": local.dt.strftime("%Y-%m-%d"),
        "reporting_date": reporting.dt.strftime("%Y-%m-%d"),
    })  # fmt: skip
    frame = pd.concat([frame, clocks], axis=1)
    rest = [c for c in frame.columns if c not in FIRST]
    return frame[FIRST + rest].sort_values(["site", "channel", "interval"], ignore_index=True)


def _metric(column: str) -> str:
    """The KPI a flattened column belongs to: 'asa_s_ci95_low' -> 'asa_s'."""
    for suffix in ("_ci95_low", "_ci95_high", "_se", "_n"):
        if column.endswith(suffix) and column.removesuffix(suffix) in REGISTRY:
            return column.removesuffix(suffix)
    return column


def _is_count(name: str) -> bool:
    entry = REGISTRY.get(name)
    return entry is not None and entry.kind == COUNT


def _site_clock(start_utc: pd.Series, zone: pd.Series) -> pd.Series:
    """Each interval start as a naive wall-clock time in its row's site time zone."""
    out = pd.Series(pd.NaT, index=start_utc.index, dtype="datetime64[ns]")
    for name in zone.unique():
        sel = zone == name
        local = start_utc[sel].dt.tz_convert(str(name)).dt.tz_localize(None)
        out[sel] = local.astype("datetime64[ns]")
    return out
