"""The plan's predicted SL, ASA and abandonment of a week, checked against formulas by hand.

On a flat one-queue week the roster puts the same number of agents in every interval, so the
prediction is one Erlang C (or A) value, computed here from its defining sums.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from plan_cases import EXAMPLE, SCENARIOS, mmc_plan

from sim import api
from sim.analytic.erlang_a import erlang_a_metrics
from sim.model import compile_model
from sim.planning.predict import _backlog_sums, predict_week
from sim.staffing.workload import build_workload

LAM, MU, AWT = 120 / 3600.0, 1 / 240.0, 20.0  # teaching_mmc: 120 calls/h, 4-min calls, 20 s


def _week(plan: dict, base_dir: Path) -> tuple[dict, int]:
    """Predicted values of week 2 and the roster's agents per interval (asserted constant)."""
    result = api.plan(plan, base_dir=base_dir)
    scenario = api.plan_week_scenario(result, 2)
    presence = build_workload(compile_model(scenario)).presence
    assert np.allclose(presence, presence.flat[0])
    pred = predict_week(result, 2, scenario)
    return {k[0]: v["value"] for k, v in pred.items()}, int(round(presence.flat[0]))


def erlang_c_by_hand(n: int, a: float) -> float:
    """P(wait) of M/M/n by hand: Erlang B by its recursion, then C = B / (1 - a (1 - B) / n)."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b / (1.0 - a / n * (1.0 - b))


def _sl_asa_c(n: int) -> tuple[float, float]:
    c = erlang_c_by_hand(n, LAM / MU)
    return 1.0 - c * math.exp(-(n * MU - LAM) * AWT), c / (n * MU - LAM)


def test_flat_week_predicts_erlang_c_at_the_rosters_agents() -> None:
    """Flat M/M/n week, no shrinkage: SL = 1 - C e^{-(n mu - lam) t}, ASA = C / (n mu - lam)."""
    pred, n = _week(mmc_plan(weeks=3, agents=60.0), SCENARIOS)
    sl, asa = _sl_asa_c(n)
    assert pred["service_level"] == pytest.approx(sl, rel=1e-9)
    assert pred["asa_s"] == pytest.approx(asa, rel=1e-9)
    assert pred["abandon_rate"] == 0.0


def test_shrinkage_leaves_fractional_agents_blended_between_whole_numbers() -> None:
    """20% absences leave 0.8 n agents on the phone: the linear blend of Erlang C around it."""
    pred, n = _week(mmc_plan(weeks=3, agents=60.0, shrinkage=0.2), SCENARIOS)
    on = 0.8 * n
    lo, w = math.floor(on), on - math.floor(on)
    (sl0, asa0), (sl1, asa1) = _sl_asa_c(lo), _sl_asa_c(lo + 1)
    assert pred["service_level"] == pytest.approx((1 - w) * sl0 + w * sl1, rel=1e-9)
    assert pred["asa_s"] == pytest.approx((1 - w) * asa0 + w * asa1, rel=1e-9)


def test_flat_week_with_patience_predicts_erlang_a(tmp_path: Path) -> None:
    """With exponential patience: abandonment = theta E[queue] / lam from the birth-death chain."""
    data = yaml.safe_load((SCENARIOS / "teaching_mmc.yaml").read_text())
    data["demand"][0]["patience"] = {"dist": "exponential", "mean_s": 180}
    (tmp_path / "mmc_patience.yaml").write_text(yaml.safe_dump(data))
    plan = mmc_plan(weeks=3, agents=50.0)
    plan["scenario"] = "mmc_patience.yaml"
    pred, n = _week(plan, tmp_path)
    theta = 1 / 180.0
    logp = [0.0]  # log stationary weights of the number in system, truncated far in the tail
    for k in range(1, n + 2000):
        logp.append(logp[-1] + math.log(LAM / (min(k, n) * MU + max(k - n, 0) * theta)))
    p = np.exp(np.array(logp) - max(logp))
    p /= p.sum()
    queue = float((np.maximum(np.arange(len(p)) - n, 0) * p).sum())
    assert pred["abandon_rate"] == pytest.approx(theta * queue / LAM, rel=1e-6)
    ref = erlang_a_metrics(LAM, MU, theta, n, AWT)
    assert pred["service_level"] == pytest.approx(float(ref["sl_answered"]), rel=1e-9)
    assert pred["asa_s"] == pytest.approx(float(ref["asa_served"]), rel=1e-9)


@pytest.mark.slow
def test_bundled_peak_week_voice_sl_is_predicted_within_two_points() -> None:
    """Bundled plan, week 17: predicted voice SL within 2 points of the simulated mean (the
    guide's stated accuracy); chat, email and social predicted at or below it (conservative)."""
    result = api.plan(EXAMPLE, simulate_weeks=[17], replications=3)
    sim = result.simulation.set_index("metric")
    assert abs(sim.loc["service_level_voice", "plan"] - sim.loc["service_level_voice",
                                                                 "sim_mean"]) <= 0.02  # fmt: skip
    for channel in ("chat", "email", "social"):
        row = sim.loc[f"service_level_{channel}"]
        assert row["plan"] <= row["sim_ci95_high"]


def test_fluid_backlog_waits_are_the_lag_of_capacity_behind_arrivals() -> None:
    """Work W arriving evenly in one hour at rate r, served at n < r: mean wait (W/2)(1/n - 1/r)."""
    edges = np.arange(5) * 3600.0
    contacts, aht = np.array([60.0, 0, 0, 0]), np.full(4, 300.0)  # 5 agent-hours in hour one
    n = 2.0
    sums = _backlog_sums(contacts, aht, np.full(4, n), edges, threshold_s=86400.0)
    work, rate = 60 * 300.0, 60 * 300.0 / 3600.0
    assert sums["wait_answered_s"][0] / sums["answered"][0] == pytest.approx(
        work / 2 * (1 / n - 1 / rate), rel=1e-9)  # fmt: skip
    assert sums["within"][0] == sums["answered"][0] == 60.0  # all done within a day
    ample = _backlog_sums(contacts, aht, np.full(4, 6.0), edges, threshold_s=1.0)
    assert ample["wait_answered_s"][0] == 0.0 and ample["within"][0] == 60.0
