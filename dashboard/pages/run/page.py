"""Run page: simulate the session's scenario N times in the background, with progress and cancel.

Run submits a job to the app's job manager (`dashboard.shared.jobs`: spawned worker processes)
and stores its id in the page; a `dcc.Interval` polls it while it is active, so the page shows
progress, then the result, a failure (e.g. a worker that died) or the cancellation, and the Run
button comes back. The result goes to the server's results cache under a new token only this
session holds. Saving to the run store is an explicit, separate step.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.run.job import run_job, simulate_run
from dashboard.shared.cards import RESULT_CARDS, build_cards, cards_row
from dashboard.shared.jobs import JobRefused
from dashboard.shared.session import add_run, current_token, edited_scenario
from dashboard.shared.state import AppState, SessionRun, app_state
from dashboard.shared.stored_runs import save_run
from sim import api
from sim.api import ScenarioError

dash.register_page(__name__, path="/run", name="Run", title="Run · ccsim", order=2)

MAX_REPLICATIONS = 50
PROGRESS_INTERVAL_MS = 200


def check_inputs(replications: Any, seed: Any) -> tuple[int, int]:
    """Whole numbers in range, or a ScenarioError saying what is allowed."""
    if not isinstance(replications, int | float) or not float(replications).is_integer():
        raise ScenarioError("replications: enter a whole number from 1 to 50")
    if not 1 <= int(replications) <= MAX_REPLICATIONS:
        raise ScenarioError(f"replications: {replications:g} is outside 1..{MAX_REPLICATIONS}")
    if not isinstance(seed, int | float) or not float(seed).is_integer() or seed < 0:
        raise ScenarioError("seed: enter a whole number, 0 or more")
    return int(replications), int(seed)


def simulate(
    state: AppState,
    scenario_store: dict[str, Any] | None,
    replications: Any,
    seed: Any,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, SessionRun, int]:
    """Run the session's scenario here (not in a worker) and keep it: (token, run, seed)."""
    reps, seed_ = check_inputs(replications, seed)
    scenario, label = edited_scenario(scenario_store, state)
    token, run, _entry = simulate_run(progress, str(state.work_dir), scenario, label, reps, seed_)
    return token, run, seed_


def box(text: Any, kind: str, id_: str) -> html.Div:
    return html.Div(text, className=f"{kind}-box", id=id_)


def start(
    n_clicks: int | None,
    scenario_store: dict[str, Any] | None,
    replications: Any,
    seed: Any,
    session_id: str | None,
    state: AppState | None = None,
) -> tuple[Any, Any]:
    """On a click, submit the run (job id into the page's store) or say why it cannot start."""
    if not n_clicks:
        raise PreventUpdate
    state = state or app_state()
    try:
        reps, seed_ = check_inputs(replications, seed)
        scenario, label = edited_scenario(scenario_store, state)
        owner = session_id or secrets.token_urlsafe(8)
        args = (str(state.work_dir), scenario, label, reps, seed_)
        job_id = state.jobs.submit(owner, "run", run_job, *args)
    except (ScenarioError, JobRefused) as exc:
        return dash.no_update, box(f"Not started: {exc}", "error", "run-error")
    return {"id": job_id}, box("Starting the run…", "info", "run-starting")


def sync(
    job_store: dict[str, Any] | None,
    _ticks: Any,
    runs: dict[str, Any] | None,
    state: AppState | None = None,
) -> tuple[Any, ...]:
    """The page's view of its job: progress, buttons, polling, status and the session's runs.

    Returns (progress value, progress max, progress text, Run disabled, Cancel disabled,
    polling disabled, status, session runs).
    """
    state = state or app_state()
    job = state.jobs.status((job_store or {}).get("id"))
    if job is None:
        return "0", "1", "", False, True, True, dash.no_update, dash.no_update
    total = max(job.total, 1)
    if job.active:
        if job.state == "queued":
            text = "queued: waiting for a free worker"
        elif job.done:
            text = f"{job.done} of {job.total} replications done"
        else:
            text = "starting…"
        return str(job.done), str(total), text, True, False, False, dash.no_update, dash.no_update
    idle = (str(job.done), str(total))
    if job.state == "cancelled":
        status = box("Run cancelled.", "error", "run-cancelled")
        return *idle, "stopped", False, True, True, status, dash.no_update
    if job.state == "failed":
        status = box(
            f"The run failed: {job.message}. Press Run to try again.", "error", "run-error"
        )
        return *idle, "stopped", False, True, True, status, dash.no_update
    entry = job.value
    known = {r.get("token") for r in (runs or {}).get("runs", [])}
    new_runs = dash.no_update if entry["token"] in known else add_run(runs, entry)
    done = box(
        [
            f"Finished: {entry['replications']} replications of {entry['label']} in "
            f"{entry['wall_time_s']:.1f} s. ",
            dcc.Link("See the results", href="/results"),
        ],
        "ok",
        "run-done",
    )
    finished = (str(total), str(total), f"{total} of {total} replications done")
    return *finished, False, True, True, done, new_runs


