"""The Back-test page in headless Chromium: upload feedback, a back-test of the bundled log with
progress, then the interval chart, the decomposition and the table (run with `--headless`).

Set CCSIM_SCREENSHOT_DIR=/some/folder to save full-page screenshots for a visual check.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import browser_port

from dashboard.app import create_app
from sim.results import RunResult

pytestmark = pytest.mark.browser
PORT = browser_port(15)  # each browser test file has its own port
DONE_JS = "return document.querySelector('#bt-done') !== null"
PROGRESS_JS = "return document.querySelector('#bt-progress-text').textContent"
START_TIMEOUT_S = 180  # the first job waits for a fresh worker interpreter on a loaded machine


@pytest.fixture
def served(dash_duo, small_result: RunResult, tmp_path: Path):
    """A started app on the small run, with its own run store."""
    dash_duo.start_server(create_app(result=small_result, store=tmp_path / "runs"), port=PORT)
    return dash_duo


def screenshot(duo, name: str) -> None:
    """Full-page screenshot into $CCSIM_SCREENSHOT_DIR (no-op when unset)."""
    folder = os.environ.get("CCSIM_SCREENSHOT_DIR")
    if not folder:
        return
    time.sleep(1.0)  # let plotly finish its transitions
    height = duo.driver.execute_script("return document.body.scrollHeight")
    duo.driver.set_window_size(1400, height + 120)
    time.sleep(0.5)
    Path(folder).mkdir(parents=True, exist_ok=True)
    duo.driver.save_screenshot(str(Path(folder) / f"{name}.png"))
    duo.driver.set_window_size(1400, 1000)


def wait_until(condition, timeout: float, what: str) -> None:
    """Poll `condition()` until true (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def trace_names(duo, graph: str) -> list[str]:
    """Names of the traces a graph draws now (empty before plotly has drawn it)."""
    return duo.driver.execute_script(
        f"const p = document.querySelector('#{graph} .js-plotly-plot');"
        "return p && p.data ? p.data.map(t => t.name) : [];"
    )


def count(duo, selector: str) -> int:
    return duo.driver.execute_script(f"return document.querySelectorAll('{selector}').length")


def test_refused_uploads_say_why(served, tmp_path: Path) -> None:
    """A YAML file is refused as the wrong type; a 2.5 MB log is refused naming size and limit."""
    served.driver.get(served.server_url + "/backtest")
    served.wait_for_element("#bt-upload input[type=file]", timeout=20)
    wrong = tmp_path / "plan.yaml"
    wrong.write_text("name: not a call log\n")
    served.find_element("#bt-upload input[type=file]").send_keys(str(wrong))
    served.wait_for_contains_text("#bt-upload-msg", "wrong file type", timeout=10)
    assert ".tsv, .csv or .txt" in served.find_element("#bt-upload-msg").text
    screenshot(served, "backtest-upload-refused")
    big = tmp_path / "calls.tsv"
    big.write_bytes(b"x" * (5 * 1024**2 // 2))
    served.find_element("#bt-upload input[type=file]").send_keys(str(big))
    served.wait_for_contains_text("#bt-upload-msg", "2.5 MB is too big", timeout=10)
    assert "limited to 2 MB" in served.find_element("#bt-upload-msg").text
    assert served.get_logs() == []


def test_backtest_of_the_bundled_log_shows_progress_chart_and_decomposition(served) -> None:
    """One day of the bank log against the calibrated plan: progress, then chart, bars, table;
    then a plan of another period fails with the message naming horizon.start."""
    served.driver.get(served.server_url + "/backtest")
    served.wait_for_element("#bt-start", timeout=20)
    served.wait_for_contains_text("#bt-plan", "calibrated", timeout=10)
    served.find_element("#bt-days").send_keys("1")
    served.clear_input("#bt-reps")
    served.find_element("#bt-reps").send_keys("4")
    served.find_element("#bt-start").click()
    progress = set()
    deadline = time.time() + START_TIMEOUT_S
    while time.time() < deadline and not served.driver.execute_script(DONE_JS):
        progress.add(served.driver.execute_script(PROGRESS_JS))  # no implicit waits here
        time.sleep(0.05)
    served.wait_for_element("#bt-done", timeout=5)
    assert progress - {""}, progress  # the job's progress was shown while it ran
    assert served.find_element("#bt-progress").get_attribute("value") == "4"
    assert "1 day, 4 replications" in served.find_element("#bt-done").text
    wanted = {"Simulated 95% prediction interval", "Actual outside the PI"}
    wait_until(lambda: wanted <= set(trace_names(served, "bt-intervals")), 20, "the chart")
    assert count(served, "#bt-intervals .subplot") >= 3  # offered, abandonment, ASA
    served.wait_for_contains_text("#bt-reading", "furthest from plan", timeout=20)
    bars = "#bt-decomp .bars .point"  # volume, handle time, staffing
    wait_until(lambda: count(served, bars) == 3, 20, "three decomposition bars")
    served.wait_for_element("#bt-table", timeout=20)
    assert count(served, "#bt-table tbody tr") > 1
    assert "Actual outside the 95% PI" in served.find_element("#bt-outside_share").text
    screenshot(served, "backtest-result")
    served.find_element("#bt-plan input[value=session]").click()  # the served scenario: 2026
    served.find_element("#bt-start").click()
    served.wait_for_contains_text("#bt-error", "horizon.start", timeout=START_TIMEOUT_S)
    assert served.find_element("#bt-reading").text  # the last result stays on the page
    assert served.get_logs() == []
