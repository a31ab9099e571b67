"""Queueing lab, compare and calibration pages: numbers against theory, callbacks, chart labels."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import Dash

from dashboard.pages.compare.experiments import (
    comparison_record,
    cost_notes,
    direction,
    parse_factors,
    run_cost_sweep,
)
from dashboard.pages.compare.figures import cost_sl_figure, difference_figure
from dashboard.pages.compare.summary import coverage_figure
from dashboard.pages.lab import queue as lab
from dashboard.pages.lab.figures import erlang_figure, pooling_figure, variability_figure
from dashboard.pages.lab.table import formula_vs_simulation
from dashboard.pages.staffing.figures import staffing_figure
from dashboard.pages.staffing.plan import site_series, staffing_view
from dashboard.shared.state import AppState
from sim import api
from sim.analytic import erlang_a_metrics, erlang_c_metrics
from sim.errors import ScenarioError
from sim.scenario import BUNDLED_DIR, load_scenario

TEACHING = Path(BUNDLED_DIR) / "teaching_mmc.yaml"
BASE = lab.LabParams(rate_per_h=120, aht_min=4, agents=10, patience_min=0, concurrency=1)


def page(name: str) -> ModuleType:
    return sys.modules[f"dashboard.pages.{name}.page"]


def assert_labelled(fig: go.Figure) -> None:
    """A title, a titled x axis and every y axis titled (charts must read on their own)."""
    layout = fig.layout
    assert layout.title.text
    xaxes = [layout[k] for k in layout if k.startswith("xaxis")]
    yaxes = [layout[k] for k in layout if k.startswith("yaxis")]
    assert any(ax.title.text for ax in xaxes)
    assert all(ax.title.text for ax in yaxes)


def test_lab_formulas_are_erlang_c_and_a() -> None:
    """The lab's curve is Erlang C without patience and Erlang A (SL net of short abandons) with."""
    n = lab.agent_range(BASE)
    m = lab.metrics(BASE, n)
    c = erlang_c_metrics(120 / 3600, 1 / 240, n, 20.0)
    assert m["service_level"] == pytest.approx(np.asarray(c["service_level"]))
    assert float(lab.metrics(BASE, 10)["service_level"]) == pytest.approx(0.6536, abs=1e-3)
    patient = lab.LabParams(120, 4, 9, 2, 1)
    a = erlang_a_metrics(120 / 3600, 1 / 240, 1 / 120, 9, 20.0)
    sl = a["p_served_within_t"] / (1 - a["p_abandon_within_t"])
    assert float(lab.metrics(patient, 9)["service_level"]) == pytest.approx(float(sl))
    chat = lab.LabParams(120, 4, 4, 0, 3)  # 4 agents x 3 chats = 12 servers
    assert float(lab.metrics(chat, 4)["asa_s"]) == pytest.approx(
        float(lab.metrics(BASE, 12)["asa_s"])
    )


