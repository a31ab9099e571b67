"""The inferred structure: priorities from overtakes, pools sharing staffing, policy evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate.routing_fit import longest_idle_check, pool_headcount, type_priorities
from sim.calibrate.structure import scenario_pools
from sim.scenario.models import clock_seconds


def _calls(rows: list[tuple[float, float, bool, float, str, str]]) -> pd.DataFrame:
    cols = ["arrival_s", "wait_s", "served", "service_s", "agent", "type"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["priority"] = 0
    return frame


def test_a_type_always_served_first_gets_the_higher_priority_and_ties_stay_equal():
    """hi overtakes lo every time -> hi 1, lo 2; a and b overtake each other equally -> equal."""
    rows = []
    for k in range(30):
        t = 1000.0 * k
        rows += [(t, 100.0, True, 10.0, "A", "lo"), (t + 10, 5.0, True, 10.0, "A", "hi")]
        first, second = ("a", "b") if k % 2 else ("b", "a")
        rows += [(t + 500, 100.0, True, 10.0, "A", first), (t + 510, 5.0, True, 10.0, "A", second)]
    prio = type_priorities(_calls(rows))
    assert prio["hi"] < prio["lo"]
    assert prio["a"] == prio["b"]


def test_pools_share_the_total_headcount_by_their_measured_availability():
    """A talks all hour, B half of it: 3 agents split 2 and 1, and every slot sums to the total."""
    calls = _calls([(0.0, 0.0, True, 3600.0, "A", "x"), (0.0, 0.0, True, 1800.0, "B", "y")])
    dates = pd.DatetimeIndex(["1999-02-01"])
    total = np.zeros((7, 24), dtype=int)
    total[dates[0].day_of_week, 0] = 3
    pools = [{"skills": ["x"], "members": ["A"]}, {"skills": ["y"], "members": ["B"]}]
    a, b = pool_headcount(calls, 1, dates, 3600, 900.0, pools, total)
    assert (a + b == total).all()
    assert a[dates[0].day_of_week, 0] == 2 and b[dates[0].day_of_week, 0] == 1


def test_longest_idle_check_scores_a_log_that_always_picks_the_longest_idle_agent():
    """Two idle agents each time, the one idle longer answers: share 1, random choice 1/2."""
    rows = []
    for k in range(10):
        t = 1000.0 * k
        rows += [(t, 0.0, True, 50.0, "A", "x"), (t + 100, 0.0, True, 50.0, "B", "x")]
        rows += [(t + 300, 0.0, True, 50.0, "A", "x")]  # A idle since t+50, B since t+150
        rows += [(t + 600, 0.0, True, 50.0, "B", "x")]  # B idle since t+150, A since t+350
    calls = _calls(rows)
    pools = [{"skills": ["x"], "members": ["A", "B"]}]
    check = longest_idle_check(calls, pools, 900.0)
    assert check["calls_checked"] >= 10
    assert check["longest_idle_share"] == 1.0 and check["random_choice_share"] == 0.5


def test_scenario_pools_give_every_type_a_pool():
    """A type too rare to be any agent's skill joins the pool that answered most of it."""
    rows = [(0.0, 0.0, True, 10.0, "A", "x")] * 30 + [(0.0, 0.0, True, 10.0, "A", "rare")]
    rows += [(0.0, 0.0, True, 10.0, "B", "y")] * 30
    pools = scenario_pools(_calls(rows))
    assert {tuple(p["skills"]) for p in pools} == {("rare", "x"), ("y",)}


def test_bank_scenario_has_pools_priorities_and_the_same_total_staffing(bank_log_path):
    """With structure: several groups, PS ahead of NW, the one-pool headcount kept in total."""
    from sim.calibrate.build import calibrate
    from sim.calibrate.logs import read_log

    bank_calibration = calibrate(read_log(bank_log_path), name="bank", structure=True)
    sc = bank_calibration.scenario
    groups = sc.sites[0].groups
    assert len(groups) > 1
    prio = {c.segment: c.priority for c in sc.demand}
    assert prio["PS"] < prio["NW"]
    staffing = bank_calibration.staffing
    slots = 0
    for g in groups:
        for line in g.shifts:
            start, end = (clock_seconds(line.start), clock_seconds(line.end))
            slots += line.headcount * len(line.days) * ((end - start) % 86_400) // staffing.slot_s
    assert slots == staffing.headcount.sum()
    sp = bank_calibration.structure["strict_priority"]
    assert (sp["first"], sp["second"]) == ("PS", "NW") and sp["ci95"][0] > 0.95


