"""Staffing chart: required vs rostered agents per interval on the site's local clock."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.shared.plotting import style

STATUS_COLORS = {"under": "#d62728", "over": "#f59e0b", "ok": "#9aa5b1"}
STATUS_NAMES = {
    "under": "Understaffed (rostered < required)",
    "over": "Overstaffed (well above required)",
    "ok": "Within range",
}


METHOD_LABELS = {"erlang": "Erlang plan", "simulation": "simulation"}


def staffing_figure(
    series: pd.DataFrame,
    site: str,
    timezone: str,
    scope: str,
    method: str = "erlang",
    methods: tuple[str, ...] = ("erlang",),
) -> go.Figure:
    """Top: required (by `method`, the other method thin beside it) and rostered agents;
    bottom: the surplus or shortfall against `method`, coloured by status."""
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06
    )
    x = series["local_start"]
    fig.add_trace(
        go.Scatter(x=x, y=series["required"],
                   name=f"Required ({METHOD_LABELS[method]}, incl. shrinkage)",
                   mode="lines", line={"color": "#2563eb", "width": 2, "shape": "hv"}),
        row=1, col=1,
    )  # fmt: skip
    for other in (m for m in methods if m != method):
        fig.add_trace(
            go.Scatter(x=x, y=series[f"{other}_required"],
                       name=f"Required ({METHOD_LABELS[other]})", mode="lines",
                       line={"color": "#7c3aed", "width": 1.2, "dash": "dash", "shape": "hv"}),
            row=1, col=1,
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=x, y=series["rostered"], name="Rostered by the scenario's shifts",
                   mode="lines", line={"color": "#111827", "width": 1.5, "dash": "dot",
                                       "shape": "hv"}),
        row=1, col=1,
    )  # fmt: skip
    short = series[series["status"] == "under"]
    fig.add_trace(
        go.Scatter(x=short["local_start"], y=short["rostered"], name=STATUS_NAMES["under"],
                   mode="markers", marker={"color": STATUS_COLORS["under"], "size": 6},
                   showlegend=False, hovertemplate="short by %{customdata:.1f}<extra></extra>",
                   customdata=-short["gap"]),
        row=1, col=1,
    )  # fmt: skip
    for status in ("under", "over", "ok"):
        part = series[series["status"] == status]
        fig.add_trace(
            go.Bar(x=part["local_start"], y=part["gap"], name=STATUS_NAMES[status],
                   marker={"color": STATUS_COLORS[status]}, legendgroup=status),
            row=2, col=1,
        )  # fmt: skip
    fig = style(
        fig,
        f"Required vs rostered agents per interval: {site}, {scope} ({timezone} local time)",
        height=620,
    )
    fig.update_layout(bargap=0.0, hovermode="x unified")
    if len(methods) > 1:  # the legend takes two rows: keep the title above them
        fig.update_layout(margin={"t": 120}, title={"y": 0.985, "yanchor": "top"})
    fig.update_yaxes(title_text="Agents", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="Rostered − required", row=2, col=1)
    fig.update_xaxes(title_text=f"Interval start, {timezone} local time", row=2, col=1)
    return fig
