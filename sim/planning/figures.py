"""The plan as a curve: required vs available FTE per week, with the hiring classes drawn on it."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.planning.result import PlanResult


def plan_figure(result: PlanResult, site: str | None = None, group: str | None = None) -> go.Figure:
    """Required and available FTE (all groups, or one site / group), classes and training."""
    weeks = result.weeks
    classes = result.classes
    label = "all sites"
    if site:
        weeks, classes = weeks[weeks["site"] == site], classes[classes["site"] == site]
        label = site
    if group:
        weeks, classes = weeks[weeks["group"] == group], classes[classes["group"] == group]
        label = f"{site}/{group}" if site else group
    cols = ["required_fte", "available_fte", "headcount", "in_training", "short_fte"]
    per_week = weeks.groupby("week_start", sort=True)[cols].sum().reset_index()
    x = [str(d) for d in per_week["week_start"]]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=x, y=per_week["required_fte"], name="required FTE",
                             mode="lines+markers", line={"color": "#d62728"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=per_week["available_fte"], name="available FTE",
                             mode="lines+markers", line={"color": "#1f77b4"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=per_week["headcount"], name="headcount on the floor",
                             mode="lines", line={"color": "#1f77b4", "dash": "dot"}))  # fmt: skip
    fig.add_trace(go.Bar(x=x, y=per_week["in_training"], name="in training",
                         marker={"color": "rgba(44,160,44,0.35)"}), secondary_y=True)  # fmt: skip
    short = per_week[per_week["short_fte"] > 0]
    if len(short):
        fig.add_trace(go.Scatter(x=[str(d) for d in short["week_start"]], y=short["required_fte"],
                                 mode="markers", name="short week",
                                 marker={"symbol": "x", "size": 10,
                                         "color": "#d62728"}))  # fmt: skip
    if len(classes):
        text = [f"{r.site}/{r.group}: {r.size} hires, graduate week {r.graduation_week}"
                for r in classes.itertuples()]  # fmt: skip
        fig.add_trace(go.Bar(x=[str(d) for d in classes["start"]], y=classes["size"],
                             name="class starts (hires)", text=text, hoverinfo="text+x",
                             textposition="none", marker={"color": "#2ca02c"}),
                      secondary_y=True)  # fmt: skip
    fig.update_layout(
        title=f"{result.setup.plan.name}: required vs available FTE per week ({label})",
        template="plotly_white", barmode="overlay", height=480,
        legend={"orientation": "h", "y": -0.15},
    )  # fmt: skip
    fig.update_yaxes(title_text="FTE", secondary_y=False, rangemode="tozero")
    # its own round ticks (synced to the FTE grid they read 17.9, 35.8, ...), no second grid
    fig.update_yaxes(title_text="agents in classes", secondary_y=True, rangemode="tozero",
                     tickmode="auto", showgrid=False)  # fmt: skip
    fig.update_xaxes(title_text="week starting")
    return fig


def write_chart(result: PlanResult, path: Path) -> Path:
    """Self-contained HTML chart: all sites, then one panel per site."""
    figs = [plan_figure(result)] + [plan_figure(result, s) for s in result.setup.site_names]
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figs)]
    title = html.escape(f"ccsim capacity plan: {result.setup.plan.name}")
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
                    f"</head><body>{''.join(parts)}</body></html>", encoding="utf-8")  # fmt: skip
    return path
