"""The Staffing page's simulation method in headless Chromium: a background job with progress,
then both methods side by side with the reconciliation line. Run with `pytest --headless`.

Set CCSIM_SCREENSHOT_DIR=/some/folder to save full-page screenshots of the page before the job,
while it runs and after it (a visual check of the table, the line and the chart).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from helpers import browser_port
from staffing_scenario import staffing_dict

from dashboard.app import create_app
from dashboard.shared.state import app_state
from sim import api

pytestmark = pytest.mark.browser
PORT = browser_port(14)  # each browser test file has its own port
JOB_JS = "return sessionStorage.getItem('stf-sim-job')"
DONE_JS = "return document.querySelector('#stf-sim-done') !== null"
SHOWN_JS = (
    "const b = document.querySelector('#stf-sim-start'); return !!b && b.offsetParent !== null"
)


@pytest.fixture
def served(dash_duo, tmp_path: Path):
    """The app serving the one-day two-site staffing scenario (one replication at start-up)."""
    scenario = api.from_dict(staffing_dict(), "staffing_small")
    app = create_app(scenario, replications=1, store=tmp_path / "runs")
    dash_duo.start_server(app, port=PORT)
    dash_duo.state = app_state(app.server)
    return dash_duo


def screenshot(duo, name: str) -> None:
    """Full-page screenshot into $CCSIM_SCREENSHOT_DIR (no-op when unset)."""
    folder = os.environ.get("CCSIM_SCREENSHOT_DIR")
    if not folder:
        return
    driver = duo.driver
    time.sleep(0.5)  # let plotly finish its transitions
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, height + 120)
    time.sleep(0.3)
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(folder) / f"{name}.png"))
    driver.set_window_size(1400, 1000)


def wait_for(condition, timeout: float, what: str) -> float:
    """Poll `condition()` until true; the seconds it took (fails the test after `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_simulation_method_runs_in_the_background_and_reconciles(served) -> None:
    """Choose Simulation, click Run the moment the button shows: the progress bar moves, then
    the table holds both methods and the line reconciling them, as the job computed it."""
    duo = served
    duo.driver.get(duo.server_url + "/staffing")
    duo.wait_for_element("#stf-table-body", timeout=30)
    screenshot(duo, "staffing-erlang")
    assert "Required (simulation)" not in duo.find_element("#stf-table-body").text
    duo.find_element("#stf-method input[value='simulation']").click()
    wait_for(lambda: duo.driver.execute_script(SHOWN_JS), 10, "the Run simulation button")
    duo.find_element("#stf-sim-start").click()
    seen = set()

    def progressed() -> bool:
        """Some candidates done, the job still running (Run disabled, no 'Finished' yet)."""
        text = duo.find_element("#stf-sim-progress-text").text
        seen.add(text)
        running = duo.driver.execute_script(DONE_JS) is False
        value = float(duo.find_element("#stf-sim-progress").get_attribute("value") or 0)
        disabled = duo.find_element("#stf-sim-start").get_attribute("disabled")
        return running and value > 0 and bool(disabled) and "candidate staffings done" in text

    wait_for(progressed, 180, "progress of the simulation job")
    screenshot(duo, "staffing-simulation-running")
    duo.wait_for_element("#stf-sim-done", timeout=180)
    duo.wait_for_element("#stf-reconcile-line", timeout=30)
    job = json.loads(duo.driver.execute_script(JOB_JS))["id"]
    entry = duo.state.jobs.status(job).value
    line = duo.find_element("#stf-reconcile-line").text
    assert line == f"Why the methods differ: {entry['line']}"
    assert "scheduled agent-hours" in line and "abandonment (Erlang A vs C" in line
    table = duo.find_element("#stf-table-body").text
    assert "Required (Erlang)" in table and "Required (simulation)" in table
    assert "Shortfall vs simulation" in table
    assert not duo.find_element("#stf-sim-start").get_attribute("disabled")
    screenshot(duo, "staffing-simulation-done")
    print(f"progress states seen: {sorted(seen)}; job wall time {entry['wall_time_s']:.1f} s")
    assert duo.get_logs() == []
