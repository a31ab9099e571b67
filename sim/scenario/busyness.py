"""Shared busy days: one Gamma(mean 1, cv) factor per local day common to a group of contact types.

Weather, campaigns and outages make a day busy for many queues at once. `busyness: {cv: 0.2}`
shares one factor among all types; a list of `{cv, types}` entries gives groups of types their own
factor. A type belongs to at most one group (two shared factors on one type would make its cv
ambiguous); the per-type `day_factor_cv` still multiplies on top.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, NonNegativeFloat

from sim.scenario.base import Frozen


class BusyGroup(Frozen):
    """One shared busy-day factor: its cv and the contact types it applies to (none = all)."""

    cv: NonNegativeFloat = Field(
        allow_inf_nan=False,
        description="CV of the Gamma(mean 1) factor per local day shared by `types` (0 = off)",
    )
    types: list[str] | None = Field(
        None, min_length=1, description="contact types sharing this factor (default: all)"
    )


def _as_list(value: Any) -> Any:
    """`{cv: 0.2}` is shorthand for a one-group list `[{cv: 0.2}]` (paths read `busyness[0]`)."""
    return [value] if isinstance(value, dict) else value


Busyness = Annotated[
    list[BusyGroup] | None,
    BeforeValidator(_as_list, json_schema_input_type=BusyGroup | list[BusyGroup] | None),
]


def busyness_problems(busyness: list[BusyGroup] | None, type_names: list[str]) -> list[str]:
    """Unknown types and types named by two groups, each with its YAML path and the fix."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for g, group in enumerate(busyness or []):
        where = f"busyness[{g}]"
        for name in group.types if group.types is not None else type_names:
            if name not in type_names:
                problems.append(f"{where}.types: unknown contact type {name!r}; "
                                f"use one of {sorted(type_names)}")  # fmt: skip
            elif name in owner:
                problems.append(f"{where}: contact type {name!r} is already in {owner[name]}; "
                                "a type shares at most one busy-day factor")  # fmt: skip
            else:
                owner[name] = where
    return problems
