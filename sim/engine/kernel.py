"""The engine's adapter to SimPy: the run loop and the two SimPy internals it relies on.

The engine drives `simpy.Environment` directly: it reads the next event's time from the event heap
(`env._queue[0][0]`) and advances the clock to a pre-generated arrival by setting `env._now`, so
arrivals need no events at all. Events are `Call` objects (the protocol `Environment.step` needs,
without `simpy.Event`'s bookkeeping) scheduled with the public `Environment.schedule`. Handlers
read the clock as `env._now` (what `env.now` returns, without the property call). The behaviour
relied on is pinned by `tests/engine/test_kernel.py`; a SimPy upgrade that breaks it fails there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import simpy

NORMAL = 1  # simpy.events.NORMAL: the priority of ordinary events


class Call:
    """The least an event needs for `Environment.step`: callbacks, an ok flag and a value."""

    __slots__ = ("callbacks", "_ok", "_value")

    def __init__(self, callback: Callable[[Call], None], value: Any) -> None:
        self.callbacks = [callback]
        self._ok = True
        self._value: Any = value  # what the callback needs: a contact id, an agent, a tuple


def schedule(env: simpy.Environment, delay: float, callback: Callable[[Call], None], value) -> None:
    """Call `callback(event)` with `event._value = value` after `delay` seconds."""
    env.schedule(Call(callback, value), NORMAL, delay)  # type: ignore[arg-type]


def run_loop(
    env: simpy.Environment, arrival: list[float], arrive: Callable[[int], None], until: float
) -> None:
    """Step `env`, handling pre-generated arrival i (sorted times) by `arrive(i)` at its time."""
    queue = env._queue
    step = env.step
    n = len(arrival)
    i = 0
    while True:
        t_event = queue[0][0] if queue else math.inf
        if i < n and arrival[i] < t_event:
            if arrival[i] >= until:
                break
            env._now = arrival[i]
            i += 1
            arrive(i - 1)
        elif t_event < until:
            step()
        else:
            break
    if until < math.inf:
        env._now = until
