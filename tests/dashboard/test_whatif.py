"""The Scenario page's What-if section as plain functions: working copy, edits, versions, runs."""

from __future__ import annotations

import sys

import dash
import pytest
from dash.exceptions import PreventUpdate

from dashboard.pages.scenario import whatif
from dashboard.pages.scenario import whatif_edits as ed
from dashboard.pages.scenario.whatif_view import peak_view, side_options
from dashboard.shared.session import base_record, served_base
from dashboard.shared.state import AppState
from sim import api
from sim.api import ScenarioError


def texts(component: object) -> str:
    """All text inside a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return " ".join(texts(c) for c in children)
    return "" if children is None else texts(children)


@pytest.fixture()
def work(state: AppState) -> dict:
    """A fresh working copy of the served (default) scenario."""
    record, box = ed.start_work("scn-page", None, None, None, None, state=state)
    assert "no edits yet" in texts(box)
    return record


def _agents(data: dict, site: str) -> int:
    return api.headcount_by_site(data)[site]


def test_working_copy_follows_the_scenario_page_until_the_first_edit(
    state: AppState, work: dict
) -> None:
    """No edits: a valid form edit is picked up; after a what-if edit the copy is kept, until
    'Start again' or a newly loaded scenario."""
    assert work["scenario"] == state.scenario.model_dump(mode="json")
    form = {"id": "served", "label": "default (edited)", "valid": True,
            "scenario": api.scale_headcount(work["scenario"], 50, site="montreal")}  # fmt: skip
    followed, _ = ed.start_work("p", None, None, form, work, state=state)
    assert followed["scenario"] == form["scenario"] and followed["label"] == "default (edited)"
    edited, box = ed.scale(1, followed, "site/manila", 10)
    assert "Applied: headcount +10% on site manila" in texts(box)
    with pytest.raises(PreventUpdate):
        ed.start_work("p", None, None, form, edited, state=state)
    again, _ = ed.start_work("p", 1, None, form, edited, triggered="whatif-reset", state=state)
    assert again["edits"] == [] and again["scenario"] == form["scenario"]
    other = base_record(api.load(state.bundled["teaching_mmc"])[0].model_dump(mode="json"), "mmc")
    loaded, _ = ed.start_work("p", None, other, form, edited, state=state)
    assert loaded["scenario"]["name"] == "teaching_mmc"  # the form's old edits are not carried


def test_scale_says_how_many_agents_and_when_nothing_changes(work: dict) -> None:
    """The message gives the agents before and after; a percentage too small to move the total by
    one agent is not applied and says so (it read 'Applied' with nothing changed)."""
    total = sum(api.headcount_by_site(work["scenario"]).values())
    edited, box = ed.scale(1, work, "all", 10)
    after = sum(api.headcount_by_site(edited["scenario"]).values())
    assert f"({total:,} -> {after:,} agents in all)" in texts(box) and after > total
    line = ed.scale(1, work, "shift/montreal/fr_team/0", 1)  # 10 agents + 1%: still 10
    assert line[0] is dash.no_update
    assert "No change: headcount +1% on shift line 1 of montreal/fr_team" in texts(line[1])


def test_scale_one_site_and_say_what_changed(state: AppState, work: dict) -> None:
    """+10% on one site changes that site's agents only; the summary shows baseline vs what-if."""
    edited, _ = ed.scale(1, work, "site/manila", 10)
    for site in ("mexico_city", "montreal"):
        assert _agents(edited["scenario"], site) == _agents(work["scenario"], site)
    assert _agents(edited["scenario"], "manila") > _agents(work["scenario"], "manila")
    summary, *_ = whatif.redraw(edited, None, None, state=state)
    text = texts(summary)
    assert "headcount +10% on site manila" in text
    before, after = _agents(work["scenario"], "manila"), _agents(edited["scenario"], "manila")
    assert f"{before:,}" in text and f"{after:,}" in text and f"{after - before:+d}" in text


def test_refused_edits_leave_the_copy_and_say_why(work: dict) -> None:
    """A bad percentage or an unknown target is refused with a message; the copy stays."""
    for target, pct, why in (("site/manila", None, "percent: enter a number"),
                             ("site/manila", -200, "percent: -200 is outside"),
                             ("nonsense", 5, "pick what to scale"),
                             ("site/paris", 5, "no site 'paris'")):  # fmt: skip
        record, box = ed.scale(1, work, target, pct)
        assert record is dash.no_update and why in texts(box)


def test_one_peak_for_every_type_shows_dates_beside_values(work: dict) -> None:
    """Set peak: every contact type gets it and the table lists the dates beside each value."""
    edited, box = ed.set_peak(1, work, "2026-09-16", "2026-09-17", 1.8)
    assert "Applied" in texts(box)
    table = texts(peak_view(edited["scenario"]))
    assert "2026-09-16 to 2026-09-17" in table
    assert table.count("×1.8") == len(work["scenario"]["demand"])
    back, _ = ed.remove_peak(1, edited, "2026-09-16", "2026-09-17")
    assert "No peaks" in texts(peak_view(back["scenario"]))
    bad, box = ed.set_peak(1, work, "2026-09-17", "2026-09-16", 1.8)
    assert bad is dash.no_update and "before the start" in texts(box)


