"""The student guide's answers: recomputed from the formulas, and the simulator agrees with them.

Every `<!-- check: name = value -->` in docs/guide_student.md is compared with the value computed
here (to the precision printed); the lab scenarios are then simulated and their KPIs compared
with the same formulas within 4 standard errors of the replications.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from scipy import stats

from sim import analytic, api
from sim.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide_student.md"
LAM, MU, T = 120 / 3600, 1 / 240, 20.0


def _answers() -> dict[str, float]:
    c10 = analytic.erlang_c_metrics(LAM, MU, 10, T)
    c11 = analytic.erlang_c_metrics(LAM, MU, 11, T)
    sep = analytic.erlang_c_metrics(LAM / 2, MU, 5, T)
    a = analytic.erlang_a_metrics(LAM, MU, 1 / 120, 10, T)
    return {
        "load": LAM / MU,
        "occupancy": float(c10["occupancy"]),
        "pwait": float(c10["p_wait"]),
        "asa_s": float(c10["asa"]),
        "wait_if_waiting_s": float(c10["mean_wait_given_wait"]),
        "sl_20": float(c10["service_level"]),
        "lq": float(c10["mean_queue_len"]),
        "sl_11": float(c11["service_level"]),
        "agents_80_20": float(analytic.erlang_c_min_agents(LAM, MU, T, 0.8)),
        "asa_11_s": float(c11["asa"]),
        "asa_separate_s": float(sep["asa"]),
        "asa_pooled_s": float(c10["asa"]),
        "p_abandon": float(a["p_abandon"]),
        "asa_served_s": float(a["asa_served"]),
        "blocking": float(analytic.erlang_b(10, LAM / MU)),
    }


def _checks() -> list[tuple[str, str]]:
    return re.findall(r"<!--\s*check:\s*(\w+)\s*=\s*([-\d.]+)\s*-->", GUIDE.read_text())


def test_every_answer_in_the_guide_is_right():
    """Each printed answer equals the formula's value to the digits printed."""
    answers = _answers()
    found = _checks()
    assert {name for name, _ in found} == set(answers)
    for name, text in found:
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert round(answers[name], decimals) == pytest.approx(float(text)), name


def _kpi(result, metric: str, key: str = "all", dimension: str = "overall") -> tuple[float, float]:
    k = result.kpi(metric, dimension, key)
    t = stats.t.ppf(0.975, result.replications - 1)
    return k["mean"], (k["ci95_high"] - k["mean"]) / t


def _close(result, metric: str, expected: float, **where: str) -> None:
    mean, se = _kpi(result, metric, **where)
    assert abs(mean - expected) < 4 * se + 1e-9, (metric, mean, expected, se)


def test_lab_center_matches_erlang_c():
    """teaching_mmc.yaml: simulated ASA, service level and occupancy match Erlang C."""
    a = _answers()
    r = api.run(ROOT / "scenarios" / "teaching_mmc.yaml", replications=8, seed=3)
    _close(r, "asa_s", a["asa_s"])
    _close(r, "service_level", a["sl_20"])
    _close(r, "occupancy", a["occupancy"])


def test_pooling_pair_matches_erlang_c():
    """Separate M/M/5 teams wait ~133 s, the pooled M/M/10 ~49 s, as the formulas say."""
    a = _answers()
    sep = api.run(ROOT / "scenarios" / "pooling_separate.yaml", replications=8, seed=3)
    pooled = api.run(ROOT / "scenarios" / "pooling_pooled.yaml", replications=8, seed=3)
    _close(sep, "asa_s", a["asa_separate_s"])
    _close(pooled, "asa_s", a["asa_pooled_s"])


def _lab_variant(**change) -> object:
    data = load_scenario(ROOT / "scenarios" / "teaching_mmc.yaml").model_dump(mode="json")
    data = copy.deepcopy(data)
    if "patience" in change:
        data["demand"][0]["patience"] = change["patience"]
    if "lines" in change:
        data["channels"]["voice"]["lines"] = change["lines"]
    return scenario_from_dict(data)


def test_impatient_callers_match_erlang_a():
    """With exponential patience (120 s) abandonment and ASA of served calls match Erlang A."""
    a = _answers()
    r = api.run(_lab_variant(patience={"dist": "exponential", "mean_s": 120}), replications=8,
                seed=3)  # fmt: skip
    _close(r, "abandon_rate", a["p_abandon"])
    _close(r, "asa_s", a["asa_served_s"])


def test_ten_lines_match_erlang_b():
    """With 10 trunk lines for 10 agents the blocked share matches Erlang B."""
    a = _answers()
    r = api.run(_lab_variant(lines=10), replications=8, seed=3)
    blocked, se_b = _kpi(r, "blocked")
    offered, se_o = _kpi(r, "offered")
    se_ratio = ((se_b / offered) ** 2 + (blocked * se_o / offered**2) ** 2) ** 0.5  # delta method
    assert abs(blocked / offered - a["blocking"]) < 4 * se_ratio
