"""`ccsim verify`: compare ccsim's analytic layer (and optionally its engine) with reference cases.

A metric passes analytically when ccsim's formula matches `expected` within the case's tolerance,
and in simulation when `expected` lies within 4 standard errors of the simulated mean (a
control-variate estimate over 20 replications, see sim/verify/sizing.py). A share
simulated as exactly 0 or 1 (zero SE) is judged by the binomial chance of seeing that in the
contacts simulated: it passes when that chance is at least the normal two-sided tail beyond 4 SE.
With `--simulate` each case is simulated only as long as its checks need (sim/verify/sizing.py),
every (case, stage, replication) is a task of a process pool with its own stream, cases that
simulate the same scenario share it, and results keep the file's order, so reports are identical
for any `workers`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.analytic.cases import analytic_values, expected_values, family, tolerance_ok
from sim.errors import ScenarioError
from sim.verify.estimators import CONTROLS
from sim.verify.schedule import Group, group_plans, run_groups
from sim.verify.simulate import PLANS, REPLICATIONS, Plan
from sim.verify.sizing import SHARES, TAIL_LIMIT, Z_LIMIT, Decision, Sizing, Stat, decide

__all__ = ["TAIL_LIMIT", "Z_LIMIT", "binomial_chance", "load_cases", "run_verify"]


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
    sizing: Sizing | None = None,
    cpu_seconds: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Check every case; the result has the public JSON shape of `ccsim verify --json`.

    `workers` (default: the machine's cores) processes simulate cases side by side with --simulate;
    `sizing` (default: sequential, 5% precision) says how long each case is simulated.
    `cpu_seconds`, if given, receives per simulated case id the CPU seconds of its simulation
    (shared by the cases of one scenario); kept out of the report, which timing must not change.
    """
    cases = load_cases(Path(path))
    sizing = sizing or Sizing()
    simulated: dict[int, dict[str, Stat]] = {}
    runs: dict[int, dict[str, Any]] = {}
    total_contacts = 0
    if simulate:
        groups = group_plans(_plans(cases))
        done = 0

        def finished(g: Group) -> None:
            nonlocal done
            for k, stats in enumerate(g.stats(sizing.controls)):
                simulated[g.members[k]] = stats
                runs[g.members[k]] = _run_info(g, cases)
                if cpu_seconds is not None:
                    cpu_seconds[cases[g.members[k]]["id"]] = g.cpu_s
            done += len(g.members)
            if progress is not None:
                progress(done, len(cases))

        n_workers = workers or os.cpu_count() or 1
        judge = _decider(cases, sizing)
        run_groups(groups, seed, n_workers, sizing, judge, finished)
        total_contacts = sum(g.contacts for g in groups)
    results = []
    for i, case in enumerate(cases):
        result = _check_case(case, simulated.get(i, {}))
        if i in runs:
            result["simulation"] = runs[i]
        results.append(result)
    if progress is not None:  # cases that are not simulated are done now
        progress(len(cases), len(cases))
    summary = {s: sum(r["status"] == s for r in results) for s in ("pass", "fail", "unsupported")}
    report: dict[str, Any] = {"cases": results, "summary": summary}
    if simulate:
        report["simulation"] = {
            "sizing": "fixed" if sizing.fixed else "sequential",
            "rel_precision": None if sizing.fixed else sizing.rel_precision,
            "replications_per_stage": REPLICATIONS,
            "control_variates": list(CONTROLS) if sizing.controls else [],
            "contacts": total_contacts,
        }
    return report


def _plans(cases: list[dict[str, Any]]) -> dict[int, Plan]:
    """Each simulable case's plan; inputs that do not fit the family are a user error."""
    plans = {}
    for i, case in enumerate(cases):
        fam = family(case)
        if fam in PLANS:
            try:
                plans[i] = PLANS[fam](case["inputs"], case["expected"])
            except (KeyError, TypeError, ValueError):
                _check_case(case, {})  # names the bad inputs as a user error
                raise
    return plans


def _decider(cases: list[dict[str, Any]], sizing: Sizing) -> Callable[[Group], Decision]:
    """Sizing decision of a group from every check of every case in it, after each stage."""

    def judge(g: Group) -> Decision:
        checks = []
        for k, stats in enumerate(g.stats(sizing.controls)):
            expected = expected_values(cases[g.members[k]])
            for metric, stat in stats.items():
                if metric in expected:  # a plan may measure more than a case checks
                    exp = float(expected[metric])
                    checks.append((metric, stat, exp, _binomial(metric, stat, exp)))
        return decide(checks, g.measured, sizing)

    return judge


def _run_info(g: Group, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """How a case was simulated: stages, window fraction measured and asked for, contacts."""
    d = g.decision
    assert d is not None
    return {
        "replications": REPLICATIONS,
        "stages": len(g.stages),
        "measured_fraction": round(g.measured, 6),
        "needed_fraction": _clean(round(d.needed, 6)),
        "stop": d.stop,
        "contacts": g.contacts,
        "shared_with": [cases[j]["id"] for j in g.members if len(g.members) > 1],
    }


def _binomial(metric: str, stat: Stat, expected: float) -> float | None:
    """Binomial chance of an all-or-nothing share (zero SE), None where the z-score judges."""
    mean, se, trials, _ = stat
    if metric in SHARES and se == 0 and mean in (0.0, 1.0) and trials > 0:
        return binomial_chance(mean, expected, trials)
    return None


def _check_case(case: dict[str, Any], simulated: dict[str, Stat]) -> dict[str, Any]:
    """One case's checks, with `simulated` (mean, SE, contacts) for the metrics simulated."""
    fam = family(case)
    head = {"id": case["id"], "model": case["model"], "family": fam}
    if fam is None:
        return {**head, "status": "unsupported", "checks": []}
    try:
        analytic = analytic_values(case) or {}
        expected = expected_values(case)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"case {case['id']}: inputs do not fit {fam} ({exc})") from None
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
            mean, se, trials, _ = simulated[metric]
            z = (mean - exp) / se if se > 0 else (0.0 if mean == exp else math.inf)
            check.update(simulated=mean, se=se, z=_clean(z))
            check["simulated_ok"] = abs(z) <= Z_LIMIT
            chance = _binomial(metric, simulated[metric], exp)
            if chance is not None:
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
