"""`calibrate` writes a shared `busyness` factor into the scenario only when the log shows one."""

from __future__ import annotations

import copy

import pandas as pd
from helpers import compiled

from sim.calibrate.build import calibrate
from sim.calibrate.busyness import log_busyness
from sim.calibrate.logs import read_log, write_calls_csv
from sim.calibrate.observed import calls_from_contact_log
from sim.engine import simulate

DAYS = 60
SHARED_CV = 0.3


def _two_types() -> dict:
    profile = [0.0] * 8 + [1.0] * 12 + [0.0] * 4
    one = {
        "name": "a", "channel": "voice", "language": "en", "timezone": "UTC",
        "volume_per_day": 300.0, "intraday_profile": profile,
        "handle_time": {"dist": "exponential", "mean_s": 200.0},
        "patience": {"dist": "exponential", "mean_s": 300.0},
    }  # fmt: skip
    return {
        "name": "busy",
        "horizon": {"start": "2026-01-05", "days": DAYS, "timezone": "UTC"},
        "busyness": {"cv": SHARED_CV},
        "demand": [one, copy.deepcopy(one) | {"name": "b"}],
        "sites": [{"name": "site", "timezone": "UTC", "location": "onshore", "groups": [
            {"name": "g", "skills": [{"language": "en", "channel": "voice"}],
             "shifts": [{"start": "08:00", "end": "20:00", "headcount": 4}]}]}],
    }  # fmt: skip


def test_calibrate_writes_shared_busyness(tmp_path) -> None:
    """A log simulated with shared busy days calibrates to `busyness.cv^2` within 4 SE."""
    model = compiled(_two_types())
    start = pd.Timestamp("2026-01-05")
    calls = calls_from_contact_log(simulate(model, 2, 0), model, start)
    path = tmp_path / "log.csv"
    write_calls_csv(calls, start, path)
    cal = calibrate(read_log(path, "csv", "UTC"), name="busy")
    busy = log_busyness(cal.log.calls, cal.log.dates())
    assert busy.significant
    (group,) = cal.scenario.busyness
    assert group.types is None
    assert abs(group.cv**2 - SHARED_CV**2) < 4 * busy.shared_cv2_se
    # per-type factors keep only the remainder beyond the shared one
    for ct in cal.scenario.demand:
        assert ct.day_factor_cv == round(busy.types[ct.segment].residual_cv, 4)


def test_bank_scenario_has_no_busyness(bank_calibration) -> None:
    """The bank log's shared factor is not significant, so its scenario gets no `busyness`."""
    assert bank_calibration.scenario.busyness is None
