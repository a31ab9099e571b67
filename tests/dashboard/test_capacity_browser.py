"""The capacity plan page in a browser: the bundled plan, Re-optimise, Simulate week."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import browser_port

from dashboard.app import create_app

pytestmark = pytest.mark.browser
PORT = browser_port(11)  # each browser test file has its own port
SUMMARY = "#cap-summary"
SCREENSHOT = os.environ.get("CCSIM_CAPACITY_SCREENSHOT")  # a PNG path to look at the page
SHOTS = os.environ.get("CCSIM_SCREENSHOT_DIR")  # a folder for the Simulate week screenshots


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition()` until true; fail the test after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_re_optimise_on_an_edit_updates_the_plan(dash_duo, small_result, tmp_path: Path) -> None:
    """Open the page, click Re-optimise at once, then with smaller classes: the summary changes."""
    dash_duo.start_server(create_app(result=small_result, store=tmp_path / "runs"), port=PORT)
    dash_duo.driver.get(dash_duo.server_url + "/capacity")
    dash_duo.wait_for_element("#cap-start", timeout=30).click()
    dash_duo.wait_for_contains_text(SUMMARY, "Re-optimised plan", timeout=120)
    first = dash_duo.find_element(SUMMARY).text
    assert dash_duo.find_element("#cap-table-body").text.count("2026-") >= 20
    assert dash_duo.find_element("#cap-graph .main-svg") is not None
    dash_duo.select_dcc_dropdown("#cap-site", "manila")
    box = dash_duo.find_element("#cap-max-class")
    wait_until(lambda: box.get_attribute("value") == "30", 10, "Manila's max class")  # Manila's own
    dash_duo.clear_input("#cap-max-class")
    dash_duo.find_element("#cap-max-class").send_keys("10")
    dash_duo.find_element("#cap-start").click()
    wait_until(lambda: dash_duo.find_element(SUMMARY).text != first, 120, "a new summary")
    assert dash_duo.find_element(SUMMARY).text.startswith("Re-optimised plan")
    if SCREENSHOT:
        dash_duo.driver.save_screenshot(SCREENSHOT)
    assert dash_duo.get_logs() == []


def shot(dash_duo, name: str) -> None:
    """Save a full-height screenshot of the page when CCSIM_SCREENSHOT_DIR is set."""
    if not SHOTS:
        return
    height = dash_duo.driver.execute_script("return document.body.scrollHeight")
    dash_duo.driver.set_window_size(1400, max(1000, int(height) + 120))
    dash_duo.driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def open_page(dash_duo, tmp_path: Path, small_result) -> None:
    """Serve the app and open the capacity page."""
    dash_duo.start_server(create_app(result=small_result, store=tmp_path / "runs"), port=PORT)
    dash_duo.driver.get(dash_duo.server_url + "/capacity")


def test_simulate_week_shows_progress_then_plan_vs_simulation(
    dash_duo, small_result, tmp_path: Path
) -> None:
    """Click Simulate week at once: progress shows, then the peak week's table with 95% CIs."""
    open_page(dash_duo, tmp_path, small_result)
    dash_duo.wait_for_element("#cap-sim-start", timeout=30).click()
    dash_duo.wait_for_contains_text("#cap-sim-progress-text", "replications done", timeout=240)
    assert dash_duo.find_element("#cap-sim-result").text.startswith("Choose a week")
    assert int(dash_duo.find_element("#cap-sim-progress").get_attribute("value")) >= 1
    shot(dash_duo, "capacity_sim_progress")
    dash_duo.wait_for_element("#capsim-done", timeout=300)
    table = dash_duo.find_element("#cap-sim-table").text
    for metric in ("SL voice", "ASA voice", "aband. voice", "FCR", "labour (USD)"):
        assert metric in table
    ci_cells = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#cap-sim-table tbody tr')]"
        ".map(r => r.children[3].textContent)"
    )
    assert len(ci_cells) >= 5 and all("–" in c for c in ci_cells)  # low–high on every row
    heading = dash_duo.find_element("#cap-sim-result h3").text
    assert heading.startswith("Week 17 (from 2026-11-23) of the Bundled plan: 3 replications")
    assert "payroll basis (not simulated)" in dash_duo.find_element("#cap-sim-payroll").text
    assert "3 of 3 replications done" in dash_duo.find_element("#cap-sim-progress-text").text
    shot(dash_duo, "capacity_sim_result")
    assert dash_duo.get_logs() == []


def test_a_second_click_while_a_week_runs_is_refused_with_a_message(
    dash_duo, small_result, tmp_path: Path
) -> None:
    """A second Simulate week while one runs says why it did not start; Cancel stops the first."""
    open_page(dash_duo, tmp_path, small_result)
    dash_duo.wait_for_element("#cap-sim-start", timeout=30).click()
    dash_duo.wait_for_element("#capsim-starting", timeout=30)
    dash_duo.find_element("#cap-sim-start").click()
    dash_duo.wait_for_contains_text(
        "#capsim-error", "already has a week simulation going: wait or cancel it", timeout=30
    )
    shot(dash_duo, "capacity_sim_refused")
    wait_until(lambda: dash_duo.find_element("#cap-sim-cancel").is_enabled(), 30, "Cancel")
    dash_duo.find_element("#cap-sim-cancel").click()
    dash_duo.wait_for_contains_text("#capsim-cancelled", "Cancelled.", timeout=30)
    assert dash_duo.find_element("#cap-sim-start").is_enabled()
    assert dash_duo.get_logs() == []
