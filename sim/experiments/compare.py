"""Paired comparison of two scenarios under common random numbers.

Both scenarios run replications 0..n-1 from the same seed. Random streams are keyed by replication,
purpose and contact-type name (`sim.random_streams`), so wherever the two scenarios share a contact
type the customers are the same in replication i of both: same arrival times, handle-time draws and
patience. What differs between the paired results is then the effect of the change, not the luck
of the draw, and the paired differences d_i = B_i - A_i have a much smaller variance than two
independent runs would give. CIs are Student t on the d_i (n - 1 degrees of freedom).

Relative differences (B/A - 1) use the ratio estimator R = mean(B)/mean(A) with the delta-method
standard error sd(B_i - R·A_i) / (sqrt(n)·|mean(A)|). A scenario compared with itself gives d_i = 0
exactly in every replication, hence differences and CIs of exactly zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiments.verdict import trade_off_verdict
from sim.results import DIMENSION_KEYS, RunResult

HEADLINE = ("offered", "bot_resolved", "handled", "abandon_rate", "occupancy", "agent_hours")
QUALITY_COST = ("fcr", "repeat_rate", "contacts_per_issue", "bot_containment", "cost_total",
                "cost_per_contact", "cost_per_resolved_issue", "sla_penalty")  # fmt: skip
BY_CHANNEL = ("service_level", "asa_s", "abandon_rate", "aht_s")
STATS = ("a", "b", "diff", "diff_se", "diff_ci95_low", "diff_ci95_high", "rel", "rel_ci95_low",
         "rel_ci95_high", "n")  # fmt: skip


def paired_differences(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Per (dimension, key, metric): means of A and B, B - A and B/A - 1 with 95% paired CIs.

    `a` and `b` are per-replication KPIs indexed (dimension, key, replication); only rows present
    and defined in both (same replication) are paired.
    """
    long_a = a.stack().rename("a")
    long_b = b.stack().rename("b")
    pairs = pd.concat([long_a, long_b], axis=1, join="inner").dropna()
    pairs.index = pairs.index.set_names(["dimension", "key", "replication", "metric"])
    pairs["d"] = pairs["b"] - pairs["a"]
    g = pairs.groupby(level=["dimension", "key", "metric"], sort=True)
    out = pd.DataFrame({"a": g["a"].mean(), "b": g["b"].mean(), "diff": g["d"].mean()})
    n = g["d"].count()
    out["n"] = n
    t = pd.Series(stats.t.ppf(0.975, np.maximum(n - 1, 1)), index=n.index).where(n > 1)
    se = (g["d"].std(ddof=1) / np.sqrt(n)).where(n > 1)
    out["diff_se"] = se
    out["diff_ci95_low"] = out["diff"] - t * se
    out["diff_ci95_high"] = out["diff"] + t * se
    ratio = out["b"] / out["a"].where(out["a"] != 0)
    resid = pairs["b"] - ratio.reindex(pairs.index.droplevel("replication")).to_numpy() * pairs["a"]
    se_r = resid.groupby(level=["dimension", "key", "metric"]).std(ddof=1) / (
        np.sqrt(n) * out["a"].abs().where(out["a"] != 0)
    )
    out["rel"] = ratio - 1.0
    out["rel_ci95_low"] = out["rel"] - t * se_r.where(n > 1)
    out["rel_ci95_high"] = out["rel"] + t * se_r.where(n > 1)
    return out[list(STATS)].replace([np.inf, -np.inf], np.nan)


@dataclass
class Comparison:
    """Two runs with the same seed and replication indices, and their paired differences."""

    a: RunResult
    b: RunResult
    differences: pd.DataFrame  # index (dimension, key, metric); columns STATS
    label_a: str = "A"
    label_b: str = "B"
    shared_types: list[str] = field(default_factory=list)

    def diff(self, metric: str, dimension: str = "overall", key: str = "all") -> dict[str, Any]:
        """B - A of one KPI with its paired 95% CI (and the relative change)."""
        row = self.differences.loc[(dimension, key, metric)]
        return {s: _num(row[s]) for s in STATS}

    def identical(self) -> bool:
        """Every paired difference is exactly zero."""
        d = self.differences
        return bool(((d["diff"] == 0) & (d["diff_ci95_low"].fillna(0) == 0)).all())

    def verdict(self) -> str:
        """One plain line stating the trade-off of B against A (see `sim.experiments.verdict`)."""
        a, b = self.label_a, self.label_b
        n = self.a.replications
        if self.identical():
            return f"{b} and {a} give identical results in all {n} paired replications"
        blocks = self.blocks()
        currency = self.b.model.scenario.costs.currency
        return trade_off_verdict(blocks["overall"], blocks["by_channel"], a, b, currency, n)

    def blocks(self) -> dict[str, Any]:
        """Paired differences by dimension: {"overall": {metric: stats}, "by_queue": {...}}."""
        diffs: dict[str, Any] = {}
        for dimension, name in DIMENSION_KEYS.items():
            if dimension not in self.differences.index.get_level_values(0):
                diffs[name] = {}
                continue
            block: dict[str, Any] = {}
            for (key, metric), row in self.differences.loc[dimension].iterrows():
                if math.isnan(row["diff"]):
                    continue
                block.setdefault(key, {})[metric] = {s: _num(row[s]) for s in STATS}
            diffs[name] = block.get("all", {}) if dimension == "overall" else block
        return diffs

    def to_json(self) -> dict[str, Any]:
        """Both scenarios, the paired differences by dimension, and the verdict."""
        diffs = self.blocks()
        ja, jb = self.a.to_json(), self.b.to_json()
        types_a, types_b = self.a.model.type_names, self.b.model.type_names
        return {
            "a": ja["scenario"] | {"overrides": ja.get("overrides", [])},
            "b": jb["scenario"] | {"overrides": jb.get("overrides", [])},
            "seed": self.a.seed,
            "replications": self.a.replications,
            "ccsim_version": self.a.version,
            "wall_time_s": round(self.a.wall_time_s + self.b.wall_time_s, 3),
            "common_random_numbers": {
                "shared_contact_types": self.shared_types,
                "only_a": [t for t in types_a if t not in types_b],
                "only_b": [t for t in types_b if t not in types_a],
            },
            "differences": diffs,
            "verdict": self.verdict(),
        }


def compare_results(a: RunResult, b: RunResult, label_a: str = "", label_b: str = "") -> Comparison:
    """Pair two runs made with the same seed and replication indices."""
    if a.seed != b.seed or a.replications != b.replications:
        raise ValueError("paired comparison needs the same seed and number of replications")
    if a.replication_kpis is None or b.replication_kpis is None:
        raise ValueError("paired comparison needs per-replication KPIs")
    name_a, name_b = a.model.scenario.name, b.model.scenario.name
    if not (label_a and label_b):
        label_a, label_b = (name_a, name_b) if name_a != name_b else ("A", "B")
    shared = [t for t in a.model.type_names if t in b.model.type_names]
    diffs = paired_differences(a.replication_kpis, b.replication_kpis)
    return Comparison(a, b, diffs, label_a, label_b, shared)


def _num(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value
