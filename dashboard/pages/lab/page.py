"""Queueing lab: move the sliders, watch Erlang C/A answer, then check it by simulation.

The curves are exact formulas, redrawn at once; "Simulate" runs the same queue through the
simulator (a background job) and adds its means with 95% CIs. Beside each chart, a short note on
what to look for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.lab.figures import (
    erlang_figure,
    model_name,
    pooling_figure,
    unstable_message,
    variability_figure,
)
from dashboard.pages.lab.queue import THRESHOLD_S, LabParams, lab_job
from dashboard.pages.lab.table import comparison_table, formula_vs_simulation
from dashboard.shared.job_controls import JobControls, job_parts, register_job
from dashboard.shared.memo import Memo

dash.register_page(
    __name__, path="/lab", name="Queueing lab", title="Queueing lab · ccsim", order=6
)

FORMULA_VIEWS = Memo(64)  # slider settings -> the figures and table without simulated points
SLIDERS = (
    ("lab-rate", "Arrival rate (contacts per hour)", 10, 600, 10, 120),
    ("lab-aht", "Average handle time (minutes)", 1, 15, 0.5, 4),
    ("lab-agents", "Agents", 1, 60, 1, 10),
    ("lab-patience", "Mean patience (minutes; 0 = nobody hangs up)", 0, 10, 0.5, 0),
    ("lab-conc", "Chats per agent at once (1 = voice)", 1, 4, 1, 1),
)
EXPLAIN = {
    "erlang": [
        "Offered load a = arrival rate × handle time: the agents busy on average. With fewer "
        "than a agents the queue grows without end (Erlang C has no answer there); just above "
        "a, service is poor; a few agents more and it climbs steeply, then flattens.",
        "Erlang A (green) sits beside Erlang C (blue): customers with a patience hang up, which "
        "shortens the wait of the rest, so service looks better than Erlang C at the price of "
        "abandonment (bottom panel). With patience 0 the green curve is a what-if at 2 minutes.",
        "Diamonds are the simulator: if the formula line passes through their 95% CIs, the "
        "simulator and the theory agree.",
    ],
    "pooling": [
        "Two teams each taking half the calls need more agents than one team taking all of "
        "them at the same service: in a big pool an agent is free more often when a call "
        "arrives. This is why bilingual or cross-skilled agents are worth paying for.",
    ],
    "variability": [
        "Same mean handle time, different spread. Queues feel the variance, not just the "
        "mean: constant handle times halve the wait of exponential ones, and long-tailed "
        "(lognormal) times make it longer. The bars are a rule of thumb; the simulation is the "
        "truth.",
    ],
}


def params(rate: Any, aht: Any, agents: Any, patience: Any, conc: Any) -> LabParams:
    """The slider values as a LabParams; PreventUpdate while a value is missing."""
    if any(v is None for v in (rate, aht, agents, patience, conc)):
        raise PreventUpdate
    return LabParams(float(rate), float(aht), int(agents), float(patience), int(conc))


def _matching(sim: dict[str, Any] | None, p: LabParams) -> dict[str, Any] | None:
    return sim if sim and sim.get("params") == p.key() else None


def draw(
    rate: Any, aht: Any, agents: Any, patience: Any, conc: Any, sim: dict[str, Any] | None
) -> tuple[Any, Any, Any, str, Any, Any]:
    """The three figures (with simulated points if they match the sliders), a status line, the
    formula-vs-simulation table and the 'unstable' banner (hidden while Erlang C is stable)."""
    p = params(rate, aht, agents, patience, conc)
    match = _matching(sim, p)
    status = (
        f"Simulated points: {match['replications']} replications of one day each."
        if match
        else "Press Simulate to check these settings with the simulator."
    )
    skipped = None
    if match and not match.get("agents"):  # every agent count near the slider is unstable
        skipped = (
            f"Nothing to set beside the formula: at {p.agents - 2} to {p.agents + 2} agents "
            "the queue has no steady state (agents ≤ offered load, no abandonment), so the "
            "simulator was not asked; the pooling panel shows what a day of it looks like."
        )
        status += " " + skipped
    status += f" Model: {model_name(p)}; service level within {THRESHOLD_S:g} s."
    warning = unstable_message(p)
    banner = html.Div(warning, className="error-box", role="alert") if warning else None

    def views() -> tuple[Any, Any, Any, Any]:
        return (
            erlang_figure(p, match),
            pooling_figure(p, match),
            variability_figure(p, match),
            comparison_table(formula_vs_simulation(p, match), skipped),
        )

    # Without simulated points the views are formulas of the sliders alone: built once each.
    erlang, pooling, variability, table = views() if match else FORMULA_VIEWS.get(p, views)
    return erlang, pooling, variability, status, table, banner


def prepare(_state: Any, *values: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The lab's simulation job for the sliders' values."""
    return lab_job, (params(*values),)