def cancel(n_clicks: int | None, job_store: dict[str, Any] | None, state: AppState | None = None):
    """Stop the page's job (its worker is killed); the status says so."""
    if not n_clicks:
        raise PreventUpdate
    state = state or app_state()
    state.jobs.cancel((job_store or {}).get("id"))
    return box("Run cancelled.", "error", "run-cancelled")


def current_cards(runs: dict[str, Any] | None, _page: Any = None, state: AppState | None = None):
    """KPI cards and label of the session's current run (the served run before any)."""
    state = state or app_state()
    run = state.get(current_token(runs))
    if run is None:
        return html.P("This run is no longer on the server: run it again.", className="muted"), ""
    currency = run.result.model.scenario.costs.currency
    label = f"{run.label} · {run.result.replications} replications · seed {run.result.seed}"
    return cards_row(build_cards(run.result, RESULT_CARDS), "run-kpi", currency), label


def scenario_label(store: dict[str, Any] | None, _page: Any = None) -> Any:
    """Which scenario the Run button simulates."""
    state = app_state()
    try:
        _, label = edited_scenario(store, state)
    except ScenarioError as exc:
        return html.Span(str(exc), className="error-text")
    return label


def save(n_clicks: int | None, runs: dict[str, Any] | None, state: AppState | None = None):
    """Write the current run into the run store (then listed on the Past runs page)."""
    if not n_clicks:
        raise PreventUpdate
    state = state or app_state()
    run = state.get(current_token(runs))
    if run is None:
        return html.Span("This run is no longer on the server: run it again.", className="error")
    run_id = save_run(run, state.store_root)
    return html.Span(f"Saved as {run_id} in {state.store_root}", className="ok-text")


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Run", className="page-title"),
            html.Section(
                [
                    html.P(["Scenario: ", html.Strong(id="run-scenario")]),
                    html.Div(
                        [
                            html.Label(
                                "Replications",
                                htmlFor="run-replications",
                                className="control-label",
                            ),  # fmt: skip
                            dcc.Input(
                                id="run-replications",
                                type="number",
                                value=5,
                                min=1,
                                max=MAX_REPLICATIONS,
                                step=1,
                                className="field-input",
                            ),  # fmt: skip
                            html.Label("Seed", htmlFor="run-seed", className="control-label"),
                            dcc.Input(
                                id="run-seed",
                                type="number",
                                value=api.DEFAULT_SEED,
                                min=0,
                                step=1,
                                className="field-input field-wide",
                            ),  # fmt: skip
                            html.Button("Run", id="run-start", className="button button-primary"),
                            html.Button(
                                "Cancel", id="run-cancel", className="button", disabled=True
                            ),  # fmt: skip
                        ],
                        className="toolbar-inline",
                    ),
                    html.Div(
                        [
                            html.Progress(id="run-progress", value="0", max="1"),
                            html.Span(id="run-progress-text", className="panel-note"),
                        ],
                        className="progress-row",
                    ),
                    html.Div(id="run-status", role="status"),
                    dcc.Store(id="run-job", storage_type="session"),
                    dcc.Interval(id="run-poll", interval=PROGRESS_INTERVAL_MS, disabled=True),
                    html.P(
                        "The run starts when you press Run and goes on in a worker process; the "
                        "page stays usable (you may leave it and come back), and Cancel stops "
                        "the run. Edit the scenario on the Scenario page.",
                        className="panel-note",
                    ),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H3(["Current run: ", html.Span(id="run-current")]),
                    html.Div(id="run-kpis"),
                    html.Div(
                        [
                            html.Button("Save to run store", id="run-save", className="button"),
                            html.Span(id="run-save-status", className="panel-note"),
                        ],
                        className="toolbar-inline",
                    ),
                ],
                className="panel",
            ),
        ],
        id="run-page",
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("run-job", "data"),
        Output("run-status", "children"),
        Input("run-start", "n_clicks"),
        State("session-scenario", "data"),
        State("run-replications", "value"),
        State("run-seed", "value"),
        State("session-id", "data"),
        prevent_initial_call=True,
    )(start)
    app.callback(
        Output("run-progress", "value"),
        Output("run-progress", "max"),
        Output("run-progress-text", "children"),
        Output("run-start", "disabled"),
        Output("run-cancel", "disabled"),
        Output("run-poll", "disabled"),
        Output("run-status", "children", allow_duplicate=True),
        Output("session-runs", "data", allow_duplicate=True),
        Input("run-job", "data"),
        Input("run-poll", "n_intervals"),
        State("session-runs", "data"),
        prevent_initial_call="initial_duplicate",
    )(sync)
    app.callback(
        Output("run-status", "children", allow_duplicate=True),
        Input("run-cancel", "n_clicks"),
        State("run-job", "data"),
        prevent_initial_call=True,
    )(cancel)
    app.callback(
        Output("run-kpis", "children"),
        Output("run-current", "children"),
        Input("session-runs", "data"),
        Input("run-page", "id"),
    )(current_cards)
    app.callback(
        Output("run-scenario", "children"),
        Input("session-scenario", "data"),
        Input("run-page", "id"),
    )(scenario_label)
    app.callback(
        Output("run-save-status", "children"),
        Input("run-save", "n_clicks"),
        State("session-runs", "data"),
        prevent_initial_call=True,
    )(save)
