"""The analytic layer reproduces every reference queueing case within its tolerance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.analytic import analytic_values, expected_values, family, tolerance_ok

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "queueing_cases.json"
CASES = json.loads(CASES_FILE.read_text())["cases"]
AGENT_COLUMNS = ("agents", "n_sqrt_rule", "n_exact", "diff")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_matches_reference(case: dict) -> None:
    """Every expected metric of the case is matched within the case's tolerance."""
    assert family(case) is not None
    values = analytic_values(case)
    expected = expected_values(case)
    assert values is not None and set(values) == set(expected)
    bad = {
        metric: (expected[metric], values[metric])
        for metric in expected
        if not tolerance_ok(case, metric, expected[metric], values[metric])
    }
    assert not bad, bad


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_agent_counts_are_exact(case: dict) -> None:
    """Staffing answers (agent counts) equal the reference exactly, not just within abs_agents."""
    values = analytic_values(case)
    expected = expected_values(case)
    for metric, exp in expected.items():
        if metric.rsplit(":", 1)[-1] in AGENT_COLUMNS:
            assert values[metric] == int(exp), metric


def test_every_family_is_covered() -> None:
    """The reference file exercises all twelve model families."""
    names = {family(c) for c in CASES}
    assert names == {
        "erlang_b",
        "erlang_c",
        "erlang_c_staffing",
        "erlang_a",
        "mmnk",
        "qed",
        "sqrt_staffing",
        "priority",
        "retrial_mm1",
        "retrial_mmc",
        "chat",
        "littles",
    }


def test_unknown_model_gives_none() -> None:
    """A case with an unknown model string is reported as unsupported (None)."""
    case = {"id": "x", "model": "G/G/1 with vacations", "inputs": {}, "expected": {"a": 1.0}}
    assert family(case) is None
    assert analytic_values(case) is None


def test_tolerance_rules() -> None:
    """Relative tolerance for metrics, abs_agents for agent counts, default rel 1e-9."""
    case = {"tolerance": {"rel": 1e-6, "abs_agents": 1}}
    assert tolerance_ok(case, "p_wait", 0.5, 0.5 * (1 + 5e-7))
    assert not tolerance_ok(case, "p_wait", 0.5, 0.5 * (1 + 5e-6))
    assert tolerance_ok(case, "R=10,target=0.05:n_exact", 17, 16)
    assert not tolerance_ok(case, "agents", 14, 16)
    assert not tolerance_ok({"tolerance": {"note": "x"}}, "halfin_whitt", 0.5, 0.5 + 1e-8)
    assert tolerance_ok({"tolerance": {}}, "asa", float("inf"), float("inf"))
