"""Who is available when, for one replication: shifts less breaks, absences and leavers.

The compiled model lists each agent's shift windows. Here, with this replication's random streams,
an agent misses a whole shift with the group's absenteeism probability, steps off the phone for
the scheduled activities inside each shift, and may leave (attrition) to be replaced by a new hire
after the hiring delay. New hires carry their hire time, from which the learning curve is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import Model
from sim.random_streams import stream

WEEK_S = 7 * 86_400.0
MONTH_S = 30 * 86_400.0

Windows = list[tuple[float, float]]


@dataclass(frozen=True)
class Roster:
    """Per agent: group, hire time (s; negative = hired before the start), windows."""

    agent_group: list[int]
    hired_at: list[float]
    available: list[Windows]  # on the phone
    scheduled: list[Windows]  # shift time that was worked (absent shifts excluded)


def build_roster(model: Model, seed: int, replication: int) -> Roster:
    """Apply absenteeism, off-phone activities and attrition to the model's shift windows.

    Each agent's absences and leaving time come from its own streams, keyed by its place in its
    shift line (`Model.agent_line`), so a scenario with more agents on a shift keeps every other
    agent's draws (common random numbers for staffing comparisons: the same agents miss the same
    days).
    """
    groups: list[int] = []
    hired: list[float] = []
    available: list[Windows] = []
    scheduled: list[Windows] = []
    for g, name in enumerate(model.group_names):
        wf = model.group_workforce[g]
        members = np.flatnonzero(model.agent_group == g)
        if len(members) == 0:
            continue
        rate = wf.attrition_per_month / MONTH_S
        for a in members:
            line = model.agent_line[a]
            windows = model.agent_windows[a]
            if wf.absenteeism > 0:
                absent = stream(seed, replication, "absence", name, *line).random(len(windows))
                windows = [w for w, u in zip(windows, absent, strict=True) if u >= wf.absenteeism]
            leave = (
                stream(seed, replication, "attrition", name, *line).exponential(1 / rate)
                if rate > 0
                else np.inf
            )
            stagger = model.agent_stagger[a]
            _add(groups, hired, available, scheduled, g, -wf.tenure_weeks * WEEK_S,
                 [w for w in windows if w[0] < leave], leave, wf, stagger)  # fmt: skip
            if leave < model.horizon_s:
                join = leave + wf.hiring_delay_days * 86_400.0
                later = [w for w in windows if w[0] >= join]
                _add(groups, hired, available, scheduled, g, join, later, np.inf, wf, stagger)
    return Roster(groups, hired, available, scheduled)


def _add(groups, hired, available, scheduled, g, hired_at, windows, leave, wf, stagger) -> None:
    """Append one agent: its worked windows (cut at leaving) and on-phone windows."""
    worked = [(s, min(e, leave)) for s, e in windows if s < leave]
    groups.append(g)
    hired.append(float(hired_at))
    scheduled.append(worked)
    available.append(_minus_off_phone(worked, wf.off_phone, stagger))


def _minus_off_phone(windows: Windows, activities, stagger: float) -> Windows:
    """Cut each scheduled activity (e.g. a 30-minute lunch 4 h into the shift) out of a window."""
    out: Windows = []
    for start, end in windows:
        cuts = sorted(
            (
                start + act.after_start_h * 3600 + stagger * act.stagger_min * 60,
                act.duration_min * 60,
            )  # fmt: skip
            for act in activities
        )
        cursor = start
        for off, length in cuts:
            if off >= end:
                break
            if off > cursor:
                out.append((cursor, off))
            cursor = max(cursor, off + length)
        if cursor < end:
            out.append((cursor, end))
    return out
