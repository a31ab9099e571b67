"""Dash app factory: simulate the scenario once (the served run), then let each user plan and run.

The served run is shared and read-only; everything a user loads, edits or simulates lives in
their browser session's stores, with results on the server under tokens only that session holds
(`dashboard.shared.state`). Simulations are jobs on the app's supervised pool of spawned workers
(`dashboard.shared.jobs`), started only by a click and polled by the page. Served by
`ccsim dashboard [SCENARIO]` (waitress with `--production`), or by any WSGI server through the
`create_server` factory (`gunicorn "dashboard.app:create_server()"`).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import dash
import flask
from dash import Dash, dcc, html

from dashboard.shared.context import register_context
from dashboard.shared.jobs import JobManager, install_shutdown
from dashboard.shared.served import DashboardData, attach
from dashboard.shared.session import new_session_id
from dashboard.shared.shell import shell
from dashboard.shared.state import SessionRun, attach_state, new_state
from sim import api
from sim.api import Scenario
from sim.results import RunResult

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"
ASSETS_DIR = HERE / "assets"
MAX_REQUEST_BYTES = 4 * 1024 * 1024  # an upload is capped at 1 MB; base64 and state fit in 4
SESSION_STORES = ("session-base", "session-scenario", "session-runs")


def create_app(
    scenario: str | Path | Scenario | None = None,
    replications: int = api.DEFAULT_REPLICATIONS,
    seed: int = api.DEFAULT_SEED,
    result: RunResult | None = None,
    store: str | Path | None = None,
    jobs: JobManager | None = None,
) -> Dash:
    """A Dash app showing `scenario` simulated `replications` times (or an existing `result`).

    `store` is the run store the Past runs page lists and saves into (default: ./runs). `jobs`:
    the job manager to use (default: a new one, started on first use); the serving commands
    pass one already warming (`warm_jobs`), so its workers start while the served run simulates.
    """
    if result is None:
        result = api.run(scenario, replications=replications, seed=seed, journeys=True)
    journey = result.journeys or api.journey_flows(result.logs, result.model)
    result = dataclasses.replace(result, logs={})
    data = DashboardData.from_result(result)
    state = new_state(
        SessionRun(result, f"{data.scenario_name} (served run)", journey),
        Path(store) if store is not None else api.default_store(),
        jobs,
    )
    app = Dash(
        "dashboard",  # the package: pages are then imported as dashboard.pages.<name>
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        title=f"ccsim · {data.scenario_name}",
    )
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    attach(app.server, data)
    attach_state(app.server, state)
    install_shutdown(state.jobs)

    def layout() -> html.Div:
        """Per page load: the session stores and a fresh session id (kept if the tab has one)."""
        stores = [dcc.Store(id=name, storage_type="session") for name in SESSION_STORES]
        session_id = dcc.Store(id="session-id", storage_type="session", data=new_session_id())
        return html.Div([*stores, session_id, shell(data)])

    app.layout = layout
    register_context(app)
    _register_page_callbacks(app)
    _validate_drawn_parts(app)
    return app


def _validate_drawn_parts(app: Dash) -> None:
    """Add the parts that callbacks draw later to the layout Dash checks callbacks against.

    Dash builds that validation layout from every page's layout (at the first request); the
    What-if section's body (`whatif.body`, drawn when opened) is in none, so the browser would
    report its callbacks' ids as missing.
    """
    from dashboard.pages.scenario import whatif

    added: list[Any] = []

    @app.server.before_request
    def add_parts() -> None:
        layout = app.validation_layout
        if layout is not None and not any(layout is done for done in added):
            app.validation_layout = html.Div([layout, whatif.body()])
            added.append(app.validation_layout)


def warm_jobs() -> JobManager:
    """A job manager whose workers start now (no job), so the first Run skips the interpreter
    start; the serving commands make one before the served run, tests that never run a job do
    not pay for it."""
    jobs = JobManager()
    jobs.warm()
    return jobs


def create_server(
    scenario: str | Path | Scenario | None = None,
    replications: int = api.DEFAULT_REPLICATIONS,
    seed: int = api.DEFAULT_SEED,
) -> flask.Flask:
    """The WSGI server of a new app, for `gunicorn "dashboard.app:create_server()"`."""
    app = create_app(scenario, replications=replications, seed=seed, jobs=warm_jobs())
    return app.server


def _register_page_callbacks(app: Dash) -> None:
    """Let each page module register its callbacks on this app (not on Dash's global list)."""
    for page in dash.page_registry.values():
        register = getattr(sys.modules[page["module"]], "register_callbacks", None)
        if register is not None:
            register(app)
