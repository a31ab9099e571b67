"""A page's background job wired to its controls: Start, Cancel, a progress bar and a status line.

`register_job` adds three plain callbacks. *Start* (a click only) checks the inputs in the
server, submits the job to the app's `JobManager` and keeps its id in a session store, or says
why it did not start. *Sync* runs when that store changes (also when the page is opened again)
and on every tick of a `dcc.Interval` that is enabled only while the job is active: it shows the
progress, disables Start while the job runs, and delivers the value, a failure or the
cancellation, then switches the polling off. *Cancel* kills the job's worker.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.shared.jobs import Job, JobRefused
from dashboard.shared.state import AppState, app_state
from sim.api import ScenarioError

POLL_MS = 200
Prepare = Callable[..., tuple[Callable[..., Any], tuple[Any, ...]]]
Deliver = Callable[[Any, Any], tuple[Any, Any]]


def _deliver_value(value: Any, _current: Any) -> tuple[Any, Any]:
    """Default: the job's value goes to the data output; the status line is cleared."""
    return value, None


@dataclass(frozen=True)
class JobControls:
    """The ids a page's job drives and how the job is made from the page's inputs.

    `prepare(state, *states)` returns `(fn, args)` for `JobManager.submit` (a module-level
    function and picklable arguments) or raises ScenarioError saying what to fix; `deliver(value,
    current data)` returns (new data, status) when the job is done.
    """

    name: str  # the job kind; ids `<name>-job` (store) and `<name>-poll` (interval)
    start: str
    progress: str
    progress_text: str
    status: str
    data: Output
    prepare: Prepare
    states: tuple[State, ...] = ()
    cancel: str | None = None
    unit: str = "replications"
    deliver: Deliver = _deliver_value
    label: str = ""  # the job as the refusal of a second one names it (default: `name`)
    lock_start: bool = True  # False: Start stays clickable and a second job is refused aloud


def prefixed_controls(
    prefix: str, *, cancel: bool = True, status: str | None = None, **fields: Any
) -> JobControls:
    """JobControls whose ids follow the pages' convention: `<prefix>-start`, `-cancel`,
    `-progress`, `-progress-text` and `-status` (or `status`); `name` defaults to the prefix."""
    fields.setdefault("name", prefix)
    return JobControls(
        start=f"{prefix}-start",
        cancel=f"{prefix}-cancel" if cancel else None,
        progress=f"{prefix}-progress",
        progress_text=f"{prefix}-progress-text",
        status=status or f"{prefix}-status",
        **fields,
    )


def job_parts(name: str, interval_ms: int = POLL_MS) -> list[Any]:
    """The store holding the page's job id and the interval that polls it (put in the layout)."""
    return [
        dcc.Store(id=f"{name}-job", storage_type="session"),
        dcc.Interval(id=f"{name}-poll", interval=interval_ms, disabled=True),
    ]


def status_box(text: Any, kind: str, id_: str) -> html.Div:
    return html.Div(text, className=f"{kind}-box", id=id_)


def start_job(
    controls: JobControls,
    n_clicks: Any,
    session_id: Any,
    *values: Any,
    state: AppState | None = None,
) -> tuple[Any, Any]:
    """Submit the job on a click: (job store, status), or why it did not start."""
    if not n_clicks:
        raise PreventUpdate
    state = state or app_state()
    owner = session_id if isinstance(session_id, str) and session_id else secrets.token_urlsafe(8)
    try:
        fn, args = controls.prepare(state, *values)
        job_id = state.jobs.submit(owner, controls.label or controls.name, fn, *args)
    except (ScenarioError, JobRefused) as exc:
        return dash.no_update, status_box(f"Not started: {exc}", "error", f"{controls.name}-error")
    return {"id": job_id}, status_box(
        "Started: the bar below shows its progress.", "info", f"{controls.name}-starting"
    )


def progress_line(job: Job, unit: str) -> str:
    if job.state == "queued":
        return "queued: waiting for a free worker"
    if job.state == "running":
        return f"{job.done} of {job.total} {unit} done" if job.done else "starting…"
    if job.state == "done":
        return f"{job.total} of {job.total} {unit} done" if job.total else "done"
    return "stopped"


def sync_job(
    controls: JobControls, job_store: Any, _ticks: Any, current: Any, state: AppState | None = None
) -> tuple[Any, ...]:
    """The page's view of its job.

    (progress value, max, text, Start disabled, polling disabled, status, data[, Cancel disabled])
    """
    state = state or app_state()
    job = state.jobs.status((job_store or {}).get("id") if isinstance(job_store, dict) else None)
    if job is None:
        out: tuple[Any, ...] = ("0", "1", "", False, True, dash.no_update, dash.no_update)
    else:
        total = max(job.total, 1)
        done = total if job.state == "done" else job.done
        bar = (str(done), str(total), progress_line(job, controls.unit))
        if job.active:
            out = (*bar, controls.lock_start, False, dash.no_update, dash.no_update)
        elif job.state == "done":
            data, status = controls.deliver(job.value, current)
            out = (*bar, False, True, status, data)
        elif job.state == "cancelled":
            status = status_box("Cancelled.", "error", f"{controls.name}-cancelled")
            out = (*bar, False, True, status, dash.no_update)
        else:
            text = f"Failed: {job.message}. Press the button to try again."
            out = (*bar, False, True, status_box(text, "error", f"{controls.name}-error"),
                   dash.no_update)  # fmt: skip
    if controls.cancel is None:
        return out
    return (*out, not (job is not None and job.active))


def cancel_job(controls: JobControls, n_clicks: Any, job_store: Any, state: AppState | None = None):
    """Stop the page's job (its worker is killed)."""
    if not n_clicks:
        raise PreventUpdate
    state = state or app_state()
    state.jobs.cancel((job_store or {}).get("id") if isinstance(job_store, dict) else None)
    return status_box("Cancelled.", "error", f"{controls.name}-cancelled")


def register_job(app: Dash, controls: JobControls) -> None:
    """Add the Start, Sync and Cancel callbacks of one job to `app`."""
    c = controls
    job, poll = f"{c.name}-job", f"{c.name}-poll"
    app.callback(
        Output(job, "data"),
        Output(c.status, "children"),
        Input(c.start, "n_clicks"),
        State("session-id", "data"),
        *c.states,
        prevent_initial_call=True,
    )(lambda n, sid, *values: start_job(c, n, sid, *values))
    outputs = [
        Output(c.progress, "value"),
        Output(c.progress, "max"),
        Output(c.progress_text, "children"),
        Output(c.start, "disabled"),
        Output(poll, "disabled"),
        Output(c.status, "children", allow_duplicate=True),
        Output(c.data.component_id, c.data.component_property, allow_duplicate=True),
    ]
    if c.cancel is not None:
        outputs.append(Output(c.cancel, "disabled"))
    app.callback(
        *outputs,
        Input(job, "data"),
        Input(poll, "n_intervals"),
        State(c.data.component_id, c.data.component_property),
        prevent_initial_call="initial_duplicate",
    )(lambda store, ticks, current: sync_job(c, store, ticks, current))
    if c.cancel is not None:
        app.callback(
            Output(c.status, "children", allow_duplicate=True),
            Input(c.cancel, "n_clicks"),
            State(job, "data"),
            prevent_initial_call=True,
        )(lambda n, store: cancel_job(c, n, store))
