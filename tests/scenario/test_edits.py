"""What-if edits on scenario dicts (sim.scenario.edits, exposed through sim.api)."""

from __future__ import annotations

import copy

import pytest

from sim import api
from sim.api import ScenarioError
from sim.scenario.edits import apportioned, scaled


@pytest.fixture(scope="module")
def default() -> dict:
    """The bundled default scenario as a plain dict (three sites, eight contact types)."""
    return api.load()[0].model_dump(mode="json")


def _headcounts(data: dict) -> dict[tuple[str, str, int], int]:
    return {
        (s["name"], g["name"], k): sh["headcount"]
        for s in data["sites"]
        for g in s["groups"]
        for k, sh in enumerate(g["shifts"])
    }


def test_scaled_rounds_to_nearest_agent_halves_up_exactly() -> None:
    """Nearest whole agent, exact halves up: +10% of 5 -> 6, of 4 -> 4; -100% gives 0."""
    assert [scaled(h, 10) for h in (5, 4, 35, 0)] == [6, 4, 39, 0]
    assert scaled(7, -100) == 0
    assert scaled(10, -15) == 9  # 8.5 -> 9
    assert scaled(50, 15) == 58  # 57.5 exactly (50 * 1.15 in floats is 57.4999...)


def test_apportioned_keeps_the_total_to_the_nearest_agent() -> None:
    """Small lines: +10% of 4, 2, 1 (7.7 exact) gives 8 agents in all, the extra one on the line
    with the largest remainder; every line within one agent of its exact share."""
    assert apportioned([4, 2, 1], 10) == [5, 2, 1]
    assert apportioned([3, 3, 3], 10) == [4, 3, 3]  # 9.9 -> 10; equal remainders: first line
    assert apportioned([0, 0, 2], 50) == [0, 0, 3]  # empty lines stay empty
    assert apportioned([10, 10], -5) == [10, 9]  # 19 exactly
    for lines in ([1, 2, 3, 4, 5], [7], [2, 2, 2, 2, 2, 2, 1]):
        for pct in (-37.5, -10, 5, 10, 33.3):
            out = apportioned(lines, pct)
            exact = [h * (100 + pct) / 100 for h in lines]
            assert sum(out) == scaled(sum(lines), pct)
            assert all(abs(o - x) < 1 for o, x in zip(out, exact, strict=True))


def test_scaling_one_site_changes_only_that_sites_headcount(default: dict) -> None:
    """+10% on Manila moves its total by 10% (to the nearest agent), each Manila line within one
    agent of its exact share, and leaves every other line alone."""
    before = copy.deepcopy(default)
    after = api.scale_headcount(default, 10, site="manila")
    assert default == before  # the input is never changed
    old, new = _headcounts(default), _headcounts(after)
    for key, h in old.items():
        if key[0] == "manila":
            assert abs(new[key] - h * 1.1) < 1, key
        else:
            assert new[key] == h, key
    manila = api.headcount_by_site(default)["manila"]
    assert api.headcount_by_site(after)["manila"] == scaled(manila, 10)
    api.from_dict(after, "scaled")  # still a valid scenario


def test_scaling_small_lines_still_changes_the_total() -> None:
    """The peak-season Bogota case: every line of 1-4 agents, +10% per line rounded gave no
    change at all; apportioned over the site, the total rises by 10% to the nearest agent."""
    data = api.load("scenarios/peak_season.yaml")[0].model_dump(mode="json")
    before = api.headcount_by_site(data)["bogota"]
    after = api.headcount_by_site(api.scale_headcount(data, 10, site="bogota"))["bogota"]
    assert after == scaled(before, 10) > before


def test_scaling_one_group_or_one_line(default: dict) -> None:
    """A group's scaling touches only its lines; a shift-line index touches only that line."""
    old = _headcounts(default)
    by_group = _headcounts(api.scale_headcount(default, -20, site="mexico_city", group="bilingual"))
    changed = {k for k in old if by_group[k] != old[k]}
    assert changed and all(k[:2] == ("mexico_city", "bilingual") for k in changed)
    one = _headcounts(api.scale_headcount(default, 50, "montreal", "fr_team", 0))
    assert {k for k in old if one[k] != old[k]} == {("montreal", "fr_team", 0)}
    assert one[("montreal", "fr_team", 0)] == 15  # 10 agents + 50%


def test_scaling_refuses_bad_input_naming_the_field(default: dict) -> None:
    """Unknown site or group, a percentage out of range, a group without its site: ScenarioError."""
    with pytest.raises(ScenarioError, match="site: no site 'paris'"):
        api.scale_headcount(default, 10, site="paris")
    with pytest.raises(ScenarioError, match="group: site 'manila' has no group"):
        api.scale_headcount(default, 10, site="manila", group="fr_team")
    with pytest.raises(ScenarioError, match="percent: -150 is outside"):
        api.scale_headcount(default, -150)
    with pytest.raises(ScenarioError, match="percent: enter a number"):
        api.scale_headcount(default, float("nan"))
    with pytest.raises(ScenarioError, match="name the site"):
        api.scale_headcount(default, 10, group="fr_team")
    with pytest.raises(ScenarioError, match="shift lines 0..4, not 9"):
        api.scale_headcount(default, 10, "montreal", "fr_team", 9)


