"""`ccsim verify`: exit codes, JSON shape, unsupported families, bad case files."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def _cases(tmp_path, cases) -> str:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": cases}))
    return str(path)


ERLANG_B = {
    "id": "b",
    "model": "erlang_b (M/M/n/n loss)",
    "inputs": {"agents": 10, "offered_load_erlangs": 5.0},
    "expected": {"blocking": 0.018384570336648132},
    "tolerance": {"rel": 1e-9},
}


def test_verify_analytic_json_shape(tmp_path):
    """A correct case passes; --json has cases (with checks) and a summary."""
    result = runner.invoke(app, ["verify", _cases(tmp_path, [ERLANG_B]), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"] == {"pass": 1, "fail": 0, "unsupported": 0}
    case = report["cases"][0]
    assert {"id", "model", "status", "checks"} <= set(case)
    check = case["checks"][0]
    assert {"metric", "expected", "analytic", "simulated", "se", "z"} <= set(check)


def test_verify_wrong_expected_fails(tmp_path):
    """A case whose expected value is wrong fails and the exit code is 1."""
    bad = dict(ERLANG_B, expected={"blocking": 0.02})
    result = runner.invoke(app, ["verify", _cases(tmp_path, [bad]), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["fail"] == 1


def test_verify_unsupported_is_not_failure(tmp_path):
    """An unknown model family is reported as unsupported and does not fail the run."""
    odd = dict(ERLANG_B, id="x", model="G/G/1 with vacations")
    result = runner.invoke(app, ["verify", _cases(tmp_path, [odd, ERLANG_B]), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"] == {"pass": 1, "fail": 0, "unsupported": 1}


def test_verify_simulate_small_case(tmp_path):
    """--simulate adds simulated means, standard errors and z-scores."""
    result = runner.invoke(app, ["verify", _cases(tmp_path, [ERLANG_B]), "--simulate", "--json"])
    assert result.exit_code == 0, result.output
    check = json.loads(result.stdout)["cases"][0]["checks"][0]
    assert check["se"] > 0 and abs(check["z"]) <= 4


def test_verify_bad_file_exit_2(tmp_path):
    """A file that is not a case file is a user error (exit 2)."""
    path = tmp_path / "x.json"
    path.write_text("{not json")
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 2 and "not valid JSON" in result.stderr
    path.write_text('{"cases": [{"id": 1}]}')
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 2 and "has no 'model'" in result.stderr


def test_verify_bad_tolerance_exit_2(tmp_path):
    """A malformed or negative tolerance is a user error naming the case."""
    for tolerance in ("abc", {"rel": "abc"}, {"rel": -1}):
        bad = dict(ERLANG_B, tolerance=tolerance)
        result = runner.invoke(app, ["verify", _cases(tmp_path, [bad])])
        assert result.exit_code == 2 and "cases[0].tolerance" in result.stderr
