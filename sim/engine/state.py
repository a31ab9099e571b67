"""The engine's shared state, declared once so the mixins (chat, journeys) type-check.

`Engine` assigns these in `__init__`; the mixins read them. The declarations exist for type
checkers only and cost nothing at run time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simpy

    from sim.engine.kernel import Call as _Call
    from sim.model import Model


class EngineState:
    """Attributes and handlers of `Engine` that its mixins use (declarations only)."""

    if TYPE_CHECKING:
        model: Model
        env: simpy.Environment
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
        chat_queues_by_level: list[list[list[tuple[int, float]]]]
        agent_group: list[int]
        on_shift: list[bool]
        capacity_breaches: int
        on_shift_in_group: list[int]
        load: list[int]
        idle: list[deque[int]]

        def _after(self, delay: float, callback: Callable[[_Call], None], value: object) -> None:
            """Schedule `callback` after `delay` seconds."""

        def _arrive(self, cid: int) -> None:
            """A contact arrives (bot first, if any)."""

        def _enter_queue(self, cid: int) -> None:
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
