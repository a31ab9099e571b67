"""The compare page's computations: paired comparisons and cost vs service-level sweeps.

Both return small JSON-ready records (kept in the page's store, drawn by plain functions), so
the heavy work runs once in a background job and re-drawing never simulates again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from dashboard.pages.compare.summary import coverage_by_hour
from sim import api
from sim.api import CHANNELS, Comparison, Scenario, ScenarioError, SweepResult
from sim.kpis.registry import MONEY, format_difference, format_value, kpi
from sim.results import RunResult

# (metric, per channel?): SL and ASA per channel (never blended), then quality, work and money
COMPARE_METRICS: tuple[tuple[str, bool], ...] = (
    ("service_level", True),
    ("asa_s", True),
    ("abandon_rate", False),
    ("fcr", False),
    ("repeat_rate", False),
    ("contacts_per_issue", False),
    ("occupancy", False),
    ("handled", False),
    ("agent_hours", False),
    ("cost_total", False),
    ("cost_per_contact", False),
    ("cost_per_resolved_issue", False),
    ("sla_penalty", False),
)
_KIND = {"share": "percent", "duration": "duration", "money": "money"}
HEADCOUNT_PATH = "sites.*.groups.*.shifts.*.headcount"
# overall KPIs of a sweep point (SL and ASA only per channel: `voice_service_level`, ...)
SWEEP_METRICS = (
    "abandon_rate", "cost_total", "cost_per_contact", "cost_per_resolved_issue", "labour_cost",
    "sla_penalty", "repeats", "fcr",
)  # fmt: skip
SWEEP_CHANNEL_METRICS = ("service_level", "asa_s")
Progress = Callable[[int, int], None]


def _f(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def direction(metric: str, low: float | None, high: float | None) -> str:
    """'better' / 'worse' when the paired CI excludes zero (the registry says which way is
    good), 'changed' when it does for a KPI that is neither (occupancy, hours), 'neutral'
    within noise."""
    if low is None or high is None or low <= 0 <= high:
        return "neutral"
    good = kpi(metric).higher_is_better
    if good is None:
        return "changed"
    return "better" if (low > 0) == good else "worse"


def _row(comp: Comparison, metric: str, channel: str | None, currency: str) -> dict | None:
    dimension, key = ("channel", channel) if channel else ("overall", "all")
    try:
        a, b = comp.a.kpi(metric, dimension, key), comp.b.kpi(metric, dimension, key)
        d = comp.diff(metric, dimension, key)
    except KeyError:
        return None
    if _f(a["mean"]) is None or _f(b["mean"]) is None:
        return None
    entry = kpi(metric)
    low, high = _f(d["diff_ci95_low"]), _f(d["diff_ci95_high"])
    half = None if low is None or high is None else (high - low) / 2

    def value(v: dict[str, Any]) -> str:
        text = format_value(metric, _f(v["mean"]), channel=channel)
        ci = [_f(v["ci95_low"]), _f(v["ci95_high"])]
        if None not in ci:
            text += " (" + "–".join(format_value(metric, c, channel=channel) for c in ci) + ")"
        return f"{currency} {text}" if entry.kind == MONEY else text

    label = entry.label[:1].upper() + entry.label[1:] + (f" ({channel})" if channel else "")
    return {
        "metric": metric, "channel": channel, "label": label,
        "kind": _KIND.get(entry.kind, "count"),
        "a": a["mean"], "a_low": a["ci95_low"], "a_high": a["ci95_high"],
        "b": b["mean"], "b_low": b["ci95_low"], "b_high": b["ci95_high"],
        "diff": _f(d["diff"]), "diff_low": low, "diff_high": high,
        "rel": _f(d["rel"]), "rel_low": _f(d["rel_ci95_low"]), "rel_high": _f(d["rel_ci95_high"]),
        "significant": bool(low is not None and high is not None and (low > 0 or high < 0)),
        "direction": direction(metric, low, high),
        "a_text": value(a), "b_text": value(b),
        "diff_text": format_difference(metric, _f(d["diff"]), half, channel, currency),
    }  # fmt: skip


def comparison_record(comp: Comparison) -> dict[str, Any]:
    """KPIs of A and B with CIs (SL and ASA per channel), B - A in the KPI's unit (points for
    shares, currency for money) with paired CIs, better/worse/neutral, and the CLI's verdict."""
    currency = comp.a.model.scenario.costs.currency
    channels = [c for c in CHANNELS if c in set(comp.a.summary.loc["channel"].index)]
    rows = []
    for metric, per_channel in COMPARE_METRICS:
        for channel in channels if per_channel else [None]:
            row = _row(comp, metric, channel, currency)
            if row is not None:
                rows.append(row)
    return {
        "label_a": comp.label_a,
        "label_b": comp.label_b,
        "verdict": comp.verdict(),
        "replications": comp.a.replications,
        "seed": comp.a.seed,
        "currency": currency,
        "rows": rows,
    }


def shortened(scenario: Scenario, days: float | None) -> Scenario:
    """The scenario cut to its first `days` days (for a quicker sweep); unchanged if None."""
    if days is None or days >= scenario.horizon.days:
        return scenario
    return api.load(scenario, [f"horizon.days={days:g}"])[0]


def headcount_values(factors: Sequence[float]) -> list[list[str]]:
    """The sweep's override values: every shift line's headcount times each factor (rounded)."""
    return [[f"*{f:g}" for f in factors]]


