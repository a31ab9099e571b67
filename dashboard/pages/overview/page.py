"""Overview page ("/"): headline KPIs with 95% CIs and intraday charts of the scenario's run.

Callbacks are plain functions of the control values (testable without a browser); the app
registers them on itself through `register_callbacks`, so several apps can live in one process.
"""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.overview import figures
from dashboard.shared.cards import kpi_cards
from dashboard.shared.plotting import PALETTE
from dashboard.shared.served import DashboardData, current_data

dash.register_page(__name__, path="/", name="Overview", title="Overview · ccsim", order=0)

ALL_QUEUES = "__all__"
WHOLE_HORIZON = "__all__"
DAY_DROPDOWN = "overview-day"
QUEUE_DROPDOWN = "overview-queue"
OFFERED_GRAPH = "overview-offered-handled"
SL_QUEUES = "overview-sl-queues"
SERVICE_LEVEL_GRAPH = "overview-service-level"
CLOCK_RADIO = "overview-clock"
OCCUPANCY_GRAPH = "overview-occupancy"
CLOCK_OPTIONS = [
    {"label": "UTC", "value": "utc"},
    {"label": "Each site's local time", "value": "local"},
]


def _day(day: str | None, data: DashboardData) -> str | None:
    """The picked day (None for the whole horizon); PreventUpdate if it is not an option."""
    if day in (None, WHOLE_HORIZON):
        return None
    if day not in data.days:
        raise PreventUpdate
    return day


def offered_handled(queue: str | None, day: str | None = None) -> go.Figure:
    """Offered vs handled chart for the dropdown's queue (or all queues) and day."""
    data = current_data()
    if queue not in (None, ALL_QUEUES, *data.queues):
        raise PreventUpdate
    picked, on_day = None if queue in (None, ALL_QUEUES) else queue, _day(day, data)
    return data.memo.get(
        ("offered_handled", picked, on_day),
        lambda: figures.offered_handled_figure(
            data.intervals, picked, data.reporting_timezone, data.interval_minutes, on_day
        ),
    )


def service_level(queues: list[str] | None, day: str | None = None) -> go.Figure:
    """Service level chart of the ticked queues (in the scenario's order, stable colours)."""
    data = current_data()
    chosen = set(queues or ())
    if not chosen <= set(data.queues):
        raise PreventUpdate
    labels = {q: label for q, label in data.queue_labels.items() if q in chosen}
    colors = {q: PALETTE[i % len(PALETTE)] for i, q in enumerate(data.queues)}
    on_day = _day(day, data)
    return data.memo.get(
        ("service_level", tuple(labels), on_day),
        lambda: figures.service_level_figure(
            data.intervals, labels, data.reporting_timezone, on_day, colors
        ),
    )


def occupancy(clock: str, day: str | None = None) -> go.Figure:
    """Occupancy chart on UTC or on each site's local clock (the day in that clock)."""
    if clock not in ("utc", "local"):
        raise PreventUpdate
    data = current_data()
    on_day = _day(day, data)
    return data.memo.get(
        ("occupancy", clock, on_day),
        lambda: figures.occupancy_figure(data.intervals, data.site_timezones, clock, on_day),
    )


def _panel(children: list, note: str | None = None) -> html.Section:
    extra = [html.P(note, className="panel-note")] if note else []
    return html.Section([*children, *extra], className="panel")


def layout(**_query: str) -> html.Div:
    """The page; its figures are drawn by the callbacks when the controls appear."""
    data = current_data()
    queue_options = [{"label": "All queues", "value": ALL_QUEUES}] + [
        {"label": label, "value": queue} for queue, label in data.queue_labels.items()
    ]
    queue_checks = [{"label": label, "value": q} for q, label in data.queue_labels.items()]
    voice = [q for q, channel in data.queue_channels.items() if channel == "voice"]
    day_options = [{"label": "Whole horizon", "value": WHOLE_HORIZON}] + [
        {"label": figures.day_label(day), "value": day} for day in data.days
    ]
    tz_note = f"Time axis in the scenario's reporting time zone, {data.reporting_timezone}."
    return html.Div(
        [
            html.H1("Overview", className="page-title"),
            kpi_cards(data.cards, data.currency),
            html.Div(
                [
                    html.Label("Day", htmlFor=DAY_DROPDOWN, className="control-label"),
                    dcc.Dropdown(
                        id=DAY_DROPDOWN,
                        options=day_options,
                        value=WHOLE_HORIZON,
                        clearable=False,
                        className="control",
                    ),
                    html.Span(
                        "applies to every chart, each in its own clock",
                        className="panel-note",
                    ),
                ],
                className="toolbar",
            ),
            _panel(
                [
                    html.Label("Queue", htmlFor=QUEUE_DROPDOWN, className="control-label"),
                    dcc.Dropdown(
                        id=QUEUE_DROPDOWN,
                        options=queue_options,
                        value=ALL_QUEUES,
                        clearable=False,
                        className="control",
                    ),
                    dcc.Graph(id=OFFERED_GRAPH),
                ],
                "Contacts count in the interval they arrived; handled = those served to "
                f"completion. {tz_note}",
            ),
            _panel(
                [
                    html.Label("Queues", htmlFor=SL_QUEUES, className="control-label"),
                    dcc.Checklist(
                        id=SL_QUEUES,
                        options=queue_checks,
                        value=voice or list(data.queues),
                        inline=True,
                        className="control control-wide",
                    ),
                    dcc.Graph(id=SERVICE_LEVEL_GRAPH),
                ],
                f"Service-level threshold in brackets. {tz_note}",
            ),
            _panel(
                [
                    html.Label("Time axis", htmlFor=CLOCK_RADIO, className="control-label"),
                    dcc.RadioItems(
                        id=CLOCK_RADIO,
                        options=CLOCK_OPTIONS,
                        value="utc",
                        inline=True,
                        className="control",
                    ),
                    dcc.Graph(id=OCCUPANCY_GRAPH),
                ]
            ),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """Wire this page's callbacks on `app`; each also runs once when the page appears."""
    day = Input(DAY_DROPDOWN, "value")
    app.callback(Output(OFFERED_GRAPH, "figure"), Input(QUEUE_DROPDOWN, "value"), day)(
        offered_handled
    )
    app.callback(Output(SERVICE_LEVEL_GRAPH, "figure"), Input(SL_QUEUES, "value"), day)(
        service_level
    )
    app.callback(Output(OCCUPANCY_GRAPH, "figure"), Input(CLOCK_RADIO, "value"), day)(occupancy)
