"""Queueing lab: Erlang C and A side by side, the abandonment curve, the unstable state and the
formula-vs-simulation table (figure and table builders as plain functions)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from dashboard.pages.lab import queue as lab
from dashboard.pages.lab.figures import erlang_figure, unstable_message, variability_figure
from dashboard.pages.lab.table import comparison_table, formula_vs_simulation
from sim import api

PATIENT = lab.LabParams(rate_per_h=120, aht_min=4, agents=10, patience_min=2, concurrency=1)
OVERLOADED = lab.LabParams(rate_per_h=120, aht_min=4, agents=7, patience_min=0, concurrency=1)


def traces(fig, name_part: str) -> dict[str, object]:
    """The traces whose name contains `name_part`, keyed by their y axis."""
    return {t.yaxis: t for t in fig.data if name_part in t.name}


@pytest.mark.parametrize("patience", [0.0, 2.0])
def test_erlang_c_and_a_are_both_drawn_whatever_the_model(patience: float) -> None:
    """Switching patience on or off keeps both curves: C and A on SL and ASA, A on P(abandon)."""
    fig = erlang_figure(lab.LabParams(120, 4, 10, patience, 1))
    assert set(traces(fig, "Erlang C")) == {"y", "y2"}
    assert set(traces(fig, "Erlang A")) == {"y", "y2", "y3"}
    what_if = "what-if" in traces(fig, "Erlang A")["y"].name
    assert what_if == (patience == 0)


def test_erlang_a_curve_is_the_formula_and_abandonment_falls_with_agents() -> None:
    """The green curves are Erlang A at the slider's patience, never below Erlang C's SL;
    P(abandon) falls strictly as agents rise."""
    fig = erlang_figure(PATIENT)
    a = traces(fig, "Erlang A")
    n = np.asarray(a["y3"].x, dtype=float)
    exact = api.erlang_a(120 / 3600, 1 / 240, 1 / 120, n, 20.0)
    assert np.asarray(a["y3"].y, dtype=float) == pytest.approx(np.asarray(exact["p_abandon"]))
    assert np.all(np.diff(np.asarray(a["y3"].y, dtype=float)) < 0)
    c_sl = np.array([np.nan if v is None else v for v in traces(fig, "Erlang C")["y"].y])
    a_sl = np.asarray(a["y"].y, dtype=float)
    stable = np.isfinite(c_sl)
    assert stable.any() and np.all(a_sl[stable] >= c_sl[stable] - 1e-12)  # hang-ups help the rest


def test_unstable_erlang_c_is_flagged_and_drawn_only_where_stable() -> None:
    """Agents <= load: a message, Erlang C missing exactly where n <= load, never an empty chart."""
    assert lab.unstable(OVERLOADED) and not lab.unstable(PATIENT)
    assert lab.unstable(lab.LabParams(120, 4, 8, 0, 1))  # exactly the load: still unstable
    assert not lab.unstable(lab.LabParams(120, 4, 3, 0, 3))  # 3 agents x 3 chats > 8 Erlangs
    message = unstable_message(OVERLOADED)
    assert message.startswith("Unstable: 7 agents ≤ offered load 8.0 Erlangs")
    assert unstable_message(PATIENT) == ""
    fig = erlang_figure(OVERLOADED)
    c = traces(fig, "Erlang C")["y"]
    stable = np.asarray(c.x) > OVERLOADED.load
    assert all(v is None for v, ok in zip(c.y, stable, strict=True) if not ok)
    assert all(v is not None for v, ok in zip(c.y, stable, strict=True) if ok) and stable.any()
    assert any("unstable" in a.text for a in fig.layout.annotations)
    assert fig.layout.shapes[0].x0 == 7  # the slider's line stays the first shape
    var = variability_figure(OVERLOADED)
    assert any("Unstable" in a.text for a in var.layout.annotations)


def test_draw_shows_the_unstable_banner_only_when_overloaded(app) -> None:
    """The page's draw callback returns the banner with the message while agents <= load."""
    lab_page = sys.modules["dashboard.pages.lab.page"]
    *_, banner = lab_page.draw(120, 4, 7, 0, 1, None)
    assert "Unstable" in str(banner)
    *_, banner = lab_page.draw(120, 4, 10, 0, 1, None)
    assert banner is None


def test_formula_vs_simulation_rows_flag_formula_outside_the_ci() -> None:
    """Each simulated point gets the active model's value and whether it lies inside the CI."""
    exact = lab.metrics(PATIENT, 10)
    sl = float(exact["service_level"])
    sim = {"params": PATIENT.key(), "replications": 3, "agents": {"10": {
        "service_level": [sl, sl - 0.01, sl + 0.01], "asa_s": [5.0, 4.0, 4.5],
        "abandon_rate": [0.05, None, None]}}}  # fmt: skip
    rows = {r["metric"]: r for r in formula_vs_simulation(PATIENT, sim)}
    assert set(rows) == {"service_level", "asa_s", "abandon_rate"}
    assert rows["service_level"]["inside"] is True
    assert rows["asa_s"]["formula"] == pytest.approx(float(exact["asa_s"]))
    assert rows["asa_s"]["inside"] is False  # CI 4.0-4.5 s, formula ~6.7 s
    assert rows["abandon_rate"]["inside"] is None
    html = str(comparison_table(list(rows.values())))
    assert "row-bad" in html and "lab-table-body" in html
    no_patience = formula_vs_simulation(lab.LabParams(120, 4, 10, 0, 1), sim)
    assert {r["metric"] for r in no_patience} == {"service_level", "asa_s"}
    assert "Press Simulate" in str(comparison_table([]))


def test_simulated_abandonment_is_plotted_only_with_a_patience() -> None:
    """Simulated P(abandon) points join Erlang A's curve when customers have a patience."""
    point = {"service_level": [0.8, 0.7, 0.9], "asa_s": [5, 4, 6], "abandon_rate": [0.05, 0.04,
             0.06]}  # fmt: skip
    for p, on_abandon_panel in ((PATIENT, True), (lab.LabParams(120, 4, 10, 0, 1), False)):
        sim = {"params": p.key(), "replications": 2, "agents": {"10": point}}
        assert ("y3" in traces(erlang_figure(p, sim), "Simulated")) == on_abandon_panel
