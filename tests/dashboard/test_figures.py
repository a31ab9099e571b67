"""Figure functions, formatting, KPI cards and the overview callbacks, without a browser."""

from __future__ import annotations

import json
import math
import sys
from types import ModuleType

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Dash
from dash.exceptions import PreventUpdate
from plotly.utils import PlotlyJSONEncoder

from dashboard.app import create_app
from dashboard.pages.overview import figures
from dashboard.shared.format import fmt_ci, fmt_duration, fmt_money, fmt_percent, fmt_threshold
from dashboard.shared.served import DashboardData, current_data
from sim.results import RunResult


@pytest.fixture(scope="module")
def data(small_result: RunResult) -> DashboardData:
    return DashboardData.from_result(small_result)


@pytest.fixture(scope="module")
def app(small_result: RunResult) -> Dash:
    return create_app(result=small_result)


@pytest.fixture(scope="module")
def overview(app: Dash) -> ModuleType:
    """The page module as the app loaded it (it can only be imported once an app exists)."""
    return sys.modules["dashboard.pages.overview.page"]


def n_intervals(data: DashboardData) -> int:
    return int((data.intervals["dimension"] == "overall").sum())


def trace(fig: go.Figure, name: str) -> go.Scatter:
    """The visible line trace called `name` (not its CI band)."""
    (match,) = [t for t in fig.data if t.name == name and t.showlegend is not False]
    return match


def all_figures(data: DashboardData) -> dict[str, go.Figure]:
    return {
        "offered_all": figures.offered_handled_figure(data.intervals),
        "offered_queue": figures.offered_handled_figure(data.intervals, "en_voice_us"),
        "service_level": figures.service_level_figure(data.intervals, data.queue_labels),
        "occupancy_utc": figures.occupancy_figure(data.intervals, data.site_timezones, "utc"),
        "occupancy_local": figures.occupancy_figure(data.intervals, data.site_timezones, "local"),
    }


def test_every_figure_has_title_axis_titles_and_legend(data: DashboardData) -> None:
    """Each chart has a title, a titled y axis per panel, a titled x axis, and a legend."""
    for name, fig in all_figures(data).items():
        layout = fig.layout
        assert layout.title.text, name
        xaxes = [layout[k] for k in layout if k.startswith("xaxis")]
        yaxes = [layout[k] for k in layout if k.startswith("yaxis")]
        assert any(ax.title.text for ax in xaxes), name
        assert all(ax.title.text for ax in yaxes), name
        assert sum(t.showlegend is not False for t in fig.data) >= 2, name


def test_axis_titles_state_units(data: DashboardData) -> None:
    """Axis titles carry units: contacts per interval, percent, and the time zone."""
    figs = all_figures(data)
    assert figs["offered_all"].layout.yaxis.title.text == "Contacts per 30-min interval"
    assert figs["offered_all"].layout.xaxis.title.text == "Interval start (UTC)"
    assert figs["service_level"].layout.yaxis.tickformat == ".0%"
    assert "(%)" in figs["occupancy_utc"].layout.yaxis.title.text
    local_titles = [figs["occupancy_local"].layout[f"xaxis{i}"].title.text for i in ("", "2")]
    assert "America/Mexico_City local time (UTC-06:00)" in local_titles[0]
    assert "Asia/Manila local time (UTC+08:00)" in local_titles[1]


def test_offered_vs_handled_overall_plots_interval_means(data: DashboardData) -> None:
    """The overall chart has a point per interval: the interval table's mean offered/handled."""
    fig = figures.offered_handled_figure(data.intervals)
    table = data.intervals[data.intervals["dimension"] == "overall"].sort_values("interval")
    for metric in ("offered", "handled"):
        line = trace(fig, metric.capitalize())
        assert len(line.y) == n_intervals(data)
        assert list(line.y) == pytest.approx(table[metric].fillna(0.0).tolist())


def test_interval_counts_add_up_to_run_totals(small_result: RunResult) -> None:
    """Offered and handled per interval, summed over the horizon, equal the run's totals."""
    table = small_result.interval_table()
    overall = table[table["dimension"] == "overall"]
    for metric in ("offered", "handled"):
        assert overall[metric].sum() == pytest.approx(small_result.kpi(metric)["mean"], rel=1e-9)


def test_offered_vs_handled_queue_fills_closed_intervals_with_zero(data: DashboardData) -> None:
    """A queue's chart spans the full horizon, with 0 where the queue had no contacts."""
    fig = figures.offered_handled_figure(data.intervals, "es_voice_es")
    offered = trace(fig, "Offered").y
    assert len(offered) == n_intervals(data)
    assert not any(math.isnan(v) for v in offered)
    assert min(offered) == 0.0 and max(offered) > 0
    assert "es_voice_es" in fig.layout.title.text


