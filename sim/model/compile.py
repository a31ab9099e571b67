"""Compile a `Scenario` into the runtime tables the engine reads (arrays in UTC seconds).

The engine never sees YAML or time zones: it gets arrival rates per 15-minute bin, a skill matrix
(group x contact type -> handle-time factor), and each agent's login windows.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.calendar import (
    DAY_S,
    arrival_rates,
    horizon_start_utc,
    merge_windows,
    rate_bin_edges,
    shift_windows,
)
from sim.model.journeys import JourneyTables, journey_tables
from sim.model.routing import RoutingRules, routing_rules, skill_tables
from sim.scenario.distributions import Distribution
from sim.scenario.models import Scenario
from sim.scenario.workforce import Workforce

CHANNELS = ("voice", "chat", "email", "social")
VOICE, CHAT, EMAIL, SOCIAL = range(4)


@dataclass(frozen=True)
class Model:
    """Everything the engine and the KPI layer need, resolved to UTC seconds from horizon start."""

    scenario: Scenario
    scenario_hash: str
    t0_utc: pd.Timestamp
    horizon_s: float
    warmup_s: float
    drain: bool
    interval_s: int
    # contact types (index c)
    type_names: list[str]
    type_channel: np.ndarray  # channel code per type
    type_language: list[str]
    type_priority: np.ndarray
    type_timezone: list[str]  # the customers' zone (their local days, for day factors)
    day_factor_cv: list[float]  # per type: cv of its own Gamma day factor (0: none)
    busy_groups: list[tuple[float, list[int]]]  # shared busy days: (cv, member types) per group
    handle_dists: list[Distribution]
    acw_dists: list[Distribution | None]
    patience_dists: list[Distribution | None]
    rate_edges_s: np.ndarray
    rates_per_s: np.ndarray  # (types, bins)
    # agent groups (index g) and agents (index a)
    group_names: list[str]  # "site/group"
    group_site: np.ndarray
    site_names: list[str]
    site_timezones: list[str]
    group_wage_per_hour: np.ndarray
    proficiency: np.ndarray  # (groups, types) handle-time factor, nan where no skill
    acw_factor: np.ndarray  # (groups, types) after-call-work factor, nan where no skill
    fcr: np.ndarray  # (groups, types) chance the group resolves the issue
    secondary: np.ndarray  # (groups, types) served only when no primary agent is free
    delay_s: np.ndarray  # (groups, types) wait before the group may take the type (overflow)
    group_workforce: list[Workforce]
    agent_group: np.ndarray
    agent_windows: list[list[tuple[float, float]]]
    agent_stagger: np.ndarray  # agent's place in its shift line, in [0, 1): staggers breaks
    agent_line: list[tuple[str, str]]  # (shift line, rank in it): keys the agent's own streams
    # channels
    chat_max_concurrency: int
    chat_factors: tuple[float, ...]
    voice_lines: int | None
    sl_threshold_s: np.ndarray  # per type, seconds (backlog channels: SLA in seconds)
    callback_window_s: list[float]  # per type; 0 without callbacks
    # journeys (bot, callbacks, repeats, redials, learning curves) and routing policy settings
    journeys: JourneyTables
    routing: RoutingRules
    # KPIs count contacts arriving in [warmup_s, measure_end_s) and agent time in that window
    measure_end_s: float = math.inf

    @property
    def n_types(self) -> int:
        return len(self.type_names)

    @property
    def n_agents(self) -> int:
        return len(self.agent_group)

    def expected_arrivals(self) -> np.ndarray:
        """Mean number of arrivals per contact type over the horizon."""
        return self.rates_per_s @ np.diff(self.rate_edges_s)


def scenario_hash(scenario: Scenario) -> str:
    """A short, stable fingerprint of the scenario's content (for provenance of results)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compile_model(scenario: Scenario) -> Model:
    """Resolve a validated scenario into runtime tables."""
    h = scenario.horizon
    t0 = horizon_start_utc(h.start, h.timezone)
    horizon_s = h.days * DAY_S
    edges = rate_bin_edges(horizon_s)
    demand = scenario.demand
    rates = np.array([arrival_rates(ct, t0, edges) for ct in demand])
    names = [c.name for c in demand]

    group_names: list[str] = []
    group_site: list[int] = []
    wages: list[float] = []
    workforce: list[Workforce] = []
    agent_group: list[int] = []
    agent_windows: list[list[tuple[float, float]]] = []
    agent_stagger: list[float] = []
    agent_line: list[tuple[str, str]] = []
    for s_idx, site in enumerate(scenario.sites):
        for group in site.groups:
            g = len(group_names)
            group_names.append(f"{site.name}/{group.name}")
            group_site.append(s_idx)
            wages.append(group.wage_per_hour)
            workforce.append(group.workforce)
            lines_seen: dict[str, int] = {}
            for shift in group.shifts:
                windows = merge_windows(shift_windows(shift, site.timezone, t0, horizon_s))
                if not windows:
                    continue
                line = shift_line(windows, lines_seen)
                for i in range(shift.headcount):
                    agent_group.append(g)
                    agent_windows.append(windows)
                    agent_stagger.append(i / shift.headcount)
                    agent_line.append((line, str(i)))
    skills = skill_tables(scenario, group_site)

    ch = scenario.channels
    thresholds = []
    for c in demand:
        if c.channel == "voice":
            thresholds.append(ch.voice.sl_threshold_s)
        elif c.channel == "chat":
            thresholds.append(ch.chat.sl_threshold_s)
        else:
            thresholds.append(getattr(ch, c.channel).sla_hours * 3600.0)

    return Model(
        scenario=scenario,
        scenario_hash=scenario_hash(scenario),
        t0_utc=t0,
        horizon_s=horizon_s,
        warmup_s=h.warmup_hours * 3600.0,
        drain=h.drain,
        interval_s=h.interval_minutes * 60,
        type_names=[c.name for c in demand],
        type_channel=np.array([CHANNELS.index(c.channel) for c in demand], dtype=np.int8),
        type_language=[c.language for c in demand],
        type_priority=np.array([c.priority for c in demand], dtype=np.int64),
        type_timezone=[c.timezone for c in demand],
        day_factor_cv=[c.day_factor_cv for c in demand],
        busy_groups=[
            (b.cv, [names.index(n) for n in b.types] if b.types else list(range(len(names))))
            for b in scenario.busyness or []
        ],
        handle_dists=[c.handle_time for c in demand],
        acw_dists=[c.acw for c in demand],
        patience_dists=[c.patience for c in demand],
        rate_edges_s=edges,
        rates_per_s=rates,
        group_names=group_names,
        group_site=np.array(group_site, dtype=np.int64),
        site_names=[s.name for s in scenario.sites],
        site_timezones=[s.timezone for s in scenario.sites],
        group_wage_per_hour=np.array(wages, dtype=float),
        proficiency=skills.proficiency,
        acw_factor=skills.acw_factor,
        fcr=skills.fcr,
        secondary=skills.secondary,
        delay_s=skills.delay_s,
        group_workforce=workforce,
        agent_group=np.array(agent_group, dtype=np.int64),
        agent_windows=agent_windows,
        agent_stagger=np.array(agent_stagger, dtype=float),
        agent_line=agent_line,
        chat_max_concurrency=ch.chat.max_concurrency,
        chat_factors=tuple(ch.chat.factors),
        voice_lines=ch.voice.lines,
        sl_threshold_s=np.array(thresholds, dtype=float),
        callback_window_s=[c.callback.window_s if c.callback else 0.0 for c in demand],
        journeys=journey_tables(scenario),
        routing=routing_rules(scenario),
    )


def shift_line(windows: list[tuple[float, float]], seen: dict[str, int]) -> str:
    """A shift's line key within its group: a checksum of all its windows (so edits to other
    shifts, or the same hours on other days, leave it alone), with `#k` for the k-th earlier
    shift of the group with identical windows (`seen` counts them), so each keeps its own agents.
    """
    line = f"{len(windows)}:{zlib.crc32(repr(windows).encode()):08x}"
    k = seen.get(line, 0)
    seen[line] = k + 1
    return f"{line}#{k}" if k else line
