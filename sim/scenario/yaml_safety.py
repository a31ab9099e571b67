"""YAML values a scenario may not hold: non-finite numbers and impossible unquoted dates.

YAML reads `.inf`/`.nan` as floats and turns an unquoted `2026-02-30` into a date (failing deep
inside the loader): both are caught here and reported with the field's YAML path.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from sim.errors import ScenarioError


class _BadDate(Exception):
    """An unquoted date that does not exist, with where it stands in the file."""

    def __init__(self, value: str, line: int, column: int, reason: str) -> None:
        super().__init__(value)
        self.value, self.line, self.column, self.reason = value, line, column, reason


class _ScenarioLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` whose impossible timestamps raise `_BadDate` instead of a bare error."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            m = node.start_mark
            raise _BadDate(str(node.value), m.line + 1, m.column + 1, str(exc)) from None


_ScenarioLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _ScenarioLoader.construct_yaml_timestamp
)


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML safely; an impossible date raises `ScenarioError` naming its key and place."""
    try:
        return yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 (a SafeLoader subclass)
    except _BadDate as bad:
        before = text.splitlines()[bad.line - 1][: bad.column - 1]
        key = before.rstrip().removesuffix(":").split(",")[-1].lstrip("-{ ").strip()
        field = f"{key}: " if key else ""
        raise ScenarioError(
            f"{source}: {field}{bad.value!r} at line {bad.line}, column {bad.column} is not a "
            f"real date ({bad.reason}); give an existing date as YYYY-MM-DD"
        ) from None


def non_finite_fields(data: Any, path: str = "") -> list[str]:
    """YAML paths of every float that is infinite or NaN (`sites[0].groups[1].headcount`)."""
    found: list[str] = []
    if isinstance(data, float) and not math.isfinite(data):
        found.append(f"{path or '<top>'}: {data} is not a finite number; give a finite value")
    elif isinstance(data, dict):
        for k, v in data.items():
            found += non_finite_fields(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += non_finite_fields(v, f"{path}[{i}]")
    return found
