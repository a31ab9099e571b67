"""Calibration page: rebuild the bank scenario from its call log and validate it by simulation.

`sim.calibrate` reads the bundled Anonymous Bank log (February 1999), estimates demand, handle
times, patience and staffing, then simulates the calibrated scenario N times and compares it
with the log hour by hour: the simulated mean with its 95% CI, and the 95% prediction interval
for one month (the fair yardstick for the single observed month).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.calibration.validation import BANK_LOG, METRICS, validation_job
from dashboard.pages.calibration.validation import validation_record as validation_record
from dashboard.shared.job_controls import job_parts, prefixed_controls, register_job
from dashboard.shared.plotting import band, placeholder, style
from sim.api import ScenarioError

dash.register_page(
    __name__, path="/calibration", name="Calibration", title="Calibration · ccsim", order=8
)


def validation_figure(record: dict[str, Any] | None, metric: str) -> go.Figure:
    """Observed vs simulated by hour of day, with the CI of the mean and the prediction interval."""
    if not record:
        return placeholder("Validation by hour of day", "Press Calibrate and validate")
    if metric not in METRICS:
        raise PreventUpdate
    rows = [r for r in record["rows"] if r["metric"] == metric and r["hour"] != "all"]
    rows = [r for r in rows if r["observed"] is not None or r["sim_mean"] is not None]
    hours = [int(r["hour"]) for r in rows]
    stats = ("observed", "sim_mean", "ci_low", "ci_high", "pi_low", "pi_high")
    col = {k: pd.Series([r[k] for r in rows], dtype=float) for k in stats}
    fig = go.Figure()
    if rows:
        fig.add_trace(band(hours, col["pi_low"], col["pi_high"], "#9aa5b1", "95% PI"))
        fig.data[-1].update(showlegend=True, name="Simulated: 95% prediction interval (1 month)")
        fig.add_trace(band(hours, col["ci_low"], col["ci_high"], "#2563eb", "95% CI"))
        fig.data[-1].update(showlegend=True, name="Simulated: 95% CI of the mean")
        fig.add_trace(
            go.Scatter(
                x=hours,
                y=col["sim_mean"],
                name="Simulated mean",
                mode="lines",
                line={"color": "#2563eb", "width": 2},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=hours,
                y=col["observed"],
                name="Observed (call log)",
                mode="markers",
                marker={"color": "#d62728", "size": 9, "symbol": "x"},
            )
        )
    title, tick, name = METRICS[metric]
    fig = style(
        fig,
        f"Calibrated bank scenario vs its call log: {name} by hour of day "
        f"({record['replications']} simulated months)",
        f"Hour of day ({record['timezone']} local time)",
        title,
        height=460,
    )
    fig.update_xaxes(dtick=1)
    if tick:
        fig.update_yaxes(tickformat=tick)
    return fig


def summary(record: dict[str, Any] | None) -> Any:
    """The done-when checks as a short table."""
    if not record:
        return None
    names = {"abandon_rate": "Abandonment (overall)", "asa_s": "ASA (overall)"}
    rows = []
    for metric, c in record["checks"].items():
        fmt = (
            (lambda x: f"{100 * x:.1f}%") if metric == "abandon_rate" else (lambda x: f"{x:.1f} s")
        )
        rows.append(
            html.Tr(
                [
                    html.Td(names[metric]),
                    html.Td(fmt(c["observed"])),
                    html.Td(fmt(c["simulated"])),
                    html.Td(f"{100 * c['rel_diff']:+.1f}%"),
                    html.Td("yes" if c["within_10pct"] else "no"),
                ],
                className="row-good" if c["within_10pct"] else "row-bad",
            )
        )
    head = ["KPI", "Observed", "Simulated", "Difference", "Within 10%"]
    share = record["hourly"]["inside_pi_share"]
    note = (
        f"Hourly abandonment inside the simulated 95% prediction interval in "
        f"{100 * share:.0f}% of {record['hourly']['hours_scored']} hours with enough "
        "waiting calls."
        if share is not None
        else ""
    )
    return html.Div(
        [
            html.Table(
                [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                className="table",
                id="cal-checks",
            ),
            html.P(note, className="panel-note"),
        ]
    )


def prepare(_state: Any, replications: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The validation job for the chosen number of months, or why it cannot start."""
    ok = isinstance(replications, int | float) and float(replications).is_integer()
    if not ok or not 2 <= replications <= 20:
        raise ScenarioError("replications: enter a whole number from 2 to 20")
    return validation_job, (int(replications),)


CONTROLS = prefixed_controls(
    "cal",
    cancel=False,
    status="cal-error",
    data=Output("cal-data", "data"),
    prepare=prepare,
    states=(State("cal-reps", "value"),),
    unit="simulated months",
)


def layout(**_query: str) -> html.Div:
    available = BANK_LOG.is_file()
    return html.Div(
        [
            html.H1("Calibration", className="page-title"),
            html.Section(
                [
                    html.P(
                        "The bundled scenario bank_1999 was built by `ccsim calibrate` from the "
                        "call log of a real bank call center (Israel, February 1999; provenance "
                        "in scenarios/data/README.md). Here the calibration runs again and the "
                        "result is simulated month after month and compared with the log."
                    ),
                    html.Div(
                        [
                            html.Label(
                                "Replications (simulated months)",
                                htmlFor="cal-reps",
                                className="control-label",
                            ),
                            dcc.Input(
                                id="cal-reps",
                                type="number",
                                value=4,
                                min=2,
                                max=20,
                                step=1,
                                className="field-input",
                            ),
                            html.Button(
                                "Calibrate and validate",
                                id="cal-start",
                                className="button button-primary",
                                disabled=not available,
                            ),
                            html.Progress(id="cal-progress", value="0", max="1"),
                            html.Span(id="cal-progress-text", className="panel-note"),
                        ],
                        className="toolbar-inline progress-row",
                    ),
                    html.Div(
                        None
                        if available
                        else html.Div(
                            f"{BANK_LOG} is missing: calibration is not available",
                            className="error-box",
                        ),
                        id="cal-error",
                    ),
                    html.Div(id="cal-summary"),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.Div(
                        [
                            html.Label("KPI", htmlFor="cal-metric", className="control-label"),
                            dcc.Dropdown(
                                id="cal-metric",
                                value="abandon_rate",
                                clearable=False,
                                options=[{"label": v[0], "value": m} for m, v in METRICS.items()],
                                className="control control-long",
                            ),
                        ],
                        className="toolbar-inline",
                    ),
                    dcc.Graph(id="cal-graph"),
                    html.P(
                        "A perfect model puts the observed month inside the grey prediction "
                        "interval in about 95% of hours; the blue CI only says where the "
                        "simulated average lies and narrows as replications grow.",
                        className="panel-note",
                    ),
                ],
                className="panel",
            ),
            dcc.Store(id="cal-data", storage_type="session"),
            *job_parts("cal"),
        ],
        id="cal-page",
    )


def register_callbacks(app: Dash) -> None:
    register_job(app, CONTROLS)
    app.callback(Output("cal-summary", "children"), Input("cal-data", "data"))(summary)
    app.callback(
        Output("cal-graph", "figure"), Input("cal-data", "data"), Input("cal-metric", "value")
    )(validation_figure)
