"""A browser session's own work, as kept in its `dcc.Store`s (see `app.SESSION_STORES`).

* `session-base`: the scenario the session loaded (bundled or uploaded), as a plain dict;
* `session-scenario`: that scenario with the form's edits, when they are valid;
* `session-runs`: the session's runs (tokens of results kept on the server, newest first);
* `session-id`: the tab's random id (one running job of each kind per session).

The helpers are pure functions of the stores' data, so callbacks stay small and testable.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from dashboard.shared.state import STARTUP_TOKEN, AppState, SessionRun
from sim import api
from sim.api import Scenario, ScenarioError

MAX_SESSION_RUNS = 12
SERVED = "served"


def new_session_id() -> str:
    """An id for a new browser tab (the `session-id` store; the job manager keys jobs by it)."""
    return secrets.token_urlsafe(12)


def base_record(data: dict[str, Any], label: str) -> dict[str, Any]:
    """The `session-base` content for a newly loaded scenario (a fresh id per load)."""
    return {"id": secrets.token_hex(6), "label": label, "scenario": data}


def served_base(state: AppState) -> dict[str, Any]:
    """What a session starts from: the scenario the dashboard was started with."""
    return {
        "id": SERVED,
        "label": f"{state.scenario.name} (served scenario)",
        "scenario": state.scenario.model_dump(mode="json"),
    }


def edited_scenario(store: dict[str, Any] | None, state: AppState) -> tuple[Scenario, str]:
    """The session's edited scenario and its label (the served one if none); raises if invalid."""
    if not store:
        return state.scenario, f"{state.scenario.name} (served scenario)"
    if not store.get("valid") or not isinstance(store.get("scenario"), dict):
        raise ScenarioError(
            "the edited scenario has problems: fix the fields marked on the Scenario page"
        )
    return api.from_dict(store["scenario"], "edited scenario"), str(store.get("label", ""))


def run_entry(token: str, run: SessionRun, seed: int) -> dict[str, Any]:
    """What the session keeps about one of its runs (the result itself stays on the server)."""
    return {
        "token": token,
        "label": run.label,
        "scenario": run.result.model.scenario.name,
        "replications": run.result.replications,
        "seed": seed,
        "created": dt.datetime.now(dt.UTC).strftime("%H:%M:%S UTC"),
    }


def add_run(runs: dict[str, Any] | None, entry: dict[str, Any]) -> dict[str, Any]:
    """The `session-runs` content with `entry` as the current (newest) run."""
    previous = [r for r in (runs or {}).get("runs", []) if r.get("token") != entry["token"]]
    return {"current": entry["token"], "runs": [entry, *previous][:MAX_SESSION_RUNS]}


def current_token(runs: dict[str, Any] | None) -> str:
    """The token of the run the results pages show: the session's current one, else the served."""
    token = (runs or {}).get("current")
    return token if isinstance(token, str) and token else STARTUP_TOKEN


def run_options(runs: dict[str, Any] | None, state: AppState) -> list[dict[str, str]]:
    """Dropdown options of the runs this session can pick: its own, newest first, and the served."""
    options = [
        {"label": f"{r['label']} · {r['replications']} reps · seed {r['seed']} · {r['created']}",
         "value": r["token"]}
        for r in (runs or {}).get("runs", [])
    ]  # fmt: skip
    startup = state.startup.result
    options.append({
        "label": f"{state.startup.label} · {startup.replications} reps · seed {startup.seed}",
        "value": STARTUP_TOKEN,
    })  # fmt: skip
    return options
