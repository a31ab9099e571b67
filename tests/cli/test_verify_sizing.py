"""`ccsim verify --simulate` sizes each case to its checks; wrong reference values still fail."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.engine import generate_demand
from sim.verify.estimators import input_controls
from sim.verify.runner import run_verify
from sim.verify.scenarios import queue_scenario
from sim.verify.sizing import (
    PILOT_SCALE,
    REL_PRECISION,
    Z_LIMIT,
    Sizing,
    Stat,
    control_variate,
    decide,
    half_width_goal,
    pool_stages,
)

runner = CliRunner()
CASES = Path(__file__).resolve().parents[1] / "data" / "queueing_cases.json"


def _case(case_id: str, **changes) -> dict:
    case = next(c for c in json.loads(CASES.read_text())["cases"] if c["id"] == case_id)
    return case | changes


def _write(tmp_path, cases: list[dict]) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": cases}))
    return path


def _wrong(case_id: str, factor: float) -> dict:
    """The case with every expected value scaled by `factor`; only the simulation can judge it."""
    case = _case(case_id)
    expected = {k: v * factor for k, v in case["expected"].items()}
    return case | {"expected": expected, "tolerance": {"rel": 1.0}}


def test_decide_stops_sizes_and_caps():
    """Precise pilots stop, imprecise ones get the window their SE asks for, up to full size."""
    exp, pilot = 10.0, PILOT_SCALE  # band goal 0.5 at 5%: SE 0.125 is just enough

    def after(se: float, done: float = pilot, mean: float = 10.0, **kw):
        return decide([("asa", Stat(mean, se, 1e4, se), exp, None)], done, Sizing(**kw))

    assert after(0.1).stop == "precise" and after(0.1).next_scale == 0
    sized = after(0.25)  # needs 4x the pilot, with 20% to spare
    assert sized.stop == "sized" and sized.next_scale == pytest.approx(pilot * (4 * 1.2 - 1))
    assert after(1.0).next_scale == pytest.approx(1 - pilot)  # asks 64x: the rest of the window
    assert after(1.0, done=1.0).stop == "cap" and after(1.0, done=1.0).next_scale == 0
    assert after(0.2, mean=12.0).stop == "failing"  # z = 10 at the pilot
    assert after(1.0, fixed=True).stop == "fixed"


def test_controls_stop_a_check_at_the_fixed_sizes_precision():
    """A goal out of reach stops once the control-variate SE is the plain full-window SE."""
    exp, pilot = 10.0, PILOT_SCALE  # plain SE 1.0 at the pilot: sqrt(8) x 0.354 at full size

    def after(se: float, done: float = pilot):
        return decide([("asa", Stat(exp, se, 1e4, 1.0), exp, None)], done, Sizing())

    assert after(0.3).stop == "as_fixed"  # 0.3 at 1/8 of the window beats 0.354 at all of it
    assert after(0.5).stop == "sized"  # needs (0.5 / 1)^2 = 1/4 of the window, with 20% to spare
    assert after(0.5).next_scale == pytest.approx(0.25 * 1.2 - pilot)


def test_control_variate_removes_the_explained_noise():
    """y = 2 + 30 x + small noise: the estimate is near 2 with an SE far below the plain one."""
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 0.01, (20, 2))
    y = 2.0 + 30.0 * x[:, 0] + rng.normal(0.0, 0.01, 20)
    mean, se = control_variate(y, x)
    plain_se = y.std(ddof=1) / np.sqrt(20)
    assert abs(mean - 2.0) < 4 * se and se < 0.1 * plain_se
    noise = rng.normal(0.0, 1.0, 20)  # unrelated controls: about the plain SE (3 df fewer)
    assert 0.7 < control_variate(noise, x)[1] / (noise.std(ddof=1) / np.sqrt(20)) < 1.5
    assert control_variate(np.ones(20), x) == (1.0, 0.0)  # constant: plain mean, zero SE


def test_input_controls_have_zero_mean():
    """Arrival count, handle time and patience deviations average to 0 over many demand draws:
    their means come from the model, so the control-variate estimator is unbiased."""
    spec = {"arrival_rates": [8.0], "service_rate": 0.25, "agents": 30, "abandon_rate": 1 / 3}
    model = queue_scenario(**spec, measure_scale=0.1)
    draws = np.array([input_controls(generate_demand(model, 5, r), model) for r in range(200)])
    assert draws.shape == (200, 3)
    z = draws.mean(axis=0) / (draws.std(axis=0, ddof=1) / np.sqrt(200))
    assert np.all(np.abs(z) < 4), z


def test_share_goal_uses_the_smaller_side():
    """A service level of 0.998 is judged on its 0.2% misses, never finer than 0.1 point."""
    assert half_width_goal("service_level", 0.998, 0.05) == pytest.approx(0.001)
    assert half_width_goal("service_level", 0.8, 0.05) == pytest.approx(0.01)
    assert half_width_goal("asa", 20.0, 0.05) == pytest.approx(1.0)


def test_pool_stages_weights_each_replications_stages_by_window():
    """Replication r's pooled value is the window-weighted mean of its stages; SE over r."""
    pilot = (0.25, [{"m": (1.0, 10.0)}, {"m": (3.0, 10.0)}], [[], []])
    second = (0.75, [{"m": (2.0, 30.0)}, {"m": (4.0, 30.0)}], [[], []])
    mean, se, trials, _ = pool_stages([pilot, second])["m"]
    per_rep = [0.25 * 1 + 0.75 * 2, 0.25 * 3 + 0.75 * 4]
    assert mean == pytest.approx(sum(per_rep) / 2) and trials == 80
    assert se == pytest.approx(abs(per_rep[1] - per_rep[0]) / 2)


