"""Scenario format: pydantic models, YAML loading with readable errors, JSON Schema export."""

from sim.scenario.loading import (
    BUNDLED_DIR,
    DEFAULT_SCENARIO,
    load_scenario,
    parse_scenario,
    scenario_from_dict,
    scenario_json_schema,
)
from sim.scenario.models import Scenario

__all__ = [
    "BUNDLED_DIR",
    "DEFAULT_SCENARIO",
    "Scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_from_dict",
    "scenario_json_schema",
]
