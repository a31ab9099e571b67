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
    model_curves,
    pooling,
    unstable,
    variability,
)
from dashboard.shared.plotting import PALETTE, error_y, style

ERLANG_C, ERLANG_A, SIMULATED = "#2563eb", "#2ca02c", "#d62728"


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


def unstable_message(p: LabParams) -> str:
    """The 'unstable' sentence for the slider's agents, or '' when Erlang C has an answer."""
    if not unstable(p):
        return ""
    servers = p.agents * p.concurrency
    rest = (
        " Erlang A still answers: customers who hang up keep the queue finite."
        if p.patience_min > 0
        else " Add agents, or give customers a patience (Erlang A)."
    )
    return (
        f"Unstable: {servers} agent{'s' if servers != 1 else ''} ≤ offered load "
        f"{p.load:.1f} Erlangs, so under Erlang C the queue grows without end; its curve is "
        f"drawn only where agents exceed the load.{rest}"
    )


def _line(x: Any, y: Any, name: str, color: str, dash: str, group: str, legend: bool) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=_finite(y),
        name=name,
        mode="lines+markers",
        line={"color": color, "dash": dash},
        marker={"size": 5},
        legendgroup=group,
        showlegend=legend,
    )


def _curve_traces(p: LabParams, n: np.ndarray) -> list[tuple[int, go.Scatter]]:
    """(row, trace) of the Erlang C and Erlang A curves: SL, ASA and (A only) P(abandon)."""
    curves = model_curves(p, n)
    c, a = curves["erlang_c"]["metrics"], curves["erlang_a"]
    chats = f", {p.concurrency} chats per agent" if p.concurrency > 1 else ""
    a_name = f"Erlang A (M/M/n+M), patience {a['patience_min']:g} min{chats}"
    if a["reference"]:
        a_name = f"Erlang A if patience were {a['patience_min']:g} min (what-if){chats}"
    a_dash = "dash" if a["reference"] else "solid"
    out = []
    for row, key in ((1, "service_level"), (2, "asa_s")):
        first = row == 1
        out.append(
            (row, _line(n, c[key], f"Erlang C (M/M/n){chats}", ERLANG_C, "solid", "c", first))
        )
        out.append((row, _line(n, a["metrics"][key], a_name, ERLANG_A, a_dash, "a", False)))
    out.append((3, _line(n, a["metrics"]["abandon_rate"], a_name, ERLANG_A, a_dash, "a", True)))
    return out


def erlang_figure(p: LabParams, sim: dict[str, Any] | None = None) -> go.Figure:
    """SL, ASA and P(abandon) against agents: Erlang C and Erlang A as lines, simulations as
    points; Erlang C only where stable, the unstable range shaded and named."""
    n = agent_range(p)
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06)
    for row, trace in _curve_traces(p, n):
        fig.add_trace(trace, row=row, col=1)
    keys, sl, sl_err = _sim_points(sim, "agents", "service_level")
    _, asa, asa_err = _sim_points(sim, "agents", "asa_s")
    _, ab, ab_err = _sim_points(sim, "agents", "abandon_rate")
    if keys:
        x = [int(k) for k in keys]
        name = f"Simulated, {model_name(p)} (mean, 95% CI, {sim['replications']} reps)"
        rows = [(1, sl, sl_err), (2, asa, asa_err)]
        if p.patience_min > 0:  # without patience nobody abandons: nothing to compare
            rows.append((3, ab, ab_err))
        for row, y, err in rows:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    error_y=err,
                    mode="markers",
                    name=name,
                    showlegend=row == 1,
                    marker={"color": SIMULATED, "size": 10, "symbol": "diamond"},
                    legendgroup="sim",
                ),
                row=row,
                col=1,
            )
    for row in (1, 2, 3):
        fig.add_vline(x=p.agents, line={"dash": "dot", "color": "#52606d"}, row=row, col=1)
    edge = p.load / p.concurrency
    if n[0] <= edge:
        for row in (1, 2, 3):
            fig.add_vrect(
                x0=n[0] - 0.5,
                x1=edge,
                fillcolor="rgba(214,39,40,0.08)",
                line_width=0,
                row=row,
                col=1,
            )
        fig.add_annotation(
            x=edge,
            y=1.0,
            xref="x",
            yref="y domain",
            xanchor="right",
            showarrow=False,
            text="Erlang C unstable<br>(agents ≤ load)",
            font={"color": "#b91c1c", "size": 12},
        )
    fig = style(
        fig,
        f"Erlang C and Erlang A against agents: {p.rate_per_h:g} contacts/h, AHT "
        f"{p.aht_min:g} min, load {p.load:.1f} Erlangs",
        height=760,
    )
    fig.update_yaxes(
        title_text=f"Service level (% within {THRESHOLD_S:g} s)",
        tickformat=".0%",
        range=[-0.03, 1.05],
        row=1,
        col=1,
    )
    m = model_curves(p, n)
    c, a = m["erlang_c"]["metrics"], m["erlang_a"]["metrics"]
    fig.update_yaxes(
        title_text="ASA of answered (s)",
        range=_asa_range(
            np.concatenate([c["asa_s"], a["asa_s"]]),
            np.concatenate([np.nan_to_num(c["service_level"]), a["service_level"]]),
            asa,
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(title_text="P(abandon)", tickformat=".0%", rangemode="tozero", row=3, col=1)
    unit = "Agents" + (f" (each holds up to {p.concurrency} chats)" if p.concurrency > 1 else "")
    fig.update_xaxes(title_text=unit, row=3, col=1)
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
    if p.patience_min <= 0 and unstable(p):
        fig.add_annotation(
            text=f"Unstable: {p.agents * p.concurrency} agents ≤ load {p.load:.1f} Erlangs;<br>"
            "the wait grows without end (no finite ASA)",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font={"size": 15, "color": "#b91c1c"},
        )
    return fig