def test_add_and_remove_shift_lines_and_refuse_the_last(work: dict) -> None:
    """Add a line to a group, remove it by its button's id; a group's only line is refused."""
    lines = lambda w: w["scenario"]["sites"][2]["groups"][0]["shifts"]  # noqa: E731
    n = len(lines(work))
    added, box = ed.add_shift(1, work, "montreal/fr_team", "20:00", "23:00", ["sat"], 2)
    assert len(lines(added)) == n + 1 and lines(added)[-1]["days"] == ["sat"]
    assert "shift line 20:00–23:00 Sat (2 agents) added to montreal/fr_team" in texts(box)
    rm = {"type": "whatif-rm-shift", "site": "montreal", "group": "fr_team", "index": n}
    removed, _ = ed.remove_shift([0] * n + [1], added, rm)
    assert lines(removed) == lines(work)
    data = work
    for _ in range(n - 1):
        data, _ = ed.remove_shift([1], data, {**rm, "index": 0})
    kept, box = ed.remove_shift([1], data, {**rm, "index": 0})
    assert kept is dash.no_update and "has only this shift line" in texts(box)
    with pytest.raises(PreventUpdate):  # buttons redrawn with 0 clicks are no click
        ed.remove_shift([0, 0], work, whatif.clicked([rm], [0], rm))
    bad, box = ed.add_shift(1, work, "montreal/fr_team", "25:00", "23:00", ["sat"], 2)
    assert bad is dash.no_update and "Not applied" in texts(box)


def test_versions_are_named_kept_and_downloaded_as_yaml(work: dict) -> None:
    """Save two versions (the same name replaces), offer them on both sides, download as YAML
    that parses back to the version's scenario."""
    edited, _ = ed.scale(1, work, "site/manila", 10)
    versions, box = ed.save_version(1, "manila +10%", edited, None)
    assert "Saved version 'manila +10%'" in texts(box)
    versions, _ = ed.save_version(1, "as is", work, versions)
    versions, box = ed.save_version(1, "manila +10%", edited, versions)
    assert "Replaced" in texts(box) and [v["name"] for v in versions["versions"]] == [
        "as is",
        "manila +10%",
    ]
    assert ed.save_version(1, "  ", edited, versions)[0] is dash.no_update
    baseline, side = side_options(versions)
    assert {"label": "Version: manila +10%", "value": "v:1"} in baseline and side[0]["value"] == (
        ed.WORKING
    )
    _table, _a, a_value, _b, b_value = whatif.redraw_versions(versions, "v:5", "v:1")
    assert (a_value, b_value) == (ed.SESSION, "v:1")  # a choice that is gone falls back
    download = ed.download_version([0, 1], versions, {"type": "whatif-dl", "index": 1})
    assert download["filename"] == "default_manila__10_.yaml"
    assert api.parse(download["content"], "v") == api.from_dict(edited["scenario"], "e")


def test_baseline_vs_whatif_pairs_both_sides_and_shows_differences(state: AppState) -> None:
    """More agents on a small M/M/10 queue: the job pairs both on one seed and the table shows
    SL better with a paired CI; the same scenario on both sides is refused first."""
    mmc = base_record(api.load(state.bundled["teaching_mmc"])[0].model_dump(mode="json"), "mmc")
    work, _ = ed.start_work("p", None, mmc, None, None, state=state)
    with pytest.raises(ScenarioError, match="same scenario as the baseline"):
        whatif.prepare(state, ed.SESSION, ed.WORKING, 2, 1, 1, mmc, None, work, None)
    edited, _ = ed.scale(1, work, "all", 20)
    fn, args = whatif.prepare(state, ed.SESSION, ed.WORKING, 2, 1, 1, mmc, None, edited, None)
    (sc_a, _, label_a), (sc_b, _, label_b), reps, seed = args
    assert (reps, seed, sc_a.horizon.days, sc_b.horizon.days) == (2, 1, 1, 1)
    record = fn(None, *args)
    sl = next(r for r in record["rows"] if r["metric"] == "service_level")
    assert sl["direction"] == "better" and sl["diff_low"] > 0
    assert record["seed"] == 1 and record["replications"] == 2
    view = whatif.render_result(record)
    assert "whatif-diff-table" in str(view) and label_b in texts(view)
    with pytest.raises(ScenarioError, match="replications"):
        whatif.prepare(state, ed.SESSION, ed.WORKING, 1, 1, 1, mmc, None, edited, None)


def test_a_version_can_become_the_sessions_scenario(work: dict) -> None:
    """'Use on all pages' loads the clicked version as the session's base scenario."""
    edited, _ = ed.scale(1, work, "site/montreal", -10)
    versions, _ = ed.save_version(1, "montreal -10%", edited, None)
    base, box = ed.use_version([1], versions, {"type": "whatif-use", "index": 0})
    assert base["scenario"] == edited["scenario"] and "montreal -10%" in base["label"]
    assert "Now using" in texts(box)
    with pytest.raises(PreventUpdate):
        ed.use_version([0], versions, None)


def test_scenario_summary_follows_valid_form_edits(state: AppState) -> None:
    """The Scenario page's summary redraws from a valid edit of its base, never from another's."""
    scn = sys.modules["dashboard.pages.scenario.page"]
    data = api.scale_headcount(state.scenario.model_dump(mode="json"), 100)
    agents = sum(api.headcount_by_site(data).values())
    edited = {"id": "served", "label": "x", "valid": True, "scenario": data}
    base = served_base(state)
    assert f"{agents}" in texts(scn.live_summary(edited, base))
    for stale in ({**edited, "id": "other"}, {**edited, "valid": False}, None):
        with pytest.raises(PreventUpdate):
            scn.live_summary(stale, base)


def test_peak_view_states_the_horizon_dates(work: dict) -> None:
    """The peak editor says which dates the horizon covers (so a peak can be placed in it)."""
    assert "Horizon: 2026-09-14 to 2026-09-20" in texts(peak_view(work["scenario"]))
