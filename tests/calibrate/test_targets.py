"""Issue-15 targets: the same definitions on the log and on simulated replications."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.calibrate.build import calibrate
from sim.calibrate.logs import read_log
from sim.calibrate.targets import OVERALL_TOL, definitions, overall, per_type, targets

BANK = Path(__file__).resolve().parents[2] / "scenarios/data/anonymous_bank_february_1999.tsv"


@pytest.fixture(scope="module")
def bank_cal():
    return calibrate(read_log(BANK, "anonymous-bank"), name="bank")


def _calls(rows: list[tuple[str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"type": [r[0] for r in rows], "arrival_s": [3600.0 * (i + 8) for i in range(len(rows))],
         "wait_s": [r[1] for r in rows], "served": [r[2] for r in rows]}
    )  # fmt: skip


def test_overall_definitions_on_a_hand_table():
    """Abandonment over offered, share waiting, ASA with zeros, SL with abandons after T."""
    calls = _calls([("A", 0.0, True), ("A", 10.0, True), ("B", 30.0, True), ("B", 40.0, False)])
    got = overall(calls, 20.0)
    assert got["abandon_of_queued"] == 0.25
    assert got["share_waiting"] == 0.75
    assert got["asa_s"] == pytest.approx(40.0 / 3)
    assert got["service_level"] == pytest.approx(2 / 4)
    t = per_type(calls)
    assert t.loc["B", "abandon_of_queued"] == 0.5 and t.loc["B", "mean_wait_s"] == 30.0


def test_bank_abandonment_definitions_reconcile(bank_cal):
    """12.7% is of calls reaching the queue, 22.0% of those that waited, 17.9% adds VRU hang-ups."""
    d = definitions(bank_cal)
    calls = bank_cal.log.calls
    assert d["abandoned_over_reached_queue"]["den"] == len(calls)
    assert d["abandoned_over_waited"]["den"] == int((calls["wait_s"] > 0).sum())
    vru = d["abandoned_or_vru_hangup_over_all_calls"]["den"] - len(calls)
    assert vru == 1941  # the reader's count of VRU hang-ups without a queue stamp
    assert round(d["abandoned_over_reached_queue"]["value"], 3) == 0.127
    assert round(d["abandoned_or_vru_hangup_over_all_calls"]["value"], 3) == 0.179


def test_targets_rows_score_against_their_tolerance(bank_cal):
    """Each row's 'met' is |simulated - observed| / observed within its tolerance."""
    result = targets(bank_cal, replications=2, seed=3)
    names = [r["target"] for r in result["rows"]]
    assert names[:4] == ["abandon_of_queued", "share_waiting", "asa_s", "service_level"]
    assert "day_variance_ratio" in names and "hourly_abandon_in_pi95" in names
    assert {"NE.mean_wait_s", "NW.mean_wait_s", "PS.mean_wait_s", "TT.mean_wait_s"} <= set(names)
    first = result["rows"][0]
    assert first["observed"] == overall(bank_cal.log.calls, 20.0)["abandon_of_queued"]
    assert first["met"] == (abs(first["rel_diff"]) <= OVERALL_TOL)
    for r in result["rows"]:
        if r["rel_diff"] is not None:
            assert r["met"] == (abs(r["rel_diff"]) <= r["tolerance"])


def test_bank_type_queue_order_shows_nw_served_after_ps(bank_cal):
    """The log's evidence for the NW miss: NW wins well under half its overtakes against PS."""
    from sim.calibrate.targets import type_overtakes

    rows = {(r["a"], r["b"]): r for r in type_overtakes(bank_cal.log.calls)}
    nw_ps = rows[("NW", "PS")]
    assert nw_ps["pairs"] >= 1000 and nw_ps["ci_high"] < 0.05
    assert all(r["ci_low"] <= r["a_wins"] <= r["ci_high"] for r in rows.values())


def test_agent_pools_group_agents_by_the_types_they_served():
    """Agents with the same served-type set form one pool; rare types are not a skill."""
    from sim.calibrate.structure import agent_pools

    rows = [("A", "x")] * 30 + [("A", "y")] * 30 + [("B", "x")] * 30 + [("B", "y")] * 25
    rows += [("C", "x")] * 100 + [("C", "y")] * 1
    calls = pd.DataFrame({"agent": [r[0] for r in rows], "type": [r[1] for r in rows],
                          "served": True})  # fmt: skip
    pools = agent_pools(calls)
    assert pools == [
        {"skills": ["x", "y"], "agents": 2, "calls": {"x": 60, "y": 55}, "members": ["A", "B"]},
        {"skills": ["x"], "agents": 1, "calls": {"x": 100, "y": 1}, "members": ["C"]},
    ]


def test_documented_targets_match_the_tool_on_the_bundled_log(bank_cal):
    """docs/calibration.md's observed targets and abandonment shares equal the tool's output."""
    import re

    from sim.calibrate.targets import MIN_TYPE_CALLS

    doc = (BANK.parents[2] / "docs/calibration.md").read_text()
    section = doc.split("## Targets on the bank log")[1].split("```text")[1].split("```")[0]
    rows = {m[0]: float(m[1]) for m in re.findall(r"^(\S+)\s+([\d.]+)\s", section, re.M)}
    obs = overall(bank_cal.log.calls, bank_cal.sl_threshold_s)
    types = per_type(bank_cal.log.calls)
    for t in types.index[types["calls"] >= MIN_TYPE_CALLS]:
        obs[f"{t}.abandon_of_queued"] = types.loc[t, "abandon_of_queued"]
        obs[f"{t}.mean_wait_s"] = types.loc[t, "mean_wait_s"]
    for name, value in obs.items():
        assert f"{rows[name]:.4g}" == f"{value:.4g}", name
    for key, d in definitions(bank_cal).items():
        assert f"{key}" in section
        assert re.search(rf"{key}\s+{d['num']}/{d['den']}\s+= {d['value']:.1%}", section), key
