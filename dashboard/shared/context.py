"""The session's context in the shell: which scenario it works on and which run it is reading.

The header and footer are drawn once per page load from the served run; this callback redraws
them from the session's stores, so after a load, an edit or a run they name the session's own
scenario and run (not the one the dashboard was started with).
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from dashboard.shared.session import current_token, served_base
from dashboard.shared.state import AppState, SessionRun, app_state


def scenario_label(
    base: dict[str, Any] | None, edited: dict[str, Any] | None, state: AppState
) -> str:
    """The scenario the session works on: its edited copy's label, else what it loaded."""
    base = base or served_base(state)
    if edited and edited.get("id") == base.get("id"):
        label = str(edited.get("label") or base["label"])
        return label if edited.get("valid") else f"{label} (edits with problems)"
    return str(base["label"])


def scenario_description(
    base: dict[str, Any] | None, edited: dict[str, Any] | None, state: AppState
) -> str:
    """The description of the scenario the session works on (its edited copy's when valid)."""
    base = base or served_base(state)
    data = base.get("scenario") or {}
    if edited and edited.get("id") == base.get("id") and isinstance(edited.get("scenario"), dict):
        data = edited["scenario"]
    return str(data.get("description") or "")


def provenance(run: SessionRun) -> str:
    """Where the shown numbers came from: the run's label, replications, seed, version, hash."""
    result = run.result
    return " · ".join([
        f"Showing run: {run.label}",
        f"{result.replications} replications",
        f"seed {result.seed}",
        f"ccsim {result.version}",
        f"scenario hash {result.model.scenario_hash}",
        f"simulated in {result.wall_time_s:.1f} s",
        "means with 95% confidence intervals across replications",
    ])  # fmt: skip


def session_context(
    base: dict[str, Any] | None,
    edited: dict[str, Any] | None,
    runs: dict[str, Any] | None,
    state: AppState | None = None,
) -> tuple[str, str, str, str]:
    """(header scenario, its description, header run, footer provenance) for the session."""
    state = state or app_state()
    run = state.get(current_token(runs)) or state.startup
    return (
        f"scenario: {scenario_label(base, edited, state)}",
        scenario_description(base, edited, state),
        f"run: {run.label}",
        provenance(run),
    )


def register_context(app: Dash) -> None:
    """Keep the header and footer in step with the session's stores on every page."""
    app.callback(
        Output("session-context-scenario", "children"),
        Output("session-context-description", "children"),
        Output("session-context-run", "children"),
        Output("provenance", "children"),
        Input("session-base", "data"),
        Input("session-scenario", "data"),
        Input("session-runs", "data"),
    )(session_context)
