"""Plotly figures of the overview page, as plain functions of the tidy interval table.

Every function takes the table from `RunResult.interval_table()` (one row per dimension, key and
interval, times in `interval_start_utc`) and returns a `go.Figure`; callbacks only pick arguments.
Intervals with no contacts have no rows for a queue: counts read as 0 there, rates as gaps.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, qualitative
from plotly.subplots import make_subplots

from dashboard.shared.clock import (
    Clock,
    day_label,
    interval_series,
    on_clock,
    time_axis_title,
)

PALETTE = qualitative.Plotly
COUNT_COLORS = {"offered": "#636EFA", "handled": "#EF553B"}
PERCENT_RANGE = [-0.03, 1.05]  # a little below 0 so "0%" clears the time axis' first label


def offered_handled_figure(
    intervals: pd.DataFrame,
    queue: str | None = None,
    timezone: str = "UTC",
    interval_minutes: int = 30,
    day: str | None = None,
) -> go.Figure:
    """Offered and handled contacts per interval, for all queues (None) or one queue."""
    dimension, key = ("overall", "all") if queue is None else ("queue", queue)
    series, x = on_clock(interval_series(intervals, dimension, key), timezone, day)
    fig = go.Figure()
    for metric, dash in (("offered", "solid"), ("handled", "dot")):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series[metric].fillna(0.0),
                name=metric.capitalize(),
                mode="lines",
                line={"color": COUNT_COLORS[metric], "dash": dash, "width": 2},
                hovertemplate="%{y:.1f}",
            )
        )
    scope = "all queues" if queue is None else f"queue {queue}"
    return _style(
        fig,
        f"Offered vs handled contacts per interval ({scope}, {day_label(day)}; "
        "mean of replications)",
        time_axis_title(series["interval_start_utc"], timezone),
        f"Contacts per {interval_minutes}-min interval",
    )


def service_level_figure(
    intervals: pd.DataFrame,
    queue_labels: Mapping[str, str],
    timezone: str = "UTC",
    day: str | None = None,
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Service level per interval for each queue, with its 95% CI as a shaded band."""
    fig = go.Figure()
    start_utc = None
    for i, (queue, label) in enumerate(queue_labels.items()):
        series, x = on_clock(interval_series(intervals, "queue", queue), timezone, day)
        start_utc = series["interval_start_utc"]
        color = (colors or {}).get(queue, PALETTE[i % len(PALETTE)])
        _add_band(
            fig,
            x,
            series["service_level_ci95_low"],
            series["service_level_ci95_high"],
            color,
            queue,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["service_level"],
                name=label,
                legendgroup=queue,
                mode="lines",
                line={"color": color, "width": 1.5},
                hovertemplate="%{y:.1%}",
            )
        )
    fig = _style(
        fig,
        f"Service level per interval by queue ({day_label(day)}; shaded: 95% CI)",
        time_axis_title(start_utc, timezone) if start_utc is not None else "Interval start",
        "Service level (% within threshold)",
    )
    fig.update_yaxes(tickformat=".0%", range=PERCENT_RANGE)
    return fig


def occupancy_figure(
    intervals: pd.DataFrame,
    site_timezones: Mapping[str, str],
    clock: Clock = "utc",
    day: str | None = None,
) -> go.Figure:
    """Agent occupancy per interval, one panel per site, on UTC or on each site's local clock."""
    sites = list(site_timezones)
    titles = [f"{site} ({site_timezones[site]})" for site in sites]
    fig = make_subplots(
        rows=len(sites),
        cols=1,
        shared_xaxes=clock == "utc",
        subplot_titles=titles,
        vertical_spacing=0.12 if clock == "utc" else 0.22,
    )
    for row, site in enumerate(sites, start=1):
        zone = "UTC" if clock == "utc" else site_timezones[site]
        series, x = on_clock(interval_series(intervals, "site", site), zone, day)
        color = PALETTE[(row - 1) % len(PALETTE)]
        _add_band(
            fig,
            x,
            series["occupancy_ci95_low"],
            series["occupancy_ci95_high"],
            color,
            site,
            row=row,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["occupancy"],
                name=site,
                legendgroup=site,
                mode="lines",
                line={"color": color, "width": 1.5},
                customdata=series["agents_staffed"],
                hovertemplate="%{y:.1%} (%{customdata:.0f} agents staffed)",
            ),
            row=row,
            col=1,
        )
        if clock == "local" or row == len(sites):
            fig.update_xaxes(
                title_text=time_axis_title(series["interval_start_utc"], zone), row=row, col=1
            )
        fig.update_yaxes(
            title_text="Occupancy (%)", tickformat=".0%", range=PERCENT_RANGE, row=row, col=1
        )
    clock_name = "UTC" if clock == "utc" else "each site's local time"
    fig = _style(
        fig,
        f"Agent occupancy per interval by site ({clock_name}, {day_label(day)}; shaded: 95% CI)",
    )
    # legend top-right, clear of the first panel's centred title
    fig.update_layout(height=220 + 260 * len(sites), legend={"x": 1, "xanchor": "right"})
    return fig


def _add_band(
    fig: go.Figure,
    x: pd.Series,
    low: pd.Series,
    high: pd.Series,
    color: str,
    group: str,
    row: int | None = None,
) -> None:
    """Shade low..high (clipped to [0, 1]) as one polygon per run of intervals with a CI."""
    frame = pd.DataFrame({"x": x.to_numpy(), "low": low.to_numpy(), "high": high.to_numpy()})
    ok = frame["low"].notna() & frame["high"].notna()
    run_id = (ok != ok.shift()).cumsum()
    xs: list = []
    ys: list = []
    for _, run in frame[ok].groupby(run_id[ok]):
        xs += [*run["x"], *run["x"][::-1], None]
        ys += [*run["high"].clip(0, 1), *run["low"].clip(0, 1)[::-1], None]
    r, g, b = hex_to_rgb(color)
    band = go.Scatter(
        x=xs,
        y=ys,
        fill="toself",
        fillcolor=f"rgba({r},{g},{b},0.18)",
        line={"width": 0},
        mode="lines",
        name=f"{group} 95% CI",
        legendgroup=group,
        showlegend=False,
        hoverinfo="skip",
    )
    if row is None:
        fig.add_trace(band)
    else:
        fig.add_trace(band, row=row, col=1)


def _style(
    fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None
) -> go.Figure:
    """Shared look: white template, title top-left, legend above the plot, unified hover."""
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.01, "xanchor": "left"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
        hovermode="x unified",
        margin={"l": 70, "r": 20, "t": 90, "b": 60},
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig
