"""The overview page in headless Chromium (dash[testing]); run with `pytest --headless`.

Set CCSIM_SCREENSHOT=/path/to/file.png to save a full-page screenshot for a visual check.
"""

from __future__ import annotations

import os
import re

import pytest
from helpers import browser_port
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from sim.results import RunResult

pytestmark = pytest.mark.browser

CARDS = (
    "sl-voice", "sl-chat", "sl-email", "abandon_rate", "occupancy",
    "fcr", "bot_containment", "cost_per_contact", "cost_per_resolved_issue",
)  # fmt: skip
GRAPHS = ("overview-offered-handled", "overview-service-level", "overview-occupancy")
FIRST_X = """
const plot = document.querySelector('#overview-occupancy .js-plotly-plot');
const line = plot && plot.data && plot.data.find(t => t.name === arguments[0]);
return line ? String(line.x[0]) : null;
"""
X_TITLES = """
return Array.from(document.querySelectorAll('#overview-occupancy .g-xtitle, '
    + '#overview-occupancy [class^="g-x"][class$="title"]')).map(e => e.textContent);
"""


def test_overview_page_loads_and_toggles_local_time(dash_duo, small_result: RunResult) -> None:
    """Cards show numbers (a dash where undefined), SL per channel against its target with ASA in
    its unit, charts draw, the clock toggle moves Manila's axis, the console is clean."""
    dash_duo.start_server(create_app(result=small_result), port=browser_port(0))

    for metric in CARDS:
        value = dash_duo.wait_for_element(f"#kpi-{metric} .kpi-value").text
        assert re.search(r"\d", value), (metric, value)
        assert "95% CI" in dash_duo.find_element(f"#kpi-{metric} .kpi-ci").text
    for channel, unit in (("voice", " s"), ("chat", " s"), ("email", " h")):  # no blended SL/ASA
        card = dash_duo.find_element(f"#kpi-sl-{channel}")
        assert {"kpi-met", "kpi-at-risk", "kpi-missed"} & set(card.get_attribute("class").split())
        assert "target" in card.find_element(By.CSS_SELECTOR, ".kpi-target").text
        assert card.find_element(By.CSS_SELECTOR, ".kpi-asa").text.endswith(unit)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#kpi-asa_s")
    assert "per channel" in dash_duo.find_element("#kpi-aht_s .kpi-ci").text
    for graph in GRAPHS:
        dash_duo.wait_for_element(f"#{graph} .main-svg")
    dash_duo.wait_for_contains_text("#overview-occupancy .gtitle", "by site (UTC,", timeout=10)

    driver = dash_duo.driver
    utc_start = driver.execute_script(FIRST_X, "manila")
    assert utc_start.startswith("2026-09-14 00:00") or utc_start.startswith("2026-09-14T00:00")

    dash_duo.find_element("#overview-clock input[value='local']").click()
    dash_duo.wait_for_contains_text(
        "#overview-occupancy .gtitle", "by site (each site's local time,", timeout=10
    )
    local_start = driver.execute_script(FIRST_X, "manila")
    assert local_start.replace("T", " ").startswith("2026-09-14 08:00")  # Manila is UTC+8
    titles = " ".join(driver.execute_script(X_TITLES))
    assert "Asia/Manila local time" in titles

    if path := os.environ.get("CCSIM_SCREENSHOT"):
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1400, height + 100)
        driver.execute_script("window.scrollTo(0, 0)")
        dash_duo.wait_for_element("#overview-occupancy .main-svg")
        driver.save_screenshot(path)

    assert dash_duo.get_logs() == []
