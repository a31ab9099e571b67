"""The scenario editor's fields: which scenario values the forms edit, and how edits are checked.

A field is named by its YAML path (`demand[0].volume_per_day`, `sites[1].groups[0].shifts[2]
.headcount`); a list field (`demand[0].peaks[*].multiplier`) holds one number per item, written
"1.4, 2.5, ...". Edits are applied to a copy of the
loaded scenario and validated exactly like a YAML file; each problem is shown beside the field
whose path it names, the rest above the form.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from sim import api
from sim.api import Scenario, ScenarioError

_STEP = re.compile(r"([A-Za-z_]+)(?:\[(\d+|\*)\])?")


@dataclass(frozen=True)
class Field:
    """One editable value: its path, label, value, and whether it is a whole number or a list."""

    path: str
    label: str
    value: float | int | str
    integer: bool = False
    items: int = 0  # a list field: this many comma-separated numbers, one per `[*]` item
    hint: str = ""
    share: bool = False  # a fraction 0..1: messages speak in percentages


def demand_fields(data: dict[str, Any]) -> list[list[Field]]:
    """Per contact type: volume per day, peak multiplier (if it has peaks), bot share (if a bot)."""
    rows = []
    for i, ct in enumerate(data["demand"]):
        row = [Field(f"demand[{i}].volume_per_day", "Contacts per day", ct["volume_per_day"])]
        if ct.get("peaks"):
            peaks = ct["peaks"]
            values = ", ".join(f"{p['multiplier']:g}" for p in peaks)
            dates = "; ".join(f"{p['start']} to {p['end']}" for p in peaks)
            row.append(Field(f"demand[{i}].peaks[*].multiplier", "Peak multiplier", values,
                             items=len(peaks), hint=f"peaks: {dates}"))  # fmt: skip
        if ct.get("bot"):
            row.append(
                Field(
                    f"demand[{i}].bot.share",
                    "Chatbot / IVR share",
                    ct["bot"]["share"],
                    hint="a share between 0 and 1 (0.25 = 25%)",
                    share=True,
                )
            )
        rows.append(row)
    return rows


def group_fields(data: dict[str, Any]) -> dict[tuple[int, int], list[Field]]:
    """Per (site, group): the wage, then the headcount of each shift."""
    out: dict[tuple[int, int], list[Field]] = {}
    for s, site in enumerate(data["sites"]):
        for g, group in enumerate(site["groups"]):
            base = f"sites[{s}].groups[{g}]"
            fields = [Field(f"{base}.wage_per_hour", "Wage per hour", group["wage_per_hour"])]
            for k, shift in enumerate(group["shifts"]):
                fields.append(Field(f"{base}.shifts[{k}].headcount", shift_label(shift),
                                    shift["headcount"], integer=True))  # fmt: skip
            out[(s, g)] = fields
    return out


def shift_label(shift: dict[str, Any]) -> str:
    """'07:00–16:00 Mon–Fri' style label of a shift line."""
    days = shift.get("days") or []
    weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    if days == weekdays:
        text = "every day"
    elif days == weekdays[:5]:
        text = "Mon–Fri"
    else:
        text = ", ".join(d.capitalize() for d in days)
    return f"{shift['start']}–{shift['end']} {text}"


def all_fields(data: dict[str, Any]) -> list[Field]:
    rows = [f for row in demand_fields(data) for f in row]
    return rows + [f for fields in group_fields(data).values() for f in fields]


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a field path in a nested dict/list (`[*]`: every item)."""
    nodes: list[Any] = [data]
    steps = path.split(".")
    for n, step in enumerate(steps):
        m = _STEP.fullmatch(step)
        if m is None:
            raise KeyError(path)
        key, index = m.groups()
        last = n == len(steps) - 1
        if index is None and last:
            for node in nodes:
                node[key] = value
            return
        children = [node[key] for node in nodes]
        if index is None:
            nodes = children
        elif index == "*":
            nodes = [item for child in children for item in child]
        else:
            nodes = [child[int(index)] for child in children]
        if last:
            raise KeyError(path)


