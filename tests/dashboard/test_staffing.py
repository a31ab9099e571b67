"""The Staffing page without a browser: both methods, reconciliation, shortfall, short rows."""

from __future__ import annotations

import sys
from types import ModuleType

import numpy as np
import pytest
from dash import Dash
from staffing_scenario import staffing_dict

from dashboard.pages.staffing.job import staffing_job
from dashboard.pages.staffing.plan import short_rows, shortfall, staffing_view, status, totals
from dashboard.pages.staffing.tables import reconcile_block, short_table, summary_table
from dashboard.shared.state import AppState
from sim import api
from sim.api import ScenarioError

ITEMS = ["voice.sl=0.8@20", "chat.sl=0.8@60"]


def page(_app: Dash) -> ModuleType:
    """The staffing page module as the app loaded it."""
    return sys.modules["dashboard.pages.staffing.page"]


def texts(component) -> str:
    """All text in a component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(texts(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else texts(children)


@pytest.fixture(scope="module")
def scenario():
    return api.from_dict(staffing_dict(), "staffing_small")


@pytest.fixture(scope="module")
def entry(scenario):
    """The simulation job's entry, run here (two replications per candidate, a few seconds)."""
    return staffing_job(lambda _d, _t: None, scenario, ITEMS, 2, api.DEFAULT_SEED, None)


def test_understaffing_follows_the_schedules_rounding_rule():
    """Agents compare as tables show them (to 0.1): 11.97 of 12 is met, 11.9 is 0.1 short."""
    required, rostered = np.array([12.0, 12.0, 5.0]), np.array([11.97, 11.9, 9.0])
    np.testing.assert_array_equal(status(required, rostered), ["ok", "under", "over"])
    np.testing.assert_allclose(shortfall(required, rostered), [0.0, 0.1, 0.0])
    np.testing.assert_array_equal(status(required, rostered) == "under",
                                  api.understaffed(required, rostered))  # fmt: skip


def test_shortfall_in_agent_hours_and_fte(scenario):
    """Per group: agent-hours short = (required - rostered) x hours over short intervals; FTE =
    those hours over 40 h weeks pro rata for the horizon."""
    view = staffing_view(scenario, ITEMS)
    t = view.table
    short = t[t["status"] == "under"]
    assert len(short) > 0
    expected = (
        ((short["required"] - short["rostered_agents"]) * short["hours"])
        .groupby(short["group_idx"])
        .sum()
    )
    assert totals(view)["erlang_short_hours"] == pytest.approx(expected.sum())
    weeks = 1 / 7
    s = view.summary
    np.testing.assert_allclose(s["erlang_short_fte"], s["erlang_short_hours"] / (40 * weeks))
    assert (t.loc[t["status"] != "under", "erlang_short"] == 0).all()


def test_simulated_requirement_sits_beside_erlang_with_the_reconciliation(scenario, entry):
    """With the job's entry both methods are in the view and table, the simulated hours are the
    job's, the line is the API's reconciliation, and statuses follow the chosen method."""
    view = staffing_view(scenario, ITEMS, entry, "simulation")
    assert view.methods == ("erlang", "simulation") and not view.stale
    hours = {(r["site"], r["group"]): r["scheduled_hours"] for r in entry["summary"]}
    for r in view.summary.to_dict(orient="records"):
        assert r["simulation_hours"] == pytest.approx(hours[(r["site"], r["group"])])
    t = view.table
    np.testing.assert_array_equal(t["required"], t["simulation_required"])
    shown = texts(summary_table(view, "USD"))
    assert "Required (Erlang)" in shown and "Required (simulation)" in shown
    block = reconcile_block(view, "simulation", view.stale)
    line = texts(block)
    assert entry["line"] in line and entry["line"] == entry["reconciliation"]["line"]
    sites = block.children[1].children[1].children
    assert [tr.children[0].children for tr in sites] == ["manila", "mexico"]
    assert entry["line"].startswith("simulation vs Erlang")


def test_a_simulation_for_other_targets_is_not_shown(scenario, entry):
    """An entry for other targets is set aside (stale) and the page asks to run again."""
    view = staffing_view(scenario, ["voice.sl=0.9@20", "chat.sl=0.8@60"], entry, "simulation")
    assert view.stale and view.methods == ("erlang",) and view.method == "erlang"
    assert "run the simulation again" in texts(reconcile_block(view, "simulation", view.stale))


def test_only_short_rows_are_highlighted(scenario, entry):
    """Summary rows are red exactly where the group is short; the interval list holds only
    short intervals, each highlighted, largest shortfall first."""
    view = staffing_view(scenario, ITEMS, entry, "erlang")
    body = summary_table(view, "USD").children[1].children
    flagged = [row.className == "row-bad" for row in body]
    assert flagged == list(view.summary["erlang_short_hours"] > 0)
    rows = short_rows(view, "manila", None, None)
    assert len(rows) > 0 and (rows["status"] == "under").all()
    listing = short_table(rows, view, "Asia/Manila").children[1]
    assert all(tr.className == "row-bad" for tr in listing.children[1].children)
    assert len(listing.children[1].children) == len(rows)
    short_by = [float(tr.children[4].children) for tr in listing.children[1].children]
    assert short_by == sorted(short_by, reverse=True)  # largest shortfall first
    first = [td.children for td in listing.children[1].children[0].children]
    assert first[1].startswith("manila/")  # the group names its site
    assert all(not c.endswith(".0") for c in first[2:5])  # whole agents: '20', not '20.0'


def test_page_plan_callback_shows_both_methods(app: Dash, state: AppState, entry) -> None:
    """The page's callback on the session's scenario: the table holds both methods and the line,
    the chart draws the other method, the short list names the site's clock."""
    store = {"valid": True, "scenario": staffing_dict(), "label": "small"}
    cards, table, fig, _days, error, short = page(app).plan(
        "manila", None, None, 80, 20, 80, 60, "simulation", entry, store, state
    )
    assert error is None and "stf-short-card" in str(cards)
    sim_cost = sum(r["cost"] for r in entry["summary"])
    assert f"USD {sim_cost:,.0f}" in texts(cards) and "(simulation)" in texts(cards)
    assert entry["line"] in texts(table) and "Required (simulation)" in texts(table)
    assert [tr.name for tr in fig.data[:2]] == [
        "Required (simulation, incl. shrinkage)",
        "Required (Erlang plan)",
    ]
    assert "Asia/Manila" in texts(short)


def test_simulation_inputs_are_checked_before_a_job_starts(app: Dash, state: AppState) -> None:
    """Replications outside 2..20 or not whole, or a budget under 1 s, say what to fix; good
    inputs give the job function and its arguments."""
    stf = page(app)
    for reps, budget, what in ((1, 60, "outside 2..20"), (2.5, 60, "whole number"),
                               (3, 0, "time budget")):  # fmt: skip
        with pytest.raises(ScenarioError, match=what):
            stf.prepare(state, None, 80, 20, 80, 60, reps, budget)
    fn, args = stf.prepare(state, None, 80, 20, 80, 60, 3, None)
    assert fn is staffing_job and args[1:] == (ITEMS, 3, api.DEFAULT_SEED, None)
    assert stf.show_simulation("simulation", "default") == {"display": "block"}
    assert stf.show_simulation("simulation", None) == {"display": "none"}
    assert stf.show_simulation("erlang", "default") == {"display": "none"}
