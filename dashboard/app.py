"""Dash app factory: simulate the scenario once, then serve its KPIs to any number of users.

Served by `ccsim dashboard [SCENARIO]`, or by any WSGI server through the `create_server` factory
(`gunicorn "dashboard.app:create_server()"`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import dash
import flask
from dash import Dash

from dashboard.components.shell import shell
from dashboard.data import DashboardData, attach
from sim import api
from sim.results import RunResult
from sim.scenario import Scenario

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"
ASSETS_DIR = HERE / "assets"


def create_app(
    scenario: str | Path | Scenario | None = None,
    replications: int = api.DEFAULT_REPLICATIONS,
    seed: int = api.DEFAULT_SEED,
    result: RunResult | None = None,
) -> Dash:
    """A Dash app showing `scenario` simulated `replications` times (or an existing `result`)."""
    if result is None:
        result = api.run(scenario, replications=replications, seed=seed)
    data = DashboardData.from_result(result)
    app = Dash(
        "dashboard",  # the package: pages are then imported as dashboard.pages.<name>
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        title=f"ccsim · {data.scenario_name}",
    )
    attach(app.server, data)
    app.layout = shell(data)
    _register_page_callbacks(app)
    return app


def create_server(
    scenario: str | Path | Scenario | None = None,
    replications: int = api.DEFAULT_REPLICATIONS,
    seed: int = api.DEFAULT_SEED,
) -> flask.Flask:
    """The WSGI server of a new app, for `gunicorn "dashboard.app:create_server()"`."""
    return create_app(scenario, replications=replications, seed=seed).server


def _register_page_callbacks(app: Dash) -> None:
    """Let each page module register its callbacks on this app (not on Dash's global list)."""
    for page in dash.page_registry.values():
        register = getattr(sys.modules[page["module"]], "register_callbacks", None)
        if register is not None:
            register(app)
