"""Run page: simulate the session's scenario N times in the background, with progress and cancel.

Run submits a job to the app's job manager (`dashboard.shared.jobs`: spawned worker processes)
and stores its id in the page; a `dcc.Interval` polls it while it is active, so the page shows
progress, then the result, a failure (e.g. a worker that died) or the cancellation, and the Run
button comes back. The result goes to the server's results cache under a new token only this
session holds. Saving to the run store is an explicit, separate step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.run.job import run_job, simulate_run
from dashboard.shared.cards import RESULT_CARDS, build_cards, cards_row
from dashboard.shared.job_controls import job_parts, prefixed_controls, register_job, status_box
from dashboard.shared.session import add_run, current_token, edited_scenario
from dashboard.shared.state import AppState, SessionRun, app_state
from dashboard.shared.stored_runs import save_run
from sim import api
from sim.api import ScenarioError

dash.register_page(__name__, path="/run", name="Run", title="Run · ccsim", order=2)

MAX_REPLICATIONS = 50
PROGRESS_INTERVAL_MS = 100


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


def prepare(
    state: AppState, scenario_store: dict[str, Any] | None, replications: Any, seed: Any
) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The run job for the page's inputs, or a ScenarioError saying what to fix."""
    reps, seed_ = check_inputs(replications, seed)
    scenario, label = edited_scenario(scenario_store, state)
    return run_job, (str(state.work_dir), scenario, label, reps, seed_)


def deliver(entry: dict[str, Any], runs: dict[str, Any] | None) -> tuple[Any, Any]:
    """The finished run becomes the session's current one (once), with a link to its results."""
    known = {r.get("token") for r in (runs or {}).get("runs", [])}
    new_runs = dash.no_update if entry["token"] in known else add_run(runs, entry)
    done = status_box(
        [
            f"Finished: {entry['replications']} replications of {entry['label']} in "
            f"{entry['wall_time_s']:.1f} s. ",
            dcc.Link("See the results", href="/results"),
        ],
        "ok",
        "run-done",
    )
    return new_runs, done


CONTROLS = prefixed_controls(
    "run",
    data=Output("session-runs", "data"),
    prepare=prepare,
    states=(
        State("session-scenario", "data"),
        State("run-replications", "value"),
        State("run-seed", "value"),
    ),
    deliver=deliver,
)


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
                    *job_parts("run", PROGRESS_INTERVAL_MS),
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
    register_job(app, CONTROLS)
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
