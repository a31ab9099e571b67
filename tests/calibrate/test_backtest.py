"""Back-test core: interval metrics by hand, period check, and a run on the bank log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.calibrate.backtest import backtest, interval_table
from sim.calibrate.build import calibrate
from sim.calibrate.logs import read_log
from sim.errors import ScenarioError

BANK = Path(__file__).resolve().parents[2] / "scenarios/data/anonymous_bank_february_1999.tsv"


@pytest.fixture(scope="module")
def bank_cal():
    return calibrate(read_log(BANK, "anonymous-bank"), name="bank")


def test_interval_table_by_hand():
    """Offered, abandonment share, ASA and AHT of answered calls, distinct agents per interval."""
    calls = pd.DataFrame(
        {"arrival_s": [10.0, 20.0, 30.0, 4000.0], "wait_s": [0.0, 10.0, 50.0, 5.0],
         "served": [True, True, False, True], "service_s": [100.0, 200.0, 0.0, 50.0],
         "agent": ["a", "a", "", "b"]}
    )  # fmt: skip
    t = interval_table(calls, 3600)
    assert list(t.index) == [0, 1]
    assert t.loc[0, "offered"] == 3 and t.loc[0, "abandon_share"] == pytest.approx(1 / 3)
    assert t.loc[0, "asa_s"] == 5.0 and t.loc[0, "aht_s"] == 150.0 and t.loc[0, "agents"] == 1
    assert t.loc[1, "agents"] == 1


def test_backtest_refuses_a_scenario_that_does_not_cover_the_log(bank_cal):
    """A horizon starting on another date is a user error naming horizon.start."""
    data = bank_cal.scenario_dict()
    data["horizon"]["start"] = "1999-03-01"
    from sim.scenario import scenario_from_dict

    with pytest.raises(ScenarioError, match="horizon.start"):
        backtest(scenario_from_dict(data, "x"), bank_cal.log, replications=2)


def test_backtest_on_the_bank_log_flags_and_decomposes(bank_cal):
    """Each interval's PI contains the simulated mean; outside flags and ratios are consistent."""
    r = backtest(bank_cal.scenario, bank_cal.log, replications=2, seed=1)
    rows = pd.DataFrame(r["intervals"])
    assert set(rows["metric"]) == {"offered", "abandon_share", "asa_s", "aht_s", "agents"}
    ok = rows["sim_mean"].notna() & rows["pi_low"].notna()
    assert (rows.loc[ok, "pi_low"] <= rows.loc[ok, "sim_mean"]).all()
    inside = (rows["actual"] >= rows["pi_low"]) & (rows["actual"] <= rows["pi_high"])
    assert (rows.loc[ok, "outside"] == ~inside[ok]).all()
    dec = pd.DataFrame(r["decomposition"]).set_index("interval")
    offered = rows[rows["metric"] == "offered"].set_index("interval")
    assert dec["volume_ratio"].dropna().index.isin(offered.index).all()
    assert (
        (dec["volume_ratio"] * offered["sim_mean"])
        .dropna()
        .round(6)
        .equals(offered.loc[dec["volume_ratio"].dropna().index, "actual"].round(6))
    )


def test_cli_backtest_json_on_the_bank_log_and_exit_2_on_bad_format():
    """`ccsim backtest` prints one JSON object; an unknown --format exits 2 with a message."""
    import json

    from typer.testing import CliRunner

    from sim.cli import app

    scenario = BANK.parents[1] / "bank_1999.yaml"
    runner = CliRunner()
    bad = runner.invoke(app, ["backtest", str(scenario), str(BANK), "--format", "xls"])
    assert bad.exit_code == 2 and "format" in bad.output
    ok = runner.invoke(app, ["backtest", str(scenario), str(BANK), "--replications", "2", "--json"])
    assert ok.exit_code == 0, ok.output
    result = json.loads(ok.output)
    assert result["days"] == 28 and set(result["outside_share"]) == {
        "offered", "abandon_share", "asa_s", "aht_s", "agents"
    }  # fmt: skip
