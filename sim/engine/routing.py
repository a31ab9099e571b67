"""Routing policies: which idle agent takes an arriving contact, which contact a freed agent takes.

The engine asks two questions, both in plain Python on its idle pools and queues:
`find_idle(levels)` (the agent for a new or overflowing contact, from groups listed by skill level)
and `pull(levels)` (the contact for a freed agent, from the queues it serves by level). The default,
`longest_idle`, is the engine's own pair of methods and is left untouched. The others either
reorder the levels once at start-up (`group_order`, `most_proficient`: no run-time cost), or
replace one of the two methods (`priority_aging` replaces `pull`; `reservation` both, and the
chat variant of `find_idle`).

- `longest_idle`: the longest-idle agent of the best skill level; a freed agent takes the oldest
  contact of the best (skill level, priority) of its queues.
- `group_order`: within a skill level, the first group in scenario order with an idle agent.
- `most_proficient`: within a skill level, the idle agent with the lowest handle-time factor for
  the contact's skill; ties go to the longest idle.
- `priority_aging`: a freed agent takes the waiting contact with the highest weight x wait over
  all the queues it may serve now (weights per contact type, default 1), so none starves.
- `reservation`: each group keeps `reserve_agents` agents for its primary skills: it takes a
  secondary-skill contact only while more than that many of its agents are idle.

`routing.by_type` overrides the policy per contact type for the choice of agent (all but
`priority_aging`, which orders a freed agent's choice among queues and so is center-wide).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.engine.log import WAITING

if TYPE_CHECKING:
    from sim.engine.core import Engine

POLICIES = ("longest_idle", "group_order", "most_proficient", "priority_aging", "reservation")
_INF = float("inf")


class SecondaryLevel(list):
    """A level of groups (or queues) reached through a secondary skill, tagged for `reservation`."""

    group = -1  # for a level of queues: the group whose agents serve it


def install(engine: Engine) -> None:
    """Set the engine up for the scenario's routing policies (nothing to do for the default)."""
    rules = engine.model.routing
    policy_of = rules.policy_of_type
    if any(p in ("group_order", "most_proficient") for p in policy_of):
        _split_levels(engine, policy_of)
    if rules.policy == "priority_aging":
        engine._pull = _aging_pull(engine, rules.aging_weights)  # type: ignore[method-assign]
    reserved = [p == "reservation" for p in policy_of]
    if any(reserved):
        _tag_secondary(engine, reserved)
        k = rules.reserve_agents
        engine._find_idle = _reserving_find(engine, k)  # type: ignore[method-assign]
        engine._find_chat_agent = _reserving_chat_find(engine, engine._find_chat_agent, k)  # type: ignore[method-assign]
        engine._pull = _reserving_pull(engine, engine._pull, k, reserved)  # type: ignore[method-assign]


def _split_levels(engine: Engine, policy_of: Sequence[str]) -> None:
    """Split each type's levels of groups into ordered sub-levels: per group, or per factor."""
    prof = engine.prof

    def split(groups: list[int], c: int) -> list[list[int]]:
        if policy_of[c] == "group_order":
            return [[g] for g in sorted(groups)]
        if policy_of[c] != "most_proficient":
            return [groups]
        by_factor: dict[float, list[int]] = {}
        for g in groups:
            by_factor.setdefault(prof[g][c], []).append(g)
        return [by_factor[f] for f in sorted(by_factor)]

    engine.groups_for_type = [
        [sub for groups in levels for sub in split(groups, c)]
        for c, levels in enumerate(engine.groups_for_type)
    ]
    engine.overflow_tiers = [
        [(d, [sub for groups in levels for sub in split(groups, c)]) for d, levels in tiers]
        for c, tiers in enumerate(engine.overflow_tiers)
    ]


def _aging_pull(engine: Engine, weights: list[float]):
    """A `pull` taking the waiting contact with the highest weight x wait the agent may take now."""
    status, queue, queued_at, n_waiting = (
        engine.status,
        engine.queue,
        engine.queued_at,
        engine.n_waiting,
    )
    lazy, patience = engine.lazy_patience, engine.patience

    def pull(levels: list[list[tuple[int, float]]]) -> int:
        now = engine.now
        best, best_score, best_c = -1, -_INF, -1
        for level in levels:
            for c, delay in level:
                q = queue[c]
                while q and status[q[0]] != WAITING:
                    q.popleft()
                if q and lazy[c] and queued_at[q[0]] + patience[q[0]] <= now:
                    engine._drop_given_up(q)
                if q:
                    wait = now - queued_at[q[0]]
                    if wait >= delay and weights[c] * wait > best_score:
                        best, best_score, best_c = q[0], weights[c] * wait, c
        if best >= 0:
            queue[best_c].popleft()
            n_waiting[best_c] -= 1
        return best

    return pull


def _tag_secondary(engine: Engine, reserved: list[bool]) -> None:
    """Mark the levels reached through secondary skills, for reserved types' groups and queues."""
    m = engine.model

    def tag(level: list, secondary: bool, group: int = -1) -> list:
        if not secondary:
            return level
        out = SecondaryLevel(level)
        out.group = group
        return out

    engine.groups_for_type = [
        [tag(lv, reserved[c] and bool(m.secondary[lv[0], c])) for lv in levels]
        for c, levels in enumerate(engine.groups_for_type)
    ]
    engine.overflow_tiers = [
        [(d, [tag(lv, reserved[c] and bool(m.secondary[lv[0], c])) for lv in lvs]) for d, lvs in t]
        for c, t in enumerate(engine.overflow_tiers)
    ]
    for attr in ("pull_levels", "chat_pull_levels"):
        by_group = getattr(engine, attr)
        for g, levels in enumerate(by_group):
            by_group[g] = [tag(lv, bool(m.secondary[g, lv[0][0]]), g) for lv in levels]


def _reserving_find(engine: Engine, k: int):
    """A `find_idle` that passes over groups with k or fewer idle agents at secondary levels."""
    idle, since = engine.idle, engine.idle_since

    def find(levels: list[list[int]]) -> int:
        for groups in levels:
            need = k if isinstance(groups, SecondaryLevel) else 0
            best, best_t, best_g = -1, _INF, -1
            for g in groups:
                pool = idle[g]
                if len(pool) > need and since[pool[0]] < best_t:
                    best, best_t, best_g = pool[0], since[pool[0]], g
            if best >= 0:
                idle[best_g].popleft()
                return best
        return -1

    return find


def _reserving_chat_find(engine: Engine, find, k: int):
    """A `find_chat_agent` that, at secondary levels, gives a chat to a group's agents (idle or
    with a free slot) only while more than k of the group are idle, as `_reserving_find` does for
    idle agents: else a busy agent's free slot would take a new chat before the queue's."""
    idle = engine.idle

    def reserving(levels: list[list[int]]) -> int:
        allowed = []
        for lv in levels:
            if isinstance(lv, SecondaryLevel):
                lv = [g for g in lv if len(idle[g]) > k]
            if lv:
                allowed.append(lv)
        return find(allowed)

    return reserving


def _reserving_pull(engine: Engine, pull, k: int, reserved: list[bool]):
    """A `pull` that skips reserved secondary queues unless more than k of the group are idle."""
    idle = engine.idle

    def reserving(levels: list[list[tuple[int, float]]]) -> int:
        allowed = []
        for lv in levels:
            if isinstance(lv, SecondaryLevel) and len(idle[lv.group]) < k:  # + itself <= k
                lv = [(c, d) for c, d in lv if not reserved[c]]
            allowed.append(lv)
        return pull(allowed)

    return reserving
