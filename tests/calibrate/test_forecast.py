"""Forecast import of the 2003 bank volumes: profiles, gamma day factor, variance, what-if."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.calibrate.forecast import import_forecast, simulated_dispersion, staffing_what_if
from sim.cli import app


@pytest.fixture(scope="module")
def forecast(bank_calls_path):
    return import_forecast(bank_calls_path, name="bank_2003", timezone="America/New_York")


def test_profiles(forecast):
    """164 weekdays of 5-min data: weekend volume zero, calls only 07:00-21:15, shape sums to 1."""
    d = forecast.demand
    assert forecast.days == 164 and forecast.interval_s == 300
    assert d["weekday_profile"][5:] == [0.0, 0.0] and min(d["weekday_profile"][:5]) > 25_000
    profile = np.asarray(d["intraday_profile"])
    assert profile.sum() == pytest.approx(1.0, abs=1e-4)
    assert profile[: 7 * 4].sum() == 0 and profile[21 * 4 + 1 :].sum() == 0
    assert d["volume_per_day"] * 7 == pytest.approx(sum(d["weekday_profile"]), rel=1e-6)


def test_overdispersion_beyond_poisson(forecast):
    """Daily volumes vary far more than Poisson; 5-min counts about twice (data README)."""
    assert forecast.overdispersion.dispersion_ratio > 20
    assert 0.03 < forecast.overdispersion.cv < 0.15
    assert 1.5 < forecast.interval_dispersion < 3.0


def test_simulated_day_variance_matches_observed(forecast):
    """Engine-simulated daily volumes with the fitted day factor reproduce the observed
    variance/mean of daily volumes: observed inside the 95% range of simulated periods."""
    check = simulated_dispersion(forecast, replications=6, seed=2)
    low, high = check["simulated_p025_p975"]
    spread = check["simulated_ci95"][1] - check["simulated_ci95"][0]
    assert low - spread <= check["observed_variance_over_poisson"] <= high + spread


def test_staffing_for_a_quantile_costs_more_and_serves_better(forecast):
    """Staffing for the 90% day factor needs more hours and meets 80/20 on more days."""
    w = staffing_what_if(forecast, aht_s=300, quantile=0.9)
    assert w["agent_hours_for_quantile"] > w["agent_hours_for_mean"]
    assert w["expected_sl_staffed_for_quantile"] > w["expected_sl_staffed_for_mean"]
    assert w["share_of_days_meeting_target_staffed_for_quantile"] >= 0.85
    assert w["share_of_days_meeting_target_staffed_for_mean"] < 0.7


def test_cli_forecast_import(bank_calls_path, tmp_path):
    """`ccsim forecast import` prints JSON and writes a demand YAML that validates as demand."""
    import yaml

    from sim.scenario.models import ContactType

    out = tmp_path / "demand.yaml"
    result = CliRunner().invoke(app, ["forecast", "import", str(bank_calls_path), "--json",
                                      "--replications", "2", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["days"] == 164
    (entry,) = yaml.safe_load(out.read_text())["demand"]
    ContactType.model_validate(entry)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("when,calls\n", "missing column"),
     ("interval_start,calls\nsoon,3\n", "not valid"),
     ("interval_start,calls\n2003-03-03T07:00:00Z,-3\n", "not valid")],
)  # fmt: skip
def test_cli_forecast_malformed(tmp_path, content, message):
    """Malformed volume files exit 2 with a message naming the problem."""
    path = tmp_path / "v.csv"
    path.write_text(content)
    result = CliRunner().invoke(app, ["forecast", "import", str(path)])
    assert result.exit_code == 2 and message in result.output, result.output
