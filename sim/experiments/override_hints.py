"""Why a `--set` path went wrong, and the closest valid path (`did you mean ...?`).

A path walks the scenario as written in YAML. When a step names nothing at its level (a mistyped
key, item name or shorthand), the message repeats the user's path with that one step replaced by
the closest valid name at that level (difflib), in the user's own spelling, so it can be copied.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

SHORTHANDS: dict[str, str] = {
    "sites.S.groups.G.headcount": "every shift of group G at site S (shifts[*].headcount)",
    "demand.peak_multiplier": "every contact type's volume_per_day times the factor",
}
"""Paths that are not in the scenario itself but stand for an edit of several fields."""


def shorthand_steps(steps: Sequence[str], depth: int, last: bool) -> tuple[str, ...]:
    """The shorthand names valid at `depth` of a path (so a typo in one can be corrected)."""
    if depth == 1 and steps[0] == "demand" and last:
        return ("peak_multiplier",)
    if depth >= 3 and steps[depth - 2] == "groups" and last:
        return ("headcount",)
    return ()


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word` (case aside), or None when none is close."""
    names = [c for c in dict.fromkeys(candidates) if c]
    lowered = {c.lower(): c for c in names}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def respelled(segments: Sequence[str], depth: int, name: str) -> str:
    """The user's path with the step at `depth` replaced by `name`."""
    head = "".join(segments[:depth])
    return f"{head}{'.' if head else ''}{name}{''.join(segments[depth + 1 :])}"


def inserted(segments: Sequence[str], depth: int, name: str) -> str:
    """The user's path with the step `name` inserted before the step at `depth`."""
    rest = "".join(segments[depth:])
    return f"{''.join(segments[:depth])}.{name}{rest if rest[:1] in ('.', '[') else '.' + rest}"


def did_you_mean(segments: Sequence[str], depth: int, word: str, candidates: Iterable[str]) -> str:
    """`did you mean PATH? ` for the closest candidate, or an empty string."""
    if depth >= len(segments):
        return ""
    best = closest(word, candidates)
    return f"did you mean {respelled(segments, depth, best)}? " if best else ""
