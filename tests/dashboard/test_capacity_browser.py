"""The capacity plan page in a browser: it shows the bundled plan; Re-optimise recomputes it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import browser_port

from dashboard.app import create_app

pytestmark = pytest.mark.browser
PORT = browser_port(10)  # each browser test file has its own port
SUMMARY = "#cap-summary"
SCREENSHOT = os.environ.get("CCSIM_CAPACITY_SCREENSHOT")  # a PNG path to look at the page


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
