"""Figures of the interval and site views: each site's KPIs per interval on its own clock, with
the target line, and an interval x site heatmap that greys out cells with too few contacts.

Each takes the rows of `RunResult.site_interval_table()` for one channel and one day; labels,
units and display scale come from the KPI registry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.shared.clock import day_label, time_axis_title
from dashboard.shared.format import fmt_threshold
from dashboard.shared.plotting import PALETTE, band, placeholder, style
from sim.kpis.registry import SHARE, display_unit, format_value, kpi, scale
from sim.results import NO_SITE

SITE_KPIS = ("service_level", "asa_s", "abandon_rate", "occupancy")
HEATMAP_KPIS = ("service_level", "asa_s", "abandon_rate")  # contact KPIs: counts decide the grey
MIN_CONTACTS = 10.0  # mean contacts offered per interval and replication for a cell to be read
GREY = "#d9dde3"
NO_SITE_LABEL = "no site staffed the queue (reporting time)"


def title_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _axis(metric: str, channel: str) -> str:
    """Axis title in the unit shown for this channel: 'Service level (%)', 'ASA ... (h)'."""
    unit = display_unit(metric, channel)
    label = title_case(kpi(metric).label)
    return f"{label} ({unit})" if unit else label


def site_figure(
    rows: pd.DataFrame, site: str, channel: str, target: float, threshold_s: float, day: str
) -> go.Figure:
    """One site's SL, ASA, abandonment and occupancy per interval (site local time), 95% CI bands;
    the channel's SL target on the SL panel and its threshold on the ASA panel."""
    if rows.empty:
        return placeholder(f"{site}: {channel}", f"No {channel} contacts at {site} on this day")
    zone = str(rows["timezone"].iloc[0])
    titles = [f"{title_case(kpi(m).label)}" for m in SITE_KPIS]
    fig = make_subplots(rows=2, cols=2, shared_xaxes=True, subplot_titles=titles,
                        vertical_spacing=0.14, horizontal_spacing=0.09)  # fmt: skip
    x = rows["interval_start_site"]
    for i, metric in enumerate(SITE_KPIS):
        r, c = divmod(i, 2)
        f = scale(metric, channel)
        color = PALETTE[i % len(PALETTE)]
        clip = (kpi(metric).lo * f, kpi(metric).hi * f)
        low, high = rows[f"{metric}_ci95_low"] * f, rows[f"{metric}_ci95_high"] * f
        fig.add_trace(band(x, low, high, color, metric, clip), row=r + 1, col=c + 1)
        text = [format_value(metric, v, channel=channel) for v in rows[metric]]
        fig.add_trace(go.Scatter(
            x=x, y=rows[metric] * f, name=title_case(kpi(metric).label), mode="lines+markers",
            marker={"size": 4}, line={"color": color, "width": 1.8}, text=text,
            customdata=rows["offered"], showlegend=False,
            hovertemplate="%{x|%a %d %b %H:%M}: %{text}<br>%{customdata:.1f} contacts offered"
                          "<extra></extra>",
        ), row=r + 1, col=c + 1)  # fmt: skip
        fig.update_yaxes(title_text=_axis(metric, channel), row=r + 1, col=c + 1,
                         rangemode="tozero")  # fmt: skip
        if kpi(metric).kind == SHARE:
            fig.update_yaxes(tickformat=".0%", range=[-0.03, 1.05], row=r + 1, col=c + 1)
    fig.add_hline(y=target, line={"color": "#d62728", "dash": "dash", "width": 1.5},
                  annotation_text=f"target {target:.0%} within {fmt_threshold(threshold_s)}",
                  annotation_position="bottom right", row=1, col=1)  # fmt: skip
    fig.add_hline(y=threshold_s * scale("asa_s", channel),
                  line={"color": "#7b8794", "dash": "dot", "width": 1.5},
                  annotation_text=f"SL threshold {fmt_threshold(threshold_s)}",
                  annotation_position="top right", row=1, col=2)  # fmt: skip
    fig = style(
        fig,
        f"{site} ({zone}): {channel} per interval, {day_label(day)} (shaded: 95% CI)",
        height=560,
    )
    fig.update_xaxes(title_text=time_axis_title(rows["interval_start_utc"], zone), row=2)
    fig.update_xaxes(tickformat="%H:%M")
    return fig


