"""Figures of the results page: intraday KPIs by queue, site x hour heatmaps, the journey Sankey.

Each takes the tidy table of `RunResult.interval_table()` (or the journey flows) and returns a
`go.Figure`; the page's callbacks only choose the arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.shared.clock import day_label, interval_series, on_clock, time_axis_title
from dashboard.shared.plotting import PALETTE, band, placeholder, rgba, style

Clock = Literal["utc", "local"]
# metric: (axis title, tick format, clip range of its CI band)
INTRADAY_METRICS: dict[str, tuple[str, str, tuple[float, float] | None]] = {
    "service_level": ("Service level (% within threshold)", ".0%", (0.0, 1.0)),
    "asa_s": ("Average speed of answer (s)", "", (0.0, np.inf)),
    "abandon_rate": ("Abandonment (% of queued contacts)", ".0%", (0.0, 1.0)),
    "offered": ("Contacts offered per interval", "", (0.0, np.inf)),
    "queue_len_end": ("Contacts waiting at interval end (backlog)", "", (0.0, np.inf)),
}
INTRADAY_NAMES = {
    "service_level": "Service level",
    "asa_s": "Average speed of answer",
    "abandon_rate": "Abandonment",
    "offered": "Offered contacts",
    "queue_len_end": "Backlog (waiting at interval end)",
}
# heatmap metric: (name, weight column, colour-bar title)
HEATMAP_METRICS = {
    "occupancy": ("Agent occupancy", "agents_staffed", "Occupancy (%)"),
    "sl_answered": (
        "Service level of answered contacts",
        "answered",
        "Answered within<br>threshold (%)",
    ),
}


def intraday_figure(
    table: pd.DataFrame,
    metric: str,
    queue_labels: Mapping[str, str],
    timezone: str = "UTC",
    day: str | None = None,
) -> go.Figure:
    """One KPI per interval for each queue, with its 95% CI as a shaded band."""
    y_title, tick, clip = INTRADAY_METRICS[metric]
    fig = go.Figure()
    start_utc = None
    for i, (queue, label) in enumerate(queue_labels.items()):
        series, x = on_clock(interval_series(table, "queue", queue), timezone, day)
        start_utc = series["interval_start_utc"]
        color = PALETTE[i % len(PALETTE)]
        low, high = series.get(f"{metric}_ci95_low"), series.get(f"{metric}_ci95_high")
        if low is not None and high is not None:
            fig.add_trace(band(x, low, high, color, queue, clip))
        y = series[metric].fillna(0.0) if metric in ("offered", "queue_len_end") else series[metric]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=label,
                legendgroup=queue,
                mode="lines",
                line={"color": color, "width": 1.6},
                hovertemplate="%{y:" + (tick or ".1f") + "}",
            )  # fmt: skip
        )
    x_title = time_axis_title(start_utc, timezone) if start_utc is not None else "Interval start"
    fig = style(
        fig,
        f"{INTRADAY_NAMES[metric]} per interval by queue ({day_label(day)}; shaded: 95% CI)",
        x_title,
        y_title,
        height=460,
    )
    fig.update_layout(hovermode="x unified")
    if tick:
        fig.update_yaxes(tickformat=tick, range=[-0.03, 1.05])
    else:
        fig.update_yaxes(rangemode="tozero")
    return fig


def hour_of_day(start_utc: pd.Series, timezone: str) -> pd.Series:
    """The hour of day (0-23) of each interval start on the given clock."""
    return start_utc.dt.tz_convert(timezone).dt.hour


def heatmap_matrix(
    table: pd.DataFrame, site_timezones: Mapping[str, str], metric: str, clock: Clock
) -> pd.DataFrame:
    """Sites x hours 0-23: the metric's mean over the horizon, weighted (see HEATMAP_METRICS)."""
    _, weight, _ = HEATMAP_METRICS[metric]
    rows = {}
    for site, zone in site_timezones.items():
        series = interval_series(table, "site", site)
        hours = hour_of_day(series["interval_start_utc"], "UTC" if clock == "utc" else zone)
        w = series[weight].fillna(0.0).where(series[metric].notna(), 0.0)
        num = (series[metric].fillna(0.0) * w).groupby(hours.to_numpy()).sum()
        den = w.groupby(hours.to_numpy()).sum()
        rows[site] = (num / den.where(den > 0)).reindex(range(24))
    return pd.DataFrame(rows).T


def heatmap_figure(
    table: pd.DataFrame, site_timezones: Mapping[str, str], metric: str, clock: Clock = "utc"
) -> go.Figure:
    """Sites x hour of day of occupancy or service level, on UTC or each site's local clock."""
    name, weight, bar_title = HEATMAP_METRICS[metric]
    matrix = heatmap_matrix(table, site_timezones, metric, clock)
    sites = list(matrix.index)
    labels = [f"{s}<br>({site_timezones[s]})" if clock == "local" else s for s in sites]
    z = matrix.to_numpy(dtype=float)
    text = np.where(np.isnan(z), "", np.vectorize(lambda v: f"{100 * v:.0f}")(np.nan_to_num(z)))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(24)),
            y=labels,
            zmin=0.0,
            zmax=1.0,
            colorscale="RdYlGn" if metric == "sl_answered" else "Blues",
            text=text,
            texttemplate="%{text}",
            colorbar={"title": {"text": bar_title}, "tickformat": ".0%"},
            hovertemplate="%{y}, hour %{x}: %{z:.1%}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    clock_name = "UTC" if clock == "utc" else "each site's local time"
    x_title = "Hour of day (UTC)" if clock == "utc" else "Hour of day, each site's local time"
    weighting = "agents logged in" if weight == "agents_staffed" else "contacts answered"
    fig = style(
        fig,
        f"{name} by site and hour of day ({clock_name}; mean over the horizon, "
        f"weighted by {weighting}; cells in %)",
        x_title,
        "Site",
        height=200 + 70 * len(sites),
    )
    fig.update_xaxes(tickmode="linear", dtick=1, range=[-0.5, 23.5])
    return fig


JOURNEY_COLORS = {
    "Resolved": "#2ca02c",
    "Answered, resolved": "#2ca02c",
    "Answered, not resolved": "#ff7f0e",
    "Abandoned": "#d62728",
    "Lost": "#d62728",
}


def _node_color(label: str) -> str:
    for prefix, color in JOURNEY_COLORS.items():
        if label.startswith(prefix):
            return color
    return "#52606d"


def sankey_figure(journey: dict[str, Any] | None) -> go.Figure:
    """Contacts from origin, through bot and agent queue, to their ending (mean per replication)."""
    if not journey or not journey["flows"]:
        return placeholder("Customer journeys", "No contact logs for this run: start a run on "
                           "the Run page to see the journeys")  # fmt: skip
    labels = journey["labels"]
    index = {label: i for i, label in enumerate(labels)}
    flows = journey["flows"]
    node_colors = [_node_color(label) for label in labels]
    totals = {label: 0.0 for label in labels}
    for f in flows:
        totals[f["target"]] += f["value"]
    for f in flows:
        totals[f["source"]] = max(totals[f["source"]], sum(
            g["value"] for g in flows if g["source"] == f["source"]))  # fmt: skip
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            valuesuffix=" contacts",
            node={
                "label": [f"{label}: {totals[label]:,.0f}" for label in labels],
                "color": node_colors,
                "pad": 18,
                "thickness": 16,
            },
            link={
                "source": [index[f["source"]] for f in flows],
                "target": [index[f["target"]] for f in flows],
                "value": [f["value"] for f in flows],
                "color": [rgba(_link_color(f["target"]), 0.35) for f in flows],
            },
        )
    )
    n = journey.get("replications", 1)
    return style(
        fig,
        f"Customer journeys: contacts from origin through bot and agent queue to their outcome "
        f"(mean of {n} replication{'s' if n != 1 else ''})",
        height=520,
    )


def _link_color(target: str) -> str:
    color = _node_color(target)
    return "#7b8794" if color == "#52606d" else color
