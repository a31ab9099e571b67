"""Simulation-based staffing on a small two-site scenario, and the staff/schedule commands."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.engine import build_roster
from sim.staffing import parse_targets, staff_erlang
from sim.staffing.evaluate import check_targets, rep_sums, staffed_model
from sim.staffing.simulated import staff_simulation

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_staffed_model_logs_in_the_requested_agents(small_model):
    """Layered login windows give exactly the requested agents in every interval."""
    edges = np.arange(25) * 3600.0
    agents = np.zeros((2, 24), dtype=int)
    agents[0, 6:20] = [3, 3, 5, 5, 5, 2, 2, 2, 4, 4, 4, 4, 1, 1]
    model = staffed_model(small_model, agents, edges, max_shift_h=4)
    counts = np.zeros(24)
    for ws in model.agent_windows:
        for a, b in ws:
            assert b - a <= 4 * 3600 + 1e-9
            counts += np.clip(np.minimum(b, edges[1:]) - np.maximum(a, edges[:-1]), 0, None)
    np.testing.assert_allclose(counts / 3600.0, agents[0], atol=1e-9)


def test_a_layered_agent_keeps_its_absences_when_its_windows_grow(small_model):
    """Common random numbers between staffing candidates: agent k of a group draws its absences
    from its own streams, so working one more day leaves the days it already worked (and missed)
    as they were, and so does one more agent in the group."""
    absent = small_model.group_workforce[0].model_copy(update={"absenteeism": 0.3})
    model = dataclasses.replace(
        small_model, group_workforce=[absent, *small_model.group_workforce[1:]]
    )
    days = 5
    edges = np.arange(24 * days + 1) * 3600.0
    day_shift = np.zeros((days, 24), dtype=int)
    day_shift[:, 8:16] = 1
    base = np.zeros((2, 24 * days), dtype=int)
    base[0] = (6 * day_shift).ravel()
    base[0, 4 * 24 :] = 0  # four days in the base candidate, five in the other
    more = base.copy()
    more[0, 4 * 24 :] = (7 * day_shift[4:]).ravel()
    worked = [build_roster(staffed_model(model, x, edges), 9, 1).scheduled for x in (base, more)]
    first_days = [[w for w in ws if w[0] < 4 * 86_400.0] for ws in worked[1][:6]]
    assert worked[0][:6] == first_days
    assert sum(map(len, worked[0][:6])) < 6 * 4  # some absences


@pytest.mark.slow
def test_simulated_staffing_meets_targets_with_confidence(small_model):
    """The searched staffing meets every target on fresh random numbers (no interval whose
    95% upper bound falls below target), and pooling two sites costs no more than Erlang."""
    targets = parse_targets(small_model.scenario, ["voice.abandon=0.1"])
    res = staff_simulation(small_model, targets, replications=5, seed=4)
    # the searched hours vary with the random numbers: 1.06-1.15 x Erlang's over seeds 4-6 (with
    # group-sequential and with per-agent absence streams); more would mean the search overstaffs
    assert res.pooling["simulation_hours"] <= res.pooling["erlang_hours"] * 1.2
    x = res.scheduled_matrix().astype(int)
    model = staffed_model(small_model, x, np.arange(25) * 3600.0)
    sums = np.stack([rep_sums(model, (99, r)) for r in range(5)])
    frame = check_targets(sums, small_model, targets)
    checked = frame[frame["checked"] & (frame["type"] == "en_voice")]
    assert len(checked) >= 10
    # Upper one-sided 95% bound = 2 p - lower bound for the symmetric t interval.
    upper = 2 * checked["service_level"] - checked["service_level_low"]
    assert np.all(upper >= 0.8), checked[upper < 0.8]
    assert np.all(checked["abandon_rate"] <= 0.1 + (checked["abandon_rate_high"] - checked[
        "abandon_rate"]))  # fmt: skip


def test_staff_cli_table_json_and_out(tmp_path):
    """`ccsim staff` prints tables, --json one object, --out CSV + Parquet in a new folder."""
    result = _run("staff", "--summary-only")
    assert result.exit_code == 0, result.output
    assert "mexico_city/es_team" in result.stdout
    data = json.loads(_run("staff", "--json", "--target", "sl=0.9@20").stdout)
    assert data["method"] == "erlang" and data["targets"]["channels"]["voice"]["sl"] == 0.9
    groups = {(row["site"], row["group"]) for row in data["intervals"]}
    intervals = {row["interval"] for row in data["intervals"]}
    assert data["totals"]["fte"] > 0 and len(intervals) == 336  # one week of half hours
    assert len(data["intervals"]) == len(groups) * len(intervals)  # one row per group and interval
    out = tmp_path / "staff"
    assert _run("staff", "--summary-only", "--out", str(out)).exit_code == 0
    assert {"by_group.csv", "by_group.parquet", "by_type.csv", "staffing.json"} <= {
        p.name for p in out.iterdir()
    }
    assert _run("staff", "--out", str(out)).exit_code == 2  # never overwrites


@pytest.mark.parametrize(
    "args",
    [
        ("staff", "missing.yaml"),
        ("staff", "--method", "guess"),
        ("staff", "--target", "sl=2"),
        ("schedule", "--lengths", "30"),
        ("schedule", "--hours", "nowhere=08:00-18:00"),
        ("schedule", "--max-headcount", "manila/en_voice=lots"),
    ],
)
def test_bad_input_exits_2(args):
    """Bad scenarios, methods, targets and shift rules are user errors: message, exit code 2."""
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert "error" in result.output


def test_schedule_cli_writes_a_scenario(tmp_path):
    """`ccsim schedule --out` writes a new scenario with the plan's shifts; never overwrites."""
    out = tmp_path / "scheduled.yaml"
    result = _run("schedule", "--out", str(out), "--start-step", "60", "--plan",
                  str(tmp_path / "plan"))  # fmt: skip
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text())
    assert all(g["shifts"] for s in data["sites"] for g in s["groups"])
    assert (tmp_path / "plan" / "coverage.csv").exists()
    assert _run("schedule", "--out", str(out)).exit_code == 2
    js = json.loads(_run("schedule", "--json", "--start-step", "60").stdout)
    assert js["cost"] <= js["naive_cost"] and js["understaffed_intervals"] == 0


def test_erlang_and_simulation_share_the_plan_shape(small_model):
    """Both methods return the same tables (interval x site x group) for the same model."""
    erl = staff_erlang(small_model)
    assert set(erl.by_group.columns) >= {"required_agents", "scheduled_agents", "fte", "cost"}
    assert len(erl.by_group) == 2 * 24


def test_staff_cli_simulation_json(tmp_path, make_small):
    """`ccsim staff --method simulation --json` reports pooling against Erlang and the re-check."""
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(make_small()))
    result = _run("staff", str(path), "--method", "simulation", "--replications", "3", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == "simulation"
    assert {"erlang_hours", "simulation_hours", "hours_saving", "by_site"} <= set(data["pooling"])
    assert data["checks"]["intervals_checked"] > 0
