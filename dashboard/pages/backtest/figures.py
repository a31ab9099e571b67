"""Back-test charts drawn from its JSON alone (the shape `ccsim backtest --json` prints).

Nothing here knows the metric list: interval rows are grouped by their `metric` (and `queue`, when
rows carry one), decomposition columns are every `*_ratio` field, so a field the back-test adds
later shows up without a change here. Labels come from the KPI registry where a metric is one.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.shared.plotting import band, placeholder, style
from sim.kpis.registry import REGISTRY, SHARE, axis_label

DEFAULT_METRICS = ("offered", "abandon_share", "asa_s")
ALIASES = {"abandon_share": "abandon_rate"}  # back-test metric -> registry KPI of that meaning
OWN_LABELS = {"agents": "agents seen answering", "offered": "calls offered"}
RATIO_WORDS = {  # decomposition field -> (bar label, what the plain reading calls it, vs what)
    "volume_ratio": ("Volume", "calls offered", "the plan's forecast"),
    "aht_ratio": ("Handle time", "handle time", "the plan's"),
    "staffing_ratio": ("Staffing", "agents answering", "the simulated plan"),
}
TOTAL = ("", "all", None)
INSIDE, OUTSIDE, PI = "#1f2937", "#d62728", "#2563eb"


def days_text(days: Any) -> str:
    """`1 day`, `28 days`."""
    return f"{days} day" if days == 1 else f"{days} days"


def _registry(metric: str):
    return REGISTRY.get(ALIASES.get(metric, metric))


def metric_label(metric: str, slot_s: int = 3600) -> str:
    """Axis title of a back-test metric: the registry's label and unit, else its own."""
    per = "per hour" if slot_s == 3600 else f"per {slot_s // 60} min"
    if metric in OWN_LABELS:
        return f"{OWN_LABELS[metric]} ({per})"
    entry = _registry(metric)
    if entry is None:
        return metric.replace("_", " ")
    return axis_label(entry.name)


def queues(result: dict[str, Any]) -> list[str]:
    """The queues the interval rows are split by (empty when rows are totals only)."""
    found = {r.get("queue") for r in result.get("intervals", [])}
    return sorted(str(q) for q in found if q not in TOTAL)


def rows_for(rows: list[dict[str, Any]], queue: str | None) -> list[dict[str, Any]]:
    """Rows of one queue, or the totals (rows without a queue) when `queue` is None."""
    if queue in TOTAL:
        return [r for r in rows if r.get("queue") in TOTAL]
    return [r for r in rows if r.get("queue") == queue]


def metrics(result: dict[str, Any]) -> list[str]:
    """Every metric the interval rows hold, in their order."""
    return list(dict.fromkeys(r["metric"] for r in result.get("intervals", []) if "metric" in r))


def times(result: dict[str, Any], intervals: pd.Index | list[int]) -> pd.DatetimeIndex:
    """Interval numbers as wall-clock times of the log (interval 0 = the log's first midnight)."""
    slot = pd.to_timedelta(int(result.get("slot_s", 3600)), unit="s")
    return pd.Timestamp(result["start"]) + slot * pd.Index(intervals, dtype=int)


