"""Plots of a sweep: each headline KPI against the first parameter, with 95% CI bands.

One line per combination of the other parameters; the band is the CI of the point's mean. The HTML
file embeds plotly.js, so it opens offline, years later, beside the table it was drawn from.
"""

from __future__ import annotations

import math
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.experiments.sweep import SweepResult
from sim.kpis.registry import HEADLINE, SHARE, axis_label, kpi

PLOTTED = (*HEADLINE, "cost_per_contact")
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")


def sweep_figure(result: SweepResult) -> go.Figure:
    """A grid of panels, one per headline KPI present in the sweep."""
    metrics = [m for m in PLOTTED if not result.overall(m).empty]
    cols = 2 if len(metrics) > 1 else 1
    rows = max(1, math.ceil(len(metrics) / cols))
    fig = make_subplots(
        rows=rows, cols=cols,
        subplot_titles=[axis_label(m, result.base.costs.currency) for m in metrics],
        vertical_spacing=0.12 if rows > 1 else 0.2,
    )  # fmt: skip
    x_path, others = result.grid.paths[0], result.grid.paths[1:]
    for i, metric in enumerate(metrics):
        row, col = divmod(i, cols)
        data = result.overall(metric)
        groups = data.groupby(others, sort=False) if others else [((), data)]
        for j, (combo, series) in enumerate(groups):
            combo = combo if isinstance(combo, tuple) else (combo,)
            name = ", ".join(f"{p}={v}" for p, v in zip(others, combo, strict=True)) or "mean"
            colour = _COLOURS[j % len(_COLOURS)]
            xs = series[x_path]
            x = xs.tolist() if xs.dtype.kind in "fiu" else [str(v) for v in xs]
            lo, hi = series["ci95_low"].tolist(), series["ci95_high"].tolist()
            if not any(v != v for v in lo + hi):
                fig.add_trace(
                    go.Scatter(
                        x=x + x[::-1], y=hi + lo[::-1], fill="toself", fillcolor=colour,
                        mode="lines",
                        opacity=0.18, line={"width": 0}, hoverinfo="skip", showlegend=False,
                        legendgroup=name,
                    ),
                    row=row + 1, col=col + 1,
                )  # fmt: skip
            fig.add_trace(
                go.Scatter(
                    x=x, y=series["mean"].tolist(), mode="lines+markers", name=name,
                    line={"color": colour}, legendgroup=name, showlegend=i == 0,
                ),
                row=row + 1, col=col + 1,
            )  # fmt: skip
        fig.update_xaxes(title_text=x_path, row=row + 1, col=col + 1)
        if kpi(metric).kind == SHARE:
            fig.update_yaxes(tickformat=".0%", row=row + 1, col=col + 1)
    fig.update_layout(
        title=f"{result.base.name}: sweep, {result.replications} replications per point "
        f"(mean and 95% CI)",
        height=320 * rows + 120,
        template="plotly_white",
    )
    return fig


def write_plots(result: SweepResult, path: Path) -> Path:
    """Write the sweep figure as a self-contained HTML file."""
    sweep_figure(result).write_html(path, include_plotlyjs=True, full_html=True)
    return path
