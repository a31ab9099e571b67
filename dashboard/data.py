"""What the dashboard shows, extracted once from a `RunResult` and then only read.

The app builds one `DashboardData` at start-up and keeps it in the Flask config; layouts and
callbacks look it up with `current_data()`, so every user sees the same immutable result and no
other state is shared between sessions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import flask
import pandas as pd

from dashboard.format import fmt_threshold
from sim.model import CHANNELS
from sim.results import RunResult

CONFIG_KEY = "CCSIM_DASHBOARD_DATA"
Kind = Literal["percent", "duration", "money"]

# metric, card label, kind, breakdown dimension (what the small print under the value splits by)
CARD_SPECS: tuple[tuple[str, str, Kind, str], ...] = (
    ("service_level", "Service level", "percent", "channel"),
    ("asa_s", "Average speed of answer", "duration", "channel"),
    ("abandon_rate", "Abandonment", "percent", "channel"),
    ("aht_s", "Average handle time", "duration", "channel"),
    ("occupancy", "Occupancy", "percent", "site"),
    ("fcr", "First-contact resolution", "percent", "queue"),
    ("bot_containment", "Bot containment", "percent", "channel"),
    ("cost_per_contact", "Cost per contact", "money", "site"),
    ("cost_per_resolved_issue", "Cost per resolved issue", "money", "site"),
)
# why a card shows no value (the KPI is undefined for this scenario), under the dash
UNDEFINED_NOTES = {
    "bot_containment": "no bot or IVR sessions in this scenario",
    "cost_per_resolved_issue": "no issue resolved",
}
UNDEFINED_NOTE = "not defined for this run"
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
class Estimate:
    """A KPI mean with its 95% confidence interval (None where undefined)."""

    mean: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class KpiCard:
    """One headline KPI: the overall estimate and a breakdown by channel or site."""

    metric: str
    label: str
    kind: Kind
    overall: Estimate
    breakdown: tuple[tuple[str, Estimate], ...]
    note: str = ""  # shown instead of the breakdown when the KPI is undefined


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
            cards=tuple(_card(result, *spec) for spec in CARD_SPECS),
            intervals=intervals,
            currency=model.scenario.costs.currency,
        )


def _card(result: RunResult, metric: str, label: str, kind: Kind, by: str) -> KpiCard:
    keys = result.summary.loc[by].index if by in result.summary.index.get_level_values(0) else []
    breakdown = tuple((key, _estimate(result, metric, kind, by, key)) for key in keys)
    overall = _estimate(result, metric, kind, "overall", "all")
    undefined = overall.mean is None
    return KpiCard(
        metric=metric,
        label=label,
        kind=kind,
        overall=overall,
        breakdown=tuple(item for item in breakdown if item[1].mean is not None),
        note=UNDEFINED_NOTES.get(metric, UNDEFINED_NOTE) if undefined else "",
    )


def _estimate(result: RunResult, metric: str, kind: Kind, dimension: str, key: str) -> Estimate:
    """The KPI's estimate, its CI clipped to what the metric can take ([0, 1] or >= 0).

    All None when the KPI is undefined (NaN, e.g. containment without a bot) or not computed.
    """
    try:
        value = result.kpi(metric, dimension, key)
    except KeyError:
        return Estimate(None, None, None)
    high_bound = 1.0 if kind == "percent" else math.inf
    low, high = value["ci95_low"], value["ci95_high"]
    return Estimate(
        mean=value["mean"],
        low=None if low is None else min(max(low, 0.0), high_bound),
        high=None if high is None else min(max(high, 0.0), high_bound),
    )


def attach(server: flask.Flask, data: DashboardData) -> None:
    """Make `data` the result this app's layouts and callbacks read."""
    server.config[CONFIG_KEY] = data


def current_data() -> DashboardData:
    """The result of the app serving the current request (needs a Flask app context)."""
    return flask.current_app.config[CONFIG_KEY]
