"""--set PATH=VALUE: paths by name, index or *, relative values, validation like the YAML."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.errors import ScenarioError
from sim.experiments.overrides import apply_overrides, override_scenario, parse_override

runner = CliRunner()


@pytest.fixture(scope="module")
def default():
    return api.load(None)[0]


def test_value_forms():
    """Absolute values are YAML; +x%, -x%, *k, +n and +-n are relative; a bare -n is absolute."""
    cases = {
        "+10%": ("*", 1.1), "-5%": ("*", 0.95), "*1.3": ("*", 1.3), "+2": ("+", 2.0),
        "+-2": ("+", -2.0), "-2": ("=", -2), "3": ("=", 3), "abc": ("=", "abc"),
        "[1, 2]": ("=", [1, 2]), "true": ("=", True),
    }  # fmt: skip
    for text, (op, value) in cases.items():
        ov = parse_override(f"horizon.days={text}")
        assert ov.op == op, text
        if isinstance(value, float):
            assert ov.value == pytest.approx(value), text
        else:
            assert ov.value == value, text


def test_paths_by_name_index_and_wildcard(default):
    """Items are found by name, by index ([i] or .i) and all at once with *."""
    sc = override_scenario(default, [
        "sites.manila.groups.en_voice.shifts[0].headcount=+10%",
        "sites.manila.groups.en_voice.shifts.1.headcount=*2",
        "sites[0].groups.bilingual.shifts[*].headcount=+1",
        "demand.en_voice_us.volume_per_day=*1.3",
        "demand.*.priority=2",
        "horizon.days=2",
    ])  # fmt: skip
    manila = [s.headcount for s in sc.sites[1].groups[0].shifts]
    before = [s.headcount for s in default.sites[1].groups[0].shifts]
    assert manila[0] == 24 and before[0] == 22  # 22 x 1.1 = 24.2 -> 24 (integers stay integers)
    assert manila[1] == 2 * before[1]
    assert [s.headcount for s in sc.sites[0].groups[1].shifts] == [
        s.headcount + 1 for s in default.sites[0].groups[1].shifts
    ]
    assert sc.demand[0].volume_per_day == pytest.approx(default.demand[0].volume_per_day * 1.3)
    assert {c.priority for c in sc.demand} == {2}
    assert sc.horizon.days == 2


def test_relative_change_of_a_list_and_of_a_default(default):
    """Relative values apply element-wise to number lists, and to fields left at their default."""
    sc = override_scenario(default, ["demand.en_voice_us.weekday_profile=*2",
                                     "horizon.warmup_hours=+3"])  # fmt: skip
    assert sc.demand[0].weekday_profile == [2 * w for w in default.demand[0].weekday_profile]
    assert sc.horizon.warmup_hours == 3


def test_no_override_leaves_scenario_untouched(default):
    """Without overrides the very same scenario object comes back."""
    assert override_scenario(default, []) is default


def test_original_dict_not_modified():
    """apply_overrides works on a copy."""
    data = {"horizon": {"days": 7}}
    assert apply_overrides(data, ["horizon.days=2"]) == {"horizon": {"days": 2}}
    assert data == {"horizon": {"days": 7}}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("sites.manil.groups.x.wage_per_hour=1", "no item named 'manil' in sites; did you mean "
         "sites.manila.groups.x.wage_per_hour? names: mexico_city, manila"),
        ("horizon.dayz=2", "no field 'dayz'; did you mean horizon.days? fields here: start, days"),
        ("sites.manila.shifts=+10%", "did you mean"),
        ("demand[9].volume_per_day=1", "demand[9]: index out of range"),
        ("sites.manila.timezone=+1", "a relative change (+) needs a number"),
        ("horizon.days=-2", "horizon.days: Input should be greater than 0"),
        ("horizon.days=many", "horizon.days"),
        ("sites.manila.timezone=Mars/Olympus", "sites[1].timezone: unknown time zone"),
        ("horizon..days=2", "is not a path"),
        ("horizon.days", "expected PATH=VALUE"),
    ],
)  # fmt: skip
def test_bad_override_is_a_clear_error(default, override, message):
    """A bad path or value raises ScenarioError naming the path and what is allowed."""
    with pytest.raises(ScenarioError) as err:
        override_scenario(default, [override])
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("override", "suggested"),
    [
        ("horizon.dayz=2", "horizon.days"),
        ("sities.manila.timezone=UTC", "sites.manila.timezone"),
        ("sites.manilla.groups.en_voice.headcount=+10%", "sites.manila.groups.en_voice.headcount"),
        ("sites.manila.groups.en_voise.headcount=+10%", "sites.manila.groups.en_voice.headcount"),
        ("sites.manila.groups.en_voice.headcont=+10%", "sites.manila.groups.en_voice.headcount"),
        ("sites.manila.groups.en_voice.shift[*].headcount=+1",
         "sites.manila.groups.en_voice.shifts[*].headcount"),
        ("sites[1].groups[0].shifs[0].headcount=3", "sites[1].groups[0].shifts[0].headcount"),
        ("demand.EN_VOICE_US.priority=2", "demand.en_voice_us.priority"),
        ("demand.peak_multiplyer=1.3", "demand.peak_multiplier"),
        ("demand.en_voice_us.volume_per_dya=*1.2", "demand.en_voice_us.volume_per_day"),
        ("sites.groups.en_voice.headcount=+1", "sites.*.groups.en_voice.headcount"),
        ("sites.manila.shifts=+10%", "sites.manila.groups[*].shifts"),
    ],
)  # fmt: skip
def test_bad_path_suggests_the_closest_valid_one(default, override, suggested):
    """A step naming nothing at its level is answered with the user's path, that step replaced by
    the closest valid key, item name or shorthand there (spelled as the user wrote the rest)."""
    with pytest.raises(ScenarioError) as err:
        override_scenario(default, [override])
    assert f"did you mean {suggested}?" in str(err.value)


def test_no_suggestion_when_nothing_is_close(default):
    """A step like no valid name gets the list of names, not a far-fetched guess."""
    with pytest.raises(ScenarioError) as err:
        override_scenario(default, ["sites.zzz.groups.en_voice.headcount=1"])
    assert "did you mean" not in str(err.value)
    assert "names: mexico_city, manila, montreal" in str(err.value)


def test_cli_suggestion_exits_2_without_traceback():
    """`ccsim run --set` with a mistyped path prints one error line with the fix, exit code 2."""
    res = runner.invoke(app, ["run", "--set", "horizon.dayz=2"])
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit)
    assert "did you mean horizon.days?" in res.stderr and "Traceback" not in res.output
    assert res.stderr.count("\n") == 1 and res.stdout == ""


def test_cli_bad_override_exits_2():
    """`ccsim run --set` with a bad path or value prints the problem and exits with code 2."""
    for bad in ("sites.nowhere.x=1", "horizon.days=0"):
        res = runner.invoke(app, ["run", "--set", bad])
        assert res.exit_code == 2
        assert "error:" in res.stderr and bad.split("=")[0].split(".")[0] in res.stderr


def test_cli_override_applies_and_is_recorded():
    """`ccsim run --set horizon.days=1` simulates one day and lists the override in the JSON."""
    import json

    res = runner.invoke(app, ["run", "--set", "horizon.days=1", "--replications", "2", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["overrides"] == ["horizon.days=1"]
    assert data["kpis"]["overall"]["offered"]["mean"] < 10_000  # one day, not seven


def test_issue_shorthands():
    """The issue's examples work: group headcount +10% and a demand peak multiplier."""
    from sim.scenario import DEFAULT_SCENARIO, load_scenario

    base = load_scenario(DEFAULT_SCENARIO)
    sc = override_scenario(
        base, ["sites.manila.groups.en_voice.headcount=+10%", "demand.peak_multiplier=1.3"]
    )
    before = [s.headcount for s in base.sites[1].groups[0].shifts]
    after = [s.headcount for s in sc.sites[1].groups[0].shifts]
    assert after == [int(h * 1.1 + 0.5) for h in before]
    for old, new in zip(base.demand, sc.demand, strict=True):
        assert new.volume_per_day == pytest.approx(old.volume_per_day * 1.3)
    with pytest.raises(ScenarioError, match="positive number"):
        parse_override("demand.peak_multiplier=lots")


def test_every_shorthand_is_documented():
    """docs/experiments.md lists each shorthand path the parser accepts, and each one works."""
    from pathlib import Path

    from sim.experiments.override_hints import SHORTHANDS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "experiments.md").read_text()
    for path in SHORTHANDS:
        assert f"`{path}=" in doc, path
    assert parse_override("sites.S.groups.G.headcount=+1").steps[-3:] == (
        "shifts",
        "*",
        "headcount",
    )
    assert parse_override("demand.peak_multiplier=1.2").steps == ("demand", "*", "volume_per_day")


def test_compare_set_b_errors_name_set_b():
    """A bad `--set-b` is reported as `--set-b ...` (the option the user typed), not `--set`."""
    with pytest.raises(ScenarioError, match=r"^--set-b horizon\.dayz=1: .*did you mean"):
        api.compare(None, None, replications=2, overrides_b=["horizon.dayz=1"])
    with pytest.raises(ScenarioError, match=r"^--set horizon\.dayz=1: "):
        api.compare(None, None, replications=2, overrides=["horizon.dayz=1"])