def test_pooling_and_variability_demos_order_as_theory_says() -> None:
    """One pooled queue beats two halves (drawn only where stable); ASA grows with handle-time
    variance."""
    pool = lab.pooling(BASE)
    both = np.isfinite(pool["pooled_sl"]) & np.isfinite(pool["separate_sl"])
    assert both.any() and (pool["pooled_sl"][both] >= pool["separate_sl"][both] - 1e-12).all()
    stable_pooled = pool["agents"] > BASE.load  # Erlang C: only where agents exceed the load
    assert (np.isfinite(pool["pooled_sl"]) == stable_pooled).all()
    assert not np.isfinite(pool["separate_sl"][pool["agents"] // 2 <= BASE.load / 2]).any()
    waits = lab.variability(BASE)
    assert list(waits.values()) == sorted(waits.values())
    assert waits["exponential"] == pytest.approx(float(lab.metrics(BASE, 10)["asa_s"]))


def test_lab_simulation_agrees_with_erlang_c() -> None:
    """Simulated points carry 95% CIs; at the slider's agents the formula is inside 4 SE."""
    sim = lab.simulate_lab(BASE, replications=3, seed=3)
    assert sim["params"] == BASE.key()
    assert set(sim["agents"]) == {"10", "12"}  # 8 agents carry the full load: unstable, skipped
    mean, low, high = sim["agents"]["10"]["service_level"]
    half = (high - low) / 2
    exact = float(lab.metrics(BASE, 10)["service_level"])
    assert abs(mean - exact) <= 4 * half / 4.303 + 1e-9  # half-width / t(0.975, 2) = one SE
    assert set(sim["pooling"]) == {"separate", "pooled"}
    assert set(sim["variability"]) == set(lab.DISTRIBUTIONS)
    for row in formula_vs_simulation(BASE, sim):  # the page's table: formula within 4 SE
        se = (row["high"] - row["low"]) / 2 / 4.303
        assert abs(row["mean"] - row["formula"]) <= 4 * se + 1e-9, row
    scenario = lab.lab_scenario(lab.LabParams(60, 5, 3, 1, 2), 3)
    assert scenario.demand[0].channel == "chat" and scenario.channels.chat.max_concurrency == 2


def test_lab_draw_shows_simulated_points_only_for_the_same_sliders(app: Dash) -> None:
    """Moving a slider redraws the curves; simulated points stay only if they match."""
    lab_page = page("lab")
    sim = {"params": BASE.key(), "replications": 2, "agents": {"10": {
        "service_level": [0.6, 0.5, 0.7], "asa_s": [40, 30, 50], "abandon_rate": [0, 0, 0]}},
        "pooling": {}, "variability": {}}  # fmt: skip
    erlang, pool, var, status, table, banner = lab_page.draw(120, 4, 10, 0, 1, sim)
    assert len(erlang.data) == 7 and "2 replications" in status  # 5 curves + SL and ASA points
    assert "lab-table-body" in str(table) and banner is None
    moved, _, _, status, table, _ = lab_page.draw(120, 4, 14, 0, 1, sim)
    assert len(moved.data) == 5 and "Press Simulate" in status
    assert "Press Simulate" in str(table)
    assert moved.layout.shapes[0].x0 == 14 and erlang.layout.shapes[0].x0 == 10
    for fig in (erlang, pool, var):
        assert_labelled(fig)
    assert "Erlang A" in lab_page.draw(120, 4, 10, 2, 1, None)[3]


def test_lab_says_why_an_unstable_queue_was_not_simulated(app: Dash) -> None:
    """6 agents, 8 Erlangs, no patience: the job simulates only the pooling demo; the status and
    the table say the Erlang points were skipped and why (they read 'Press Simulate')."""
    overloaded = lab.LabParams(120, 4, 6, 0, 1)
    sim = lab.simulate_lab(overloaded, replications=2, seed=1)
    assert sim["agents"] == {}
    _, _, _, status, table, banner = page("lab").draw(120, 4, 6, 0, 1, sim)
    assert banner is not None and "Press Simulate" not in status + str(table)
    assert "no steady state" in status and "no steady state" in str(table)


def test_comparison_record_pairs_a_scenario_with_itself_exactly(state: AppState) -> None:
    """A scenario against itself: identical, zero differences, nothing significant."""
    record = page("compare").compare(state, "bundled:teaching_mmc", "bundled:teaching_mmc", 2, 1,
                                     None)  # fmt: skip
    assert record["label_a"] == "A (teaching_mmc)" and "identical" in record["verdict"]
    assert all(r["diff"] == 0 and not r["significant"] for r in record["rows"])
    assert {r["direction"] for r in record["rows"]} == {"neutral"}
    assert_labelled(difference_figure(record))
    verdict, table, fig, _ = page("compare").render_comparison(record)
    assert "cmp-table-body" in str(table)


def test_comparison_detects_more_agents(state: AppState) -> None:
    """Adding agents raises service level (per channel, never blended) with a paired CI above
    zero: a green 'better' row in points; cost is a 'worse' row in the scenario's currency."""
    a = api.load(load_scenario(TEACHING), ["sites.school.groups.agents.wage_per_hour=20"])[0]
    b = api.load(a, ["sites.school.groups.agents.shifts[0].headcount=12"])[0]
    record = comparison_record(api.compare(a, b, replications=3, seed=1))
    sl = next(r for r in record["rows"] if r["metric"] == "service_level")
    assert sl["diff"] > 0 and sl["significant"] and sl["channel"] == "voice"
    assert sl["direction"] == "better" and sl["diff_text"].endswith(" pt")
    assert all(r["channel"] for r in record["rows"] if r["metric"] in ("service_level", "asa_s"))
    cost = next(r for r in record["rows"] if r["metric"] == "cost_total")
    currency = a.costs.currency
    assert cost["direction"] == "worse" and cost["diff_text"].endswith(f" {currency}")
    assert cost["a_text"].startswith(f"{currency} ")
    metrics = {r["metric"] for r in record["rows"]}
    assert {
        "fcr",
        "repeat_rate",
        "contacts_per_issue",
        "cost_per_contact",
        "sla_penalty",
    } <= metrics
    # occupancy has no better/worse direction: a clear change is 'changed', not 'neutral'
    occupancy = next(r for r in record["rows"] if r["metric"] == "occupancy")
    assert occupancy["significant"] and occupancy["direction"] == "changed"
    assert direction("occupancy", -0.05, -0.02) == "changed"
    assert direction("occupancy", -0.05, 0.02) == direction("fcr", -0.01, 0.01) == "neutral"
    _, table, _, _ = page("compare").render_comparison(record)
    assert all(f"row-{kind}" in str(table) for kind in ("better", "worse", "changed"))


def test_decision_summary_shows_cost_quality_service_and_coverage(state: AppState) -> None:
    """The decision summary: cost, quality and service boxes repeat the table's rows, and the
    coverage by hour of day is each side's 24/7 headcount (10 vs 12 agents) in every hour."""
    a = api.load(load_scenario(TEACHING), ["horizon.days=1", "horizon.warmup_hours=0"])[0]
    b = api.load(a, ["sites.school.groups.agents.shifts[0].headcount=12"])[0]
    record = page("compare").compare_job(None, (a, None, "ten"), (b, None, "twelve"), 2, 1)
    ten, twelve = record["coverage"]
    assert (ten["side"], twelve["side"]) == ("ten", "twelve")
    assert ten["agents"]["school"] == [10.0] * 24 and twelve["agents"]["school"] == [12.0] * 24
    assert all(0 <= s <= 1 for s in twelve["service_level"]["voice"] if s is not None)
    card = page("compare").render_comparison(record)[3]
    text = str(card)
    for r in record["rows"]:
        if r["metric"] in ("cost_total", "fcr", "service_level"):
            assert r["a_text"] in text and r["diff_text"] in text
    assert_labelled(coverage_figure(record))


def test_coverage_chart_reads_service_level_on_a_fixed_percent_scale() -> None:
    """The coverage chart's SL axis is 0-100% in round 20-point steps (not ticks synced to the
    agents' axis, which read 22.6, 45.2, ...) and the chart has the dashboard's white look."""
    hours = [float(h % 7) for h in range(24)]
    record = {
        "coverage_timezone": "UTC",
        "coverage": [{"side": "a", "agents": {"s": hours}, "service_level": {"voice": [0.8] * 24}}],
    }
    fig = coverage_figure(record)
    y2 = fig.layout.yaxis2
    assert tuple(y2.range) == (0, 100) and y2.overlaying == "y"
    assert (y2.tickmode, y2.tick0, y2.dtick, y2.ticksuffix) == ("linear", 0, 20, "%")
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert [t.yaxis or "y" for t in fig.data] == ["y", "y2"]


def test_coverage_chart_draws_voice_sl_and_keeps_the_others_in_the_legend() -> None:
    """Two sides x three channels: only the voice SL lines are drawn at first, each channel in
    one colour on both sides (solid A, dashed B)."""
    sl = {"voice": [0.8] * 24, "chat": [0.9] * 24, "email": [1.0] * 24}
    record = {
        "coverage_timezone": "UTC",
        "coverage": [
            {"side": side, "agents": {"s": [5.0] * 24}, "service_level": sl} for side in ("a", "b")
        ],
    }
    lines = [t for t in coverage_figure(record).data if t.yaxis == "y2"]
    drawn = {t.name for t in lines if t.visible is True}
    assert drawn == {"a · SL voice", "b · SL voice"}
    assert {t.visible for t in lines if "voice" not in t.name} == {"legendonly"}
    colors = {t.name.split("SL ")[1]: set() for t in lines}
    for t in lines:
        colors[t.name.split("SL ")[1]].add(t.line.color)
    assert all(len(c) == 1 for c in colors.values()) and len({*map(min, colors.values())}) == 3


def test_compare_refuses_bad_choices(state: AppState) -> None:
    """Unknown sources, unpaired runs and bad numbers are ScenarioErrors (shown as messages)."""
    cmp = page("compare")
    with pytest.raises(ScenarioError, match="pick a scenario"):
        cmp.resolve("bundled:../../etc/passwd", None, state)
    with pytest.raises(ScenarioError, match="replications"):
        cmp.compare(state, "session", "bundled:default", 1, 1, None)
    for text in ("a, b", "", "0, 1", "1,2,3,4,5,6,7,8,9"):
        with pytest.raises(ValueError, match="headcount factors"):
            parse_factors(text)
    assert parse_factors("1.1, 0.9; 1") == [0.9, 1.0, 1.1]


def test_cost_sweep_more_agents_cost_more_and_serve_better() -> None:
    """Scaling headcount up raises total cost and service level; the chart labels its axes."""
    paid = api.load(TEACHING, ["sites.school.groups.agents.wage_per_hour=20"])[0]
    record = run_cost_sweep([("teaching", paid)], [0.9, 1.2], 2, 1, days=1)
    low, high = record["series"][0]["points"]
    assert high["cost_total"][0] > low["cost_total"][0]
    assert high["voice_service_level"][0] > low["voice_service_level"][0]
    assert "service_level" not in high  # never blended across channels
    assert high["cost_per_resolved_issue"][0] > 0
    fig = cost_sl_figure(record, "voice_service_level", "cost_per_resolved_issue")
    assert_labelled(fig)
    assert "(USD)" in fig.layout.yaxis.title.text and "first 1 days" in fig.layout.title.text
    assert cost_notes(record) == []  # cost rises with headcount here: nothing to explain


def test_cost_notes_explain_a_fall_in_cost_with_more_headcount() -> None:
    """Where total cost falls between two staffing levels, the note gives the penalty, labour
    and repeat changes that explain it."""
    point = lambda f, cost, pen, lab, rep: {"factor": f, "cost_total": [cost, None, None],  # noqa: E731
        "sla_penalty": [pen, None, None], "labour_cost": [lab, None, None],
        "repeats": [rep, None, None]}  # fmt: skip
    record = {"series": [{"label": "offshore", "currency": "EUR", "points": [
        point(0.9, 10_000, 4_000, 6_000, 500), point(1.0, 9_000, 2_000, 7_000, 400),
        point(1.1, 9_500, 1_500, 8_000, 390)]}]}  # fmt: skip
    (note,) = cost_notes(record)
    assert note.startswith("offshore: from ×0.9 to ×1 headcount, total cost falls by EUR 1,000")
    assert "SLA penalties fall by EUR 2,000" in note and "labour rises by EUR 1,000" in note
    assert "repeat contacts fall by 100 (fewer contacts to pay for)" in note
    record["series"][0]["points"][1]["repeats"] = [600, None, None]
    (rising,) = cost_notes(record)  # more repeats are no reason for a lower cost
    assert "repeat contacts rise by 100" in rising and "fewer contacts" not in rising


def test_staffing_figure_is_labelled(state: AppState) -> None:
    """The staffing chart names site, clock and both panels' units."""
    view = staffing_view(state.scenario)
    fig = staffing_figure(site_series(view, "mexico_city"), "mexico_city", "America/Mexico_City",
                          "all groups")  # fmt: skip
    assert_labelled(fig)
    assert {t.name for t in fig.data} >= {"Required (Erlang plan, incl. shrinkage)",
                                         "Rostered by the scenario's shifts"}  # fmt: skip


def test_lab_figures_are_labelled() -> None:
    """Every lab chart has a title and axis titles, with or without simulated points."""
    for fig in (erlang_figure(BASE), pooling_figure(BASE), variability_figure(BASE)):
        assert_labelled(fig)


def test_calibration_validation_record_and_chart(app: Dash) -> None:
    """The bank calibration validates within 10% on abandonment; each KPI chart is labelled."""
    cal = page("calibration")
    assert "Press Calibrate" in cal.validation_figure(None, "asa_s").layout.annotations[0].text
    record = cal.validation_record(2)
    assert record["checks"]["abandon_rate"]["within_10pct"]
    for metric in cal.METRICS:
        fig = cal.validation_figure(record, metric)
        assert_labelled(fig)
        assert "Asia/Jerusalem" in fig.layout.xaxis.title.text
    assert "cal-checks" in str(cal.summary(record))
