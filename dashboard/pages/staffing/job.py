"""The Staffing page's job: the simulation-based requirement, searched in a worker.

A module-level function (a spawned worker imports it by name) run by the app's job manager, as
the Run page's job is; it returns a small JSON-able entry (the page keeps it in a store): the
simulated agents per group x interval, per-group totals, the reconciliation with Erlang, and
the key of the scenario and targets it answers, so the page never shows it beside other inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sim import api
from sim.api import Scenario


def entry_key(scenario_hash: str, targets: Sequence[str]) -> str:
    """What a simulated answer belongs to: the scenario (as edited) and the target items."""
    return f"{scenario_hash}|{'|'.join(targets)}"


def simulation_entry(result: Any, targets: Sequence[str]) -> dict[str, Any]:
    """The session's record of a simulated staffing (small: agents per group x interval)."""
    summary = result.summary[["site", "group", "scheduled_hours", "fte", "cost"]]
    rec = result.reconciliation
    return {
        "key": entry_key(result.model.scenario_hash, targets),
        "scheduled": result.scheduled_matrix().tolist(),
        "summary": summary.to_dict(orient="records"),
        "reconciliation": rec.to_json(),
        "line": rec.sentence(),
        "notes": list(result.notes),
        "wall_time_s": result.wall_time_s,
    }


def staffing_job(
    progress: Callable[[int, int], None],
    scenario: Scenario,
    targets: Sequence[str],
    replications: int,
    seed: int,
    time_budget_s: float | None,
) -> dict[str, Any]:
    """The job the worker runs: search the simulated staffing, return the page's entry."""
    progress(0, 1)
    result = api.staff(scenario, "simulation", list(targets), replications, seed,
                       progress=progress, time_budget_s=time_budget_s)  # fmt: skip
    return {**simulation_entry(result, targets), "replications": replications, "seed": seed}
