"""Who may serve what, and when: the skill tables the router reads.

For each agent group g and contact type c: the handle-time factor, the chance of resolving the
issue (FCR), the skill level (primary agents are preferred) and the delay after which g may take
c (0 at the contact type's home sites, the overflow delay elsewhere, never without a route).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sim.scenario.models import Scenario


@dataclass(frozen=True)
class SkillTables:
    proficiency: np.ndarray  # (groups, types) handle-time factor; nan = cannot serve
    acw_factor: np.ndarray  # (groups, types) after-call-work factor; nan = cannot serve
    fcr: np.ndarray  # (groups, types) resolution probability
    secondary: np.ndarray  # (groups, types) bool
    delay_s: np.ndarray  # (groups, types) wait before the group may take the type; inf = never


def skill_tables(sc: Scenario, group_site: list[int]) -> SkillTables:
    """Build the (group x contact type) tables, applying language-fallback penalties."""
    fallback = sc.routing.language_fallback
    types = sc.demand
    rows = [(g, s) for s in sc.sites for g in s.groups]
    shape = (len(rows), len(types))
    prof, acw, fcr = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape)
    secondary, delay = np.zeros(shape, bool), np.full(shape, np.inf)
    site_delays = [_site_delays(sc, c.home_sites) for c in types]
    for gi, (group, _site) in enumerate(rows):
        skills = {(k.language, k.channel): k for k in group.skills}
        for ci, c in enumerate(types):
            k = skills.get((c.language, c.channel))
            wait = site_delays[ci][group_site[gi]]
            if k is None or not np.isfinite(wait):
                continue
            prof[gi, ci] = k.proficiency * (1 if k.native else fallback.handle_time_factor)
            acw[gi, ci] = k.acw_factor
            fcr[gi, ci] = k.fcr * (1 if k.native else fallback.fcr_factor)
            secondary[gi, ci] = k.level == "secondary" or not k.native
            delay[gi, ci] = wait
    return SkillTables(prof, acw, fcr, secondary, delay)


def _site_delays(sc: Scenario, home_sites: list[str] | None) -> list[float]:
    """Earliest wait after which each site may serve a queue: 0 at home, overflow paths beyond."""
    names = [s.name for s in sc.sites]
    if home_sites is None:
        return [0.0] * len(names)
    best = {n: np.inf for n in names}
    heap = [(0.0, n) for n in home_sites]
    for _, n in heap:
        best[n] = 0.0
    while heap:
        d, here = heapq.heappop(heap)
        if d > best[here]:
            continue
        for rule in sc.routing.overflow:
            if rule.from_site == here and d + rule.after_s < best[rule.to_site]:
                best[rule.to_site] = d + rule.after_s
                heapq.heappush(heap, (best[rule.to_site], rule.to_site))
    return [best[n] for n in names]


@dataclass(frozen=True)
class RoutingRules:
    """The routing policy settings the engine installs, resolved per contact type."""

    policy: str  # center-wide policy (priority_aging applies center-wide only)
    policy_of_type: list[str]  # the policy choosing agents for each type (`by_type` or `policy`)
    aging_weights: list[float]  # priority_aging: weight per type (default 1)
    reserve_agents: int  # reservation: idle agents each group keeps for its primary skills


def routing_rules(sc: Scenario) -> RoutingRules:
    """Resolve `routing` per contact type."""
    r = sc.routing
    names = [c.name for c in sc.demand]
    return RoutingRules(
        policy=r.policy,
        policy_of_type=[r.by_type.get(n, r.policy) for n in names],
        aging_weights=[r.aging_weights.get(n, 1.0) for n in names],
        reserve_agents=r.reserve_agents,
    )
