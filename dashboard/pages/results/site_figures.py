"""Figures of the interval and site views: each site's KPIs per interval on its own clock, with
the target line, and an interval x site heatmap that greys out cells with too few contacts.

Each takes the rows of `RunResult.site_interval_table()` for one channel and one day; labels,
units and display scale come from the KPI registry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.shared.clock import day_label, time_axis_title
from dashboard.shared.format import fmt_threshold
from dashboard.shared.plotting import FONT, PALETTE, band_spec, placeholder, style, template_white
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


# 2 x 2 panels: (x axis domain, y axis domain) of SITE_KPIS in order
PANELS = (((0.0, 0.455), (0.57, 1.0)), ((0.545, 1.0), (0.57, 1.0)),
          ((0.0, 0.455), (0.0, 0.43)), ((0.545, 1.0), (0.0, 0.43)))  # fmt: skip


def _line_at(y: float, axis: str, color: str, dash: str, text: str, top: bool) -> tuple:
    """A horizontal reference line across one panel, with its label at the right end."""
    shape = {"type": "line", "xref": f"x{axis} domain", "x0": 0, "x1": 1, "yref": f"y{axis}",
             "y0": y, "y1": y, "line": {"color": color, "dash": dash, "width": 1.5}}  # fmt: skip
    note = {"xref": f"x{axis} domain", "x": 1, "yref": f"y{axis}", "y": y, "text": text,
            "showarrow": False, "xanchor": "right", "yanchor": "bottom" if top else "top",
            "font": {"size": 12}, "bgcolor": "rgba(255,255,255,0.85)"}  # fmt: skip
    return shape, note  # the label's white ground keeps it readable over the data it crosses


def site_figure(
    rows: pd.DataFrame, site: str, channel: str, target: float, threshold_s: float, day: str
) -> go.Figure | dict:
    """One site's SL, ASA, abandonment and occupancy per interval (site local time), 95% CI bands;
    the channel's SL target on the SL panel and its threshold on the ASA panel.

    Built as a plain figure dict: plotly.py's validation cost ~0.5 s per site for 200 points.
    """
    if rows.empty:
        return placeholder(f"{site}: {channel}", f"No {channel} contacts at {site} on this day")
    zone = str(rows["timezone"].iloc[0])
    x = rows["interval_start_site"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    traces: list[dict] = []
    layout: dict = {"template": template_white(), "font": FONT, "height": 560,
                    "margin": {"l": 70, "r": 20, "t": 90, "b": 60}, "showlegend": False,
                    "title": {"text": f"{site} ({zone}): {channel} per interval, "
                              f"{day_label(day)} (shaded: 95% CI)", "x": 0.01, "xanchor": "left"},
                    "annotations": [], "shapes": []}  # fmt: skip
    x_title = time_axis_title(rows["interval_start_utc"], zone)
    for i, metric in enumerate(SITE_KPIS):
        axis = "" if i == 0 else str(i + 1)
        (x0, x1), (y0, y1) = PANELS[i]
        f = scale(metric, channel)
        color = PALETTE[i % len(PALETTE)]
        clip = (kpi(metric).lo * f, kpi(metric).hi * f)
        where = {"xaxis": f"x{axis}", "yaxis": f"y{axis}"}
        if f"{metric}_ci95_low" in rows:  # one replication has no CI: no band
            low, high = rows[f"{metric}_ci95_low"] * f, rows[f"{metric}_ci95_high"] * f
            traces.append(band_spec(x, low, high, color, metric, clip) | where)
        y = (rows[metric] * f).astype(float)
        traces.append({
            "type": "scatter", "x": x, "y": [None if v != v else v for v in y],
            "name": title_case(kpi(metric).label), "mode": "lines+markers",
            "marker": {"size": 4}, "line": {"color": color, "width": 1.8},
            "text": [format_value(metric, v, channel=channel) for v in rows[metric]],
            "customdata": rows["offered"].astype(float).tolist(),
            "hovertemplate": "%{x|%a %d %b %H:%M}: %{text}<br>%{customdata:.1f} contacts "
                             "offered<extra></extra>",
        } | where)  # fmt: skip
        share = kpi(metric).kind == SHARE
        layout[f"xaxis{axis}"] = {"domain": [x0, x1], "anchor": f"y{axis}", "type": "date",
                                  "tickformat": "%H:%M", "title": {"text": x_title if i >= 2
                                                                   else ""},
                                  **({} if i == 0 else {"matches": "x"})}  # fmt: skip
        layout[f"yaxis{axis}"] = {"domain": [y0, y1], "anchor": f"x{axis}",
                                  "title": {"text": _axis(metric, channel)},
                                  **({"tickformat": ".0%", "range": [-0.03, 1.05]} if share
                                     else {"rangemode": "tozero"})}  # fmt: skip
        layout["annotations"].append({
            "text": title_case(kpi(metric).label), "xref": "paper", "yref": "paper",
            "x": (x0 + x1) / 2, "y": y1, "xanchor": "center", "yanchor": "bottom",
            "showarrow": False, "font": {"size": 15},
        })  # fmt: skip
    for shape, note in (
        _line_at(target, "", "#d62728", "dash",
                 f"target {target:.0%} within {fmt_threshold(threshold_s)}", top=False),
        _line_at(threshold_s * scale("asa_s", channel), "2", "#7b8794", "dot",
                 f"SL threshold {fmt_threshold(threshold_s)}", top=True),
    ):  # fmt: skip
        layout["shapes"].append(shape)
        layout["annotations"].append(note)
    return {"data": traces, "layout": layout}


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