def heatmap_grid(rows: pd.DataFrame, metric: str, sites: list[str]) -> pd.DataFrame:
    """Sites (in `sites` order) x local time of day ('HH:MM'): the metric's mean, offered and
    answered contacts, and each cell's local date and time."""
    frame = rows[["site", metric, "offered", "answered"]].assign(
        clock=rows["interval_start_site"].dt.strftime("%H:%M"),
        when=rows["interval_start_site"].dt.strftime("%a %d %b %H:%M"),
    )
    grid = frame.pivot_table(
        index="site", columns="clock", values=[metric, "offered", "answered", "when"],
        aggfunc="first", dropna=False,
    )  # fmt: skip
    return grid.reindex([s for s in sites if s in grid.index])


def interval_heatmap(
    rows: pd.DataFrame, metric: str, channel: str, day: str, zones: dict[str, str]
) -> go.Figure:
    """Interval x site of one KPI on each site's local clock; greys out cells with fewer than
    MIN_CONTACTS contacts offered (mean per replication); hovers give the contact counts."""
    if rows.empty:
        return placeholder("Interval x site", f"No {channel} contacts on this day")
    grid = heatmap_grid(rows, metric, [*zones, NO_SITE])
    sites, clocks = list(grid.index), list(grid[metric].columns)
    f = scale(metric, channel)
    value = grid[metric].to_numpy(dtype=float)
    offered = grid["offered"].to_numpy(dtype=float)
    answered = grid["answered"].to_numpy(dtype=float)
    few = ~(offered >= MIN_CONTACTS)
    shown = np.where(few, np.nan, value * f)
    text = np.vectorize(lambda v: format_value(metric, v, channel=channel))(
        np.where(np.isnan(value), np.nan, value))  # fmt: skip
    labels = [NO_SITE_LABEL if s == NO_SITE else f"{s} ({zones[s]})" for s in sites]
    when = grid["when"].to_numpy(dtype=object)
    custom = [
        [[float(o), float(a), t, w] for o, a, t, w in zip(*row, strict=True)]
        for row in zip(offered, answered, text, when, strict=True)
    ]  # numbers stay numbers for the hover's formats
    share = kpi(metric).kind == SHARE
    fig = go.Figure()
    fig.add_trace(go.Heatmap(
        z=np.where(few, 1.0, np.nan).tolist(), x=clocks, y=labels,
        colorscale=[[0, GREY], [1, GREY]], showscale=False, customdata=custom, xgap=1, ygap=1,
        name="too few contacts",
        hovertemplate="%{y}, %{customdata[3]} local: too few contacts to read "
                      f"(%{{customdata[0]:.1f}} offered, fewer than {MIN_CONTACTS:g})"
                      "<extra></extra>",
    ))  # fmt: skip
    good_high = kpi(metric).higher_is_better
    fig.add_trace(go.Heatmap(
        z=shown.tolist(), x=clocks, y=labels, customdata=custom, xgap=1, ygap=1,
        colorscale="RdYlGn" if good_high else "RdYlGn_r",
        zmin=0.0 if share else None, zmax=1.0 if share else None,
        colorbar={"title": {"text": _axis(metric, channel).replace(" (", "<br>(")},
                  **({"tickformat": ".0%"} if share else {})},
        hovertemplate="%{y}, %{customdata[3]} local: %{customdata[2]}<br>"
                      "%{customdata[0]:.1f} contacts offered, %{customdata[1]:.1f} answered "
                      "(mean per replication)<extra></extra>",
    ))  # fmt: skip
    fig = style(
        fig,
        f"{title_case(kpi(metric).label)} of {channel}, interval x site, {day_label(day)} "
        f"(each site's local time; grey: fewer than {MIN_CONTACTS:g} contacts offered)",
        "Interval start, each site's local time",
        "Site",
        height=200 + 60 * len(sites),
    )
    fig.update_xaxes(type="category", tickangle=-90)
    fig.update_yaxes(autorange="reversed")  # sites top-down in the scenario's order
    return fig
