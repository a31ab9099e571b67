"""`ccsim verify --simulate` keeps its power: control variates catch what the plain means caught.

For one case of each kind (Erlang C P(wait) and ASA, Erlang A abandonment, chat), the plain
sizing (`Sizing(controls=False)`, the estimator and sizing before control variates) gives an SE;
the default sizing must reach an SE no wider, pass the true reference value, and fail it shifted
by 6 of those SEs either way (the plain run caught such a shift with probability 0.98).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from sim.verify.runner import run_verify
from sim.verify.sizing import Sizing

CASES = Path(__file__).resolve().parents[1] / "data" / "queueing_cases.json"
KINDS = [
    ("erlang_c_small_single_agent_MM1", "p_wait"),
    ("erlang_c_R_ErlangC_pkg_example", "asa"),
    ("erlang_a_medium_30agents", "p_abandon"),
    ("chat_equal_aht_reduces_to_erlang_c", "p_wait"),
]
SHIFT_SE = 6.0


def _one_check(tmp_path: Path, case_id: str, metric: str, shift: float, sizing: Sizing) -> dict:
    """Verify `metric` of the case alone, its expected value moved by `shift`; its check."""
    case = next(c for c in json.loads(CASES.read_text())["cases"] if c["id"] == case_id)
    expected = {metric: case["expected"][metric] + shift}
    path = tmp_path / f"{case_id}.json"
    wrong = case | {"expected": expected, "tolerance": {"rel": 1.0}}
    path.write_text(json.dumps({"cases": [wrong]}))
    report = run_verify(path, simulate=True, seed=1, workers=1, sizing=sizing)
    return report["cases"][0]["checks"][0]


@functools.cache
def _plain_se(case_id: str, metric: str, tmp: str) -> float:
    return float(_one_check(Path(tmp), case_id, metric, 0.0, Sizing(controls=False))["se"])


@pytest.mark.slow
@pytest.mark.parametrize(("case_id", "metric"), KINDS)
def test_controls_catch_what_plain_means_caught(tmp_path_factory, case_id, metric):
    """True value passes with an SE no wider than the plain one; +-6 plain SEs off fails."""
    tmp = tmp_path_factory.mktemp("power")
    plain_se = _plain_se(case_id, metric, str(tmp))
    true = _one_check(tmp, case_id, metric, 0.0, Sizing())
    assert true["simulated_ok"] and true["se"] <= 1.1 * plain_se
    for sign in (-1.0, 1.0):
        wrong = _one_check(tmp, case_id, metric, sign * SHIFT_SE * plain_se, Sizing())
        assert not wrong["simulated_ok"], (sign, wrong)
