"""`ccsim plan`: the weekly table at 80 columns, --json, --out files, --simulate-weeks, errors."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml
from plan_cases import EXAMPLE, SCENARIOS, mmc_plan
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
HIRING = {"lead_time_weeks": 1, "training_weeks": 2, "graduation_rate": 0.9, "min_class": 1,
          "max_class": 30}  # fmt: skip


def _plan_file(tmp_path, **kw):
    """A small plan YAML next to a copy of the teaching scenario."""
    (tmp_path / "teaching_mmc.yaml").write_text((SCENARIOS / "teaching_mmc.yaml").read_text())
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(mmc_plan(**kw)))
    return path


@pytest.fixture(scope="module")
def example_output() -> str:
    """`ccsim plan` of the bundled plan as printed at 80 columns (about 10 s, shared)."""
    res = runner.invoke(app, ["plan", str(EXAMPLE)], env={"COLUMNS": "80"}, terminal_width=80)
    assert res.exit_code == 0, res.output
    return res.output


def test_example_table_fits_80_columns(example_output: str):
    """The bundled plan's tables print at 80 columns without truncated cells."""
    lines = example_output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in example_output
    header = next(line for line in lines if line.strip().startswith("week"))
    for word in ("required", "avail.", "gap", "hires", "train.", "attr.", "USD k"):
        assert word in header
    assert sum(1 for line in lines if line.strip()[:2].strip().isdigit()) >= 26
    assert "(0 of them coverable)" in " ".join(example_output.split())


def test_money_names_the_scenarios_currency(example_output: str):
    """The weekly cost column and the summary line say which currency their figures are in."""
    text = " ".join(example_output.split())
    assert "USD k: cost per week, thousands of USD" in text
    assert re.search(r"cost USD [0-9,]+; [0-9]+ classes", text), text[-400:]


def test_a_gap_that_rounds_to_zero_prints_plus_zero(example_output: str):
    """Week 20's available FTE is a hair under its requirement: the gap reads +0.0, not -0.0."""
    week20 = next(line for line in example_output.splitlines() if line.split()[:1] == ["20"])
    assert week20.split()[4] == "+0.0", week20
    assert "-0.0" not in example_output


def test_json_has_weeks_classes_and_totals(tmp_path):
    """--json prints one object with a row per week and the totals."""
    path = _plan_file(tmp_path, weeks=6, agents=30.0, hiring=HIRING)
    res = runner.invoke(app, ["plan", str(path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["by_week"]) == 6 and len(data["weeks"]) == 6
    assert data["totals"]["coverable_short_group_weeks"] == 0
    assert data["totals"]["hires"] == sum(c["size"] for c in data["classes"])


def test_out_writes_tables_and_chart_and_never_overwrites(tmp_path):
    """--out creates parents, writes CSV, Parquet and HTML, and refuses an existing folder."""
    path = _plan_file(tmp_path, weeks=6, agents=30.0, hiring=HIRING)
    out = tmp_path / "a" / "b" / "plan_out"
    res = runner.invoke(app, ["plan", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir()}
    assert {"weeks.csv", "weeks.parquet", "by_week.csv", "plan.json", "plan_chart.html"} <= names
    weeks = pd.read_parquet(out / "weeks.parquet")
    assert len(weeks) == 6 and "required_fte" in weeks.columns
    assert "plotly" in (out / "plan_chart.html").read_text()
    again = runner.invoke(app, ["plan", str(path), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_infeasible_training_exits_2_naming_the_field(tmp_path):
    """Training longer than the horizon: exit 2 and a message naming training_weeks."""
    path = _plan_file(tmp_path, weeks=3, hiring={**HIRING, "training_weeks": 5})
    res = runner.invoke(app, ["plan", str(path)])
    assert res.exit_code == 2
    assert "training_weeks" in res.output and "Traceback" not in res.output


def test_unknown_field_and_bad_week_exit_2(tmp_path):
    """A misspelt field is named with its YAML path; a bad --simulate-weeks names the option."""
    path = _plan_file(tmp_path, weeks=4)
    data = yaml.safe_load(path.read_text())
    data["sites"][0]["groups"][0]["hedcount"] = 3
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    res = runner.invoke(app, ["plan", str(bad)])
    assert res.exit_code == 2 and "sites[0].groups[0].hedcount" in res.output
    res = runner.invoke(app, ["plan", str(path), "--simulate-weeks", "9"])
    assert res.exit_code == 2 and "--simulate-weeks 9" in res.output


def test_simulate_weeks_reports_plan_vs_simulation(tmp_path):
    """--simulate-weeks sets plan and simulated SL, ASA, FCR and cost side by side with a 95% CI;
    the plan's payroll cost is printed apart with its basis."""
    path = _plan_file(tmp_path, weeks=3, agents=60.0)
    res = runner.invoke(app, ["plan", str(path), "--simulate-weeks", "2", "--replications", "2",
                              "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    sim = pd.DataFrame(json.loads(res.stdout)["simulation"])
    assert set(sim["week"]) == {2}
    metrics = set(sim["metric"])
    assert any("service_level" in m for m in metrics) and any("cost" in m for m in metrics)
    assert (sim["sim_ci95_low"] <= sim["sim_mean"]).all()
    assert (sim["sim_mean"] <= sim["sim_ci95_high"]).all()
    assert {"service_level", "asa_s", "abandon_rate", "fcr", "labour_cost"} <= set(sim["kpi"])
    assert {"plan", "target", "outside_ci"} <= set(sim.columns)  # prediction, target, agreement
    text = runner.invoke(app, ["plan", str(path), "--simulate-weeks", "2", "--replications", "2"])
    assert text.exit_code == 0 and "plan vs simulation" in text.output
    flat = " ".join(text.output.split())
    assert "ASA voice" in flat and "labour (USD)" in flat and "target" in flat
    assert "…" not in text.output  # the table fits 80 columns without cutting a value
    assert "week 2: plan's own weekly cost" in flat and "payroll basis (not simulated)" in flat
