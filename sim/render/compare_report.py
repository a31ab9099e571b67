"""What `ccsim compare` prints: A, B and B - A with paired 95% CIs, KPIs read from the registry.

Volumes and agents overall; quality and cost overall (FCR, repeat rate, contacts per issue, bot
containment, costs in the scenario's currency); service per channel (each in its own unit); and
service level by shared queue. Share differences are in percentage points; a caption under the
last table says what the columns are.
"""

from __future__ import annotations

from rich.table import Table

from sim.experiments.compare import BY_CHANNEL, HEADLINE, QUALITY_COST, Comparison
from sim.kpis.registry import format_difference, format_value, kpi
from sim.render.fit import Grid, fit

_COLUMNS = ["A", "B", "B - A ± 95% CI", "relative"]


def _row(result: Comparison, dimension: str, key: str, metric: str) -> dict | None:
    try:
        row = result.diff(metric, dimension, key)
    except KeyError:
        return None
    return row if row["diff"] is not None else None


def _cells(metric: str, row: dict, channel: str | None = None) -> list[str]:
    lo, hi = row["diff_ci95_low"], row["diff_ci95_high"]
    half = (hi - lo) / 2 if lo is not None and hi is not None else None
    rel = ""
    if row["rel"] is not None and row["rel_ci95_low"] is not None:
        rhalf = (row["rel_ci95_high"] - row["rel_ci95_low"]) / 2
        rel = f"{row['rel']:+.1%} ± {rhalf:.1%}"
    return [
        format_value(metric, row["a"], channel=channel),
        format_value(metric, row["b"], channel=channel),
        format_difference(metric, row["diff"], half, channel),
        rel,
    ]


def _grid(result: Comparison, title: str, metrics: tuple[str, ...]) -> Grid:
    grid = Grid(title, "KPI", _COLUMNS)
    for metric in metrics:
        row = _row(result, "overall", "all", metric)
        if row is not None:
            grid.add(kpi(metric).short, _cells(metric, row))
    return grid


def comparison_grids(result: Comparison) -> list[Grid]:
    """Volumes, quality and cost, service by channel, SL by shared queue."""
    currency = result.b.model.scenario.costs.currency
    n, seed = result.a.replications, result.a.seed
    title = f"{result.label_b} (B) vs {result.label_a} (A), {n} paired replications"
    grids = [
        _grid(result, f"{title}: volumes and agents", HEADLINE),
        _grid(result, f"quality and cost (money in {currency})", QUALITY_COST),
    ]
    channels = Grid("service by channel", "channel / KPI", _COLUMNS)
    for channel in sorted(set(result.differences.loc["channel"].index.get_level_values(0))):
        for metric in BY_CHANNEL:
            row = _row(result, "channel", channel, metric)
            if row is not None:
                channels.add(f"{channel} {kpi(metric).short}", _cells(metric, row, channel))
    grids.append(channels)
    queues = Grid("service level by queue", "queue", _COLUMNS)
    channel_of = {t.name: t.channel for t in result.a.model.scenario.demand}
    for key in result.shared_types:
        row = _row(result, "queue", key, "service_level")
        if row is not None:
            queues.add(key, _cells("service_level", row, channel_of.get(key)))
    if len(queues.rows) > len(channels.rows) / len(BY_CHANNEL):
        grids.append(queues)  # more queues than channels: the channel rows do not say it all
    grids = [g for g in grids if g.rows]
    if grids:
        grids[-1].caption = caption(n, seed)
    return grids


def caption(replications: int, seed: int) -> str:
    """What the columns of the comparison tables are (printed under the last one)."""
    return (f"A, B: means over {replications} replications from seed {seed} (common random "
            "numbers); B - A: mean paired difference ± 95% CI half-width; relative: B/A - 1 ± 95% "
            "CI; pt: percentage points")  # fmt: skip


def comparison_tables(result: Comparison, width: int = 200) -> list[Table]:
    """The comparison's tables folded to `width` columns."""
    return [t for g in comparison_grids(result) for t in fit(g, width)]