def sweep_points(result: SweepResult, factors: Sequence[float]) -> list[dict[str, Any]]:
    """Per point: the headcount factor, overall KPIs and per-channel SL/ASA (mean, low, high)."""
    t = result.table
    points = []
    for p, factor in enumerate(factors):
        mine = t[t["point"] == p]
        point: dict[str, Any] = {"factor": factor}
        overall = mine[(mine["dimension"] == "overall") & mine["metric"].isin(SWEEP_METRICS)]
        per_channel = mine[(mine["dimension"] == "channel")
                           & mine["metric"].isin(SWEEP_CHANNEL_METRICS)]  # fmt: skip
        for row in overall.itertuples():
            point[row.metric] = [_f(row.mean), _f(row.ci95_low), _f(row.ci95_high)]
        for row in per_channel.itertuples():
            point[f"{row.key}_{row.metric}"] = [_f(row.mean), _f(row.ci95_low), _f(row.ci95_high)]
        points.append(point)
    return points


def cost_notes(record: dict[str, Any]) -> list[str]:
    """Why total cost falls although headcount rises, wherever it does: the changes in SLA
    penalties, labour and repeat contacts between the two staffing levels."""
    notes = []
    for series in record.get("series", []):
        currency = series.get("currency", "")
        points = [p for p in series["points"] if p.get("cost_total")]
        for lo, hi in zip(points, points[1:], strict=False):
            drop = lo["cost_total"][0] - hi["cost_total"][0]
            if drop <= 0:
                continue
            parts = []
            for metric, what in (("sla_penalty", "SLA penalties"), ("labour_cost", "labour")):
                if lo.get(metric) and hi.get(metric):
                    change = hi[metric][0] - lo[metric][0]
                    word = ("fall" if change < 0 else "rise") + ("s" if what == "labour" else "")
                    parts.append(f"{what} {word} by {currency} {abs(change):,.0f}")
            if lo.get("repeats") and hi.get("repeats"):
                change = hi["repeats"][0] - lo["repeats"][0]
                why = " (fewer contacts to pay for)" if change < 0 else ""
                parts.append(f"repeat contacts {'fall' if change < 0 else 'rise'} by "
                             f"{abs(change):,.0f}{why}")  # fmt: skip
            notes.append(
                f"{series['label']}: from ×{lo['factor']:g} to ×{hi['factor']:g} headcount, total "
                f"cost falls by {currency} {drop:,.0f} — " + "; ".join(parts or ["no breakdown"])
            )
    return notes


def run_cost_sweep(
    sources: Sequence[tuple[str, Scenario]],
    factors: Sequence[float],
    replications: int,
    seed: int,
    days: float | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Sweep headcount over `factors` for every scenario: one cost-vs-SL curve per scenario."""
    values = headcount_values(factors)
    total = len(sources) * len(factors) * replications
    series = []
    for k, (label, scenario) in enumerate(sources):
        base = shortened(scenario, days)
        offset = k * len(factors) * replications

        def tick(done: int, _n: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + done, total)

        result = api.sweep(base, [HEADCOUNT_PATH], values, replications, seed, tick, label)
        series.append({
            "label": label,
            "currency": base.costs.currency,
            "target": base.channels.voice.sl_target,
            "points": sweep_points(result, factors),
        })  # fmt: skip
    return {"replications": replications, "seed": seed, "days": days, "series": series}


def parse_factors(text: str | None) -> list[float]:
    """'0.9, 1, 1.1' -> [0.9, 1.0, 1.1]; ValueError with a readable message otherwise."""
    parts = [p for p in (text or "").replace(";", ",").split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"headcount factors {text!r}: give numbers separated by commas, e.g. 0.9, 1, 1.1"
        ) from None
    if not 1 <= len(values) <= 8 or any(not 0 < v <= 5 for v in values):
        raise ValueError("headcount factors: give 1 to 8 factors, each above 0 and at most 5")
    return sorted(set(values))


Side = tuple[Scenario, RunResult | None, str]  # scenario, its finished run (if any), label


def compare_job(
    progress: Progress | None, a: Side, b: Side, replications: int, seed: int
) -> dict[str, Any]:
    """The worker's comparison: two finished runs paired as they are, else both simulated."""
    (sc_a, res_a, label_a), (sc_b, res_b, label_b) = a, b
    if res_a is not None and res_b is not None:
        try:
            comp = api.compare_runs(res_a, res_b, label_a, label_b)
        except ValueError as exc:
            raise ScenarioError(f"these two runs cannot be paired: {exc}") from None
    else:
        comp = api.compare(sc_a, sc_b, replications=replications, seed=seed, progress=progress)
        comp.label_a, comp.label_b = label_a, label_b
    record = comparison_record(comp)
    record["coverage"] = [
        coverage_by_hour(comp.a, comp.label_a),
        coverage_by_hour(comp.b, comp.label_b),
    ]
    record["coverage_timezone"] = comp.a.model.scenario.reporting.timezone
    return record


def sweep_job(
    progress: Progress | None,
    sources: Sequence[tuple[str, Scenario]],
    factors: Sequence[float],
    replications: int,
    seed: int,
    days: float | None,
) -> dict[str, Any]:
    """The worker's sweep (see `run_cost_sweep`)."""
    return run_cost_sweep(sources, factors, replications, seed, days, progress)
