"""Plan file validation (the field named in the message) and its JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from plan_cases import EXAMPLE, SCENARIOS, mmc_plan
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.errors import ScenarioError
from sim.planning.loading import plan_json_schema


def _error(plan) -> str:
    with pytest.raises(ScenarioError) as info:
        api.plan(plan, base_dir=SCENARIOS)
    return str(info.value)


def test_start_not_monday_names_horizon_start():
    """A horizon starting on a Tuesday names horizon.start and the Monday to use."""
    plan = mmc_plan()
    plan["horizon"]["start"] = "2026-01-06"
    msg = _error(plan)
    assert "horizon" in msg and "2026-01-05" in msg


def test_unknown_site_and_missing_group_are_named():
    """A site the scenario lacks is named with its path, and unplanned groups are listed."""
    plan = mmc_plan()
    plan["sites"][0]["name"] = "nowhere"
    msg = _error(plan)
    assert "sites[0].name" in msg and "school/agents" in msg


def test_out_of_range_values_name_the_field():
    """Too many weeks and attrition above 1 are refused with their YAML paths."""
    plan = mmc_plan()
    plan["horizon"]["weeks"] = 100
    assert "horizon.weeks" in _error(plan)
    plan = mmc_plan(per_week=1.5)
    msg = _error(plan)
    assert "sites[0].groups[0].attrition[0].per_week" in msg
    assert msg.endswith("(in site 'school', group 'agents')")  # the items by name, as scenarios


def test_schema_validates_the_bundled_example_and_rejects_a_bad_one():
    """The plan JSON Schema accepts the bundled example and refuses a misspelt field."""
    schema = plan_json_schema()
    data = yaml.safe_load(EXAMPLE.read_text())
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
    data["horizon"]["wekes"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_cli_prints_the_schema():
    """`ccsim plan --schema` prints the same JSON Schema."""
    res = CliRunner().invoke(app, ["plan", "--schema"])
    assert res.exit_code == 0 and json.loads(res.output) == plan_json_schema()
