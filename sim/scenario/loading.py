"""Reading scenario files: YAML (parsed safely) -> validated `Scenario`, with readable errors.

Pydantic's error locations are rewritten as YAML paths (`sites[1].groups[0].shifts[0].headcount`)
and each message says what is allowed, so a planner can fix the file without reading a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.models import Scenario
from sim.scenario.yaml_safety import load_yaml, non_finite_fields

BUNDLED_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = BUNDLED_DIR / "default.yaml"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"{path}: no such file; give the path of a scenario YAML file")
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder; give the path of a scenario YAML file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file in UTF-8; give a scenario YAML") from None
    return parse_scenario(text, source=str(path))


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text (never executes tags: `yaml.safe_load`)."""
    try:
        data = load_yaml(text, source)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise ScenarioError(
            f"{source}: not valid YAML{at}: {getattr(exc, 'problem', exc)}"
        ) from None
    if data is None:
        raise ScenarioError(f"{source}: the file is empty; a scenario needs horizon, demand, sites")
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: expected a mapping with keys horizon, demand, sites; got a "
            f"{type(data).__name__}"
        )
    return scenario_from_dict(data, source)


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a plain dict as a scenario, turning pydantic errors into a `ScenarioError`."""
    if bad := non_finite_fields(data):
        raise ScenarioError(f"{source}: invalid scenario", bad, with_item_names(bad, data))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = _describe(exc)
        raise ScenarioError(
            f"{source}: invalid scenario", problems, with_item_names(problems, data)
        ) from None


_PATH_STEP = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


def with_item_names(problems: list[str], data: Any) -> list[str]:
    """Each problem whose YAML path goes through named list items, with those names added
    (`demand[2].volume_per_day: ... (in demand 'es_chat')`), so it is found without counting."""
    return [p + _item_names(p.partition(":")[0], data) for p in problems]


def _item_names(path: str, data: Any) -> str:
    """` (in site 'manila', group 'en_voice')` for the named items `path` passes, or ''."""
    names, node, key = [], data, ""
    for word, index in _PATH_STEP.findall(path):
        if word:
            key = word
            node = node.get(word) if isinstance(node, dict) else None
        elif isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                names.append(f"{key.removesuffix('s')} {node['name']!r}")
        else:
            node = None
    return f" (in {', '.join(names)})" if names else ""


def _describe(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False):
        path = _yaml_path(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        if kind == "missing":
            problems.append(f"{path}: required field is missing")
            continue
        if kind == "extra_forbidden":
            problems.append(f"{path}: unknown field; check the spelling (see `ccsim schema`)")
            continue
        given = err.get("input")
        shown = "" if isinstance(given, dict | list) else f" (got {json.dumps(given, default=str)})"
        problems.append(f"{path or '<top>'}: {msg}{shown}")
    return problems


def _yaml_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"exponential", "lognormal", "gamma", "deterministic", "empirical"}:
            continue  # discriminated-union tag, not a YAML key
        else:
            out += f".{part}" if out else str(part)
    return out


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format, for editor completion and validation."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ccsim scenario"
    return schema