def test_offered_vs_handled_in_reporting_timezone_shifts_x(data: DashboardData) -> None:
    """Drawing in New York time moves every interval by New York's UTC offset (EDT, -4 h)."""
    utc = figures.offered_handled_figure(data.intervals, timezone="UTC")
    ny = figures.offered_handled_figure(data.intervals, timezone="America/New_York")
    shift = pd.to_datetime(trace(ny, "Offered").x) - pd.to_datetime(trace(utc, "Offered").x)
    assert set(shift) == {pd.Timedelta(hours=-4)}


@pytest.mark.parametrize("clock", ["utc", "local"])
def test_day_picker_keeps_that_day_in_each_charts_clock(data: DashboardData, clock: str) -> None:
    """Picking a day keeps its 48 half-hours, read in each chart's (or site's) own clock."""
    day = "2026-09-16"
    offered = figures.offered_handled_figure(data.intervals, timezone="America/New_York", day=day)
    occupancy = figures.occupancy_figure(data.intervals, data.site_timezones, clock, day)
    lines = [trace(offered, "Offered")] + [trace(occupancy, s) for s in data.site_timezones]
    for line in lines:
        x = pd.to_datetime(line.x)
        assert len(x) == 48
        assert set(x.strftime("%Y-%m-%d")) == {day}
    assert "Wed 16 Sep 2026" in occupancy.layout.title.text


def test_service_level_has_one_line_and_band_per_queue(data: DashboardData) -> None:
    """One line per queue labelled with its threshold, one CI band each, bands within [0, 1]."""
    fig = figures.service_level_figure(data.intervals, data.queue_labels)
    lines = [t for t in fig.data if t.showlegend is not False]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert [t.name for t in lines] == list(data.queue_labels.values())
    assert "en_voice_us (SL 20 s)" in [t.name for t in lines]
    assert len(bands) == len(lines)
    for band in bands:
        values = [y for y in band.y if y is not None]
        assert values and min(values) >= 0.0 and max(values) <= 1.0


def test_service_level_band_brackets_the_mean(data: DashboardData) -> None:
    """Where a CI exists, the shaded band contains the interval's mean service level."""
    series = figures.interval_series(data.intervals, "queue", "en_voice_us")
    ok = series["service_level_ci95_low"].notna()
    mean = series.loc[ok, "service_level"]
    assert (series.loc[ok, "service_level_ci95_low"] <= mean + 1e-12).all()
    assert (series.loc[ok, "service_level_ci95_high"] >= mean - 1e-12).all()


@pytest.mark.parametrize(("site", "offset_h"), [("mexico_city", -6), ("manila", 8)])
def test_occupancy_local_toggle_shifts_x_by_site_utc_offset(
    data: DashboardData, site: str, offset_h: int
) -> None:
    """The local-time toggle moves each site's x axis by that site's UTC offset."""
    utc = figures.occupancy_figure(data.intervals, data.site_timezones, "utc")
    local = figures.occupancy_figure(data.intervals, data.site_timezones, "local")
    x_utc = pd.to_datetime(trace(utc, site).x)
    x_local = pd.to_datetime(trace(local, site).x)
    assert set(x_local - x_utc) == {pd.Timedelta(hours=offset_h)}
    assert trace(local, site).y == pytest.approx(trace(utc, site).y, nan_ok=True)


def test_occupancy_has_a_panel_per_site(data: DashboardData) -> None:
    """One subplot per site, titled with the site's time zone."""
    fig = figures.occupancy_figure(data.intervals, data.site_timezones, "local")
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [f"{site} ({zone})" for site, zone in data.site_timezones.items()]
    assert trace(fig, list(data.site_timezones)[1]).yaxis == "y2"


def test_kpi_cards_hold_overall_estimates(data: DashboardData, small_result: RunResult) -> None:
    """Service by channel, abandonment, AHT, occupancy, then FCR, containment and costs; blended
    means only where the registry allows them, inside their CIs."""
    metrics = [card.metric for card in data.cards]
    assert metrics == [
        "service_level", "abandon_rate", "aht_s", "occupancy",
        "fcr", "bot_containment", "cost_per_contact", "cost_per_resolved_issue",
    ]  # fmt: skip
    for card in data.cards:
        est = card.overall
        if card.metric in ("service_level", "aht_s"):  # never blended across channels
            assert est.mean is None and card.breakdown
            continue
        assert est.mean == pytest.approx(small_result.kpi(card.metric)["mean"])
        assert est.low <= est.mean <= est.high
        if card.kind == "percent":
            assert 0.0 <= est.low and est.high <= 1.0
    (occupancy,) = [card for card in data.cards if card.metric == "occupancy"]
    assert [key for key, _ in occupancy.breakdown] == sorted(data.site_timezones)


