"""Pins the SimPy behaviour the engine's kernel relies on (event heap, clock, schedule, order)."""

from __future__ import annotations

import simpy

from sim.engine.kernel import (
    Call,
    absolute_scheduler,
    fixed_scheduler,
    pending,
    run_loop,
    scheduler,
)


class _Clock:
    now = -1.0


def test_event_heap_head_is_the_next_event_time():
    """`env._queue` is a heap whose first entry starts with the next event's time."""
    env = simpy.Environment()
    after = scheduler(env)
    after(5.0, lambda ev: None, None)
    after(2.0, lambda ev: None, None)
    assert env._queue[0][0] == 2.0


def test_scheduler_pushes_what_environment_schedule_pushes():
    """`scheduler` pushes (now + delay, NORMAL, next id, event), as `Environment.schedule` does."""
    ours, simpys = simpy.Environment(), simpy.Environment()
    ours._now = simpys._now = 3.0
    after = scheduler(ours)
    for delay in (2.0, 0.0, 2.0):
        after(delay, lambda ev: None, delay)
        simpys.schedule(Call(lambda ev: None, delay), simpy.events.NORMAL, delay)  # type: ignore[arg-type]
    assert [e[:3] for e in ours._queue] == [e[:3] for e in simpys._queue]


def test_step_runs_the_heap_head_and_needs_only_callbacks_and_ok():
    """`step` pops the head entry, sets `now` to its time, runs the callbacks once (clearing
    them) and reads nothing of a successful `Call` but `callbacks` and `_ok`."""
    env = simpy.Environment()
    after = scheduler(env)
    seen = []
    after(7.0, lambda ev: seen.append(("late", env.now, ev.value)), "b")
    after(4.0, lambda ev: seen.append(("head", env.now, ev.value)), "a")
    head_time, head_event = env._queue[0][0], env._queue[0][3]
    env.step()
    assert seen == [("head", head_time, "a")]
    assert env.now == head_time == 4.0
    assert head_event.callbacks is None
    assert not hasattr(head_event, "_value")


def test_setting_now_moves_the_public_clock_and_later_schedules():
    """Assigning `env._now` is what `env.now` reports; delays then count from it, and events
    already scheduled keep their times."""
    env = simpy.Environment()
    after = scheduler(env)
    seen = []
    after(10.0, lambda ev: seen.append((env.now, ev.value)), "x")
    env._now = 4.0
    assert env.now == 4.0
    after(1.0, lambda ev: seen.append((env.now, ev.value)), "y")
    env.step()
    env.step()
    assert seen == [(5.0, "y"), (10.0, "x")]


def test_same_time_events_run_in_scheduling_order():
    """Events due at the same time run first scheduled, first run (FIFO by event id)."""
    env = simpy.Environment()
    after = scheduler(env)
    seen: list[int] = []
    for i in range(5):
        after(1.0, lambda ev: seen.append(ev.value), i)
    env.run()
    assert seen == [0, 1, 2, 3, 4]


def test_run_loop_interleaves_arrivals_and_events_and_stops_at_until():
    """Arrivals run at their times between events; nothing at or after `until` runs; the clock
    mirror equals `env.now` in every handler and is `until` at the end."""
    env = simpy.Environment()
    after = scheduler(env)
    clock = _Clock()
    seen: list[tuple[str, float, float]] = []
    after(1.5, lambda ev: seen.append(("event", env.now, clock.now)), None)
    after(9.0, lambda ev: seen.append(("late", env.now, clock.now)), None)
    run_loop(env, [1.0, 2.0, 8.0], lambda i: seen.append((f"arrival{i}", env.now, clock.now)), 5.0,
             clock)  # fmt: skip
    assert seen == [("arrival0", 1.0, 1.0), ("event", 1.5, 1.5), ("arrival1", 2.0, 2.0)]
    assert env.now == clock.now == 5.0


def test_run_loop_without_until_runs_every_event_and_keeps_the_last_time():
    """With `until` = inf (drain) the loop runs until the heap and the arrivals are empty."""
    env = simpy.Environment()
    after = scheduler(env)
    clock = _Clock()
    seen: list[float] = []
    run_loop(env, [1.0], lambda i: after(3.0, lambda ev: seen.append(clock.now), None),
             float("inf"), clock)  # fmt: skip
    assert seen == [4.0]
    assert env.now == clock.now == 4.0


def test_absolute_scheduler_pushes_the_time_given_and_pending_lists_one_callback():
    """`absolute_scheduler` pushes (time, NORMAL, next id, event); `pending` lists the (time,
    value) of one callback's scheduled events in time order, as `step` would run them."""
    env = simpy.Environment()
    env._now = 1.0
    after, at = scheduler(env), absolute_scheduler(env)

    def target(ev):
        return None

    at(4.0, target, "late")
    after(2.0, lambda ev: None, "other")
    at(3.0, target, "early")
    assert sorted(e[:3] for e in env._queue) == [(3.0, 1, 1), (3.0, 1, 2), (4.0, 1, 0)]
    assert pending(env, target) == [(3.0, "early"), (4.0, "late")]
    env.step()
    env.step()
    assert pending(env, target) == [(4.0, "late")]


def test_fixed_schedulers_push_what_the_general_ones_push_and_share_one_callbacks_list():
    """`fixed_scheduler` pushes the entries `scheduler` / `absolute_scheduler` push for the same
    callback; the events of one fixed scheduler share one `callbacks` list, which `step` reads
    but never changes (it replaces the event's reference by None), so each runs its callback
    once."""
    ours, general = simpy.Environment(), simpy.Environment()
    ours._now = general._now = 2.0
    seen: list[tuple[float, str]] = []

    def target(ev):
        seen.append((ours.now, ev.value))

    after, at = fixed_scheduler(ours, target), fixed_scheduler(ours, target, absolute=True)
    after(3.0, "a")
    at(4.0, "b")
    after(1.0, "c")
    scheduler(general)(3.0, target, "a")
    absolute_scheduler(general)(4.0, target, "b")
    scheduler(general)(1.0, target, "c")
    assert [e[:3] for e in ours._queue] == [e[:3] for e in general._queue]
    by_value = {e[3].value: e[3] for e in ours._queue}
    shared = by_value["a"].callbacks
    assert by_value["c"].callbacks is shared and shared == [target]
    assert pending(ours, target) == [(3.0, "c"), (4.0, "b"), (5.0, "a")]
    ours.run()
    assert seen == [(3.0, "c"), (4.0, "b"), (5.0, "a")] and shared == [target]