def field_path(problem_path: str, paths: set[str]) -> str | None:
    """The form field a validation problem belongs to (`peaks[2]` matches `peaks[*]`)."""
    if problem_path in paths:
        return problem_path
    starred = re.sub(r"peaks\[\d+\]", "peaks[*]", problem_path)
    if starred in paths:
        return starred
    for path in paths:  # a problem inside a field's value (e.g. a nested bot field)
        if problem_path.startswith(path + "."):
            return path
    return None


def coerce(value: Any, field: Field) -> tuple[Any, str | None]:
    """The value to put in the scenario, or a message when the box is empty or not a number."""
    if field.items:
        parts = [p for p in str(value or "").replace(";", ",").split(",") if p.strip()]
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) != field.items:
            return None, f"give {field.items} numbers separated by commas, one per peak"
        return numbers, None
    if value is None or value == "":
        return None, "enter a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "enter a number"
    if field.integer and float(value).is_integer():
        return int(value), None
    return value, None


def apply_edits(
    base: dict[str, Any], values: dict[str, Any]
) -> tuple[Scenario | None, dict[str, str], list[str]]:
    """Validate `base` with the form's values: (scenario or None, per-field messages, others)."""
    fields = {f.path: f for f in all_fields(base)}
    data = copy.deepcopy(base)
    messages: dict[str, str] = {}
    for path, raw in values.items():
        field = fields.get(path)
        if field is None:
            continue
        value, problem = coerce(raw, field)
        if problem:
            messages[path] = problem
            continue
        if field.items:
            for k, item in enumerate(value):
                set_path(data, path.replace("[*]", f"[{k}]", 1), item)
        else:
            set_path(data, path, value)
    if messages:
        return None, messages, []
    try:
        return api.from_dict(data, "edited scenario"), {}, []
    except ScenarioError as exc:
        others = []  # problems of no field, shown as the reader sees them (item names added)
        pairs = list(zip(exc.problems, exc.described, strict=True)) or [(str(exc), str(exc))]
        for problem, shown in pairs:
            where, _, what = problem.partition(": ")
            path = field_path(where, set(fields))
            if path is None:
                others.append(shown)
            else:
                what = friendly(what, fields[path])
                known = messages.get(path)
                if known is None:
                    messages[path] = what
                elif what not in known.split("; "):
                    messages[path] = f"{known}; {what}"
        return None, messages, others


BOUND = re.compile(
    r"Input should be (greater|less) than( or equal to)? (-?[\d.eE+-]+)(?: \(got (.+)\))?"
)


def friendly(message: str, field: Field) -> str:
    """A bound message in the planner's words: the allowed range, shares as percentages."""
    match = BOUND.fullmatch(message.strip())
    if not match:
        return message
    side, inclusive, bound, got = match.groups()
    word = ("at least" if side == "greater" else "at most") if inclusive else (
        "more than" if side == "greater" else "less than"
    )  # fmt: skip
    if field.share:
        text = f"a share from 0% to 100% (0 to 1): must be {word} {_percent(bound)}"
        return text + (f"; you entered {got} ({_percent(got)})" if got else "")
    return f"must be {word} {float(bound):g}" + (f"; you entered {got}" if got else "")


def _percent(value: str) -> str:
    try:
        return f"{float(value) * 100:g}%"
    except ValueError:
        return value


def scenario_summary(data: dict[str, Any]) -> dict[str, Any]:
    """A few facts about a scenario for the page header (numbers the planner recognises)."""
    horizon = data["horizon"]
    headcount = sum(
        sh["headcount"] for s in data["sites"] for g in s["groups"] for sh in g["shifts"]
    )
    return {
        "horizon": f"{horizon['days']:g} days from {horizon['start']} ({horizon['timezone']})",
        "contact types": len(data["demand"]),
        "contacts per day": f"{sum(c['volume_per_day'] for c in data['demand']):,.0f}",
        "sites": ", ".join(f"{s['name']} ({s['timezone']})" for s in data["sites"]),
        "agents on shift lines": headcount,
    }
