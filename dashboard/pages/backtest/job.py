"""The Back-test page's job: back-test a plan against a call log in a worker, keep the result.

Module level (a job worker imports it by name). The back-test's JSON (as `ccsim backtest --json`
prints it, NaN made null) goes into the app's results cache under a new token; the page keeps
only the token and a few labels, and redraws from the cache without simulating again.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.shared.state import RESULT_TTL_S, TOKEN_BYTES, results_cache
from sim import api
from sim.api import Scenario, ScenarioError, json_ready

CACHE_PREFIX = "backtest-"


def put_record(work_dir: Path, record: dict[str, Any]) -> str:
    """Keep a back-test record in the results cache; the token the session holds."""
    token = CACHE_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with results_cache(work_dir) as cache:
        cache.set(token, record, expire=RESULT_TTL_S)
    return token


def get_record(work_dir: Path, token: Any) -> dict[str, Any] | None:
    """The record behind a session's token (None if gone or not a back-test token)."""
    if not isinstance(token, str) or not token.startswith(CACHE_PREFIX):
        return None
    with results_cache(work_dir) as cache:
        record = cache.get(token)
    return record if isinstance(record, dict) else None


def backtest_job(
    progress: Callable[[int, int], None],
    work_dir: str,
    scenario: Scenario | str,
    plan_label: str,
    log_path: str,
    log_label: str,
    fmt: str,
    replications: int,
    seed: int,
    days: int | None,
) -> dict[str, Any]:
    """Back-test `scenario` against the log at `log_path`: the session's entry for the result."""
    progress(0, replications)
    start = time.monotonic()
    try:
        result = api.backtest(
            scenario, Path(log_path), fmt, replications=replications, seed=seed, days=days,
            progress=progress,
        )  # fmt: skip
    except ScenarioError as exc:  # name the log as the user knows it, not the server's copy
        raise ScenarioError(str(exc).replace(log_path, log_label)) from None
    wall_time_s = time.monotonic() - start
    record = {"plan": plan_label, "log": log_label, "result": json_ready(result)}
    token = put_record(Path(work_dir), record)
    progress(replications, replications)
    return {
        "token": token,
        "plan": plan_label,
        "log": log_label,
        "days": result["days"],
        "replications": replications,
        "wall_time_s": wall_time_s,
    }
