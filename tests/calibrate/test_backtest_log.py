"""Back-test core: interval and queue metrics by hand, period check, runs on the bank log and on a
three-day slice of it (per-queue rows, the HTML report and its overwrite rule)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.calibrate.backtest import QUEUE_METRICS, backtest, interval_table, queue_table
from sim.calibrate.build import calibrate
from sim.calibrate.logs import read_log
from sim.errors import ScenarioError

BANK = Path(__file__).resolve().parents[2] / "scenarios/data/anonymous_bank_february_1999.tsv"
PLAN = BANK.parents[1] / "bank_1999.yaml"
SLICE_DAYS = ("990201", "990202", "990203")


@pytest.fixture(scope="module")
def bank_slice(tmp_path_factory):
    """The log's first three days and the bundled plan cut to those three days."""
    folder = tmp_path_factory.mktemp("slice")
    lines = BANK.read_text().splitlines()
    rows = [ln for ln in lines[1:] if ln.split("\t")[5] in SLICE_DAYS]
    (folder / "calls.tsv").write_text("\n".join([lines[0], *rows]) + "\n")
    plan = yaml.safe_load(PLAN.read_text())
    plan["horizon"]["days"] = len(SLICE_DAYS)
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan))
    return folder / "plan.yaml", folder / "calls.tsv"


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
    assert t.loc[0, "service_level"] == pytest.approx(2 / 3)  # 2 within 20 s, 1 abandoned after
    assert t.loc[1, "agents"] == 1 and t.loc[1, "service_level"] == 1.0


def test_queue_table_by_hand():
    """Per call type: offered, abandonment, ASA, SL (abandoned before T not counted) and AHT."""
    calls = pd.DataFrame(
        {"arrival_s": [10.0, 20.0, 30.0, 40.0], "wait_s": [0.0, 30.0, 5.0, 50.0],
         "served": [True, True, False, False], "service_s": [100.0, 200.0, 0.0, 0.0],
         "agent": ["a", "b", "", ""], "type": ["PS", "PS", "PS", "NW"]}
    )  # fmt: skip
    q = queue_table(calls, 20.0)
    assert q.loc["PS", "offered"] == 3 and q.loc["PS", "abandon_share"] == pytest.approx(1 / 3)
    assert q.loc["PS", "asa_s"] == 15.0 and q.loc["PS", "aht_s"] == 150.0
    assert q.loc["PS", "service_level"] == 0.5  # the call abandoned at 5 s is not counted
    assert q.loc["NW", "offered"] == 1 and q.loc["NW", "service_level"] == 0.0


def test_backtest_per_queue_rows_on_a_bank_slice(bank_slice):
    """Per-queue rows: every log type and plan queue, actual offered as counted, PIs consistent
    with `outside` and within the metric's range (>= 0; shares <= 1)."""
    from sim.calibrate.logs import read_log
    from sim.scenario import load_scenario

    plan, calls = bank_slice
    log = read_log(calls, "anonymous-bank")
    r = backtest(load_scenario(plan), log, replications=3, seed=2)
    q = pd.DataFrame(r["queues"])
    assert set(q["metric"]) == set(QUEUE_METRICS)
    assert set(q["queue"]) >= set(log.calls["type"])
    offered = q[q["metric"] == "offered"].set_index("queue")["actual"]
    counted = log.calls.groupby("type").size().reindex(offered.index, fill_value=0)
    assert (offered == counted).all()
    ok = q["pi_low"].notna()
    assert (q.loc[ok, "pi_low"] <= q.loc[ok, "sim_mean"]).all()
    inside = (q["actual"] >= q["pi_low"]) & (q["actual"] <= q["pi_high"])
    assert (q.loc[ok & q["actual"].notna(), "outside"] == ~inside[ok & q["actual"].notna()]).all()
    assert (q.loc[ok, "pi_low"] >= 0).all()  # no negative prediction of a count, share or time
    shares = q[q["metric"].isin(["abandon_share", "service_level"]) & ok]
    assert len(shares) and (shares["pi_high"] <= 1).all()
    rows = pd.DataFrame(r["intervals"])
    sl = rows[rows["metric"] == "service_level"]
    assert len(sl) and sl["actual"].dropna().between(0, 1).all()
    assert r["sl_threshold_s"] == 20.0 and r["days"] == len(SLICE_DAYS)


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
    assert set(rows["metric"]) == {"offered", "abandon_share", "asa_s", "service_level", "aht_s",
                                   "agents"}  # fmt: skip
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


def test_cli_backtest_json_report_and_overwrite_rule_on_a_bank_slice(bank_slice, tmp_path):
    """`ccsim backtest` prints strict JSON (undefined values null, never NaN) and writes an HTML
    report; an existing --out exits 2 unless --force; an unknown --format exits 2 naming it;
    --days 1 keeps only the first day."""
    import json

    from typer.testing import CliRunner

    from sim.cli import app

    plan, calls = bank_slice
    runner = CliRunner()
    bad = runner.invoke(app, ["backtest", str(plan), str(calls), "--format", "xls"])
    assert bad.exit_code == 2 and "format" in bad.output
    out = tmp_path / "report.html"
    args = ["backtest", str(plan), str(calls), "--replications", "2", "--out", str(out), "-q"]
    ok = runner.invoke(app, [*args, "--json"])
    assert ok.exit_code == 0, ok.output
    result = json.loads(ok.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert result["days"] == len(SLICE_DAYS) and "service_level" in result["outside_share"]
    assert {r["queue"] for r in result["queues"]} >= {"PS", "NW"}
    page = out.read_text()
    assert "plotly" in page and "Per queue" in page and "<th>PS</th>" in page
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output
    assert out.read_text() == page
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "per queue" in forced.stdout and "report:" in forced.stdout
    first = runner.invoke(app, ["backtest", str(plan), str(calls), "--replications", "2", "-q",
                                "--days", "1", "--json"])  # fmt: skip
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["days"] == 1
