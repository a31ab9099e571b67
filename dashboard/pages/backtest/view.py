"""The Back-test page's layout: log and plan choices, job controls, and the result panels."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.pages.backtest.figures import DEFAULT_METRICS
from dashboard.pages.backtest.logs import BANK_LABEL
from dashboard.shared.job_controls import job_parts

MAX_REPLICATIONS = 50
MAX_DAYS = 366
PROGRESS_INTERVAL_MS = 200


def _label(text: str, for_: str) -> html.Label:
    return html.Label(text, htmlFor=for_, className="control-label")


def _number(id_: str, value: Any, lo: int, hi: int | None = None, **kw: Any) -> dcc.Input:
    return dcc.Input(
        id=id_, type="number", value=value, min=lo, max=hi, step=1, className="field-input", **kw
    )


def layout(**_query: str) -> html.Div:
    sources = [
        {"label": BANK_LABEL, "value": "bundled"},
        {"label": "A call log I upload", "value": "upload"},
    ]
    formats = [{"label": f, "value": f} for f in ("anonymous-bank", "csv")]
    inputs = html.Div(
        [
            _label("Days from the log's start", "bt-days"),
            _number("bt-days", None, 1, MAX_DAYS, placeholder="all"),
            _label("Replications", "bt-reps"),
            _number("bt-reps", 10, 2, MAX_REPLICATIONS),
            _label("Seed", "bt-seed"),
            _number("bt-seed", 1, 0),
            html.Button("Run back-test", id="bt-start", className="button button-primary"),
            html.Button("Cancel", id="bt-cancel", className="button", disabled=True),
        ],
        className="toolbar-inline",
    )
    return html.Div(
        [
            html.H1("Back-test", className="page-title"),
            html.Section(
                [
                    html.P(
                        "Simulate a plan over the period a call log covers and compare it "
                        "with what happened, hour by hour: where did the plan and reality "
                        "part, and which input (volume, handle time, staffing) was wrong?"
                    ),
                    html.Div(
                        [
                            _label("Call log", "bt-source"),
                            dcc.RadioItems(
                                id="bt-source",
                                options=sources,
                                value="bundled",
                                inline=True,
                                className="control control-wide",
                            ),
                        ]
                    ),
                    dcc.Upload(
                        id="bt-upload",
                        children=html.Div(
                            [
                                "Drop a call log here (.tsv, .csv or .txt, up to 2 MB), or ",
                                html.A("choose one"),
                            ]
                        ),
                        max_size=-1,
                        className="upload",
                    ),
                    dcc.Store(id="bt-upload-file"),
                    dcc.Store(id="bt-log", storage_type="session"),
                    html.Div(id="bt-upload-error", role="alert"),
                    html.Div(
                        [
                            _label("Format of an uploaded log", "bt-format"),
                            dcc.Dropdown(
                                id="bt-format",
                                options=formats,
                                value="anonymous-bank",
                                clearable=False,
                                className="control",
                            ),
                        ],
                        className="toolbar-inline",
                    ),
                    html.Div(
                        [
                            _label("Plan", "bt-plan"),
                            dcc.RadioItems(
                                id="bt-plan",
                                value="calibrated",
                                inline=True,
                                className="control control-wide",
                            ),
                        ]
                    ),
                    inputs,
                    html.Div(
                        [
                            html.Progress(id="bt-progress", value="0", max="1"),
                            html.Span(id="bt-progress-text", className="panel-note"),
                        ],
                        className="progress-row",
                    ),
                    html.Div(id="bt-status", role="status"),
                    *job_parts("bt", PROGRESS_INTERVAL_MS),
                    dcc.Store(id="bt-data", storage_type="session"),
                    html.P(
                        "The bundled log is read in its own format (anonymous-bank); days "
                        "limits the back-test to the log's first days (leave it empty for the "
                        "whole log). The plan's horizon must start on the log's first day.",
                        className="panel-note",
                    ),
                ],
                className="panel",
            ),
            html.Section([html.H3("Summary"), html.Div(id="bt-summary")], className="panel"),
            html.Section(
                [
                    html.Div(
                        [
                            _label("Metrics", "bt-metrics"),
                            dcc.Checklist(
                                id="bt-metrics",
                                value=list(DEFAULT_METRICS),
                                inline=True,
                                className="control control-wide",
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            _label("Queue", "bt-queue"),
                            dcc.Dropdown(
                                id="bt-queue", value="all", clearable=False, className="control"
                            ),
                        ],
                        className="toolbar-inline",
                    ),
                    dcc.Graph(id="bt-intervals"),
                    html.P(
                        "Each point is one interval of the log; the band is where 95% of simulated "
                        "periods of the plan fall. A plan that is right puts about 1 point in 20 "
                        "outside (red).",
                        className="panel-note",
                    ),
                ],
                className="panel",
            ),
            html.Section(
                [
                    dcc.Graph(id="bt-decomp"),
                    html.P(id="bt-reading", className="verdict"),
                    html.P(
                        "Volume: actual calls / the plan's simulated calls; handle time: actual "
                        "/ simulated AHT; staffing: agents seen answering / simulated agents "
                        "answering; intervals weighted by the plan's calls.",
                        className="panel-note",
                    ),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.Div(
                        [
                            _label("Table", "bt-table-pick"),
                            dcc.Dropdown(
                                id="bt-table-pick",
                                clearable=False,
                                className="control control-long",
                            ),
                            dcc.Checklist(
                                id="bt-table-outside",
                                options=[{"label": "only rows outside the PI", "value": "yes"}],
                                value=[],
                                inline=True,
                            ),
                            _label("Page", "bt-table-page"),
                            _number("bt-table-page", 1, 1),
                        ],
                        className="toolbar-inline",
                    ),
                    html.Div(id="bt-table-box"),
                ],
                className="panel",
            ),
        ],
        id="bt-page",
    )
