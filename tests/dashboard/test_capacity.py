"""Capacity plan page callbacks: edits, validation messages, re-optimising, the week to simulate."""

from __future__ import annotations

import sys
from types import ModuleType

import dash
import pytest

from dashboard.pages.capacity.plan_view import bundled_plan, edited_plan, site_settings
from dashboard.pages.capacity.week_sim import (
    PEAK,
    check_inputs,
    clicked_week,
    resolved_week,
    simulate_week_job,
    week_options,
)
from dashboard.shared.job_controls import start_job
from sim.api import ScenarioError


@pytest.fixture
def page(app) -> ModuleType:
    """The capacity page module as the app loaded it (pages import only once an app exists)."""
    return sys.modules["dashboard.pages.capacity.page"]


def test_an_edit_sets_the_site_and_its_own_groups_and_leaves_the_bundled_plan_alone() -> None:
    """Dallas edits reach the site's new-hire band and hiring and its group `core`'s own hiring."""
    mapping, _ = bundled_plan()
    edited = edited_plan(mapping, "dallas", 0.02, 0.7, 15)
    dallas = edited["sites"][0]
    assert site_settings(edited, "dallas") == {
        "attrition": 0.02,
        "graduation": 0.7,
        "max_class": 15,
    }
    assert dallas["groups"][0]["hiring"]["graduation_rate"] == 0.7
    assert dallas["groups"][0]["hiring"]["max_class"] == 15
    assert dallas["groups"][1]["attrition"][0]["per_week"] == 0.02  # seasonal's own bands
    assert dallas["attrition"][1]["per_week"] == 0.006  # the tenured band is untouched
    assert site_settings(mapping, "dallas") == {
        "attrition": 0.012,
        "graduation": 0.8,
        "max_class": 20,
    }
    assert edited["sites"][1] == mapping["sites"][1]


def test_an_invalid_edit_is_reported_in_the_page_naming_the_field(page, state) -> None:
    """A graduation rate of 0 does not start a job; the status says graduation_rate is wrong."""
    store, status = start_job(page.CONTROLS, 1, "sid", "dallas", 0.012, 0, 20, state=state)
    assert store is dash.no_update
    assert "graduation_rate" in str(status.children) and "Not started" in str(status.children)
    with pytest.raises(ScenarioError, match="max class size: enter a number"):
        page.prepare(state, "dallas", 0.012, 0.8, None)


def test_re_optimising_an_edit_changes_the_plan_shown(page) -> None:
    """Smaller Manila classes give a re-optimised plan with another summary, chart and 26 weeks."""
    bundled = page.initial(None)
    fn, args = page.prepare(None, "manila", 0.025, 0.8, 10)
    edited = fn(lambda done, total: None, *args)
    assert page.shown(edited, bundled) is edited and page.shown(None, bundled) is bundled
    before, after = page.summary(bundled), page.summary(edited)
    assert before.startswith("Bundled plan") and after.startswith("Re-optimised plan")
    assert before.split(":", 1)[1] != after.split(":", 1)[1]
    manila = [c["size"] for c in edited["classes"] if c["site"] == "manila"]
    assert manila and max(manila) <= 10
    assert len(page.table(edited).children[1].children) == 26
    assert page.figure(edited)["data"]


def test_plan_money_names_its_currency_and_gaps_never_print_minus_zero(page) -> None:
    """Summary and Cost column carry the scenario's currency; a gap that rounds to zero is +0.0
    (week 20 of the bundled plan read -0.0)."""
    bundled = page.initial(None)
    currency = bundled["currency"]
    assert currency and f"cost {currency} " in page.summary(bundled)
    table = str(page.table(bundled))
    assert f"Cost ({currency})" in table and "-0.0" not in table
    tiny = {**bundled, "by_week": [{**bundled["by_week"][0], "gap_fte": -0.04}]}
    assert "+0.0" in str(page.table(tiny))


def test_the_week_to_simulate_comes_from_the_list_or_a_click_on_the_chart(page) -> None:
    """Options list every week after the peak; a clicked start date is its week, marked dashed."""
    record = page.initial(None)
    options = week_options(record)
    assert options[0]["value"] == PEAK and [o["value"] for o in options[1:]] == list(range(1, 27))
    peak = resolved_week(record, PEAK)
    assert peak["required_fte"] == max(r["required_fte"] for r in record["by_week"])
    click = {"points": [{"x": record["by_week"][4]["week_start"], "y": 200.0}]}
    assert clicked_week(record, click) == 5 and clicked_week(record, None) is None
    shapes = page.figure(record, 5)["layout"]["shapes"]
    assert shapes[-1]["x0"] == record["by_week"][4]["week_start"]
    assert "shapes" not in record["figure"]["layout"]  # the record itself is left alone


def test_simulate_week_inputs_are_checked_and_name_what_to_fix(page, state) -> None:
    """One replication, a week outside the plan or none do not start; the message says why."""
    record = page.initial(None)
    store, status = start_job(page.WEEK_CONTROLS, 1, "sid", 17, 1, record, state=state)
    assert store is dash.no_update and "replications" in str(status.children)
    with pytest.raises(ScenarioError, match="the plan has weeks 1 to 26"):
        check_inputs(27, 3, 26)
    with pytest.raises(ScenarioError, match="week: choose a week"):
        check_inputs(None, 3, 26)
    assert check_inputs(PEAK, 3.0, None) == (PEAK, 3)


def test_simulate_week_simulates_the_plan_shown_with_its_edits(page) -> None:
    """After a re-optimise, the week job gets the edited mapping; before it, the bundled one."""
    edited = {**page.initial(None), "origin": "Re-optimised",
              "edits": ["manila", 0.025, 0.8, 10]}  # fmt: skip
    fn, args = page.prepare_week(None, 17, 2, edited)
    mapping, _folder, week, reps, _seed, origin = args
    assert fn is simulate_week_job and (week, reps, origin) == (17, 2, "Re-optimised")
    assert site_settings(mapping, "manila")["max_class"] == 10
    _fn, bundled_args = page.prepare_week(None, PEAK, 2, None)
    assert bundled_args[0] == bundled_plan()[0] and bundled_args[5] == "Bundled"
