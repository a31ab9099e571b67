"""The issue's three user paths end to end in headless Chromium (port offset 16); `--headless`.

A planner runs the bundled peak season and reads Results and Staffing; a decision-maker compares
offshore with nearshore; a student drives the lab into an unstable queue. Each button is clicked
as soon as it is on the page, as a new user would. Set CCSIM_SCREENSHOT_DIR=/some/folder to keep
a full-page screenshot of every step.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import browser_port
from selenium.webdriver.common.keys import Keys
from test_pages_browser import figure, screenshot, visit

from dashboard.app import create_app
from sim.results import RunResult

pytestmark = pytest.mark.browser

# the whole value shows in its box (number boxes lose room to their -/+ steppers)
FITS_JS = "const e = document.querySelector(arguments[0]); return e.scrollWidth <= e.clientWidth"


@pytest.fixture
def served(dash_duo, small_result: RunResult, tmp_path: Path):
    """A started app on the small run (the default scenario), with its own run store."""
    dash_duo.start_server(
        create_app(result=small_result, store=tmp_path / "runs"), port=browser_port(16)
    )
    return dash_duo


def clean_console(duo, where: str) -> None:
    """The browser console has no error since the last check."""
    assert duo.get_logs() == [], where


def test_planner_runs_peak_season_and_reads_results_and_staffing(served) -> None:
    """The bundled peak season loads, runs (one replication) with its name on the Run page, and
    Results (per interval, per site) and Staffing show that scenario, with no console error."""
    visit(served, "/scenario", "#scn-valid")
    served.select_dcc_dropdown("#scn-bundled", value="peak_season")
    served.find_element("#scn-load").click()
    served.wait_for_contains_text("#scn-loaded", "peak_season", timeout=20)
    screenshot(served, "planner-1-scenario-peak")
    clean_console(served, "scenario")

    visit(served, "/run", "#run-start")
    served.wait_for_contains_text("#run-scenario", "peak_season", timeout=20)
    assert served.driver.execute_script(FITS_JS, "#run-seed"), "the seed is cut off in its box"
    served.clear_input("#run-replications")
    served.find_element("#run-replications").send_keys("1")
    served.find_element("#run-start").click()
    served.wait_for_element("#run-done", timeout=150)
    served.wait_for_contains_text("#run-current", "peak_season", timeout=10)
    screenshot(served, "planner-2-run-done")
    clean_console(served, "run")

    visit(served, "/results", "#res-heat-sl .main-svg", timeout=60)
    served.wait_for_contains_text("#res-info", "peak_season", timeout=30)
    served.wait_for_element("#res-intraday .main-svg", timeout=30)
    screenshot(served, "planner-3-results-utc")
    served.find_element("#res-clock input[value='local']").click()
    served.wait_for_contains_text("#res-heat-sl .xtitle", "local time", timeout=20)
    screenshot(served, "planner-4-results-local")
    clean_console(served, "results")

    visit(served, "/staffing", "#stf-graph .bars", timeout=60)
    served.wait_for_contains_text("#stf-scenario", "peak_season", timeout=30)
    screenshot(served, "planner-5-staffing")
    clean_console(served, "staffing")


def test_decision_maker_compares_offshore_with_nearshore(served) -> None:
    """Offshore vs nearshore with two replications: a verdict sentence, a table whose money
    figures carry the currency, and the decision summary (three boxes and the coverage chart)."""
    visit(served, "/compare", "#cmp-start")
    served.select_dcc_dropdown("#cmp-a", value="Bundled: offshore")
    served.select_dcc_dropdown("#cmp-b", value="Bundled: nearshore")
    served.clear_input("#cmp-reps")
    served.find_element("#cmp-reps").send_keys("2")
    served.find_element("#cmp-start").click()
    served.wait_for_element("#cmp-verdict-text", timeout=170)
    verdict = served.find_element("#cmp-verdict-text").text
    assert "nearshore" in verdict and "offshore" in verdict, verdict
    served.wait_for_element("#cmp-summary-card #cmp-coverage-graph .main-svg", timeout=20)
    boxes = served.find_elements("#cmp-summary-boxes .summary-box")
    assert [b.find_element("css selector", "h4").text for b in boxes] == [
        "Cost",
        "Quality",
        "Service",
    ]
    assert "USD" in boxes[0].text, boxes[0].text
    rows = served.find_element("#cmp-table-body").text
    assert "Total cost" in rows and "USD" in rows
    assert figure(served, "cmp-coverage-graph", "plot.data.length") >= 2
    screenshot(served, "decision-1-compare")
    clean_console(served, "compare")


def test_student_sees_erlang_c_beside_a_and_an_unstable_queue(served) -> None:
    """The lab draws Erlang C and Erlang A together with an abandonment panel; agents at or
    below the offered load shows the unstable state instead of an empty chart."""
    visit(served, "/lab", "#lab-erlang .main-svg")
    served.wait_for_contains_text("#lab-variability .gtitle", "with 10 agents", timeout=20)
    patience = served.find_element("#lab-patience [role=slider]")
    patience.click()
    patience.send_keys(*[Keys.ARROW_RIGHT] * 4)  # mean patience 2 minutes: Erlang A proper
    served.wait_for_contains_text("#lab-status", "Erlang A", timeout=10)
    names = figure(served, "lab-erlang", "plot.data.map(t => t.name || '')")
    assert any(n.startswith("Erlang C") for n in names), names
    assert any(n.startswith("Erlang A") for n in names), names
    assert figure(served, "lab-erlang", "plot.layout.yaxis3.title.text") == "P(abandon)"
    assert figure(served, "lab-erlang", "plot.data.filter(t => t.yaxis === 'y3').length") >= 1
    screenshot(served, "student-1-lab-erlang-a")
    agents = served.find_element("#lab-agents [role=slider]")
    agents.click()
    agents.send_keys(*[Keys.ARROW_LEFT] * 2)  # 8 agents = 8 Erlangs offered: unstable
    served.wait_for_contains_text("#lab-unstable", "Unstable: 8 agents", timeout=10)
    screenshot(served, "student-2-lab-unstable")
    clean_console(served, "lab")
