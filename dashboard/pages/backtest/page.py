"""Back-test page: a plan against what happened, interval by interval (`ccsim backtest` in a page).

Pick a call log (the bundled bank log, or an upload) and a plan (the calibrated bank scenario, or
the session's scenario); Run back-test simulates the plan over the log's period in a worker, with
progress and cancel (the Run page's job mechanism). The page then shows actual vs the simulated
95% prediction interval per interval (points outside in red), the miss decomposed into volume,
handle time and staffing, and the result's rows as tables, all drawn from the back-test's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard.pages.backtest.figures import (
    DEFAULT_METRICS,
    days_text,
    decomposition_figure,
    decomposition_summary,
    interval_figure,
    metric_label,
    metrics,
    queues,
    reading,
)
from dashboard.pages.backtest.job import backtest_job, get_record
from dashboard.pages.backtest.logs import UPLOAD_GUARD_JS, forget_upload, log_choice, save_upload
from dashboard.pages.backtest.tables import data_table, summary, table_options
from dashboard.pages.backtest.view import MAX_DAYS, MAX_REPLICATIONS
from dashboard.pages.backtest.view import layout as layout  # the page's layout, for Dash
from dashboard.shared.job_controls import prefixed_controls, register_job, status_box
from dashboard.shared.session import edited_scenario
from dashboard.shared.state import AppState, app_state
from sim.api import ScenarioError

dash.register_page(
    __name__, path="/backtest", name="Back-test", title="Back-test · ccsim", order=10
)

CALIBRATED = "bank_1999"


def _whole(value: Any, name: str, lo: int, hi: int | None = None) -> int:
    ok = isinstance(value, int | float) and float(value).is_integer()
    if not ok or value < lo or (hi is not None and value > hi):
        allowed = f"from {lo} to {hi}" if hi is not None else f"{lo} or more"
        raise ScenarioError(f"{name}: enter a whole number {allowed}")
    return int(value)


def plan_choice(state: AppState, plan: Any, store: dict[str, Any] | None) -> tuple[Any, str]:
    """(scenario or its path, label) of the chosen plan, or a ScenarioError saying what to do."""
    if plan == "calibrated":
        path = state.bundled.get(CALIBRATED)
        if path is None:
            raise ScenarioError(f"plan: the bundled {CALIBRATED} scenario is missing")
        return str(path), f"{CALIBRATED} (calibrated from the bundled log)"
    if plan == "session":
        return edited_scenario(store, state)
    raise ScenarioError("plan: pick the calibrated scenario or the session's scenario")


def prepare(
    state: AppState,
    source: Any,
    upload: Any,
    fmt: Any,
    plan: Any,
    store: dict[str, Any] | None,
    days: Any,
    replications: Any,
    seed: Any,
) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The back-test job for the page's inputs, or a ScenarioError saying what to fix."""
    reps = _whole(replications, "replications", 2, MAX_REPLICATIONS)
    seed_ = _whole(seed, "seed", 0)
    days_ = None if days in (None, "") else _whole(days, "days", 1, MAX_DAYS)
    path, log_label, fmt_ = log_choice(state.work_dir, source, upload, fmt)
    scenario, plan_label = plan_choice(state, plan, store)
    args = (
        str(state.work_dir),
        scenario,
        plan_label,
        str(path),
        log_label,
        fmt_,
        reps,
        seed_,
        days_,
    )
    return backtest_job, args


def deliver(entry: dict[str, Any], _current: Any) -> tuple[Any, Any]:
    """The finished back-test becomes the page's result."""
    text = (
        f"Finished: {entry['plan']} against {entry['log']}, {days_text(entry['days'])}, "
        f"{entry['replications']} replications in {entry['wall_time_s']:.1f} s."
    )
    return entry, status_box(text, "ok", "bt-done")


CONTROLS = prefixed_controls(
    "bt",
    data=Output("bt-data", "data"),
    prepare=prepare,
    states=(
        State("bt-source", "value"),
        State("bt-log", "data"),
        State("bt-format", "value"),
        State("bt-plan", "value"),
        State("session-scenario", "data"),
        State("bt-days", "value"),
        State("bt-reps", "value"),
        State("bt-seed", "value"),
    ),
    deliver=deliver,
    label="back-test",
)


def record_of(data: Any, state: AppState | None = None) -> dict[str, Any] | None:
    """The back-test record behind the page's store (None before a run or once it expired)."""
    state = state or app_state()
    return get_record(state.work_dir, (data or {}).get("token") if isinstance(data, dict) else None)


