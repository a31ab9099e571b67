"""A session's runs in the run store: save one (with its journey flows), open a past one.

The store itself (`sim.api.save_result` / `open_result`) keeps the KPI files; the dashboard adds
`journey.json` beside them so a reopened run draws its Sankey again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dashboard.shared.state import SessionRun
from sim import api

JOURNEY_FILE = "journey.json"
DEFAULT_CURRENCY = api.Scenario.model_fields["costs"].default.currency


def save_run(run: SessionRun, root: Path) -> str:
    """Write a run into the store at `root`; returns its new id."""
    extra = {} if run.journey is None else {JOURNEY_FILE: json.dumps(run.journey)}
    return api.save_result(run.result, root, "ccsim dashboard", extra)


def list_runs(root: Path, limit: int = 100) -> list[dict[str, Any]]:
    """Past single runs (kind 'run'), newest first, as the store's index lists them, each with
    the `currency` its costs are in (read from the stored scenario, which the index omits)."""
    return [row | {"currency": api.run_currency(row)} for row in api.list_results(root, limit)]


def load_run(root: Path, run_id: str) -> SessionRun:
    """A stored run by id (or unique prefix/suffix), rebuilt as a `SessionRun`."""
    result, meta, folder = api.open_result(root, run_id)
    journey_file = folder / JOURNEY_FILE
    journey = json.loads(journey_file.read_text()) if journey_file.is_file() else None
    return SessionRun(result, f"{result.model.scenario.name} (stored run {meta['id']})", journey)
