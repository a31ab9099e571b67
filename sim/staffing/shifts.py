"""Candidate shifts ("tours") for the scheduler and the on-phone coverage each one gives.

A tour is a start time and length in the site's local time, worked on a weekly pattern of
days (by default 5 consecutive days on, 2 off: 7 rotations). Its occurrences are resolved to
UTC with the compiler's own ``shift_windows`` (so DST and overnight shifts match the engine),
and its coverage of each reporting interval is the expected on-phone share after the group's
off-phone activities (breaks, lunch), staggered as the roster staggers them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from sim.model import Model
from sim.model.calendar import shift_windows
from sim.scenario.models import WEEKDAYS, Shift, clock_seconds
from sim.scenario.workforce import OffPhone

_STAGGER_POINTS = 4


@dataclass(frozen=True)
class ShiftRules:
    """Which shifts may be scheduled, per site and group (see ``ccsim schedule --help``)."""

    lengths_h: tuple[float, ...] = (8.0,)
    start_step_min: int = 30
    days_per_week: int = 5
    consecutive_days: bool = True
    hours: dict[str, tuple[str, str]] = field(default_factory=dict)  # site -> (open, close)
    min_headcount: dict[str, int] = field(default_factory=dict)  # "site/group" -> agents
    max_headcount: dict[str, int] = field(default_factory=dict)
    breaks: tuple[OffPhone, ...] | None = None  # None: each group's own off_phone
    time_limit_s: float = 10.0
    mip_gap: float = 0.005  # relative optimality gap at which HiGHS may stop

    def __post_init__(self) -> None:
        if not self.lengths_h or any(not 0 < h <= 24 for h in self.lengths_h):
            raise ValueError("shift lengths must lie in (0, 24] hours")
        if self.start_step_min <= 0 or 1440 % self.start_step_min:
            raise ValueError("start step must divide a day (e.g. 15, 30, 60 minutes)")
        if not 1 <= self.days_per_week <= 7:
            raise ValueError("days per week must be 1..7")


@dataclass(frozen=True)
class Columns:
    """Candidate tours of one group: definitions, coverage (tours x intervals), paid hours."""

    starts: list[str]
    ends: list[str]
    days: list[tuple[str, ...]]
    coverage: np.ndarray
    hours: np.ndarray


def _clock(minutes: int) -> str:
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_patterns(days_per_week: int, consecutive: bool) -> list[tuple[str, ...]]:
    """Weekday sets a tour may work: rotations of consecutive days, or every combination."""
    if consecutive:
        pats = {tuple(sorted((s + k) % 7 for k in range(days_per_week))) for s in range(7)}
    else:
        pats = set(itertools.combinations(range(7), days_per_week))
    return [tuple(WEEKDAYS[d] for d in p) for p in sorted(pats)]


def allowed_starts(rules: ShiftRules, site: str, length_h: float) -> list[int]:
    """Start minutes of the local day whose shift fits the site's hours of operation."""
    starts = list(range(0, 1440, rules.start_step_min))
    if site not in rules.hours:
        return starts
    open_m = clock_seconds(rules.hours[site][0]) // 60
    close_m = clock_seconds(rules.hours[site][1]) // 60
    span = (close_m - open_m) % 1440 or 1440
    length = int(round(length_h * 60))
    return [s for s in starts if (s - open_m) % 1440 + length <= span]


def window_coverage(
    windows: list[tuple[float, float]], breaks: tuple[OffPhone, ...], edges: np.ndarray
) -> np.ndarray:
    """Expected on-phone agents per interval of one agent working ``windows``."""
    cov = np.zeros(len(edges) - 1)
    width = np.diff(edges)
    for start, end in windows:
        cov += _overlap(edges, start, end) / width
        for act in breaks:
            for k in range(_STAGGER_POINTS):
                offset = act.stagger_min * 60 * (k + 0.5) / _STAGGER_POINTS
                b0 = start + act.after_start_h * 3600 + offset
                b1 = min(b0 + act.duration_min * 60, end)
                if b0 < end:
                    cov -= _overlap(edges, b0, b1) / width / _STAGGER_POINTS
    return np.clip(cov, 0.0, None)


def _overlap(edges: np.ndarray, a: float, b: float) -> np.ndarray:
    return np.clip(np.minimum(b, edges[1:]) - np.maximum(a, edges[:-1]), 0.0, None)


def group_columns(
    model: Model, g: int, rules: ShiftRules, edges: np.ndarray, breaks: tuple[OffPhone, ...]
) -> Columns:
    """All candidate tours of group g with their coverage, deduplicated by coverage."""
    site_idx = int(model.group_site[g])
    site, tz = model.site_names[site_idx], model.site_timezones[site_idx]
    patterns = day_patterns(rules.days_per_week, rules.consecutive_days)
    starts, ends, days, cov, hours = [], [], [], [], []
    seen: set[bytes] = set()
    for length in rules.lengths_h:
        for s in allowed_starts(rules, site, length):
            start, end = _clock(s), _clock(s + int(round(length * 60)))
            per_day = {}
            for d in WEEKDAYS:
                shift = Shift(start=start, end=end if end != start else "24:00", days=[d],
                              headcount=1)  # fmt: skip
                w = shift_windows(shift, tz, model.t0_utc, model.horizon_s)
                per_day[d] = (window_coverage(w, breaks, edges), _paid_hours(w, model.horizon_s))
            for pat in patterns:
                c = sum(per_day[d][0] for d in pat)
                key = np.round(c, 6).tobytes()
                if not np.any(c > 0) or key in seen:
                    continue
                seen.add(key)
                starts.append(start)
                ends.append(end)
                days.append(pat)
                cov.append(c)
                hours.append(sum(per_day[d][1] for d in pat))
    n_int = len(edges) - 1
    coverage = np.array(cov) if cov else np.zeros((0, n_int))
    return Columns(starts, ends, days, coverage, np.array(hours, dtype=float))


def _paid_hours(windows: list[tuple[float, float]], horizon_s: float) -> float:
    return sum(max(min(e, horizon_s) - max(s, 0.0), 0.0) for s, e in windows) / 3600.0
