"""`ccsim verify`: compare ccsim's analytic layer (and optionally its engine) with reference cases.

A metric passes analytically when ccsim's formula matches `expected` within the case's tolerance,
and in simulation when `expected` lies within 4 standard errors of the simulated mean.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.analytic.cases import analytic_values, expected_values, family, tolerance_ok
from sim.errors import ScenarioError
from sim.verify.simulate import PLANS, simulate_case

Z_LIMIT = 4.0


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read a case file; any problem is a user error naming the file and what is expected."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such file; give a reference-cases JSON file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc})") from None
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list):
        raise ScenarioError(f'{path}: expected an object with a "cases" list')
    for i, case in enumerate(cases):
        for key in ("id", "model", "inputs", "expected"):
            if not isinstance(case, dict) or key not in case:
                raise ScenarioError(f"{path}: cases[{i}] has no {key!r}")
        tolerance = case.get("tolerance", {})
        bad = not isinstance(tolerance, dict) or any(
            k != "note" and (not isinstance(v, int | float) or v < 0) for k, v in tolerance.items()
        )
        if bad:
            raise ScenarioError(
                f'{path}: cases[{i}].tolerance must map "rel" / "abs_agents" to non-negative '
                f"numbers (got {tolerance!r})"
            )
    return cases


def run_verify(
    path: Path,
    simulate: bool = False,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Check every case; the result has the public JSON shape of `ccsim verify --json`."""
    cases = load_cases(Path(path))
    results = []
    for done, case in enumerate(cases, start=1):
        results.append(_check_case(case, simulate, seed))
        if progress is not None:
            progress(done, len(cases))
    summary = {s: sum(r["status"] == s for r in results) for s in ("pass", "fail", "unsupported")}
    return {"cases": results, "summary": summary}


def _check_case(case: dict[str, Any], simulate: bool, seed: int) -> dict[str, Any]:
    fam = family(case)
    head = {"id": case["id"], "model": case["model"], "family": fam}
    if fam is None:
        return {**head, "status": "unsupported", "checks": []}
    try:
        analytic = analytic_values(case) or {}
        expected = expected_values(case)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"case {case['id']}: inputs do not fit {fam} ({exc})") from None
    simulated = simulate_case(case, fam, seed) if simulate and fam in PLANS else {}
    checks, ok = [], True
    for metric, exp in expected.items():
        value = analytic.get(metric)
        check: dict[str, Any] = {
            "metric": metric,
            "expected": _clean(exp),
            "analytic": _clean(value),
        }
        if value is not None:
            check["analytic_ok"] = bool(tolerance_ok(case, metric, exp, value))
            ok &= check["analytic_ok"]
        check.update({"simulated": None, "se": None, "z": None})
        if metric in simulated:
            mean, se = simulated[metric]
            z = (mean - exp) / se if se > 0 else (0.0 if mean == exp else math.inf)
            check.update(simulated=mean, se=se, z=_clean(z))
            check["simulated_ok"] = abs(z) <= Z_LIMIT
            ok &= check["simulated_ok"]
        checks.append(check)
    return {**head, "status": "pass" if ok else "fail", "checks": checks}


def _clean(value: Any) -> Any:
    """JSON-safe numbers (inf and nan become null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
