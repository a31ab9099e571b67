"""The engine's adapter to SimPy: the run loop, the events, and the only code using SimPy internals.

The engine drives a `simpy.Environment` directly. The run loop reads the next event's time from
SimPy's event heap (`env._queue[0][0]`) and advances the clock to a pre-generated arrival by
setting `env._now`, so arrivals need no events at all; events are processed by SimPy's own
`Environment.step`. Before each arrival and each step the loop mirrors the time into the plain
attribute `clock.now` (the engine), so handlers read the time without SimPy's `now` property.
Events are `Call` objects (what `step` needs of an event: `callbacks` and `_ok`, without
`simpy.Event`'s bookkeeping), pushed onto the heap as `Environment.schedule` would push them.
The behaviour relied on is pinned by `tests/engine/test_kernel.py`: a SimPy upgrade that breaks it
fails there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappush
from typing import Any, Protocol

import simpy

NORMAL = 1  # simpy.events.NORMAL: the priority of ordinary events


class Clock(Protocol):
    """What the run loop keeps up to date: the current simulation time."""

    now: float


class Call:
    """An event for `Environment.step`: one callback, always ok, carrying `value` to it."""

    __slots__ = ("callbacks", "value")
    _ok = True  # read by `step` after the callbacks ran: a Call never fails
    callbacks: list[Callable[[Call], None]] | None
    value: Any  # what the callback needs: a contact id, an agent, a tuple

    def __init__(self, callback: Callable[[Call], None], value: Any) -> None:
        self.callbacks = [callback]
        self.value = value


Schedule = Callable[[float, Callable[[Call], None], Any], None]
FixedSchedule = Callable[[float, Any], None]


def scheduler(env: simpy.Environment) -> Schedule:
    """`after(delay, callback, value)`: call `callback(Call)` `delay` seconds from now.

    Pushes exactly the heap entry `env.schedule(Call(callback, value), NORMAL, delay)` pushes.
    """
    queue: list[tuple[float, int, int, Call]] = env._queue  # type: ignore[assignment]
    eid = env._eid
    new = object.__new__  # `Call(callback, value)` without the cost of calling `__init__`

    def after(delay: float, callback: Callable[[Call], None], value: Any) -> None:
        ev = new(Call)
        ev.callbacks = [callback]
        ev.value = value
        heappush(queue, (env._now + delay, NORMAL, next(eid), ev))

    return after


def fixed_scheduler(
    env: simpy.Environment, callback: Callable[[Call], None], absolute: bool = False
) -> FixedSchedule:
    """`after(delay, value)`: `scheduler(env)(delay, callback, value)` for one fixed callback (or,
    `absolute`, `at(time, value)` as `absolute_scheduler` pushes it).

    For the hottest events: the callback is bound once and its one-element `callbacks` list is
    shared by every event pushed (`step` replaces an event's list by None, never changes it).
    """
    queue: list[tuple[float, int, int, Call]] = env._queue  # type: ignore[assignment]
    eid = env._eid
    new = object.__new__
    callbacks = [callback]

    def after(delay: float, value: Any) -> None:
        ev = new(Call)
        ev.callbacks = callbacks
        ev.value = value
        heappush(queue, (env._now + delay, NORMAL, next(eid), ev))

    def at(time: float, value: Any) -> None:
        ev = new(Call)
        ev.callbacks = callbacks
        ev.value = value
        heappush(queue, (time, NORMAL, next(eid), ev))

    return at if absolute else after


def absolute_scheduler(env: simpy.Environment) -> Schedule:
    """`at(time, callback, value)`: call `callback(Call)` at simulation time `time` (not before
    now), pushing what `after(time - now, ...)` would push but with the time exactly as given."""
    queue: list[tuple[float, int, int, Call]] = env._queue  # type: ignore[assignment]
    eid = env._eid
    new = object.__new__

    def at(time: float, callback: Callable[[Call], None], value: Any) -> None:
        ev = new(Call)
        ev.callbacks = [callback]
        ev.value = value
        heappush(queue, (time, NORMAL, next(eid), ev))

    return at


def pending(env: simpy.Environment, callback: Callable[[Call], None]) -> list[tuple[float, Any]]:
    """(time, value) of the events still scheduled that would call `callback`, in time order."""
    entries = sorted(env._queue, key=lambda e: (e[0], e[2]))  # type: ignore[attr-defined]
    return [(t, ev.value) for t, _, _, ev in entries if ev.callbacks == [callback]]


def run_loop(
    env: simpy.Environment,
    arrival: list[float],
    arrive: Callable[[int], None],
    until: float,
    clock: Clock,
) -> None:
    """Step `env`, handling pre-generated arrival i (sorted times) by `arrive(i)` at its time.

    `clock.now` is the time of the arrival or event being handled (and `until` at the end).
    """
    queue = env._queue
    step = env.step
    n = len(arrival)
    i = 0
    while True:
        t_event = queue[0][0] if queue else math.inf
        if i < n and arrival[i] < t_event:
            t = arrival[i]
            if t >= until:
                break
            env._now = clock.now = t
            i += 1
            arrive(i - 1)
        elif t_event < until:
            clock.now = t_event
            step()
        else:
            break
    if until < math.inf:
        env._now = clock.now = until
