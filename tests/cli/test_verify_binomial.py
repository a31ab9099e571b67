"""`ccsim verify --simulate`: shares simulated as exactly 0 or 1 are judged by binomial chance."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sim.analytic.cases import analytic_values
from sim.cli import app
from sim.verify.runner import TAIL_LIMIT, binomial_chance, run_verify

runner = CliRunner()


def _near_certain_case() -> dict:
    """Erlang C with 30 agents for 10 erlangs: P(wait) ~ 1e-7, SL ~ 1 - 1e-8 (exact values)."""
    case = {
        "id": "c_overstaffed",
        "model": "erlang_c (M/M/n, FCFS, no abandonment)",
        "inputs": {"arrival_rate": 0.05, "service_rate": 0.005, "agents": 30, "awt": 20},
        "expected": {"p_wait": 0.5, "service_level": 0.5},
        "tolerance": {"rel": 1e-9},
    }
    values = analytic_values(case)
    case["expected"] = {k: values[k] for k in ("p_wait", "service_level")}
    return case


def test_binomial_chance_values():
    """All-success in n trials has chance p^n: near-certain shares pass, clear misses fail."""
    assert binomial_chance(1.0, 1 - 7e-9, 1e5) > 0.999
    assert binomial_chance(0.0, 7e-9, 1e5) > 0.999
    assert binomial_chance(1.0, 0.99, 10_000) < TAIL_LIMIT
    assert binomial_chance(0.0, 0.5, 20) < TAIL_LIMIT
    assert binomial_chance(1.0, 1.0, 10) == 1.0


def test_zero_se_share_judged_by_binomial(tmp_path):
    """SL 1 - 1e-8 simulated as exactly 1.0 with SE 0 passes (it failed as z = inf before)."""
    case = _near_certain_case()
    assert 1 - 1e-6 < case["expected"]["service_level"] < 1
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [case]}))
    result = runner.invoke(app, ["verify", str(path), "--simulate", "--json"])
    assert result.exit_code == 0, result.output
    checks = {c["metric"]: c for c in json.loads(result.stdout)["cases"][0]["checks"]}
    sl = checks["service_level"]
    assert sl["simulated"] == 1.0 and sl["se"] == 0 and sl["simulated_ok"]
    assert sl["binomial_chance"] >= TAIL_LIMIT


def test_zero_se_share_far_from_expected_fails(tmp_path):
    """The same all-answered run fails when the expected SL is 0.9: p^n is far below 4 SE."""
    case = _near_certain_case()
    case["expected"] = {"service_level": 0.9}
    case["tolerance"] = {"rel": 1.0}  # keep the analytic check passing; only simulation judged
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [case]}))
    report = run_verify(path, simulate=True, seed=1, workers=1)
    sl = report["cases"][0]["checks"][0]
    assert sl["se"] == 0 and sl["binomial_chance"] < TAIL_LIMIT and not sl["simulated_ok"]


def test_same_report_for_any_worker_count(tmp_path):
    """Seeds are per case, not per worker: 1 and 2 workers give identical reports."""
    base = _near_certain_case()
    other = base | {"id": "c2", "inputs": base["inputs"] | {"agents": 14}}
    other["expected"] = {"p_wait": analytic_values(other)["p_wait"]}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [base, other]}))
    assert run_verify(path, simulate=True, workers=1) == run_verify(path, simulate=True, workers=2)
