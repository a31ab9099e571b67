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
from sim.kpis.registry import HEADLINE, SHARE, axis_label, kpi, scale

PLOTTED = (*HEADLINE, "cost_per_contact")
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")


def sweep_figure(result: SweepResult) -> go.Figure:
    """A grid of panels, one per headline KPI (per channel for SL and ASA) in the sweep."""
    shown = result.series(PLOTTED)
    cols = 2 if len(shown) > 1 else 1
    rows = max(1, math.ceil(len(shown) / cols))
    currency = result.base.costs.currency
    fig = make_subplots(
        rows=rows, cols=cols,
        subplot_titles=[f"{axis_label(m, currency, ch)}, {ch}" if ch else axis_label(m, currency)
                        for m, ch, _ in shown],
        vertical_spacing=0.12 if rows > 1 else 0.2,
    )  # fmt: skip
    x_path, others = result.grid.paths[0], result.grid.paths[1:]
    for i, (metric, channel, data) in enumerate(shown):
        row, col = divmod(i, cols)
        f = scale(metric, channel)  # seconds to the channel's display unit (hours for email)
        groups = data.groupby(others, sort=False) if others else [((), data)]
        for j, (combo, series) in enumerate(groups):
            combo = combo if isinstance(combo, tuple) else (combo,)
            name = ", ".join(f"{p}={v}" for p, v in zip(others, combo, strict=True)) or "mean"
            colour = _COLOURS[j % len(_COLOURS)]
            xs = series[x_path]
            x = xs.tolist() if xs.dtype.kind in "fiu" else [str(v) for v in xs]
            lo = (series["ci95_low"] * f).tolist()
            hi = (series["ci95_high"] * f).tolist()
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
                    x=x, y=(series["mean"] * f).tolist(), mode="lines+markers", name=name,
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