def interval_figure(
    record: dict[str, Any] | None, chosen: list[str] | None, queue: str | None = None
) -> go.Figure:
    """Actual per interval against the simulated mean and 95% PI, one panel per metric; actual
    values outside the PI in red."""
    if not record:
        return placeholder("Actual vs simulated per interval", "Press Run back-test")
    result = record["result"]
    shown = [m for m in (chosen or []) if m in metrics(result)]
    if not shown:
        return placeholder("Actual vs simulated per interval", "Pick at least one metric")
    rows = pd.DataFrame(rows_for(result["intervals"], queue))
    slot_s = int(result.get("slot_s", 3600))
    everything = range(0, int(math.ceil(result["days"] * 86_400 / slot_s)))
    titles = [metric_label(m, slot_s) for m in shown]
    fig = make_subplots(
        rows=len(shown), cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.08
    )
    for i, metric in enumerate(shown, start=1):
        part = rows[rows["metric"] == metric].set_index("interval").reindex(everything)
        x = times(result, part.index)
        col = {
            k: pd.to_numeric(part[k], errors="coerce")
            for k in ("actual", "sim_mean", "pi_low", "pi_high")
        }
        entry = _registry(metric)
        clip = (entry.lo, entry.hi) if entry else (0.0, math.inf)
        first = i == 1
        pi = band(x, col["pi_low"], col["pi_high"], PI, "Simulated", clip=clip)
        pi.update(showlegend=first, name="Simulated 95% prediction interval", legendgroup="pi")
        fig.add_trace(pi, row=i, col=1)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=col["sim_mean"],
                mode="lines",
                name="Simulated mean",
                line={"color": PI, "width": 1.5},
                legendgroup="mean",
                showlegend=first,
            ),
            row=i,
            col=1,
        )
        outside = part["outside"].fillna(False).astype(bool)
        for flag, color, name, size in (
            (False, INSIDE, "Actual (inside the PI)", 5),
            (True, OUTSIDE, "Actual outside the PI", 8),
        ):
            pick = (outside == flag) & col["actual"].notna()
            fig.add_trace(
                go.Scatter(
                    x=x[pick.to_numpy()],
                    y=col["actual"][pick],
                    mode="markers",
                    name=name,
                    legendgroup=name,
                    showlegend=first,
                    marker={"color": color, "size": size},
                ),
                row=i,
                col=1,
            )
        if entry is not None and entry.kind == SHARE:
            fig.update_yaxes(tickformat=".0%", row=i, col=1)
    where = f"queue {queue}" if queue not in TOTAL else "all queues"
    title = (
        f"{record['plan']} vs {record['log']}: {where}, {days_text(result['days'])}, "
        f"{result['replications']} simulated periods"
    )
    fig = style(fig, title, height=260 * len(shown) + 140)
    # room for the title, the legend and the first panel's title, one above the other
    plot_px = 260 * len(shown) - 60  # the figure's height less the top and bottom margins
    fig.update_layout(margin={"t": 140}, legend={"y": 1.0 + 45 / plot_px})
    fig.update_xaxes(tickformat="%H:%M\n%a %d %b")  # the day under every tick: a log spans days
    fig.update_xaxes(title_text="Time (the log's local clock)", row=len(shown), col=1)
    return fig


def ratio_fields(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r if k.endswith("_ratio")))


def decomposition_summary(result: dict[str, Any], queue: str | None = None) -> dict[str, float]:
    """Each `*_ratio` of the decomposition over the period, intervals weighted by the simulated
    offered calls (so the volume ratio is total actual / total forecast calls)."""
    parts = pd.DataFrame(rows_for(result.get("decomposition", []), queue))
    if parts.empty or "interval" not in parts:
        return {}
    rows = pd.DataFrame(rows_for(result.get("intervals", []), queue))
    offered = rows[rows["metric"] == "offered"].set_index("interval")["sim_mean"]
    weight = pd.to_numeric(parts["interval"].map(offered), errors="coerce")
    out = {}
    for field in ratio_fields(parts.to_dict("records")):
        ratio = pd.to_numeric(parts[field], errors="coerce")
        ok = ratio.notna() & weight.notna() & (weight > 0)
        if ok.any():
            out[field] = float((ratio[ok] * weight[ok]).sum() / weight[ok].sum())
    return out


def _words(field: str) -> tuple[str, str, str]:
    name = field.removesuffix("_ratio").replace("_", " ")
    return RATIO_WORDS.get(field, (name.capitalize(), name, "the plan"))


def decomposition_figure(summary: dict[str, float]) -> go.Figure:
    """One bar per input: how far actual was from the plan over the period, in percent."""
    if not summary:
        return placeholder("Where the plan and reality parted", "Press Run back-test")
    labels = [_words(f)[0] for f in summary]
    gaps = [100 * (r - 1) for r in summary.values()]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=gaps,
            text=[f"{g:+.1f}%" for g in gaps],
            textposition="outside",
            cliponaxis=False,
            marker={"color": [OUTSIDE if g > 0 else PI for g in gaps]},
        )
    )
    fig.add_hline(y=0, line={"color": "#6b7280", "width": 1})
    return style(
        fig,
        "Where the plan and reality parted: actual vs plan over the period",
        "Input of the plan",
        "Actual vs plan (%)",
        height=380,
    )


def reading(summary: dict[str, float], days: Any) -> str:
    """The decomposition in one plain sentence, naming the input furthest from plan."""
    if not summary:
        return ""
    parts = []
    for field, ratio in summary.items():
        _, what, versus = _words(field)
        gap = 100 * (ratio - 1)
        side = "above" if gap >= 0 else "below"
        parts.append(f"{what} {abs(gap):.0f}% {side} {versus}")
    worst = max(summary, key=lambda f: abs(summary[f] - 1))
    return (
        f"Over {days_text(days)}, {', '.join(parts)}: {_words(worst)[0].lower()} is the input "
        "furthest from plan."
    )