CONTROLS = JobControls(
    name="lab",
    start="lab-sim",
    cancel="lab-cancel",
    progress="lab-progress",
    progress_text="lab-progress-text",
    status="lab-sim-status",
    data=Output("lab-sim-data", "data"),
    prepare=prepare,
    states=tuple(State(id_, "value") for id_, *_ in SLIDERS),
    unit="queues",
)


def _explained(graph_id: str, notes: list[str]) -> html.Div:
    return html.Div(
        [dcc.Graph(id=graph_id), html.Div([html.P(t) for t in notes], className="explain")],
        className="columns",
    )


def layout(**_query: str) -> html.Div:
    sliders = [
        html.Div(
            [
                html.Label(label, htmlFor=id_, className="control-label"),
                dcc.Slider(
                    id=id_,
                    min=lo,
                    max=hi,
                    step=step,
                    value=value,
                    marks={lo: f"{lo:g}", hi: f"{hi:g}"},
                    tooltip={"placement": "bottom"},
                ),
            ]
        )
        for id_, label, lo, hi, step, value in SLIDERS
    ]
    return html.Div(
        [
            html.H1("Queueing lab", className="page-title"),
            html.Section(
                [
                    html.Div(sliders, className="slider-grid"),
                    html.Div(
                        [
                            html.Button(
                                "Simulate", id="lab-sim", className="button button-primary"
                            ),
                            html.Button(
                                "Cancel", id="lab-cancel", className="button", disabled=True
                            ),
                            html.Progress(id="lab-progress", value="0", max="1"),
                            html.Span(id="lab-progress-text", className="panel-note"),
                        ],
                        className="toolbar-inline progress-row",
                    ),
                    html.Div(id="lab-sim-status", role="status"),
                    html.P(id="lab-status", className="panel-note"),
                    html.Div(id="lab-unstable"),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H3("Erlang curves against the simulator"),
                    _explained("lab-erlang", EXPLAIN["erlang"]),
                    html.H3("Formula against simulation (95% CIs)"),
                    html.Div(id="lab-table"),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H3("Pooling: two small queues or one big one"),
                    _explained("lab-pooling", EXPLAIN["pooling"]),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H3("Variability: it is not only the mean"),
                    _explained("lab-variability", EXPLAIN["variability"]),
                ],
                className="panel",
            ),
            dcc.Store(id="lab-sim-data", storage_type="session"),
            *job_parts("lab"),
        ],
        id="lab-page",
    )


def register_callbacks(app: Dash) -> None:
    inputs = [Input(id_, "value") for id_, *_ in SLIDERS]
    app.callback(
        Output("lab-erlang", "figure"),
        Output("lab-pooling", "figure"),
        Output("lab-variability", "figure"),
        Output("lab-status", "children"),
        Output("lab-table", "children"),
        Output("lab-unstable", "children"),
        *inputs,
        Input("lab-sim-data", "data"),
    )(draw)
    register_job(app, CONTROLS)
