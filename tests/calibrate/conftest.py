"""Fixtures for calibration tests: the bundled bank log and a synthetic log made by ccsim."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "scenarios" / "data"


@pytest.fixture(scope="session")
def bank_log_path() -> Path:
    return DATA / "anonymous_bank_february_1999.tsv"


@pytest.fixture(scope="session")
def bank_calls_path() -> Path:
    return DATA / "bank_calls_5min_2003.csv"


@pytest.fixture(scope="session")
def bank_calibration(bank_log_path):
    from sim.calibrate.build import calibrate
    from sim.calibrate.logs import read_log

    return calibrate(read_log(bank_log_path), name="bank", languages={"PE": "en", "*": "he"})
