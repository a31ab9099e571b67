"""Small capacity plans over the M/M/10 teaching scenario, as dicts each test varies."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
EXAMPLE = SCENARIOS / "plans" / "retail_peak_plan.yaml"


def mmc_plan(
    weeks: int = 8,
    agents: float = 20.0,
    per_week: float = 0.0,
    hiring: dict[str, Any] | None = None,
    classes: list[dict[str, Any]] | None = None,
    learning_curve: dict[str, Any] | None = None,
    shrinkage: float = 0.0,
) -> dict[str, Any]:
    """A plan of `weeks` weeks for teaching_mmc's one group (school/agents)."""
    group: dict[str, Any] = {
        "name": "agents",
        "headcount": [{"tenure_weeks": 52, "agents": agents}],
        "attrition": [{"per_week": per_week}],
        "shrinkage": shrinkage,
        "wage_per_hour": 20.0,
    }
    if classes:
        group["classes"] = classes
    if learning_curve:
        group["learning_curve"] = learning_curve
    site: dict[str, Any] = {"name": "school", "groups": [group]}
    if hiring is not None:
        site["hiring"] = hiring
    return copy.deepcopy({
        "name": "mmc_plan",
        "scenario": "teaching_mmc.yaml",
        "horizon": {"start": "2026-01-05", "weeks": weeks},
        "sites": [site],
    })  # fmt: skip
