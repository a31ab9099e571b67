"""Reading plan files: YAML -> validated `Plan` and its base scenario, with readable errors.

Errors name the YAML path of the field and what is allowed, as for scenarios; checks that need
the scenario (site, group and type names, every group planned) are made here too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.planning.models import Plan
from sim.scenario import Scenario, load_scenario
from sim.scenario.loading import _describe, with_item_names


def load_plan(path: str | Path) -> tuple[Plan, Scenario, Path]:
    """The plan, its base scenario and the folder relative paths are read from."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"{path}: no such file; give the path of a plan YAML file")
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder; give the path of a plan YAML file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file in UTF-8; give a plan YAML") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping with keys scenario, horizon, sites")
    plan = plan_from_dict(data, str(path))
    return plan, plan_scenario(plan, path.parent, str(path)), path.parent


def plan_from_dict(data: dict[str, Any], source: str = "<plan>") -> Plan:
    """Validate a plain dict as a plan (pydantic errors become a `ScenarioError`)."""
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        problems = _describe(exc)
        raise ScenarioError(
            f"{source}: invalid capacity plan", problems, with_item_names(problems, data)
        ) from None


def plan_scenario(plan: Plan, base_dir: Path, source: str = "<plan>") -> Scenario:
    """Load the plan's base scenario and check the plan's names against it."""
    scenario_path = (base_dir / plan.scenario).resolve()
    if not scenario_path.is_file():
        raise ScenarioError(
            f"{source}: scenario: {plan.scenario} not found (looked for {scenario_path}); "
            "give a scenario YAML path relative to the plan file"
        )
    sc = load_scenario(scenario_path)
    check_names(plan, sc, source)
    return sc


def check_names(plan: Plan, sc: Scenario, source: str = "<plan>") -> None:
    """Every site and group of the scenario planned once; type names known."""
    problems: list[str] = []
    sites = {s.name: s for s in sc.sites}
    types = [ct.name for ct in sc.demand]
    seen: set[str] = set()
    for i, sp in enumerate(plan.sites):
        if sp.name not in sites:
            problems.append(f"sites[{i}].name: {sp.name!r} is not a site of scenario "
                            f"{sc.name} ({', '.join(sites)})")  # fmt: skip
            continue
        groups = [g.name for g in sites[sp.name].groups]
        for j, gp in enumerate(sp.groups):
            key = f"{sp.name}/{gp.name}"
            if gp.name not in groups:
                problems.append(f"sites[{i}].groups[{j}].name: {gp.name!r} is not a group of "
                                f"site {sp.name} ({', '.join(groups)})")  # fmt: skip
            elif key in seen:
                problems.append(f"sites[{i}].groups[{j}].name: {key} is planned twice")
            seen.add(key)
    missing = [f"{s.name}/{g.name}" for s in sc.sites for g in s.groups]
    missing = [k for k in missing if k not in seen]
    if missing:
        problems.append(f"sites: every group of the scenario needs a plan (headcount); "
                        f"missing {', '.join(missing)}")  # fmt: skip
    windows = [("volumes.multipliers", plan.volumes.multipliers), ("aht", plan.aht)]
    for where, items in windows:
        for k, item in enumerate(items):
            for t in item.types or []:
                if t not in types:
                    problems.append(f"{where}[{k}].types: {t!r} is not a contact type of "
                                    f"scenario {sc.name} ({', '.join(types)})")  # fmt: skip
    for k, item in enumerate(plan.shrinkage):
        for s in item.sites or []:
            if s not in sites:
                problems.append(f"shrinkage[{k}].sites: {s!r} is not a site ({', '.join(sites)})")
    if problems:
        raise ScenarioError(f"{source}: invalid capacity plan", problems)


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema of the plan format, for editor completion and validation."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ccsim capacity plan"
    return json.loads(json.dumps(schema, default=str))
