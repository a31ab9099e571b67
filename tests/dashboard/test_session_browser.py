"""Session context and upload feedback in headless Chromium (port offset 10); `pytest --headless`.

Set CCSIM_SCREENSHOT_DIR=/some/folder to save screenshots of the pages these tests change.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from helpers import browser_port
from test_pages_browser import DONE_JS, screenshot, visit

from dashboard.app import create_app
from sim.results import RunResult

pytestmark = pytest.mark.browser

SCENARIOS = Path(__file__).parents[2] / "scenarios"
# a real 1x1 PNG image
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def served(dash_duo, small_result: RunResult, tmp_path: Path):
    """A started app on the small run, with its own run store."""
    dash_duo.start_server(
        create_app(result=small_result, store=tmp_path / "runs"), port=browser_port(10)
    )
    return dash_duo


def upload(duo, path: Path, message: str) -> str:
    """Upload `path` on the Scenario page; the text of the error box once it says `message`."""
    duo.find_element("#scn-upload input[type=file]").send_keys(str(path))
    duo.wait_for_contains_text("#scn-upload-error", message, timeout=10)
    return duo.find_element("#scn-error-message").text


def test_bad_uploads_say_why_and_what_stays_loaded(served, tmp_path: Path) -> None:
    """A PNG, a CSV and a 3.4 MB file each get a message; the loaded scenario stays and is named."""
    visit(served, "/scenario", "#scn-valid")
    served.find_element("#scn-load").click()  # the bundled default, as a session base
    served.wait_for_contains_text("#scn-loaded", "default (bundled)")
    (tmp_path / "logo.png").write_bytes(PNG)
    (tmp_path / "calls.csv").write_text("date,calls\n2024-01-01,120\n")
    big = (SCENARIOS / "default.yaml").read_text()
    (tmp_path / "big.yaml").write_text(big + "#" * (int(3.4 * 1024**2) - len(big)) + "\n")
    expected = {
        "logo.png": "wrong file type (a .png file)",
        "calls.csv": "wrong file type (a .csv file)",
        "big.yaml": "3.4 MB is too big; scenario files are limited to 1 MB",
    }
    for name, message in expected.items():
        text = upload(served, tmp_path / name, message)
        assert "Still using: default (bundled)" in text, text
        assert "Traceback" not in text
    upload(served, tmp_path / "logo.png", "a .png file")
    screenshot(served, "scenario-upload-error")
    assert served.find_element("#scn-loaded").text == "default (bundled)"
    assert served.get_logs() == []


def test_header_and_footer_follow_the_session(served) -> None:
    """After loading a scenario and running it, the header and footer name that scenario and run."""
    visit(served, "/scenario", "#scn-valid")
    served.wait_for_contains_text("#session-context-scenario", "(served scenario)")
    served.select_dcc_dropdown("#scn-bundled", value="teaching_mmc")
    served.find_element("#scn-load").click()
    served.wait_for_text_to_equal("#session-context-scenario", "scenario: teaching_mmc (bundled)")
    assert "(served run)" in served.find_element("#session-context-run").text
    assert "M/M/10" in served.find_element("#session-context-description").text
    visit(served, "/run", "#run-start")
    served.wait_for_contains_text("#run-scenario", "teaching_mmc")
    served.clear_input("#run-replications")
    served.find_element("#run-replications").send_keys("2")
    served.find_element("#run-start").click()
    served.wait_for_element("#run-done", timeout=60)
    assert served.driver.execute_script(DONE_JS)
    served.wait_for_contains_text("#session-context-run", "teaching_mmc", timeout=10)
    served.wait_for_contains_text("#provenance", "Showing run: teaching_mmc")
    assert "2 replications" in served.find_element("#provenance").text
    visit(served, "/results", "#res-info")
    assert "teaching_mmc" in served.find_element("#session-context-scenario").text
    served.wait_for_contains_text("#session-context-run", "teaching_mmc")
    screenshot(served, "results-session-context")
    assert served.get_logs() == []
