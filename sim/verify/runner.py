"""`ccsim verify`: compare ccsim's analytic layer (and optionally its engine) with reference cases.

A metric passes analytically when ccsim's formula matches `expected` within the case's tolerance,
and in simulation when `expected` lies within 4 standard errors of the simulated mean. A share
simulated as exactly 0 or 1 (zero SE) is judged by the binomial chance of seeing that in the
contacts simulated: it passes when that chance is at least the normal two-sided tail beyond 4 SE.
With `--simulate` every (case, replication) is a task of a process pool; replication r of a case
always uses stream (seed, r), whatever the worker count, and results keep the file's order, so
reports are identical for any `workers`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sim.analytic.cases import analytic_values, expected_values, family, tolerance_ok
from sim.errors import ScenarioError
from sim.verify.simulate import PLANS, REPLICATIONS, replicate_case, simulate_case, summarize

Z_LIMIT = 4.0
# metrics that are shares of contacts (binomial counts), as named in the case files
SHARES = {"blocking", "p_block", "p_wait", "p_wait_arriving", "p_abandon", "service_level",
          "sl_answered", "p_served_within_t", "p_abandon_within_t"}  # fmt: skip
TAIL_LIMIT = math.erfc(Z_LIMIT / math.sqrt(2))  # P(|Z| > 4) = 6.3e-5


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
    workers: int | None = None,
) -> dict[str, Any]:
    """Check every case; the result has the public JSON shape of `ccsim verify --json`.

    `workers` (default: the machine's cores) processes simulate cases side by side with --simulate.
    """
    cases = load_cases(Path(path))
    n_workers = (workers or os.cpu_count() or 1) if simulate else 1
    results = []
    if n_workers <= 1:
        for done, case in enumerate(cases, start=1):
            results.append(_check_case(case, simulate, seed))
            if progress is not None:
                progress(done, len(cases))
    else:
        results = _pooled(cases, seed, n_workers, progress)
    summary = {s: sum(r["status"] == s for r in results) for s in ("pass", "fail", "unsupported")}
    return {"cases": results, "summary": summary}


def _pooled(
    cases: list[dict[str, Any]],
    seed: int,
    n_workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[dict[str, Any]]:
    """Every (case, replication) as its own task, so long cases spread over all workers."""
    with ProcessPoolExecutor(max_workers=n_workers) as pool:
        tasks = {
            i: [pool.submit(replicate_case, case, family(case), seed, rep)
                for rep in range(REPLICATIONS)]
            for i, case in enumerate(cases) if family(case) in PLANS
        }  # fmt: skip
        results = []
        for i, case in enumerate(cases):
            try:
                reps = [f.result() for f in tasks.get(i, [])]
            except (KeyError, TypeError, ValueError):
                _check_case(case, False, seed, {})  # names the bad inputs as a user error
                raise
            results.append(_check_case(case, False, seed, summarize(reps) if reps else {}))
            if progress is not None:
                progress(i + 1, len(cases))
    return results


def _check_case(
    case: dict[str, Any], simulate: bool, seed: int, simulated: dict | None = None
) -> dict[str, Any]:
    """One case's checks; `simulated` (mean, SE, contacts per metric) is computed if not given."""
    fam = family(case)
    head = {"id": case["id"], "model": case["model"], "family": fam}
    if fam is None:
        return {**head, "status": "unsupported", "checks": []}
    try:
        analytic = analytic_values(case) or {}
        expected = expected_values(case)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"case {case['id']}: inputs do not fit {fam} ({exc})") from None
    if simulated is None:
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
            mean, se, trials = simulated[metric]
            z = (mean - exp) / se if se > 0 else (0.0 if mean == exp else math.inf)
            check.update(simulated=mean, se=se, z=_clean(z))
            check["simulated_ok"] = abs(z) <= Z_LIMIT
            if metric in SHARES and se == 0 and mean in (0.0, 1.0) and trials > 0:
                chance = binomial_chance(mean, exp, trials)
                check["binomial_chance"] = chance
                check["simulated_ok"] = chance >= TAIL_LIMIT
            ok &= check["simulated_ok"]
        checks.append(check)
    return {**head, "status": "pass" if ok else "fail", "checks": checks}


def binomial_chance(observed: float, expected: float, trials: float) -> float:
    """Chance that all `trials` contacts come out `observed` (0 or 1) when the share is `expected`.

    `trials` counts every contact of the measured window: an upper bound on a share's
    denominator (e.g. answered calls for a service level), so the judgement errs strict.
    """
    p = expected if observed == 1.0 else 1.0 - expected
    return float(math.exp(trials * math.log(p))) if p > 0 else 0.0


def _clean(value: Any) -> Any:
    """JSON-safe numbers (inf and nan become null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
