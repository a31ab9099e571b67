"""Long commands report progress on stderr (plain lines when piped), and --quiet silences it."""

from __future__ import annotations

import io
import json

from typer.testing import CliRunner

from sim.cli import app
from sim.commands.common import LineProgress

runner = CliRunner()


def test_piped_run_prints_progress_lines_on_stderr_and_clean_json():
    """run --json: stdout is one JSON object, stderr has start, per-replication and end lines."""
    result = runner.invoke(app, ["run", "--replications", "2", "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("ccsim: simulating: started")
    assert any("2/2" in line for line in lines) and "finished" in lines[-1]


def test_quiet_silences_progress():
    """--quiet: nothing on stderr, the same JSON on stdout."""
    result = runner.invoke(app, ["run", "--replications", "2", "--json", "--quiet"])
    assert result.exit_code == 0 and result.stderr == ""
    assert "kpis" in json.loads(result.stdout)


def test_compare_reports_progress_when_piped():
    """compare --json shows its progress lines on stderr."""
    args = ["compare", "scenarios/teaching_mmc.yaml", "scenarios/teaching_mmc.yaml"]
    result = runner.invoke(app, [*args, "--replications", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert "ccsim: comparing (runs of A and B): started" in result.stderr and "4/4" in result.stderr


def test_every_long_command_has_quiet():
    """run, compare, sweep, staff, schedule, verify and calibrate all accept --quiet."""
    for command in ("run", "compare", "sweep", "staff", "schedule", "verify", "calibrate"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert "--quiet" in result.stdout, command


def test_line_progress_prints_each_tenth_once():
    """100 updates give a line per tenth (plus start and end), never a flood."""
    out = io.StringIO()
    with LineProgress("work", out) as bar:
        task = bar.add_task("work", total=100)
        for done in range(1, 101):
            bar.update(task, completed=done, total=100)
    lines = out.getvalue().splitlines()
    assert len(lines) == 12 and lines[1].startswith("ccsim: work: 10/100")
