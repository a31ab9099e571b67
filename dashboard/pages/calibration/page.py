"""Calibration page: rebuild the bank scenario from its call log and validate it by simulation.

`sim.calibrate` reads the bundled Anonymous Bank log (February 1999), estimates demand, handle
times, patience and staffing, then simulates the calibrated scenario N times and compares it
with the log hour by hour: the simulated mean with its 95% CI, and the 95% prediction interval
for one month (the fair yardstick for the single observed month).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.shared.plotting import band, placeholder, style
from sim import api

dash.register_page(
    __name__, path="/calibration", name="Calibration", title="Calibration · ccsim", order=8
)

BANK_LOG = api.BUNDLED_DIR / "data" / "anonymous_bank_february_1999.tsv"
METRICS = {  # metric: (axis title, tick format, name in the chart title)
    "abandon_rate": ("Abandonment (% of calls that waited)", ".0%", "abandonment"),
    "asa_s": ("Average speed of answer (s)", "", "average speed of answer"),
    "offered": ("Calls offered per day in the hour", ",.0f", "calls offered"),
    "service_level": ("Service level (% within threshold)", ".0%", "service level"),
    "occupancy": ("Agent occupancy (%)", ".0%", "agent occupancy"),
}


def _num(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def validation_record(replications: int, seed: int = 1, progress: Callable | None = None) -> dict:
    """Calibrate the bank log, validate by simulation; a JSON-ready record of the comparison."""
    log, cal, v = api.calibrate_log(
        BANK_LOG, "anonymous-bank", "bank_1999", None, replications, seed, progress
    )
    rows = [
        {
            "metric": m,
            "hour": str(h),
            **{
                k: _num(r[k])
                for k in ("observed", "sim_mean", "ci_low", "ci_high", "pi_low", "pi_high")
            },
        }
        for (m, h), r in v.table.iterrows()
        if m in METRICS
    ]
    checks = {
        m: {k: (bool(x) if isinstance(x, bool) else _num(x)) for k, x in c.items()}
        for m, c in v.checks.items()
        if m in ("abandon_rate", "asa_s")
    }
    hourly = v.checks["hourly_abandonment"]
    return {
        "replications": replications,
        "timezone": cal.scenario.horizon.timezone,
        "days": log.days,
        "rows": rows,
        "checks": checks,
        "hourly": {
            "hours_scored": int(hourly["hours_scored"]),
            "inside_pi_share": _num(hourly["inside_pi_share"]),
        },
    }


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


def make_job() -> Callable[..., Any]:
    def job(set_progress: Callable, n_clicks: int | None, replications: Any) -> tuple[Any, Any]:
        if not n_clicks:
            raise PreventUpdate
        if not isinstance(replications, int | float) or not 2 <= replications <= 20:
            return dash.no_update, html.Div("replications: 2 to 20", className="error-box")
        set_progress((0, 1, "reading the log and calibrating…"))
        tick = lambda d, n: set_progress((d, n, f"{d} of {n} simulated months"))  # noqa: E731
        try:
            return validation_record(int(replications), 1, tick), None
        except Exception as exc:  # noqa: BLE001 - a message on the page, never a traceback
            return dash.no_update, html.Div(
                f"calibration failed ({type(exc).__name__}): {exc}", className="error-box"
            )

    return job


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
        ],
        id="cal-page",
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("cal-data", "data"),
        Output("cal-error", "children"),
        Input("cal-start", "n_clicks"),
        State("cal-reps", "value"),
        background=True,
        running=[(Output("cal-start", "disabled"), True, False)],
        progress=[
            Output("cal-progress", "value"),
            Output("cal-progress", "max"),
            Output("cal-progress-text", "children"),
        ],
        interval=250,
        prevent_initial_call=True,
    )(make_job())
    app.callback(Output("cal-summary", "children"), Input("cal-data", "data"))(summary)
    app.callback(
        Output("cal-graph", "figure"), Input("cal-data", "data"), Input("cal-metric", "value")
    )(validation_figure)