def test_easy_case_shrinks_and_keeps_its_precision(tmp_path):
    """Erlang B(1, 1): the pilot (1/8 of the old window) already meets 5%; far fewer contacts."""
    path = _write(tmp_path, [_case("erlang_b_n1_a1")])
    sized = run_verify(path, simulate=True, seed=1, workers=1)
    fixed = run_verify(path, simulate=True, seed=1, workers=1, sizing=Sizing(fixed=True))
    case = sized["cases"][0]
    assert case["status"] == "pass" and fixed["cases"][0]["status"] == "pass"
    assert case["simulation"]["stop"] == "precise"
    assert case["simulation"]["measured_fraction"] == PILOT_SCALE
    assert sized["simulation"]["contacts"] < 0.25 * fixed["simulation"]["contacts"]
    check = case["checks"][0]
    assert Z_LIMIT * check["se"] <= REL_PRECISION * check["expected"]


@pytest.mark.parametrize("factor", [0.85, 1.15])
def test_wrong_reference_value_is_still_caught(tmp_path, factor):
    """Erlang B(10, 5) with its blocking 15% off fails after sizing (its band is about 9%)."""
    path = _write(tmp_path, [_wrong("erlang_b_n10_a5", factor)])
    case = run_verify(path, simulate=True, seed=1, workers=1)["cases"][0]
    check = case["checks"][0]
    assert check["analytic_ok"] and not check["simulated_ok"] and case["status"] == "fail"
    assert case["simulation"]["stages"] >= 2  # not clearly failing at the pilot: sized on


def test_grossly_wrong_value_fails_at_the_pilot(tmp_path):
    """A blocking of 0.55 where 0.5 is right is clearly failing after the pilot: no second stage."""
    path = _write(tmp_path, [_wrong("erlang_b_n1_a1", 1.1)])
    case = run_verify(path, simulate=True, seed=1, workers=1)["cases"][0]
    assert case["status"] == "fail" and case["simulation"]["stop"] == "failing"
    assert abs(case["checks"][0]["z"]) > Z_LIMIT


def test_sized_reports_identical_for_any_worker_count(tmp_path):
    """Pilot and second-stage streams are per case and stage: 1 and 2 workers agree exactly."""
    path = _write(tmp_path, [_case("erlang_b_n10_a5"), _case("erlang_b_n1_a1")])
    one = run_verify(path, simulate=True, seed=3, workers=1)
    assert one["cases"][0]["simulation"]["stages"] >= 2
    assert one == run_verify(path, simulate=True, seed=3, workers=2)


def test_identical_scenarios_share_one_simulation(tmp_path):
    """An Erlang C case and a Little's-law case of the same queue are simulated once for both."""
    mm1 = {"arrival_rate": 0.5, "service_rate": 1.0, "agents": 1}
    little = {"id": "little", "model": "Little's law (M/M/n)", "inputs": mm1,
              "expected": {"Lq": 0.5, "Wq": 1.0}}  # fmt: skip
    erlang = _case("erlang_c_small_single_agent_MM1")
    path = _write(tmp_path, [erlang, little])
    report = run_verify(path, simulate=True, seed=1, workers=1)
    runs = [c["simulation"] for c in report["cases"]]
    assert runs[0] == runs[1] and runs[0]["shared_with"] == [erlang["id"], "little"]
    assert report["simulation"]["contacts"] == runs[0]["contacts"]
    assert report["summary"]["pass"] == 2


def test_precision_option_is_checked():
    """--precision outside (0, 1] is a user error naming the option (exit 2)."""
    result = runner.invoke(app, ["verify", str(CASES), "--simulate", "--precision", "0"])
    assert result.exit_code == 2 and "--precision" in result.output
