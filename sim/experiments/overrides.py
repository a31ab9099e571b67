"""What-if overrides: `--set PATH=VALUE` edits a scenario before it is validated and compiled.

PATH walks the scenario as written in YAML, with dots between keys. List items are picked by their
`name` where they have one (`sites.manila.groups.en_voice`), by index (`shifts[0]` or `shifts.0`),
or all at once with `*` (`shifts[*].headcount`, `demand.*.volume_per_day`).

VALUE is absolute (`2`, `true`, `America/New_York`, `{dist: exponential, mean_s: 200}`: read as
YAML) or relative to the current value: `+10%` / `-5%` (percent change), `*1.3` (factor), `+2` /
`+-2` (added; a bare `-2` is the absolute value -2). Relative changes apply to numbers and
element-wise to lists of numbers; a field holding an integer (a headcount) stays an integer,
rounded half away from zero. Overrides apply to the scenario with every default filled in, so
`horizon.warmup_hours=+2` works even when the file leaves the warm-up out. The edited scenario is
validated exactly like a YAML file: a bad path or value is a `ScenarioError` naming the path (exit
code 2 in the CLI).

Two shorthands (`override_hints.SHORTHANDS`): `sites.S.groups.G.headcount=+10%` changes every
shift of the group (`shifts[*].headcount`), and `demand.peak_multiplier=1.3` multiplies every
contact type's `volume_per_day` by 1.3 (a uniform what-if on volume). A step that names nothing at
its level is answered with the closest valid path ("did you mean ...?", `override_hints`).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from sim.errors import ScenarioError
from sim.experiments.override_hints import did_you_mean, inserted, shorthand_steps
from sim.scenario import Scenario, scenario_from_dict

_NUM = r"\d+(\.\d*)?([eE][+\-]?\d+)?|\.\d+"
_RELATIVE = re.compile(
    rf"^(?:(?P<op>[+*])(?P<neg>-?)(?P<num>{_NUM})(?P<pct>%?)|-(?P<cut>{_NUM})%)$"
)
_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Override:
    """One `PATH=VALUE` edit: the path's steps and how to change the value found there."""

    text: str
    path: str
    steps: tuple[str, ...]
    op: str  # "=" absolute, "*" factor, "+" added
    value: Any
    segments: tuple[str, ...] = ()  # the path's steps as written (`.name`, `[0]`), for messages
    flag: str = "--set"  # the option it came from, for messages (`--set-b` for compare's B)

    def new_value(self, current: Any, where: str) -> Any:
        """The value after this edit, given the current one at `where`."""
        if self.op == "=":
            return self.value
        if isinstance(current, list) and current and all(_is_number(x) for x in current):
            return [self._number(x, where) for x in current]
        if not _is_number(current):
            shown = "nothing (null)" if current is None else repr(current)
            raise ScenarioError(
                f"{self.flag} {self.text}: {where} holds {shown}; a relative change ({self.op}) "
                "needs a number there: give an absolute value instead"
            )
        return self._number(current, where)

    def _number(self, current: float, where: str) -> float | int:
        out = current * self.value if self.op == "*" else current + self.value
        if isinstance(current, int):
            return int(math.copysign(math.floor(abs(out) + 0.5), out))
        return out


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def parse_override(text: str, flag: str = "--set") -> Override:
    """Parse `PATH=VALUE` (see the module docstring for the forms of PATH and VALUE); `flag` is
    the option it was given with, named in error messages."""
    if "=" not in text:
        raise ScenarioError(f"{flag} {text!r}: expected PATH=VALUE, e.g. horizon.days=2")
    path, raw = (part.strip() for part in text.split("=", 1))
    shown = f"{flag} {text}"
    steps, segments = _split_path(path, shown)
    if steps == ("demand", "peak_multiplier"):
        factor = _number_or_fail(raw, shown)
        return Override(text, path, ("demand", "*", "volume_per_day"), "*", factor, segments, flag)
    if len(steps) >= 4 and steps[-3] == "groups" and steps[-1] == "headcount":
        steps = (*steps[:-1], "shifts", "*", "headcount")
    op, value = _value(raw, shown)
    return Override(text, path, steps, op, value, segments, flag)


def _value(raw: str, shown: str) -> tuple[str, Any]:
    """How VALUE changes the current value: ("=", absolute), ("*", factor) or ("+", added)."""
    m = _RELATIVE.match(raw.replace(" ", ""))
    if m and m["cut"] is not None:
        return "*", 1.0 - float(m["cut"]) / 100.0
    if m:
        num = -float(m["num"]) if m["neg"] else float(m["num"])
        if m["op"] == "*" and m["pct"]:
            raise ScenarioError(f"{shown}: use *k for a factor or +x% / -x% for percent")
        if m["pct"]:
            return "*", 1.0 + num / 100.0
        return m["op"], num
    try:
        return "=", yaml.safe_load(raw) if raw else None
    except yaml.YAMLError:
        raise ScenarioError(f"{shown}: {raw!r} is not a number, text or YAML") from None


