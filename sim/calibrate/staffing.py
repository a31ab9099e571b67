"""Staffing from the agents seen working, and its translation into scenario shift lines.

A call log shows agents only while they talk, so availability is inferred, second by second, from
how an ACD works: it never leaves a caller waiting while an agent is free. An agent is counted as
available
- while talking;
- while idle between two of their calls, if no caller was waiting at that second and the gap is
  shorter than `max_idle_gap_s` (default 15 minutes, a standard break): idle and ready;
- not while idle when callers were waiting (after-call work, or away: the ACD would have connected
  them), nor in gaps longer than `max_idle_gap_s` (break, other work), nor before their first or
  after their last call of a stretch.
Talk time is the handle time, so after-call work is unavailability, consistent on both sides. The
per-slot mean of this count, averaged over each weekday's dates and rounded to whole agents, is the
scenario's staffing; the per-slot staircase becomes shift lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.calibrate.demand import DAY_S

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class StaffingEstimate:
    """Agents available per (date, slot), and per (weekday, slot) rounded for the scenario."""

    slot_s: int
    by_date: np.ndarray  # (days, slots) estimated available agents
    distinct_seen: np.ndarray  # (days, slots) distinct agents with talk time in the slot
    busy: np.ndarray  # (days, slots) mean agents talking
    queue_share: np.ndarray  # (days, slots) share of the slot with at least one call waiting
    by_weekday: np.ndarray  # (7, slots) mean over each weekday's dates (fractional)
    headcount: np.ndarray  # (7, slots) rounded: the scenario's staffing
    availability_factor: float = 1.0
    max_idle_gap_s: float = 900.0

    def open_slots(self) -> np.ndarray:
        """Weekday slots where the center is open: at least one agent as measured."""
        return np.floor(self.by_weekday + 0.5) > 0

    def scaled_headcount(self, factor: float) -> np.ndarray:
        """Whole agents after scaling the measured means (at least one where open)."""
        scaled = np.floor(self.by_weekday * factor + 0.5).astype(int)
        return np.where(self.open_slots(), np.maximum(scaled, 1), 0)


def _occupancy_seconds(starts: np.ndarray, ends: np.ndarray, total_s: int) -> np.ndarray:
    """Per second of the log, how many of the [start, end) periods cover it."""
    delta = np.zeros(total_s + 1, dtype=np.int32)
    s = np.clip(np.round(starts).astype(np.int64), 0, total_s)
    e = np.clip(np.round(ends).astype(np.int64), 0, total_s)
    np.add.at(delta, s, 1)
    np.add.at(delta, e, -1)
    return np.cumsum(delta)[:total_s]


def estimate_staffing(
    calls: pd.DataFrame, days: int, dates: pd.DatetimeIndex, slot_s: int = 1800,
    max_idle_gap_s: float = 900.0, availability_factor: float = 1.0,
    agents: Collection[str] | None = None,
) -> StaffingEstimate:  # fmt: skip
    """Available agents per slot (see the module docstring); `availability_factor` scales the
    weekday means before rounding (1 = as measured); `agents` restricts the count to those agents
    (queueing is still read from every call)."""
    total = days * DAY_S
    talk = calls[calls["served"] & (calls["agent"] != "")]
    if agents is not None:
        talk = talk[talk["agent"].isin(list(agents))]
    answer = (talk["arrival_s"] + talk["wait_s"]).to_numpy()
    end = answer + talk["service_s"].to_numpy()
    busy = _occupancy_seconds(answer, end, total)
    waited = calls[calls["wait_s"] > 0]
    start = waited["arrival_s"].to_numpy()
    queue = _occupancy_seconds(start, start + waited["wait_s"].to_numpy(), total) > 0
    order = np.lexsort((answer, talk["agent"].to_numpy()))
    agent = talk["agent"].to_numpy()[order]
    gap_start, gap_end = end[order][:-1], answer[order][1:]
    same = agent[:-1] == agent[1:]
    short = same & (gap_end > gap_start) & (gap_end - gap_start < max_idle_gap_s)
    idle = _occupancy_seconds(gap_start[short], gap_end[short], total)
    available = busy + np.where(queue, 0, idle)
    shape = (days * DAY_S // slot_s, slot_s)
    by_date = available.reshape(shape).mean(axis=1).reshape(days, -1)
    per_day = DAY_S // slot_s
    weekday = dates.day_of_week.to_numpy()
    by_weekday = np.zeros((7, per_day))
    for w in range(7):
        if (weekday == w).any():
            by_weekday[w] = by_date[weekday == w].mean(axis=0)
    estimate = StaffingEstimate(
        slot_s=slot_s,
        by_date=by_date,
        distinct_seen=_distinct_agents(talk, answer, days, slot_s),
        busy=busy.reshape(shape).mean(axis=1).reshape(days, -1),
        queue_share=queue.reshape(shape).mean(axis=1).reshape(days, -1),
        by_weekday=by_weekday,
        headcount=np.zeros((7, per_day), dtype=int),
        availability_factor=availability_factor,
        max_idle_gap_s=max_idle_gap_s,
    )
    return replace(estimate, headcount=estimate.scaled_headcount(availability_factor))


def _distinct_agents(talk: pd.DataFrame, answer: np.ndarray, days: int, slot_s: int) -> np.ndarray:
    """Distinct agents with any talk time in each slot (the naive count, for comparison)."""
    per_day = DAY_S // slot_s
    first = (answer // slot_s).astype(int)
    last = ((answer + talk["service_s"].to_numpy()) // slot_s).astype(int)
    seen: dict[int, set[str]] = defaultdict(set)
    for a, f, la in zip(talk["agent"].to_numpy(), first, last, strict=True):
        for s in range(f, min(la, days * per_day - 1) + 1):
            seen[s].add(a)
    out = np.zeros(days * per_day)
    for s, agents in seen.items():
        out[s] = len(agents)
    return out.reshape(days, per_day)


def _clock(slot: int, slot_s: int) -> str:
    s = slot * slot_s
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def shift_lines(headcount: np.ndarray, slot_s: int) -> list[dict[str, object]]:
    """Scenario shifts reproducing a (7, slots) staircase: agent layer k works where count >= k.

    Identical (start, end, headcount) lines on different weekdays are merged into one line.
    """
    lines: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    for w in range(7):
        h = headcount[w]
        runs: dict[tuple[int, int], int] = defaultdict(int)
        for k in range(1, int(h.max(initial=0)) + 1):
            on = np.concatenate([[False], h >= k, [False]])
            edges = np.flatnonzero(on[1:] != on[:-1])
            for start, end in zip(edges[::2], edges[1::2], strict=True):
                runs[(int(start), int(end))] += 1
        for (start, end), n in sorted(runs.items()):
            key = (_clock(start, slot_s), _clock(end, slot_s), n)
            lines[key].append(WEEKDAY_NAMES[w])
    return [
        {"start": start, "end": end, "days": days, "headcount": n}
        for (start, end, n), days in sorted(lines.items())
    ]
