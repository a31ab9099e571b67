"""The Run page's job: simulate a scenario in a worker and keep the result on the server.

A module-level function (a spawned worker imports it by name); it returns only the small entry
the session keeps, the result itself goes into the app's results cache under a new token.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.shared.session import run_entry
from dashboard.shared.state import SessionRun, put_run
from sim import api
from sim.api import Scenario


def simulate_run(
    progress: Callable[[int, int], None] | None,
    work_dir: str,
    scenario: Scenario,
    label: str,
    replications: int,
    seed: int,
    forked: bool = False,
) -> tuple[str, SessionRun, dict[str, Any]]:
    """Run `scenario`, keep it under a new token: (token, run, the session's entry for it).

    `forked`: spread the replications over forked copies of this process (a job worker's own
    cores; never in the multi-threaded server), with the same results.
    """
    backend = api.forked_backend() if forked else None
    result = api.run(scenario, replications=replications, seed=seed, progress=progress,
                     journeys=True, backend=backend)  # fmt: skip
    run = SessionRun(result, label, result.journeys)
    token = put_run(Path(work_dir), run)
    return token, run, run_entry(token, run, seed)


def run_job(
    progress: Callable[[int, int], None],
    work_dir: str,
    scenario: Scenario,
    label: str,
    replications: int,
    seed: int,
) -> dict[str, Any]:
    """The job the worker runs: the session's entry, with the wall time for the status line."""
    progress(0, replications)
    _token, run, entry = simulate_run(
        progress, work_dir, scenario, label, replications, seed, forked=True
    )
    return {**entry, "wall_time_s": run.result.wall_time_s}
