"""Calibration on logs simulated by ccsim with known parameters recovers those parameters.

The log goes through the generic CSV format (written, then read back), so the CSV reader is part
of what is checked. Tolerances are 4 standard errors of each estimator.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import compiled

from sim.calibrate.build import calibrate
from sim.calibrate.logs import read_log, write_calls_csv
from sim.calibrate.observed import calls_from_contact_log
from sim.engine import simulate

DAYS = 14
AGENTS = 10
HANDLE_MEAN, HANDLE_CV = 240.0, 1.0
PATIENCE_MEAN = 300.0
VOLUME = 1700.0  # per day, all between 08:00 and 20:00 (UTC)


def _scenario(day_cv: float = 0.0) -> dict:
    profile = [0.0] * 8 + [1.0] * 12 + [0.0] * 4
    return {
        "name": "synthetic",
        "horizon": {"start": "2026-01-05", "days": DAYS, "timezone": "UTC"},
        "demand": [
            {
                "name": "calls",
                "channel": "voice",
                "language": "en",
                "timezone": "UTC",
                "volume_per_day": VOLUME,
                "intraday_profile": profile,
                "day_factor_cv": day_cv,
                "handle_time": {"dist": "lognormal", "mean_s": HANDLE_MEAN, "cv": HANDLE_CV},
                "patience": {"dist": "exponential", "mean_s": PATIENCE_MEAN},
            }
        ],
        "sites": [
            {
                "name": "site",
                "timezone": "UTC",
                "location": "onshore",
                "groups": [
                    {
                        "name": "g",
                        "skills": [{"language": "en", "channel": "voice"}],
                        "shifts": [{"start": "08:00", "end": "20:00", "headcount": AGENTS}],
                    }
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A two-week ccsim log written as generic CSV, read back and calibrated."""
    import pandas as pd

    model = compiled(_scenario())
    start = pd.Timestamp("2026-01-05")
    calls = calls_from_contact_log(simulate(model, 5, 0), model, start)
    path = tmp_path_factory.mktemp("synthetic") / "log.csv"
    write_calls_csv(calls, start, path)
    log = read_log(path, "csv", "UTC")
    return calls, calibrate(log, name="synthetic")


def test_csv_round_trip(synthetic):
    """Every simulated call survives the CSV format with its times (to the millisecond)."""
    calls, cal = synthetic
    assert len(cal.log.calls) + sum(cal.log.dropped.values()) == len(calls)
    assert cal.log.calls["wait_s"].sum() == pytest.approx(calls["wait_s"].sum(), rel=1e-6)


def test_patience_recovered_under_censoring(synthetic):
    """Censored exponential MLE recovers the true mean patience within 4 SE (SE = mean/sqrt(d)),
    while the naive mean wait of abandoners is far below it."""
    _, cal = synthetic
    fits = cal.types["calls"]
    expo = next(f for f in fits.patience_fits if f.family == "exponential")
    abandons = int((~cal.log.calls["served"]).sum())
    se = PATIENCE_MEAN / math.sqrt(abandons)
    assert abs(expo.mean_s - PATIENCE_MEAN) < 4 * se
    assert expo.mean_ci95[0] < PATIENCE_MEAN < expo.mean_ci95[1]
    assert fits.naive_abandoner_wait_s < 0.5 * PATIENCE_MEAN
    assert fits.km.median() == pytest.approx(PATIENCE_MEAN * math.log(2), rel=0.25)


def test_handle_time_recovered(synthetic):
    """Lognormal wins by AIC; mean talk time within 4 SE of the truth; CV close to 1."""
    _, cal = synthetic
    fits = cal.types["calls"]
    served = cal.log.calls[cal.log.calls["served"]]
    se = HANDLE_MEAN * HANDLE_CV / math.sqrt(len(served))
    assert fits.handle_fits[0].family == "lognormal"
    assert abs(fits.handle_mean_s - HANDLE_MEAN) < 4 * se
    assert abs(fits.handle_cv - HANDLE_CV) < 0.15


def test_arrivals_and_staffing_recovered(synthetic):
    """Daily volume within 4 Poisson SE; staffing 10 agents 08:00-20:00, closed otherwise
    (agents finishing their last calls just after 20:00 are seen working then)."""
    _, cal = synthetic
    (demand,) = cal.demand
    assert abs(demand.volume_per_day - VOLUME) < 4 * math.sqrt(VOLUME / DAYS)
    head = cal.staffing.headcount
    assert (head[:, : 8 * 4] == 0).all() and (head[:, 20 * 4 + 2 :] == 0).all()
    assert np.abs(head[:, 8 * 4 + 1 : 20 * 4 - 1] - AGENTS).max() <= 1
    assert cal.staffing.by_weekday[:, 9 * 4 : 19 * 4].mean() == pytest.approx(AGENTS, abs=0.5)


def test_day_factor_recovered():
    """The method-of-moments gamma day-factor CV is unbiased to within 4 SE over replications."""
    import pandas as pd

    from sim.calibrate.demand import daily_counts, day_factor_cv
    from sim.engine.arrivals import generate_demand

    data = _scenario(day_cv=0.2)
    data["horizon"]["days"] = 70
    model = compiled(data)
    dates = pd.date_range("2026-01-05", periods=70, freq="D")
    est = np.array([day_factor_cv(daily_counts(generate_demand(model, 9, r).arrival_s, dates)).cv
                    for r in range(20)])  # fmt: skip
    assert abs(est.mean() - 0.2) < 4 * est.std(ddof=1) / math.sqrt(len(est))


def test_cli_writes_scenario_and_report(synthetic, tmp_path):
    """`ccsim calibrate LOG --format csv` writes a loadable scenario and a full report folder."""
    import json

    from typer.testing import CliRunner

    from sim.calibrate.logs import write_calls_csv
    from sim.cli import app
    from sim.scenario import load_scenario

    calls, cal = synthetic
    log = tmp_path / "log.csv"
    write_calls_csv(calls, cal.log.start, log)
    out, report = tmp_path / "center.yaml", tmp_path / "report"
    result = CliRunner().invoke(app, ["calibrate", str(log), "--format", "csv", "--timezone",
                                      "UTC", "--out", str(out), "--report", str(report),
                                      "--replications", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_scenario(out).name == "center"
    assert out.read_text().startswith("# center: calibrated by `ccsim calibrate`")
    assert {p.name for p in report.iterdir()} == {
        "report.html", "validation.json", "calibration.json", "hourly.csv"
    }  # fmt: skip
    checks = json.loads((report / "validation.json").read_text())["checks"]
    assert checks["abandon_rate"]["within_10pct"] and checks["asa_s"]["within_10pct"]
    assert "plotly" in (report / "report.html").read_text()[:5_000_000].lower()
