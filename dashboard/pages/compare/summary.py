"""The decision summary of a comparison: cost, quality, service and coverage by hour of day.

A decision-maker comparing two scenarios (offshore vs nearshore) reads four things: what it
costs, how well issues are resolved, whether service targets hold, and when each site has
agents logged in. The first three are picked from the comparison's rows; coverage is the mean
number of agents staffed per hour of day at each site, in the report time zone (the customers'
clock), so both scenarios' sites line up on one axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.shared.plotting import style
from sim.results import RunResult

# (box title, metrics in the order shown); SL rows come one per channel
SUMMARY_BOXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Cost", ("cost_total", "cost_per_contact", "cost_per_resolved_issue")),
    ("Quality", ("fcr", "repeat_rate", "contacts_per_issue")),
    ("Service", ("service_level", "abandon_rate")),
)


def coverage_by_hour(result: RunResult, side: str) -> dict[str, Any]:
    """Mean agents staffed per hour of day (report time zone) at each site, and the voice or
    first channel's service level per hour of day (offered-weighted over the days)."""
    table = result.interval_table()
    hour = table["interval_start_local"].dt.hour
    sites = table[table["dimension"] == "site"]
    agents = {
        site: _by_hour(rows["agents_staffed"], hour[rows.index])
        for site, rows in sites.groupby("key", sort=False)
    }
    channels = table[table["dimension"] == "channel"]
    service: dict[str, list[float | None]] = {}
    for channel, rows in channels.groupby("key", sort=False):
        weights = rows["offered"].to_numpy(float)
        sl = rows["service_level"].to_numpy(float)
        service[str(channel)] = _by_hour(rows["service_level"], hour[rows.index], weights)
        if not np.isfinite(sl).any():
            del service[str(channel)]
    return {"side": side, "agents": agents, "service_level": service}


def _by_hour(values: Any, hours: Any, weights: np.ndarray | None = None) -> list[float | None]:
    """Mean of `values` per hour of day 0..23 (weighted, skipping NaN); None where none."""
    v = np.asarray(values, float)
    h = np.asarray(hours, int)
    w = np.ones_like(v) if weights is None else np.asarray(weights, float)
    ok = np.isfinite(v) & (w > 0)
    out: list[float | None] = []
    for hh in range(24):
        sel = ok & (h == hh)
        out.append(float(np.average(v[sel], weights=w[sel])) if sel.any() else None)
    return out


def summary_boxes(record: dict[str, Any]) -> html.Div:
    """Three boxes (cost, quality, service) of A → B with the coloured paired difference."""
    boxes = []
    for title, metrics in SUMMARY_BOXES:
        lines = [
            html.Li(
                [
                    html.Span(r["label"] + ": ", className="summary-label"),
                    f"{r['a_text']} → {r['b_text']} ",
                    html.Span(r["diff_text"], className=f"summary-{r['direction']}"),
                ]
            )  # fmt: skip
            for metric in metrics
            for r in record["rows"]
            if r["metric"] == metric
        ]
        boxes.append(html.Div([html.H4(title), html.Ul(lines)], className="summary-box"))
    return html.Div(boxes, className="summary-boxes", id="cmp-summary-boxes")


SL_COLORS = {"voice": "#7a5af8", "chat": "#f79009", "email": "#12b76a", "social": "#ee46bc"}


def coverage_figure(record: dict[str, Any]) -> go.Figure:
    """Agents staffed by hour of day per site (solid: A, dashed: B) over the SL by hour (voice
    drawn, the other channels in the legend)."""
    fig = go.Figure()
    hours = list(range(24))
    for cover, dash in zip(record.get("coverage", []), ("solid", "dash"), strict=False):
        for site, agents in cover["agents"].items():
            fig.add_scatter(x=hours, y=agents, name=f"{cover['side']} · {site}",
                            line={"dash": dash}, mode="lines+markers")  # fmt: skip
        channels = list(cover["service_level"])
        shown = "voice" if "voice" in channels else channels[0] if channels else None
        for channel, sl in cover["service_level"].items():
            pct = [None if s is None else 100 * s for s in sl]
            # one colour per channel (A solid, B dashed); only one channel's SL drawn at first,
            # the others a click on the legend away (eight faint lines read as noise)
            fig.add_scatter(x=hours, y=pct, name=f"{cover['side']} · SL {channel}", yaxis="y2",
                            line={"dash": dash, "width": 1.5,
                                  "color": SL_COLORS.get(channel, "#667085")},
                            mode="lines", opacity=0.7,
                            visible=True if channel == shown else "legendonly")  # fmt: skip
    zone = record.get("coverage_timezone", "")
    style(fig, "Coverage by hour of day: agents staffed per site, and service level",
          f"hour of day ({zone}, the report time zone)", "agents staffed (mean)",
          legend_below=True)  # fmt: skip
    fig.update_layout(
        xaxis={"dtick": 2},
        yaxis={"rangemode": "tozero"},
        # SL on its own fixed 0-100% scale (plotly otherwise syncs its ticks to the agents')
        yaxis2={"title": "service level (%)", "overlaying": "y", "side": "right",
                "range": [0, 100], "tickmode": "linear", "tick0": 0, "dtick": 20,
                "ticksuffix": "%", "showgrid": False},
        margin={"r": 80},
    )  # fmt: skip
    return fig


def decision_summary(record: dict[str, Any] | None) -> html.Div | None:
    """The decision summary card of a comparison record (None before any comparison)."""
    if not record or "coverage" not in record:
        return None
    return html.Div(
        [html.H3(f"Decision summary: {record['label_b']} against {record['label_a']}"),
         summary_boxes(record),
         dcc.Graph(figure=coverage_figure(record), id="cmp-coverage-graph")],
        className="panel decision-summary", id="cmp-summary-card",
    )  # fmt: skip