def test_default_calibration_keeps_one_pool_but_reports_the_structure(bank_calibration):
    """Without structure=True the scenario is one FCFS group; the inference is still reported."""
    assert [g.name for g in bank_calibration.scenario.sites[0].groups] == ["agents"]
    assert {c.priority for c in bank_calibration.scenario.demand} == {1}
    assert bank_calibration.structure["policy"] == "longest_idle"


def _two_type_scenario(groups: list[dict], priorities: tuple[int, int] = (1, 1)) -> dict:
    profile = [0.0] * 8 + [1.0] * 12 + [0.0] * 4
    demand = [
        {"name": t, "channel": "voice", "language": t, "timezone": "UTC", "segment": t,
         "volume_per_day": 700.0, "intraday_profile": profile, "priority": p,
         "handle_time": {"dist": "exponential", "mean_s": 240.0},
         "patience": {"dist": "exponential", "mean_s": 300.0}}
        for t, p in zip(("x", "y"), priorities, strict=True)
    ]  # fmt: skip
    return {"name": "two", "horizon": {"start": "2026-01-05", "days": 7, "timezone": "UTC"},
            "demand": demand, "sites": [{"name": "s", "timezone": "UTC", "location": "onshore",
                                         "groups": groups}]}  # fmt: skip


def _group(name: str, skills: list[str], n: int) -> dict:
    return {"name": name, "skills": [{"language": s, "channel": "voice"} for s in skills],
            "shifts": [{"start": "08:00", "end": "20:00", "headcount": n}]}  # fmt: skip


def _simulated_calls(data: dict) -> pd.DataFrame:
    from helpers import compiled

    from sim.calibrate.observed import calls_from_contact_log
    from sim.engine import simulate

    model = compiled(data)
    return calls_from_contact_log(simulate(model, 3, 0), model, pd.Timestamp("2026-01-05"))


def test_priorities_are_recovered_from_a_log_ccsim_simulated_with_them():
    """One shared pool serving x first: the log's overtakes give x the higher priority."""
    calls = _simulated_calls(_two_type_scenario([_group("g", ["x", "y"], 6)], (1, 2)))
    prio = type_priorities(calls)
    assert prio["x"] < prio["y"]


def test_cli_structure_recovers_dedicated_pools(tmp_path):
    """`ccsim calibrate --structure` on a log of two dedicated groups writes one group per type,
    with the two types at equal priority."""
    from typer.testing import CliRunner

    from sim.calibrate.logs import write_calls_csv
    from sim.cli import app
    from sim.scenario import load_scenario

    data = _two_type_scenario([_group("gx", ["x"], 4), _group("gy", ["y"], 4)])
    log = tmp_path / "log.csv"
    write_calls_csv(_simulated_calls(data), pd.Timestamp("2026-01-05"), log)
    out = tmp_path / "center.yaml"
    args = [
        "calibrate",
        str(log),
        "--format",
        "csv",
        "--timezone",
        "UTC",
        "--out",
        str(out),
        "--report",
        str(tmp_path / "report"),
        "--replications",
        "2",
        "--structure",
        "-q",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    sc = load_scenario(out)
    skills = sorted(tuple(k.language.split("_")[-1] for k in g.skills) for g in sc.sites[0].groups)
    assert skills == [("x",), ("y",)]
    assert len({c.priority for c in sc.demand}) == 1
    assert "Agent groups" in out.read_text()


def test_structure_note_states_what_was_inferred_and_how_sure(bank_calibration):
    """The report's note names the pools, priorities, the strict-priority evidence with its
    interval, the agent-choice check, and says the default scenario does not use them."""
    from sim.calibrate.explain import structure_note

    note = structure_note(bank_calibration)
    st = bank_calibration.structure
    assert "not used" in note and f"{len(st['pools'])} agent pools" in note
    assert f"{st['strict_priority']['share_first']:.1%}" in note
    assert f"{st['agent_choice']['longest_idle_share']:.1%}" in note