def test_formatting() -> None:
    """Percentages, durations in a readable unit, thresholds, and CIs in the mean's unit."""
    assert fmt_percent(0.8969) == "89.7%"
    assert fmt_percent(None) == "–"
    assert fmt_duration(9.17) == "9.2 s"
    assert fmt_duration(412.3) == "6.9 min"
    assert fmt_duration(4950.8) == "82.5 min"
    assert fmt_duration(7200.0) == "2.0 h"
    assert fmt_threshold(20) == "20 s" and fmt_threshold(86400) == "24 h"
    assert fmt_ci(0.887, 0.907, "percent") == "95% CI 88.7–90.7%"
    assert fmt_ci(400.0, 420.0, "duration", mean=410.0) == "95% CI 6.7–7.0 min"
    assert fmt_ci(None, 1.0, "percent") == "95% CI –"
    assert fmt_money(2.4074) == "USD 2.41" and fmt_money(208953.7, "EUR") == "EUR 208,953.70"
    assert fmt_money(float("nan")) == "–"
    assert fmt_ci(2.3176, 2.4972, "money") == "95% CI USD 2.32–2.50"


def test_callbacks_as_plain_functions(app: Dash, overview: ModuleType) -> None:
    """The page callbacks pick the app's data and return the matching figures."""
    with app.server.app_context():
        assert "all queues" in overview.offered_handled(overview.ALL_QUEUES).layout.title.text
        assert "en_chat_us" in overview.offered_handled("en_chat_us").layout.title.text
        local = overview.occupancy("local")
        assert "local time" in local.layout.title.text
        sl = overview.service_level(["en_voice_us"], "2026-09-15")
        assert [t.name for t in sl.data if t.showlegend is not False] == ["en_voice_us (SL 20 s)"]
        assert "Tue 15 Sep 2026" in sl.layout.title.text
        assert overview.service_level([]).data == ()
        colour = {t.name: t.line.color for t in overview.service_level(["es_chat_es"]).data}
        everything = overview.service_level(list(current_data().queues))
        assert (
            colour["es_chat_es (SL 60 s)"] == trace(everything, "es_chat_es (SL 60 s)").line.color
        )


@pytest.mark.parametrize(
    ("callback", "value"),
    [
        ("offered_handled", ("no_such_queue",)),
        ("occupancy", ("mars",)),
        ("service_level", (["x"],)),
        ("occupancy", ("utc", "1999-01-01")),
    ],
)
def test_callbacks_reject_unknown_values(
    app: Dash, overview: ModuleType, callback: str, value: object
) -> None:
    """A value that is not one of the control's options changes nothing."""
    with app.server.app_context(), pytest.raises(PreventUpdate):
        getattr(overview, callback)(*value)


def test_layout_shows_cards_and_controls(app: Dash, overview: ModuleType) -> None:
    """The layout has the KPI cards (one service card per channel) and the four controls."""
    with app.server.app_context():
        page = json.dumps(overview.layout(), cls=PlotlyJSONEncoder)
    for metric in ("service_level", "sl-voice", "sl-chat", "sl-email", "abandon_rate", "aht_s",
                   "occupancy", "fcr", "bot_containment", "cost_per_contact",
                   "cost_per_resolved_issue"):  # fmt: skip
        assert f'"kpi-{metric}"' in page
    controls = (overview.DAY_DROPDOWN, overview.QUEUE_DROPDOWN, overview.SL_QUEUES)
    for control in (*controls, overview.CLOCK_RADIO):
        assert f'"{control}"' in page
    assert "95% CI" in page


def test_apps_keep_their_own_callbacks_and_data(small_result: RunResult) -> None:
    """Two apps in one process each serve the page with exactly the page's three callbacks."""
    first, second = create_app(result=small_result), create_app(result=small_result)
    for app in (first, second):
        client = app.server.test_client()
        assert client.get("/").status_code == 200
        deps = client.get("/_dash-dependencies").get_json()
        outputs = [d["output"] for d in deps if not d["output"].startswith("..")]
        page_outputs = [o for o in outputs if o.startswith("overview-")]
        assert sorted(page_outputs) == [
            "overview-occupancy.figure",
            "overview-offered-handled.figure",
            "overview-service-level.figure",
        ]
