"""What the dashboard shows, extracted once from a `RunResult` and then only read.

The app builds one `DashboardData` at start-up and keeps it in the Flask config; layouts and
callbacks look it up with `current_data()`, so every user sees the same immutable result and no
other state is shared between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import flask
import pandas as pd

from dashboard.shared.cards import OVERVIEW_CARDS, KpiCard, build_cards
from dashboard.shared.format import fmt_threshold
from dashboard.shared.memo import Memo
from sim.api import CHANNELS
from sim.results import RunResult

CONFIG_KEY = "CCSIM_DASHBOARD_DATA"
INTERVAL_COLUMNS = (
    "offered",
    "handled",
    "service_level",
    "service_level_ci95_low",
    "service_level_ci95_high",
    "occupancy",
    "occupancy_ci95_low",
    "occupancy_ci95_high",
    "agents_staffed",
)


@dataclass(frozen=True)
class DashboardData:
    """Read-only view of a run: provenance, KPI cards, and a tidy per-interval table (UTC)."""

    scenario_name: str
    description: str
    scenario_hash: str
    seed: int
    replications: int
    version: str
    wall_time_s: float
    reporting_timezone: str
    interval_minutes: int
    site_timezones: MappingProxyType[str, str]
    queue_labels: MappingProxyType[str, str]
    queue_channels: MappingProxyType[str, str]
    days: tuple[str, ...]  # ISO dates the horizon covers (UTC), for the day picker
    cards: tuple[KpiCard, ...]
    intervals: pd.DataFrame
    currency: str = "USD"
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)  # figures built from it

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(self.queue_labels)

    @classmethod
    def from_result(cls, result: RunResult) -> DashboardData:
        """Extract everything the pages need from one run (done once, at app creation)."""
        model = result.model
        table = result.interval_table()
        keep = ["dimension", "key", "interval", "interval_start_utc", *INTERVAL_COLUMNS]
        intervals = table[keep].copy()
        overall = intervals[intervals["dimension"] == "overall"]
        days = tuple(sorted(overall["interval_start_utc"].dt.strftime("%Y-%m-%d").unique()))
        channels = [CHANNELS[code] for code in model.type_channel]
        labels = {
            name: f"{name} (SL {fmt_threshold(float(threshold))})"
            for name, threshold in zip(model.type_names, model.sl_threshold_s, strict=True)
        }
        return cls(
            scenario_name=model.scenario.name,
            description=model.scenario.description or "",
            scenario_hash=model.scenario_hash,
            seed=result.seed,
            replications=result.replications,
            version=result.version,
            wall_time_s=result.wall_time_s,
            reporting_timezone=model.scenario.reporting.timezone,
            interval_minutes=model.interval_s // 60,
            site_timezones=MappingProxyType(
                dict(zip(model.site_names, model.site_timezones, strict=True))
            ),
            queue_labels=MappingProxyType(labels),
            queue_channels=MappingProxyType(dict(zip(model.type_names, channels, strict=True))),
            days=days,
            cards=build_cards(result, OVERVIEW_CARDS),
            intervals=intervals,
            currency=model.scenario.costs.currency,
        )


def attach(server: flask.Flask, data: DashboardData) -> None:
    """Make `data` the result this app's layouts and callbacks read."""
    server.config[CONFIG_KEY] = data


def current_data() -> DashboardData:
    """The result of the app serving the current request (needs a Flask app context)."""
    return flask.current_app.config[CONFIG_KEY]
