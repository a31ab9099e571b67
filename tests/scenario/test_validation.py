"""Bad scenarios get a clear message naming the field and what is allowed."""

from __future__ import annotations

import copy

import pytest
from helpers import single_queue

from sim.errors import ScenarioError
from sim.scenario import load_scenario, parse_scenario, scenario_from_dict


def _error(data: dict) -> str:
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    return str(exc.value)


def test_valid_scenario_loads():
    """The reference single-queue scenario is valid."""
    sc = scenario_from_dict(single_queue())
    assert sc.demand[0].name == "q"


def test_missing_field_names_its_path():
    """A missing required field is reported with its full YAML path."""
    data = single_queue()
    del data["sites"][0]["groups"][0]["shifts"][0]["headcount"]
    assert "sites[0].groups[0].shifts[0].headcount: required field is missing" in _error(data)


def test_problems_name_the_list_items_they_are_in():
    """A path through named list items also gives their names (site, group, contact type), so
    the item is found without counting; a path through unnamed items (shifts) names none."""
    data = single_queue()
    data["sites"][0]["name"] = "manila"
    data["sites"][0]["groups"][0]["name"] = "en_voice"
    del data["sites"][0]["groups"][0]["shifts"][0]["headcount"]
    data["demand"][0]["volume_per_day"] = float("inf")
    assert "demand[0].volume_per_day: inf is not a finite number; give a finite value " \
        "(in demand 'q')" in _error(data)  # fmt: skip
    data["demand"][0]["volume_per_day"] = 100.0
    assert "sites[0].groups[0].shifts[0].headcount: required field is missing " \
        "(in site 'manila', group 'en_voice')" in _error(data)  # fmt: skip
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    # `problems` keep the bare "path: what" form that code maps to form fields
    assert exc.value.problems == ["sites[0].groups[0].shifts[0].headcount: required field is "
                                  "missing"]  # fmt: skip
    data = single_queue()
    data["horizon"]["dayz"] = 1
    assert _error(data).endswith("horizon.dayz: unknown field; check the spelling (see `ccsim "
                                 "schema`)")  # fmt: skip


def test_wrong_type_names_value():
    """A wrong type names the path and the value given."""
    data = single_queue()
    data["demand"][0]["volume_per_day"] = "lots"
    msg = _error(data)
    assert "demand[0].volume_per_day" in msg and '"lots"' in msg


def test_negative_rate_rejected():
    """Negative volumes are rejected with the allowed range."""
    data = single_queue()
    data["demand"][0]["volume_per_day"] = -5
    msg = _error(data)
    assert "demand[0].volume_per_day" in msg and "greater than or equal to 0" in msg


def test_negative_headcount_rejected():
    data = single_queue()
    data["sites"][0]["groups"][0]["shifts"][0]["headcount"] = -1
    assert "sites[0].groups[0].shifts[0].headcount" in _error(data)


def test_unknown_time_zone():
    """An unknown IANA zone is named, with an example of a valid one."""
    data = single_queue()
    data["sites"][0]["timezone"] = "Mars/Olympus_Mons"
    msg = _error(data)
    assert "sites[0].timezone" in msg and "Mars/Olympus_Mons" in msg and "IANA" in msg


def test_unknown_field_suggests_schema():
    """A misspelt key is an error, not silently ignored."""
    data = single_queue()
    data["demand"][0]["volume_per_dya"] = 10
    assert "demand[0].volume_per_dya: unknown field" in _error(data)


def test_distribution_parameters_checked():
    """Distribution errors are reported without the internal union tag in the path."""
    data = single_queue(handle={"dist": "lognormal", "mean_s": 300})
    assert "demand[0].handle_time.cv: required field is missing" in _error(data)
    data = single_queue(handle={"dist": "weibull", "mean_s": 300})
    assert "demand[0].handle_time" in _error(data)


def test_profile_length_checked():
    data = single_queue()
    data["demand"][0]["intraday_profile"] = [1.0] * 23
    assert "give 24 (hourly), 48 (half-hourly) or 96" in _error(data)


def test_contact_without_skilled_group():
    """Demand that no agent group can serve is an error naming the missing skill."""
    data = single_queue()
    data["demand"][0]["language"] = "fr"
    assert "no agent group has the skill language='fr', channel='voice'" in _error(data)


def test_duplicate_names():
    data = single_queue()
    data["demand"].append(copy.deepcopy(data["demand"][0]))
    assert "name 'q' is used twice" in _error(data)


def test_email_cannot_abandon():
    data = single_queue(channel="email")
    assert "email contacts do not abandon" in _error(data)


def test_chat_factor_length():
    data = single_queue(channel="chat", patience_s=None)
    data["channels"] = {"chat": {"max_concurrency": 3, "aht_factor_by_concurrency": [1.0, 1.2]}}
    assert "give one per concurrency level 1..3" in _error(data)


def test_bad_clock_time():
    data = single_queue()
    data["sites"][0]["groups"][0]["shifts"][0]["start"] = "25:00"
    assert "not a clock time" in _error(data)


def test_empty_file(tmp_path):
    """An empty file says so rather than failing on None."""
    path = tmp_path / "empty.yaml"
    path.write_text("")
    with pytest.raises(ScenarioError, match="the file is empty"):
        load_scenario(path)


def test_not_yaml():
    """Unparsable YAML reports the line."""
    with pytest.raises(ScenarioError, match=r"not valid YAML at line 3"):
        parse_scenario("horizon:\n  start: [2026\n")


def test_not_a_mapping():
    with pytest.raises(ScenarioError, match="expected a mapping"):
        parse_scenario("- just\n- a list\n")


def test_yaml_tags_not_executed():
    """YAML is parsed safely: python tags are refused, never run."""
    with pytest.raises(ScenarioError, match="not valid YAML"):
        parse_scenario("!!python/object/apply:os.system ['echo hacked']\n")


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")
