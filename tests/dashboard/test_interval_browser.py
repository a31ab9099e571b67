"""The Results page's interval and site views in headless Chromium; run with `pytest --headless`.

Set CCSIM_SCREENSHOT_DIR=/some/folder to save full-page screenshots of the views.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import browser_port
from test_pages_browser import figure, screenshot, visit

from dashboard.app import create_app
from sim import api
from sim.results import RunResult

pytestmark = pytest.mark.browser

PORT = browser_port(13)  # each browser test file has its own port
PEAK = Path(__file__).resolve().parents[2] / "scenarios" / "peak_season.yaml"
SITES = {"dallas": "America/Chicago", "bogota": "America/Bogota", "manila": "Asia/Manila"}


@pytest.fixture(scope="module")
def peak_result() -> RunResult:
    """Peak season, Monday's warm-up then Tuesday to Black Friday, two replications (~8 s)."""
    return api.run(PEAK, replications=2, seed=1, overrides=["horizon.days=5"])


def wait_for_file(path: Path, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and not (path.exists() and path.stat().st_size > 0):
        time.sleep(0.2)
    time.sleep(0.5)  # let Chromium finish writing
    assert path.exists(), f"{path.name} was not downloaded"


def test_pick_a_day_shows_each_site_with_its_target_and_csv_downloads(
    dash_duo, peak_result: RunResult, tmp_path: Path
) -> None:
    """A picked day redraws one chart per site on its own clock with the SL target line, the
    heatmap names its grey threshold, and the interval CSV downloads with every interval row."""
    dash_duo.start_server(create_app(result=peak_result, store=tmp_path / "runs"), port=PORT)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    dash_duo.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    visit(dash_duo, "/results", "#res-site-chart-manila .main-svg", timeout=30)
    dash_duo.wait_for_contains_text("#res-site-day", "Fri 27 Nov 2026 (busiest)")
    dash_duo.select_dcc_dropdown("#res-site-day", value="Wed 25 Nov 2026")
    for site, zone in SITES.items():
        chart = f"#res-site-chart-{site}"
        dash_duo.wait_for_contains_text(f"{chart} .gtitle", "Wed 25 Nov 2026", timeout=15)
        assert f"{zone} local time" in dash_duo.find_element(chart).text
        assert "target 80% within 20 s" in dash_duo.find_element(chart).text
        target = figure(dash_duo, chart[1:], "plot.layout.shapes.filter(s => s.y0 === 0.8 && "
                        "s.y1 === 0.8 && s.yref === 'y').length")  # fmt: skip
        assert target == 1, site
    # Wed 25 Nov 00:00 in Chicago (UTC-6) is 14:00 in Manila (UTC+8)
    first = figure(dash_duo, "res-site-chart-manila", "plot.data[1].x[0]")
    assert str(first).replace("T", " ").startswith("2026-11-25 14:00"), first
    dash_duo.wait_for_contains_text("#res-site-heat-note", "fewer than 10 voice contacts")
    grey = figure(dash_duo, "res-site-heat", "plot.data[0].z.flat().filter(v => v === 1).length")
    assert grey > 0  # night intervals at some site take fewer than 10 calls
    screenshot(dash_duo, "results-interval-site-views")

    dash_duo.find_element("#res-int-csv-btn").click()
    path = downloads / "peak_season-intervals.csv"
    wait_for_file(path)
    table = pd.read_csv(path, low_memory=False)
    expected = peak_result.interval_table()
    assert len(table) == len(expected)
    assert {"site_timezone", "interval_start_site", "service_level_ci95_low"} <= set(table)
    sites = table[table["dimension"] == "site_channel"]
    assert set(sites["site_timezone"]) == set(SITES.values())
    overall = expected.loc[expected["dimension"] == "overall", "offered"].sum()
    assert sites["offered"].sum() == pytest.approx(overall, rel=1e-9)
    assert dash_duo.get_logs() == []