def uploaded(file: Any, previous: Any = None, state: AppState | None = None) -> tuple[Any, ...]:
    """(bt-log, message, source, format) after an upload: kept on the server (replacing this
    session's previous upload), or why it was refused. A .csv reads as csv, a .tsv as the bank's."""
    if not isinstance(file, dict):
        raise PreventUpdate
    state = state or app_state()
    try:
        upload = save_upload(
            state.work_dir, file.get("contents"), file.get("filename"), file.get("size_bytes")
        )
    except ScenarioError as exc:
        refused = html.Div(str(exc), className="error-box", id="bt-upload-msg")
        return dash.no_update, refused, dash.no_update, dash.no_update
    forget_upload(state.work_dir, previous)
    text = f"Uploaded {upload['name']} ({upload['size_bytes'] / 1024:,.0f} KB)."
    fmt = {"csv": "csv", "tsv": "anonymous-bank"}.get(upload["suffix"], dash.no_update)
    return upload, html.Div(text, className="ok-box", id="bt-upload-msg"), "upload", fmt


def plan_options(store: dict[str, Any] | None, _page: Any = None) -> list[dict[str, str]]:
    """The two plans, the session's one named as it is now."""
    try:
        _, label = edited_scenario(store, app_state())
    except ScenarioError as exc:
        label = str(exc)
    return [
        {"label": f"{CALIBRATED}: calibrated from the bundled log", "value": "calibrated"},
        {"label": f"The session's scenario: {label}", "value": "session"},
    ]


def result_controls(data: Any, state: AppState | None = None) -> tuple[Any, ...]:
    """Summary, and the metric, queue and table choices the result offers."""
    record = record_of(data, state)
    if record is None:
        return None, [], list(DEFAULT_METRICS), [], None, [], None
    result = record["result"]
    slot_s = int(result.get("slot_s", 3600))
    found = metrics(result)
    metric_options = [{"label": metric_label(m, slot_s), "value": m} for m in found]
    chosen = [m for m in DEFAULT_METRICS if m in found] or found[:3]
    queue_options = [{"label": "All queues", "value": "all"}] + [
        {"label": q, "value": q} for q in queues(result)
    ]
    tables = table_options(result)
    first = tables[0]["value"] if tables else None
    return summary(record), metric_options, chosen, queue_options, "all", tables, first


def draw_intervals(data: Any, chosen: list[str] | None, queue: str | None):
    return interval_figure(record_of(data), chosen, queue)


def draw_decomposition(data: Any, queue: str | None) -> tuple[Any, str]:
    """The decomposition bars and their plain reading."""
    record = record_of(data)
    if record is None:
        return decomposition_figure({}), ""
    parts = decomposition_summary(record["result"], queue)
    return decomposition_figure(parts), reading(parts, record["result"].get("days"))


def draw_table(data: Any, key: str | None, only_outside: list[str] | None, page_: Any) -> Any:
    """One page of the chosen list of rows (only those outside their PI when ticked)."""
    record = record_of(data)
    if record is None or not key or key not in record["result"]:
        return html.P("Run a back-test to see its rows.", className="muted")
    return data_table(record["result"], key, bool(only_outside), page_)


def register_callbacks(app: Dash) -> None:
    register_job(app, CONTROLS)
    app.clientside_callback(
        UPLOAD_GUARD_JS,
        Output("bt-upload-file", "data"),
        Input("bt-upload", "contents"),
        State("bt-upload", "filename"),
        prevent_initial_call=True,
    )
    app.callback(
        Output("bt-log", "data"),
        Output("bt-upload-error", "children"),
        Output("bt-source", "value"),
        Output("bt-format", "value"),
        Input("bt-upload-file", "data"),
        State("bt-log", "data"),
        prevent_initial_call=True,
    )(uploaded)
    app.callback(
        Output("bt-plan", "options"), Input("session-scenario", "data"), Input("bt-page", "id")
    )(plan_options)
    app.callback(
        Output("bt-summary", "children"),
        Output("bt-metrics", "options"),
        Output("bt-metrics", "value"),
        Output("bt-queue", "options"),
        Output("bt-queue", "value"),
        Output("bt-table-pick", "options"),
        Output("bt-table-pick", "value"),
        Input("bt-data", "data"),
    )(result_controls)
    app.callback(
        Output("bt-intervals", "figure"),
        Input("bt-data", "data"),
        Input("bt-metrics", "value"),
        Input("bt-queue", "value"),
    )(draw_intervals)
    app.callback(
        Output("bt-decomp", "figure"),
        Output("bt-reading", "children"),
        Input("bt-data", "data"),
        Input("bt-queue", "value"),
    )(draw_decomposition)
    app.callback(
        Output("bt-table-box", "children"),
        Input("bt-data", "data"),
        Input("bt-table-pick", "value"),
        Input("bt-table-outside", "value"),
        Input("bt-table-page", "value"),
    )(draw_table)
