"""Dashboard fixtures: one small run shared by all tests, and Chromium options for dash_duo.

Browser tests (marked `browser`) need `chromedriver` on PATH (`bash scripts/setup-browser.sh`)
and run headless with `pytest --headless`; without chromedriver they are skipped.
"""

from __future__ import annotations

import os
import shutil

import pytest
from dash import Dash

from dashboard.app import create_app
from dashboard.shared.state import AppState, app_state
from sim import api
from sim.results import RunResult

BROWSER_SKIP_REASON = (
    "chromedriver not found on PATH: run `bash scripts/setup-browser.sh` "
    "(installs Debian's chromium and chromium-driver), then `pytest --headless`"
)


def pytest_setup_options():
    """Chrome options dash[testing] uses: needed to run Chromium as root in a container."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    chromium = shutil.which("chromium")
    if chromium:
        options.binary_location = chromium
    return options


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests, with the reason, when chromedriver or a display is missing."""
    if not shutil.which("chromedriver"):
        reason = BROWSER_SKIP_REASON
    elif not config.getoption("headless", False) and not os.environ.get("DISPLAY"):
        reason = "no display: run the browser tests with `pytest --headless`"
    else:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def small_result() -> RunResult:
    """The default scenario with two replications (about a second; shared, read-only)."""
    return api.run(replications=2)


@pytest.fixture(scope="module")
def app(small_result: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Dash:
    """The dashboard on a shared small result, with a fresh run store per test module."""
    return create_app(result=small_result, store=tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def state(app: Dash) -> AppState:
    """The server-side state of that app (callbacks called as plain functions use it)."""
    return app_state(app.server)
