"""Every page in headless Chromium (dash[testing]); run with `pytest --headless`.

Set CCSIM_SCREENSHOT_DIR=/some/folder to save a full-page screenshot of each page for a visual
check (titles, axis labels with units, legends).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import browser_port
from selenium.webdriver.common.keys import Keys

from dashboard.app import create_app
from sim.results import RunResult

pytestmark = pytest.mark.browser

# page path -> an element that exists once the page has drawn
PAGES = {
    "/": "#overview-occupancy .main-svg",
    "/scenario": "#scn-valid",
    "/run": "#run-kpi-service_level .kpi-value",
    "/results": "#res-heat-sl .main-svg",
    "/staffing": "#stf-graph .bars",
    "/compare": "#cmp-sweep-graph .main-svg",
    "/lab": "#lab-variability .main-svg",
    "/runs": "#runs-empty",
    "/calibration": "#cal-graph .main-svg",
    "/capacity": "#cap-graph .main-svg",
    "/backtest": "#bt-intervals .main-svg",
}
DONE_JS = "return document.querySelector('#run-done') !== null"
PROGRESS_JS = "return document.querySelector('#run-progress-text').textContent"


@pytest.fixture
def served(dash_duo, small_result: RunResult, tmp_path: Path):
    """A started app on the small run, with its own run store."""
    dash_duo.start_server(
        create_app(result=small_result, store=tmp_path / "runs"), port=browser_port(1)
    )
    return dash_duo


def visit(duo, path: str, ready: str, timeout: float = 20) -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element(ready, timeout=timeout)


def screenshot(duo, name: str) -> None:
    """Full-page screenshot into $CCSIM_SCREENSHOT_DIR (no-op when unset)."""
    folder = os.environ.get("CCSIM_SCREENSHOT_DIR")
    if not folder:
        return
    driver = duo.driver
    time.sleep(1.0)  # let plotly finish its transitions
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, height + 120)
    time.sleep(0.5)
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(folder) / f"{name}.png"))
    driver.set_window_size(1400, 1000)


def figure(duo, graph: str, script: str):
    """Evaluate `script` on a graph's plotly element (bound as `plot`)."""
    return duo.driver.execute_script(f"const plot = document.querySelector('#{graph} "
                                     f".js-plotly-plot'); return {script};")  # fmt: skip


def test_every_page_loads_without_console_errors(served) -> None:
    """Each page draws its charts and the browser console stays clean."""
    for path, ready in PAGES.items():
        visit(served, path, ready)
        screenshot(served, path.strip("/") or "overview")
        assert served.get_logs() == [], path
    links = [a.text for a in served.find_elements("#nav a")]
    assert links == ["Overview", "Scenario", "Run", "Results", "Staffing", "Compare",
                     "Queueing lab", "Past runs", "Calibration", "Capacity plan",
                     "Back-test"]  # fmt: skip


def test_run_from_the_browser_shows_progress_and_kpis(served) -> None:
    """A run shows progress, finishes, and its KPIs and journeys appear on Run and Results."""
    visit(served, "/run", "#run-kpi-service_level")
    served.wait_for_contains_text("#run-scenario", "served scenario")
    served.clear_input("#run-replications")
    served.find_element("#run-replications").send_keys("4")
    served.find_element("#run-start").click()
    progress = set()
    deadline = time.time() + 60
    while time.time() < deadline and not served.driver.execute_script(DONE_JS):
        progress.add(served.driver.execute_script(PROGRESS_JS))  # no implicit waits here
        time.sleep(0.05)
    served.wait_for_element("#run-done", timeout=5)
    assert any("of 4 replications done" in p for p in progress), progress
    served.wait_for_contains_text("#run-current", "4 replications")
    for metric in ("service_level", "fcr", "cost_per_contact", "waiting_end"):
        value = served.find_element(f"#run-kpi-{metric} .kpi-value").text
        assert any(ch.isdigit() for ch in value), (metric, value)
        assert "95% CI" in served.find_element(f"#run-kpi-{metric} .kpi-ci").text
    served.find_element("#run-save").click()
    served.wait_for_contains_text("#run-save-status", "Saved as", timeout=20)
    visit(served, "/results", "#res-sankey .sankey")
    assert "4 reps" in served.find_element("#res-run").text
    served.wait_for_contains_text("#res-info", "4 replications")
    assert "First contacts" in served.find_element("#res-sankey").text
    screenshot(served, "results-after-run")
    visit(served, "/runs", "#runs-list")
    assert "default" in served.find_element("#runs-list").text
    assert served.get_logs() == []


def test_cancel_stops_a_run(served) -> None:
    """Cancel stops a long run: the page says so and Run is available again."""
    visit(served, "/run", "#run-kpi-service_level")
    served.wait_for_contains_text("#run-scenario", "served scenario")
    served.clear_input("#run-replications")
    served.find_element("#run-replications").send_keys("50")
    served.find_element("#run-start").click()
    served.wait_for_contains_text("#run-progress-text", "replications done", timeout=30)
    served.find_element("#run-cancel").click()
    served.wait_for_element("#run-cancelled", timeout=10)
    deadline = time.time() + 10
    while served.find_element("#run-start").get_attribute("disabled") and time.time() < deadline:
        time.sleep(0.1)
    assert not served.find_element("#run-start").get_attribute("disabled")
    assert not served.driver.execute_script(DONE_JS)


