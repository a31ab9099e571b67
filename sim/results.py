"""What a run returns: KPIs with confidence intervals, provenance, and the JSON users script.

JSON shape (public contract): {"scenario": {...}, "seed", "replications", "ccsim_version",
"wall_time_s", "kpis": {"overall": {metric: {"mean", "ci95_low", "ci95_high"}}, "by_queue": {queue:
{...}}, "by_site", "by_channel", "by_language"}, "conservation": {...}}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.engine import ContactLog
from sim.engine.log import ISSUE_STATUS_NAMES, STATUS_NAMES
from sim.kpis.site_share import NO_SITE as NO_SITE  # key of contacts no site staffed
from sim.model import Model

CONSERVATION_IDENTITY = (
    "offered = completed + abandoned + blocked + waiting + in_service + in_bot + bot_resolved"
    " + bot_abandoned + bot_deferred + callback_failed"
)
ISSUE_IDENTITY = "issues = issues_resolved + issues_unresolved + issues_abandoned + issues_open"
DIMENSION_KEYS = {
    "overall": "overall",
    "queue": "by_queue",
    "site": "by_site",
    "channel": "by_channel",
    "language": "by_language",
}


@dataclass
class RunResult:
    """KPIs of a set of replications of one scenario, with where they came from."""

    model: Model
    seed: int
    replications: int
    summary: pd.DataFrame  # index (dimension, key); columns (metric, statistic)
    intervals: pd.DataFrame  # index (dimension, key, interval); columns (metric, statistic)
    conservation: list[dict[str, int]]
    version: str
    wall_time_s: float
    source: str | None = None
    logs: dict[int, ContactLog] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # more JSON keys, e.g. "stopping"
    replication_kpis: pd.DataFrame | None = None  # index (dimension, key, replication)
    journeys: dict[str, Any] | None = None  # mean journey flows, see sim.kpis.journeys

    def kpi(
        self, metric: str, dimension: str = "overall", key: str = "all"
    ) -> dict[str, float | None]:
        """Mean and 95% CI of one KPI, e.g. kpi('service_level', 'queue', 'en_voice').

        A value is None where the KPI is undefined (nothing arrived, no replication had it).
        """
        row = self.summary.loc[(dimension, key)]
        return {stat: _num(row[(metric, stat)]) for stat in ("mean", "ci95_low", "ci95_high")}

    def to_json(self) -> dict[str, Any]:
        kpis: dict[str, Any] = {}
        for dimension, name in DIMENSION_KEYS.items():
            if dimension not in self.summary.index.get_level_values(0):
                kpis[name] = {}
                continue
            block = {key: _metrics(row) for key, row in self.summary.loc[dimension].iterrows()}
            kpis[name] = block["all"] if dimension == "overall" else block
        return {
            "scenario": {
                "name": self.model.scenario.name,
                "hash": self.model.scenario_hash,
                "source": self.source,
            },
            "seed": self.seed,
            "replications": self.replications,
            "ccsim_version": self.version,
            "wall_time_s": round(self.wall_time_s, 3),
            "kpis": kpis,
            "conservation": self.conservation_block(),
            **self.extra,
        }

    def conservation_block(self) -> dict[str, Any]:
        """Both identities (contacts, issues) checked for every replication."""
        contacts_ok = all(
            c["offered"] == sum(c[s] for s in STATUS_NAMES) for c in self.conservation
        )
        issues_ok = all(
            c["issues"] == sum(c[f"issues_{s}"] for s in ISSUE_STATUS_NAMES)
            for c in self.conservation
        )
        return {
            "identity": CONSERVATION_IDENTITY,
            "issue_identity": ISSUE_IDENTITY,
            "holds": contacts_ok and issues_ok,
            "replications": self.conservation,
        }

    def interval_table(self, timezone: str | None = None) -> pd.DataFrame:
        """Tidy per-interval KPI means and CIs with interval start in UTC and in `timezone`."""
        flat = self.intervals.copy()
        flat.columns = [f"{m}" if s == "mean" else f"{m}_{s}" for m, s in flat.columns]
        flat = flat.reset_index()
        start = self.model.t0_utc + pd.to_timedelta(flat["interval"] * self.model.interval_s, "s")
        flat.insert(3, "interval_start_utc", start)
        zone = timezone or self.model.scenario.reporting.timezone
        flat.insert(4, "interval_start_local", start.dt.tz_convert(zone).dt.tz_localize(None))
        flat.insert(5, "local_timezone", zone)  # names the clock of the column before it
        return flat

    def site_interval_table(self) -> pd.DataFrame:
        """Per (site, channel, interval): SL, ASA, abandonment, counts and the site's occupancy,
        with interval starts on the site's clock (see `sim.site_intervals`)."""
        from sim.site_intervals import site_interval_table

        return site_interval_table(self)


def _metrics(row: pd.Series) -> dict[str, dict[str, float | None]]:
    metrics = row.index.get_level_values(0).unique()
    out = {}
    for m in metrics:
        if np.isnan(row[(m, "mean")]):
            continue
        out[m] = {s: _num(row[(m, s)]) for s in ("mean", "ci95_low", "ci95_high")}
    return out


def _num(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value