def test_set_peak_appears_for_every_contact_type(default: dict) -> None:
    """One edited peak is set on every contact type; the same dates again replace its value."""
    once = api.set_peak(default, "2026-09-16", "2026-09-17", 1.8)
    assert all(
        {"start": "2026-09-16", "end": "2026-09-17", "multiplier": 1.8} in ct["peaks"]
        for ct in once["demand"]
    )
    twice = api.set_peak(once, "2026-09-16", "2026-09-17", 1.3)
    assert all([p["multiplier"] for p in ct["peaks"]] == [1.3] for ct in twice["demand"])
    table = api.peak_table(twice)
    assert table == [
        {
            "start": "2026-09-16",
            "end": "2026-09-17",
            "multipliers": {ct["name"]: 1.3 for ct in default["demand"]},
        }
    ]
    scenario = api.from_dict(twice, "peaked")
    assert all(len(ct.peaks) == 1 for ct in scenario.demand)


def test_set_peak_keeps_other_peaks_in_date_order(default: dict) -> None:
    """A new peak goes beside the existing ones, sorted by date; remove_peak takes it off again."""
    data = api.set_peak(default, "2026-09-18", "2026-09-18", 2.0)
    data = api.set_peak(data, "2026-09-15", "2026-09-15", 1.5)
    assert [p["start"] for p in data["demand"][0]["peaks"]] == ["2026-09-15", "2026-09-18"]
    back = api.remove_peak(data, "2026-09-18", "2026-09-18")
    assert [p["start"] for p in back["demand"][0]["peaks"]] == ["2026-09-15"]
    with pytest.raises(ScenarioError, match="no contact type has a peak"):
        api.remove_peak(back, "2026-09-18", "2026-09-18")


def test_set_peak_refuses_bad_dates_and_values(default: dict) -> None:
    """End before start, a non-date, a multiplier <= 0, dates outside the horizon: refused."""
    with pytest.raises(ScenarioError, match="peak end: 2026-09-15 is before"):
        api.set_peak(default, "2026-09-16", "2026-09-15", 1.5)
    with pytest.raises(ScenarioError, match="peak start: '16/09' is not a date"):
        api.set_peak(default, "16/09", "2026-09-17", 1.5)
    with pytest.raises(ScenarioError, match="peak multiplier"):
        api.set_peak(default, "2026-09-16", "2026-09-17", 0)
    with pytest.raises(ScenarioError, match="outside the horizon"):
        api.set_peak(default, "2026-12-01", "2026-12-02", 1.5)


def test_add_and_remove_shift_lines(default: dict) -> None:
    """A new line is appended to its group (valid scenario); removing it restores the original."""
    added = api.add_shift(default, "manila", "en_digital", "22:00", "06:00", ["sat", "mon"], 3)
    lines = added["sites"][1]["groups"][1]["shifts"]
    assert lines[-1] == {"start": "22:00", "end": "06:00", "days": ["mon", "sat"], "headcount": 3}
    api.from_dict(added, "added")
    assert api.remove_shift(added, "manila", "en_digital", len(lines) - 1) == default


def test_removing_the_last_shift_line_is_refused(default: dict) -> None:
    """A group keeps at least one shift line: removing its only one says to set headcount 0."""
    data = default
    while len(data["sites"][2]["groups"][0]["shifts"]) > 1:
        data = api.remove_shift(data, "montreal", "fr_team", 0)
    with pytest.raises(ScenarioError, match="montreal/fr_team has only this shift line.*headcount"):
        api.remove_shift(data, "montreal", "fr_team", 0)


def test_add_shift_refuses_bad_input(default: dict) -> None:
    """A fractional or negative headcount, an unknown weekday, an unknown group: ScenarioError."""
    with pytest.raises(ScenarioError, match="shift headcount"):
        api.add_shift(default, "manila", "en_voice", "08:00", "16:00", None, 2.5)
    with pytest.raises(ScenarioError, match="shift days"):
        api.add_shift(default, "manila", "en_voice", "08:00", "16:00", ["funday"], 2)
    with pytest.raises(ScenarioError, match="has no group"):
        api.add_shift(default, "manila", "nobody", "08:00", "16:00", None, 2)
    bad_clock = api.add_shift(default, "manila", "en_voice", "25:00", "16:00", None, 2)
    with pytest.raises(ScenarioError):
        api.from_dict(bad_clock, "bad clock")  # clock times are checked by the scenario model
