"""Scenario values YAML reads specially: `.inf`/`.nan` and impossible unquoted dates exit 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario.loading import DEFAULT_SCENARIO

runner = CliRunner()


def _bad(tmp_path, old: str, new: str):
    text = DEFAULT_SCENARIO.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))
    return runner.invoke(app, ["run", str(path), "--replications", "1"], catch_exceptions=False)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN"])
def test_non_finite_number_names_field(tmp_path, value):
    """A non-finite number anywhere in the YAML is named by its path, exit 2, no traceback."""
    result = _bad(tmp_path, "volume_per_day: 2200", f"volume_per_day: {value}")
    assert result.exit_code == 2, result.output
    assert "demand[0].volume_per_day" in result.stderr
    assert "not a finite number" in result.stderr
    assert "Traceback" not in result.output


def test_impossible_unquoted_date_names_field(tmp_path):
    """`start: 2026-02-30` unquoted is reported as no real date, naming `start`, exit 2."""
    result = _bad(tmp_path, "start: 2026-09-14", "start: 2026-02-30")
    assert result.exit_code == 2, result.output
    assert "start: '2026-02-30'" in result.stderr and "not a real date" in result.stderr
    assert "line " in result.stderr and "Traceback" not in result.output


def test_possible_date_still_accepted(tmp_path):
    """A real unquoted date still loads: the stricter loader changes nothing for good files."""
    from sim.scenario.loading import load_scenario

    sc = load_scenario(DEFAULT_SCENARIO)
    assert str(sc.horizon.start) == "2026-09-14"