def test_invalid_upload_shows_the_error_on_the_page(served, tmp_path: Path) -> None:
    """An upload with a bad value names the field; a good one loads; no traceback anywhere."""
    visit(served, "/scenario", "#scn-valid")
    default = (Path(__file__).parents[2] / "scenarios" / "default.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(default.replace("headcount: 22", "headcount: -3"))
    served.find_element("#scn-upload input[type=file]").send_keys(str(bad))
    served.wait_for_element("#scn-error-message", timeout=10)
    message = served.find_element("#scn-error-message").text
    assert "bad.yaml: invalid scenario" in message
    assert "sites[0].groups[0].shifts[0].headcount" in message and "Traceback" not in message
    good = tmp_path / "teaching.yaml"
    good.write_text((Path(__file__).parents[2] / "scenarios" / "teaching_mmc.yaml").read_text())
    served.find_element("#scn-upload input[type=file]").send_keys(str(good))
    served.wait_for_contains_text("#scn-loaded", "teaching_mmc (uploaded teaching.yaml)")
    assert not served.driver.execute_script("return document.querySelector('#scn-error-message')")
    assert served.get_logs() == []


def test_form_field_shows_its_validation_message(served) -> None:
    """A negative volume is flagged beside its field and blocks the run until fixed."""
    visit(served, "/scenario", "#scn-valid")
    box = served.find_element("input[name='demand[0].volume_per_day']")
    served.clear_input(box)
    box.send_keys("-5", Keys.TAB)
    served.wait_for_element("#scn-invalid", timeout=10)
    field = "//input[@name='demand[0].volume_per_day']/ancestor::div[@class='field']"
    message = served.driver.find_element("xpath", field + "//div[@class='field-msg']").text
    assert "must be at least 0; you entered -5" in message
    visit(served, "/run", "#run-scenario .error-text")
    assert "fix the fields" in served.find_element("#run-scenario").text


def test_lab_sliders_update_the_charts(served) -> None:
    """Moving the agents slider moves the marker and redraws the charts; Simulate fills the
    formula-vs-simulation table; below the load the page says Erlang C is unstable."""
    visit(served, "/lab", "#lab-variability .main-svg")
    served.wait_for_contains_text("#lab-variability .gtitle", "with 10 agents")
    assert figure(served, "lab-erlang", "plot.layout.shapes[0].x0") == 10
    thumb = served.find_element("#lab-agents [role=slider]")
    thumb.click()
    thumb.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    served.wait_for_contains_text("#lab-variability .gtitle", "with 12 agents", timeout=10)
    assert figure(served, "lab-erlang", "plot.layout.shapes[0].x0") == 12
    served.find_element("#lab-sim").click()
    served.wait_for_contains_text("#lab-status", "Simulated points", timeout=60)
    names = figure(served, "lab-erlang", "plot.data.map(t => t.name)")
    assert any(n and n.startswith("Simulated") for n in names)
    assert any(n and n.startswith("Erlang C") for n in names)
    assert any(n and n.startswith("Erlang A") for n in names)
    served.wait_for_contains_text("#lab-table-body", "Formula inside CI", timeout=10)
    screenshot(served, "lab_simulated")
    thumb.send_keys(*[Keys.ARROW_LEFT] * 5)  # 7 agents < 8 Erlangs: Erlang C is unstable
    served.wait_for_contains_text("#lab-unstable", "Unstable: 7 agents", timeout=10)
    screenshot(served, "lab_unstable")
    assert served.get_logs() == []


def test_time_zone_toggle_changes_the_heatmap_axis(served) -> None:
    """The local-time toggle relabels the heatmaps' hour axis and moves Manila's hours by 8."""
    visit(served, "/results", "#res-heat-occupancy .main-svg")
    served.wait_for_contains_text("#res-heat-occupancy .xtitle", "Hour of day (UTC)")
    utc = figure(served, "res-heat-occupancy", "plot.data[0].text")  # cell labels, in %
    served.find_element("#res-clock input[value='local']").click()
    served.wait_for_contains_text(
        "#res-heat-occupancy .xtitle", "Hour of day, each site's local time", timeout=10
    )
    served.wait_for_contains_text("#res-heat-sl .xtitle", "each site's local time", timeout=10)
    local = figure(served, "res-heat-occupancy", "plot.data[0].text")
    manila = figure(served, "res-heat-occupancy", "plot.data[0].y.findIndex(y => "
                    "y.startsWith('manila'))")  # fmt: skip
    assert local[manila][8] == utc[manila][0]  # 00:00 UTC is 08:00 in Manila
    assert served.get_logs() == []


def test_two_sessions_do_not_share_their_runs(served) -> None:
    """A run made in one browser tab never appears in another tab's session."""
    visit(served, "/run", "#run-kpi-service_level")
    served.wait_for_contains_text("#run-scenario", "served scenario")
    served.clear_input("#run-replications")
    served.find_element("#run-replications").send_keys("2")
    served.find_element("#run-start").click()
    served.wait_for_element("#run-done", timeout=60)
    served.driver.switch_to.new_window("tab")
    visit(served, "/results", "#res-heat-sl .main-svg")
    served.wait_for_contains_text("#res-run", "served run")
    # the other tab's run is labelled "... (served scenario)"; this tab still reads the served run
    served.wait_for_text_to_equal("#session-context-run", "run: default (served run)")
    for where in ("#res-run", "#provenance", "#session-context-run"):
        assert "served scenario" not in served.find_element(where).text, where
    visit(served, "/run", "#run-kpi-service_level")
    served.wait_for_contains_text("#run-current", "served run")
