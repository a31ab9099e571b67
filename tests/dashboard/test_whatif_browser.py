"""The Scenario page's What-if section in headless Chromium (port offset 12); `pytest --headless`.

Set CCSIM_SCREENSHOT_DIR=/some/folder to keep screenshots of each step.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import browser_port
from test_pages_browser import screenshot, visit

from dashboard.app import create_app
from sim import api
from sim.results import RunResult

pytestmark = pytest.mark.browser

DONE_JS = "return document.querySelector('#whatif-diff-table') !== null"
PROGRESS_JS = "return document.querySelector('#whatif-progress-text').textContent"


@pytest.fixture
def served(dash_duo, small_result: RunResult, tmp_path: Path):
    """A started app on the small run (the default scenario), with its own run store."""
    dash_duo.start_server(
        create_app(result=small_result, store=tmp_path / "runs"), port=browser_port(12)
    )
    return dash_duo


def section_shot(duo, name: str) -> None:
    """A screenshot of the What-if section alone into $CCSIM_SCREENSHOT_DIR (no-op when unset)."""
    folder = os.environ.get("CCSIM_SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    height = duo.driver.execute_script("return document.body.scrollHeight")
    duo.driver.set_window_size(1400, height + 120)
    time.sleep(1.0)  # let plotly redraw at the new size
    duo.find_element("#whatif").screenshot(str(Path(folder) / f"{name}.png"))
    duo.driver.set_window_size(1400, 1000)


def open_whatif(duo) -> None:
    """The Scenario page with its What-if section opened (it is drawn on the first click, then
    stays open for the session: a reload shows it at once)."""
    visit(duo, "/scenario", "#whatif-open")
    assert not duo.find_elements("#whatif-shifts")  # closed until asked for
    duo.find_element("#whatif-open").click()
    duo.wait_for_element("#whatif-shifts", timeout=20)
    visit(duo, "/scenario", "#whatif-shifts")


def row_cells(duo, table: str, first: str) -> list[str]:
    """The cells of the row of `table` whose first cell reads `first`."""
    for row in duo.find_elements(f"{table} tbody tr"):
        cells = [td.text for td in row.find_elements("css selector", "td")]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in {table}")


def test_scale_one_site_save_a_version_and_weigh_it_against_the_baseline(
    served, small_result: RunResult
) -> None:
    """+10% on Manila changes only Manila's agents in the live summary, the version is kept, and
    baseline vs what-if runs in the background (progress) and shows the paired differences."""
    data = small_result.model.scenario.model_dump(mode="json")
    before = api.headcount_by_site(data)
    after = api.headcount_by_site(api.scale_headcount(data, 10, site="manila"))
    open_whatif(served)
    screenshot(served, "whatif-start")
    served.select_dcc_dropdown("#whatif-target", value="Site manila")
    served.find_element("#whatif-scale").click()
    served.wait_for_contains_text("#whatif-msg", "headcount +10% on site manila", timeout=10)
    served.wait_for_contains_text("#whatif-edit-log", "site manila")
    for site, n in before.items():
        d = after[site] - n
        change = "0" if d == 0 else f"{d:+d} ({d / n:+.1%})"
        assert row_cells(served, "#whatif-headcount", site)[1:4] == [
            f"{n:,}",
            f"{after[site]:,}",
            change,
        ]
    assert after["manila"] > before["manila"]
    served.find_element("#whatif-version-name").send_keys("manila +10%")
    served.find_element("#whatif-save").click()
    served.wait_for_contains_text("#whatif-msg", "Saved version 'manila +10%'", timeout=10)
    served.wait_for_contains_text("#whatif-versions-table", "manila +10%")
    served.select_dcc_dropdown("#whatif-side", value="Version: manila +10%")
    served.select_dcc_dropdown("#whatif-days", value="first 1 day")
    served.clear_input("#whatif-reps")
    served.find_element("#whatif-reps").send_keys("2")
    section_shot(served, "whatif-section-edited")
    served.find_element("#whatif-start").click()
    progress = set()
    deadline = time.time() + 180  # a fresh worker process may start slowly on a loaded machine
    while time.time() < deadline and not served.driver.execute_script(DONE_JS):
        progress.add(served.driver.execute_script(PROGRESS_JS))
        time.sleep(0.05)
    served.wait_for_element("#whatif-diff-table", timeout=5)
    assert any("runs of baseline and what-if done" in p for p in progress), progress
    head = served.find_element("#whatif-diff-table thead").text
    assert "baseline: default" in head and "version: manila +10%" in head
    sl = row_cells(served, "#whatif-diff-table", "Service level (voice)")
    assert "pt" in sl[3] and sl[5] in ("better", "worse", "neutral")
    assert "2 paired replications" in served.find_element("#whatif-result").text
    assert served.find_element("#whatif-verdict").text
    screenshot(served, "whatif-compared")
    section_shot(served, "whatif-section-compared")
    assert served.get_logs() == []


def test_one_peak_for_every_type_and_shift_lines_added_and_removed(served) -> None:
    """Set peak puts the dates beside every type's multiplier; a new shift line appears in the
    table and the summary, and its Remove button takes it away again."""
    open_whatif(served)
    served.find_element("#whatif-peak-start").send_keys("2026-09-16")
    served.find_element("#whatif-peak-end").send_keys("2026-09-17")
    served.clear_input("#whatif-peak-mult")
    served.find_element("#whatif-peak-mult").send_keys("1.8")
    served.find_element("#whatif-peak-set").click()
    served.wait_for_element("#whatif-peaks tbody tr", timeout=10)
    cells = row_cells(served, "#whatif-peaks", "2026-09-16 to 2026-09-17")
    assert cells[1:] == ["×1.8"] * 8  # the default scenario's eight contact types
    rows = len(served.find_elements("#whatif-shifts tbody tr"))
    served.select_dcc_dropdown("#whatif-shift-group", value="montreal/fr_team")
    served.find_element("#whatif-shift-add").click()
    served.wait_for_contains_text("#whatif-msg", "added to montreal/fr_team", timeout=10)
    assert len(served.find_elements("#whatif-shifts tbody tr")) == rows + 1
    served.wait_for_contains_text("#whatif-headcount", "+5")
    section_shot(served, "whatif-section-peak-shift")
    remove = served.find_elements("#whatif-shifts tbody tr")[-1].find_element(
        "css selector", "button"
    )
    remove.click()
    served.wait_for_contains_text("#whatif-msg", "shift line 6 of montreal/fr_team removed")
    assert len(served.find_elements("#whatif-shifts tbody tr")) == rows
    assert served.get_logs() == []