def _number_or_fail(raw: str, shown: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ScenarioError(f"{shown}: give a positive number, e.g. 1.3") from None
    if not value > 0:
        raise ScenarioError(f"{shown}: give a positive number, e.g. 1.3")
    return value


def _split_path(path: str, shown: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The path's steps, and each step as written (with its leading `.`, or as `[i]`)."""
    steps: list[str] = []
    segments: list[str] = []
    pos = 0
    for m in _SEGMENT.finditer(path):
        between = path[pos : m.start()]
        if between not in ("", "."):
            break
        steps.append((m.group(1) or m.group(2) or "").strip())
        segments.append(between + m.group(0))
        pos = m.end()
    if not steps or pos != len(path) or any(s == "" for s in steps):
        raise ScenarioError(
            f"{shown}: {path!r} is not a path; write keys with dots, list items by name or "
            "index, e.g. sites.manila.groups.en_voice.shifts[0].headcount"
        )
    return tuple(steps), tuple(segments)


def apply_overrides(data: dict[str, Any], overrides: Sequence[str | Override]) -> dict[str, Any]:
    """A copy of a scenario dict with each override applied in turn."""
    out = copy.deepcopy(data)
    for item in overrides:
        ov = parse_override(item) if isinstance(item, str) else item
        _apply(out, ov, 0, "")
    return out


def override_scenario(
    scenario: Scenario, overrides: Sequence[str | Override], source: str = "<scenario>"
) -> Scenario:
    """The scenario with overrides applied, validated like a YAML file (unchanged if none)."""
    if not overrides:
        return scenario
    data = apply_overrides(scenario.model_dump(mode="json"), overrides)
    texts = ", ".join(o if isinstance(o, str) else o.text for o in overrides)
    return scenario_from_dict(data, f"{source} with --set {texts}")


def _apply(node: Any, ov: Override, depth: int, where: str) -> None:
    step = ov.steps[depth]
    last = depth == len(ov.steps) - 1
    if isinstance(node, dict):
        here = f"{where}.{step}" if where else step
        if step not in node:
            raise ScenarioError(f"{ov.flag} {ov.text}: {here}: {_no_key(node, ov, depth)}")
        if last:
            node[step] = ov.new_value(node[step], here)
        elif node[step] is None and ov.op == "=":
            node[step] = {}  # filling an absent optional block; validation checks what is missing
            _apply(node[step], ov, depth + 1, here)
        else:
            _apply(node[step], ov, depth + 1, here)
        return
    if isinstance(node, list):
        for index in _pick(node, ov, depth, where):
            here = f"{where}[{index}]"
            if last:
                node[index] = ov.new_value(node[index], here)
            else:
                _apply(node[index], ov, depth + 1, here)
        return
    shown = "nothing (null)" if node is None else repr(node)
    raise ScenarioError(
        f"{ov.flag} {ov.text}: {where or '<top>'} holds {shown}, which has no field {step!r}"
    )


def _pick(items: list[Any], ov: Override, depth: int, where: str) -> list[int]:
    step = ov.steps[depth]
    if step == "*":
        return list(range(len(items)))
    if re.fullmatch(r"-?\d+", step):
        i = int(step)
        if not -len(items) <= i < len(items):
            raise ScenarioError(
                f"{ov.flag} {ov.text}: {where}[{i}]: index out of range; {where} has {len(items)} "
                f"item(s), indices 0..{len(items) - 1}"
            )
        return [i % len(items)]
    names = [str(x["name"]) for x in items if isinstance(x, dict) and x.get("name") is not None]
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == step:
            return [i]
    if ov.segments and any(isinstance(x, dict) and step in x for x in items):
        every = inserted(ov.segments, depth, "*")
        hint = f"did you mean {every}? ({where} is a list: * picks every item) "
    else:
        hint = _closest_path(ov, depth, names)
    listed = f"names: {', '.join(names)}" if names else "pick items by index"
    raise ScenarioError(f"{ov.flag} {ov.text}: {where}.{step}: no item named {step!r} in {where}; "
                        f"{hint}{listed} (or * for all)")  # fmt: skip


def _no_key(node: dict[str, Any], ov: Override, depth: int) -> str:
    """Why a key is missing: the closest valid path, the fields available."""
    step = ov.steps[depth]
    for key, child in node.items():
        if (
            ov.segments
            and isinstance(child, list)
            and any(isinstance(x, dict) and step in x for x in child)
        ):
            fix = inserted(ov.segments, depth, f"{key}[*]")
            return f"no field {step!r} here; did you mean {fix}?"
    return f"no field {step!r}; {_closest_path(ov, depth, node)}fields here: {', '.join(node)}"


def _closest_path(ov: Override, depth: int, names: Iterable[str]) -> str:
    """`did you mean PATH? ` with the closest name (or shorthand) valid at `depth`, or ''."""
    last = depth == len(ov.segments) - 1
    candidates = [*names, *shorthand_steps(ov.steps, depth, last)]
    return did_you_mean(ov.segments, depth, ov.steps[depth], candidates)
