"""The Results page's interval and site views as plain functions: controls, charts, heatmap, CSV."""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pytest
from dash.exceptions import PreventUpdate

from dashboard.pages.results import site_figures as sf
from dashboard.pages.results import site_views as sv
from dashboard.shared.state import STARTUP_TOKEN, AppState
from sim.results import NO_SITE, RunResult


def test_controls_list_the_scenario_channels_and_default_to_the_busiest_day(
    state: AppState, small_result: RunResult
) -> None:
    """Voice comes first (scenario order) and the default day is the one with most contacts."""
    channels, channel, days, day = sv.site_controls(STARTUP_TOKEN, state)
    assert channel == "voice" and [c["value"] for c in channels][0] == "voice"
    table = small_result.site_interval_table()
    offered = table.groupby("reporting_date")["offered"].sum()
    assert day == offered.idxmax() and day in {d["value"] for d in days}
    with pytest.raises(PreventUpdate):
        sv.site_controls("nope", state)


def test_views_draw_one_chart_per_site_with_the_channel_target(
    state: AppState, small_result: RunResult
) -> None:
    """Each site serving voice gets a chart on its own clock with the 80% target line."""
    _, _, _, day = sv.site_controls(STARTUP_TOKEN, state)
    charts, heat, note = sv.site_views(STARTUP_TOKEN, "voice", day, "site", "service_level", state)
    table = small_result.site_interval_table()
    serving = set(table.loc[table["channel"] == "voice", "site"]) - {NO_SITE}
    assert {c.id for c in charts} == {f"res-site-chart-{s}" for s in serving}
    target = small_result.model.scenario.channels.voice.sl_target
    model = small_result.model
    zone = dict(zip(model.site_names, model.site_timezones, strict=True))
    for chart in charts:
        layout = chart.figure["layout"]
        assert any(s["y0"] == target == s["y1"] and s["yref"] == "y" for s in layout["shapes"])
        assert f"{zone[chart.id.removeprefix('res-site-chart-')]} local time" in str(
            layout["xaxis3"]["title"]["text"]
        )
        assert {t["yaxis"] for t in chart.figure["data"]} == {"y", "y2", "y3", "y4"}
    assert f"fewer than {sf.MIN_CONTACTS:g} voice contacts" in note
    assert "grey: fewer than" in heat.layout.title.text


def test_heatmap_greys_cells_with_too_few_contacts_and_hovers_show_counts() -> None:
    """A cell under MIN_CONTACTS offered is grey (no colour value); hovers carry the counts."""
    start = pd.Timestamp("2026-01-05 09:00")
    rows = pd.DataFrame({
        "site": ["a", "a", "b", "b"],
        "interval_start_site": [start, start + pd.Timedelta("30min")] * 2,
        "service_level": [0.9, 0.5, 0.7, 0.2],
        "offered": [sf.MIN_CONTACTS, sf.MIN_CONTACTS - 0.5, 40.0, 2.0],
        "answered": [9.0, 8.0, 38.0, 2.0],
    })  # fmt: skip
    fig = sf.interval_heatmap(
        rows, "service_level", "voice", "2026-01-05", {"a": "UTC", "b": "UTC"}
    )
    grey, colour = np.array(fig.data[0].z, dtype=float), np.array(fig.data[1].z, dtype=float)
    np.testing.assert_array_equal(grey == 1.0, [[False, True], [False, True]])
    assert np.isnan(colour[:, 1]).all() and colour[0, 0] == pytest.approx(0.9)
    assert fig.data[1].customdata[1][0][:2] == [40.0, 38.0]
    assert "contacts offered" in fig.data[1].hovertemplate
    assert f"fewer than {sf.MIN_CONTACTS:g}" in fig.data[0].hovertemplate


def test_interval_download_holds_every_interval_row_with_site_clocks(
    state: AppState, small_result: RunResult
) -> None:
    """The interval CSV has every (dimension, key, interval) row; site rows carry the site clock."""
    res = sys.modules["dashboard.pages.results.page"]  # importable once an app exists
    out = res.download(1, None, STARTUP_TOKEN, "csv", state, table="intervals")
    assert out["filename"] == "default-intervals.csv"
    table = pd.read_csv(
        io.StringIO(out["content"]), parse_dates=["interval_start_site"], low_memory=False
    )
    assert len(table) == len(small_result.interval_table())
    sites = table[table["dimension"].isin(["site", "site_channel"])]
    assert sites["site_timezone"].notna().all() and table["site_timezone"].notna().sum() == len(
        sites
    )
    manila = sites[sites["site_timezone"] == "Asia/Manila"].iloc[0]
    utc = pd.Timestamp(manila["interval_start_utc"])
    assert manila["interval_start_site"] == utc.tz_convert("Asia/Manila").tz_localize(None)
    parquet = res.download(None, 1, STARTUP_TOKEN, "parquet", state, table="intervals")
    assert parquet["filename"] == "default-intervals.parquet" and parquet["base64"]


def test_site_chart_of_a_single_replication_draws_without_bands() -> None:
    """One replication has no CI columns for contact KPIs: the site chart draws one line per KPI
    and bands only where a CI exists (no error)."""
    from sim import api

    scenario = api.load(api.BUNDLED_DIR / "teaching_mmc.yaml", ["horizon.days=1"])[0]
    result = api.run(scenario, replications=1, seed=1)
    table = result.site_interval_table()
    rows = table[(table["site"] == "school") & (table["channel"] == "voice")]
    assert "service_level_ci95_low" not in rows
    fig = sf.site_figure(rows, "school", "voice", 0.8, 20.0, str(rows["reporting_date"].iloc[0]))
    lines = [t for t in fig["data"] if t["mode"] == "lines+markers"]
    bands = [t for t in fig["data"] if t.get("fill") == "toself"]
    assert len(lines) == len(sf.SITE_KPIS)
    assert len(bands) == sum(f"{m}_ci95_low" in rows for m in sf.SITE_KPIS) < len(sf.SITE_KPIS)
