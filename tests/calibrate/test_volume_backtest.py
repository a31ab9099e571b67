"""Volume back-test: planned calls from the model's rates, exact day PIs, ratios, and the CLI on
the 2003 bank volumes (forecast on the first 82 days, back-tested on the last 82)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from sim.calibrate.volume_backtest import _day_variance, volume_backtest
from sim.cli import app
from sim.errors import ScenarioError
from sim.scenario import scenario_from_dict

VOLUMES = Path(__file__).resolve().parents[2] / "scenarios/data/bank_calls_5min_2003.csv"


def _plan(volume: float = 2400.0, cv: float = 0.1, days: int = 2, **extra) -> dict:
    return {
        "name": "p", "description": "test plan",
        "horizon": {"start": "2026-01-05", "days": days, "timezone": "UTC"},
        "demand": [{"name": "a", "channel": "voice", "language": "x", "timezone": "UTC",
                    "volume_per_day": volume,
                    "day_factor_cv": cv, "handle_time": {"dist": "exponential", "mean_s": 60}}],
        "sites": [{"name": "s", "timezone": "UTC", "location": "onshore",
                   "groups": [{"name": "g", "skills": [{"language": "x", "channel": "voice"}],
                               "shifts": [{"start": "00:00", "end": "24:00", "headcount": 2}]}]}],
        **extra,
    }  # fmt: skip


def _hourly(per_hour: list[float], start: str = "2026-01-05") -> pd.Series:
    index = pd.date_range(start, periods=len(per_hour), freq="h")
    return pd.Series(per_hour, index=index, dtype=float)


def test_planned_volume_ratio_and_the_exact_gamma_poisson_interval():
    """Flat 2,400/day plan: day 1 as planned, day 2 doubled; the PI is the negative binomial."""
    actual = _hourly([100.0] * 24 + [200.0] * 24)
    r = volume_backtest(scenario_from_dict(_plan(), "t"), actual, 3600)
    d1, d2 = r["days_detail"]
    assert d1["planned"] == pytest.approx(2400.0) and d1["volume_ratio"] == pytest.approx(1.0)
    assert d2["volume_ratio"] == pytest.approx(2.0) and d2["outside"] and not d1["outside"]
    n = 1 / 0.1**2
    p = n / (n + 2400.0)
    assert (d1["pi_low"], d1["pi_high"]) == (stats.nbinom.ppf(0.025, n, p),
                                             stats.nbinom.ppf(0.975, n, p))  # fmt: skip
    ratios = [x["volume_ratio"] for x in r["decomposition"]]
    assert ratios == pytest.approx([1.0] * 24 + [2.0] * 24)
    assert r["volume_ratio"] == pytest.approx(1.5) and r["days_outside_pi"] == 0.5


def test_day_variance_adds_the_shared_factor_between_types():
    """Two types with no own factor sharing cv 0.2: var = m + 0.04 m^2 over their total m."""
    data = _plan(cv=0.0, busyness={"cv": 0.2})
    data["demand"].append({**data["demand"][0], "name": "b", "volume_per_day": 600.0})
    sc = scenario_from_dict(data, "t")
    means = pd.DataFrame({"a": [2400.0], "b": [600.0]})
    assert float(_day_variance(means, sc).iloc[0]) == pytest.approx(3000 + 0.04 * 3000**2)


def test_volumes_outside_the_horizon_are_a_user_error():
    """No date shared by the plan and the volumes: ScenarioError naming horizon.start."""
    with pytest.raises(ScenarioError, match="horizon.start"):
        volume_backtest(scenario_from_dict(_plan(), "t"), _hourly([1.0] * 24, "2027-01-01"), 3600)


@pytest.fixture(scope="module")
def plan_2003(tmp_path_factory) -> Path:
    """The plan `ccsim forecast import --until 2003-06-30 --plan` writes for the 2003 volumes."""
    path = tmp_path_factory.mktemp("plan") / "plan_2003.yaml"
    args = ["forecast", "import", str(VOLUMES), "--timezone", "America/New_York", "--until",
            "2003-06-30", "--name", "bank_2003", "--plan", str(path),
            "--replications", "2"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return path


def test_forecast_plan_is_refused_if_it_exists_and_covers_the_rest_of_the_file(plan_2003):
    """--plan never overwrites (exit 2); the plan starts at --until and ends on the file's last
    date; its demand is fitted before --until only."""
    again = CliRunner().invoke(app, ["forecast", "import", str(VOLUMES), "--plan", str(plan_2003)])
    assert again.exit_code == 2 and "already exists" in again.output
    from sim.scenario import load_scenario

    sc = load_scenario(plan_2003)
    assert str(sc.horizon.start) == "2003-06-30" and sc.horizon.days == 117
    assert sc.demand[0].weekday_profile[5:] == [0.0, 0.0]


def test_cli_volume_backtest_json_matches_the_function(plan_2003):
    """`ccsim backtest PLAN VOLUMES --format volumes --json` is volume_backtest's result."""
    from sim.calibrate.forecast import read_volumes
    from sim.scenario import load_scenario

    out = CliRunner().invoke(app, ["backtest", str(plan_2003), str(VOLUMES), "--format",
                                   "volumes", "--json", "-q"])  # fmt: skip
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    series, interval = read_volumes(VOLUMES)
    want = volume_backtest(load_scenario(plan_2003), series, interval)
    assert got["kind"] == "volumes" and got["days"] == want["days"] == 82
    assert got["volume_ratio"] == pytest.approx(want["volume_ratio"])
    assert np.isclose(got["actual_calls"], series[series.index >= "2003-06-30"].sum())
