"""Queueing-lab figures: formula curves against simulated points with 95% CIs."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.pages.lab.queue import (
    DISTRIBUTIONS,
    THRESHOLD_S,
    LabParams,
    agent_range,
    metrics,
    pooling,
    variability,
)
from dashboard.shared.plotting import PALETTE, error_y, style

FORMULA, SIMULATED = "#2563eb", "#d62728"


def _finite(values: np.ndarray) -> list[float | None]:
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _sim_points(sim: dict[str, Any] | None, group: str, metric: str) -> tuple[list, list, dict]:
    """x keys, means and error bars of simulated points (empty without a matching simulation)."""
    points = (sim or {}).get(group, {})
    keys = list(points)
    means = [points[k][metric][0] for k in keys]
    lows = [points[k][metric][1] for k in keys]
    highs = [points[k][metric][2] for k in keys]
    return keys, means, error_y(means, lows, highs)


def _asa_range(asa: np.ndarray, sl: np.ndarray, extra: list[float]) -> list[float]:
    ok = np.isfinite(asa) & (sl >= 0.3)
    top = max([*asa[ok].tolist(), *[e for e in extra if e is not None], 1.0])
    return [0, top * 1.08]


def model_name(p: LabParams) -> str:
    kind = "Erlang A (M/M/n+M)" if p.patience_min > 0 else "Erlang C (M/M/n)"
    return kind + (f", {p.concurrency} chats per agent" if p.concurrency > 1 else "")


def erlang_figure(p: LabParams, sim: dict[str, Any] | None = None) -> go.Figure:
    """Service level and ASA against agents: the formula as a line, simulations as points."""
    n = agent_range(p)
    m = metrics(p, n)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_trace(
        go.Scatter(
            x=n,
            y=_finite(m["service_level"]),
            name=f"Formula: {model_name(p)}",
            mode="lines+markers",
            line={"color": FORMULA},
            marker={"size": 5},
            legendgroup="formula",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=n,
            y=_finite(m["asa_s"]),
            name="formula ASA",
            mode="lines+markers",
            line={"color": FORMULA},
            marker={"size": 5},
            showlegend=False,
            legendgroup="formula",
        ),
        row=2,
        col=1,
    )
    keys, sl, sl_err = _sim_points(sim, "agents", "service_level")
    _, asa, asa_err = _sim_points(sim, "agents", "asa_s")
    if keys:
        x = [int(k) for k in keys]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=sl,
                error_y=sl_err,
                mode="markers",
                name=f"Simulated (mean, 95% CI, {sim['replications']} reps)",
                marker={"color": SIMULATED, "size": 10, "symbol": "diamond"},
                legendgroup="sim",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=asa,
                error_y=asa_err,
                mode="markers",
                showlegend=False,
                marker={"color": SIMULATED, "size": 10, "symbol": "diamond"},
                legendgroup="sim",
            ),
            row=2,
            col=1,
        )
    for row in (1, 2):
        fig.add_vline(x=p.agents, line={"dash": "dot", "color": "#52606d"}, row=row, col=1)
    fig = style(
        fig,
        f"Service level and ASA against agents: {p.rate_per_h:g} contacts/h, AHT "
        f"{p.aht_min:g} min, load {p.load:.1f} Erlangs",
        height=560,
    )
    fig.update_yaxes(
        title_text=f"Service level (% within {THRESHOLD_S:g} s)",
        tickformat=".0%",
        range=[-0.03, 1.05],
        row=1,
        col=1,
    )
    fig.update_yaxes(
        title_text="ASA of answered contacts (s)",
        range=_asa_range(m["asa_s"], m["service_level"], asa),
        row=2,
        col=1,
    )
    unit = "Agents" + (f" (each holds up to {p.concurrency} chats)" if p.concurrency > 1 else "")
    fig.update_xaxes(title_text=unit, row=2, col=1)
    fig.update_layout(hovermode="x unified")
    return fig


def pooling_figure(p: LabParams, sim: dict[str, Any] | None = None) -> go.Figure:
    """Two queues with half the traffic and half the agents each, against one pooled queue."""
    pool = pooling(p)
    fig = go.Figure()
    for key, name, color in (
        ("pooled", "One pooled queue (all agents take both)", PALETTE[2]),
        ("separate", "Two separate queues (half the agents each)", PALETTE[4]),
    ):
        fig.add_trace(
            go.Scatter(
                x=pool["agents"],
                y=_finite(pool[f"{key}_sl"]),
                name=name,
                mode="lines+markers",
                line={"color": color},
                marker={"size": 5},
            )
        )
        points = (sim or {}).get("pooling", {})
        if key in points:
            mean, low, high = points[key]["service_level"]
            fig.add_trace(
                go.Scatter(
                    x=[p.agents],
                    y=[mean],
                    error_y=error_y([mean], [low], [high]),
                    mode="markers",
                    name=f"{key.capitalize()}: simulated",
                    marker={
                        "color": color,
                        "size": 12,
                        "symbol": "diamond",
                        "line": {"color": "#1f2933", "width": 1},
                    },
                )
            )
    fig.add_vline(x=p.agents, line={"dash": "dot", "color": "#52606d"})
    fig = style(
        fig,
        f"Pooling: the same {p.rate_per_h:g} contacts/h split over two queues, or one queue",
        "Total agents",
        f"Service level (% within {THRESHOLD_S:g} s)",
        height=480,
        legend_below=True,
    )
    fig.update_yaxes(tickformat=".0%", range=[-0.03, 1.05])
    return fig


def variability_figure(p: LabParams, sim: dict[str, Any] | None = None) -> go.Figure:
    """ASA at the slider's agents for three handle-time laws with the same mean."""
    approx = variability(p)
    names = list(DISTRIBUTIONS)
    fig = go.Figure(
        go.Bar(
            x=names,
            y=_finite(np.array([approx[k] for k in names])),
            name="Approximation (Allen–Cunneen: Erlang C × (1 + cv²)/2)",
            marker={"color": "rgba(37,99,235,0.35)"},
        )
    )
    points = (sim or {}).get("variability", {})
    if points:
        means = [points[k]["asa_s"][0] if k in points else None for k in names]
        lows = [points[k]["asa_s"][1] if k in points else None for k in names]
        highs = [points[k]["asa_s"][2] if k in points else None for k in names]
        fig.add_trace(
            go.Bar(
                x=names,
                y=means,
                error_y=error_y(means, lows, highs),
                name="Simulated (mean, 95% CI)",
                marker={"color": SIMULATED},
            )
        )
    fig = style(
        fig,
        f"Variability: ASA with {p.agents} agents when handle times (mean {p.aht_min:g} min) "
        "are constant, exponential or more variable",
        "Handle-time distribution (same mean)",
        "ASA of answered contacts (s)",
        height=440,
    )
    fig.update_layout(barmode="group", showlegend=True)
    return fig
