"""The engine's shared state, declared once so the mixins (chat, journeys) type-check.

`Engine` assigns these in `__init__`; the mixins read them. The declarations exist for type
checkers only and cost nothing at run time.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simpy

    from sim.engine.arrivals import Demand
    from sim.engine.kernel import Schedule
    from sim.model import Model
    from sim.model.journeys import JourneyTables


class EngineState:
    """Attributes and handlers of `Engine` that its mixins use (declarations only)."""

    if TYPE_CHECKING:
        model: Model
        jt: JourneyTables
        env: simpy.Environment
        now: float
        _after: Schedule  # _after(delay, callback, value): schedule `callback` after `delay` s
        _at: Schedule  # _at(time, callback, value): schedule `callback` at `time` (not before now)
        demand: Demand  # the replication's drawn first contacts
        arrival: list[float]
        ctype: list[int]
        base_handle: list[float]
        patience: list[float]
        acw: list[float]
        acw_prof: list[list[float]]  # (groups, types) after-call-work factor
        n_wrapping: int
        status: list[int]
        answer: list[float]
        end: list[float]
        agent_of: list[int]
        queued_at: list[float]
        handle_factor: list[float]
        n_waiting: list[int]
        groups_for_type: list[list[list[int]]]
        chat_pull_levels: list[list[list[tuple[int, float]]]]
        agent_group: list[int]
        on_shift: list[bool]
        capacity_breaches: int
        agents_for_type: list[int]
        load: list[int]
        idle: list[deque[int]]

        def _arrive(self, cid: int) -> None:
            """A contact arrives (bot first, if any)."""

        def _enqueue(self, cid: int) -> None:
            """A contact asks for an agent."""

        def _find_idle(self, levels: list[list[int]]) -> int:
            """Longest-idle agent of the first level with one, or -1."""

        def _start(self, cid: int, a: int) -> None:
            """Agent `a` starts serving contact `cid`."""

        def _agent_free(self, a: int) -> None:
            """Agent `a` is free for the next contact."""

        def _pull(self, levels: list[list[tuple[int, float]]]) -> int:
            """Next waiting contact an agent of these levels takes, or -1."""

        def _completed(self, cid: int) -> None:
            """Contact `cid` completed service."""
