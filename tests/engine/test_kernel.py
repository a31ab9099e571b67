"""Pins the SimPy behaviour the engine's kernel relies on (event heap, clock, schedule, order)."""

from __future__ import annotations

import simpy

from sim.engine.kernel import run_loop, schedule


def test_event_heap_head_is_the_next_event_time():
    """`env._queue` is a heap whose first entry starts with the next event's time."""
    env = simpy.Environment()
    schedule(env, 5.0, lambda ev: None, None)
    schedule(env, 2.0, lambda ev: None, None)
    assert env._queue[0][0] == 2.0


def test_setting_now_moves_the_public_clock():
    """Assigning `env._now` is what `env.now` reports, and later events keep their times."""
    env = simpy.Environment()
    seen = []
    schedule(env, 10.0, lambda ev: seen.append((env.now, ev._value)), "x")
    env._now = 4.0
    assert env.now == 4.0
    env.step()
    assert seen == [(10.0, "x")]


def test_same_time_events_run_in_scheduling_order():
    """Events due at the same time run first scheduled, first run (FIFO by event id)."""
    env = simpy.Environment()
    seen: list[int] = []
    for i in range(5):
        schedule(env, 1.0, lambda ev: seen.append(ev._value), i)
    env.run()
    assert seen == [0, 1, 2, 3, 4]


def test_run_loop_interleaves_arrivals_and_events_and_stops_at_until():
    """Arrivals run at their times between events; nothing at or after `until` runs."""
    env = simpy.Environment()
    seen: list[tuple[str, float]] = []
    schedule(env, 1.5, lambda ev: seen.append(("event", env.now)), None)
    schedule(env, 9.0, lambda ev: seen.append(("late", env.now)), None)
    run_loop(env, [1.0, 2.0, 8.0], lambda i: seen.append((f"arrival{i}", env.now)), 5.0)
    assert seen == [("arrival0", 1.0), ("event", 1.5), ("arrival1", 2.0)]
    assert env.now == 5.0
