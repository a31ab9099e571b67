"""`api.backtest` with `days`: a quick back-test on the first days of a log and its scenario."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim import api
from sim.calibrate.logs import read_log

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "scenarios/data/anonymous_bank_february_1999.tsv"
PLAN = ROOT / "scenarios/bank_1999.yaml"


def test_days_keeps_the_first_days_of_the_log_and_the_plan():
    """days=1: one day back-tested, every actual call of that day counted, none of the next."""
    result = api.backtest(PLAN, BANK, "anonymous-bank", replications=2, seed=1, days=1)
    rows = pd.DataFrame(result["intervals"])
    assert result["days"] == 1 and result["start"] == "1999-02-01"
    assert rows["interval"].max() < 24
    calls = read_log(BANK, "anonymous-bank", "Asia/Jerusalem").calls
    day_one = int((calls["arrival_s"] < 86_400).sum())
    offered = rows[rows["metric"] == "offered"]
    assert offered["actual"].sum() == day_one


def test_days_below_one_is_a_user_error():
    """days=0 is refused with a message naming `days`, before any file is read."""
    with pytest.raises(api.ScenarioError, match="days must be at least 1"):
        api.backtest(PLAN, BANK, days=0)


def test_a_scenario_object_is_accepted():
    """An in-memory scenario (the dashboard's edited one) back-tests like its YAML file."""
    scenario, _ = api.load(PLAN)
    from_object = api.backtest(scenario, BANK, replications=2, days=1)
    from_file = api.backtest(PLAN, BANK, replications=2, days=1)
    assert from_object["outside_share"] == from_file["outside_share"]
