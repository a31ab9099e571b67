"""The forked backend: results in item order, errors and lost children reported, nothing left."""

from __future__ import annotations

import os
import signal

import pytest

from sim.experiments.forked import ForkBackend


def _pid_and_square(offset: int, item: int) -> tuple[int, int]:
    return os.getpid(), offset + item * item


def _fails_on_three(_shared: None, item: int) -> int:
    if item == 3:
        raise ValueError("item 3 is bad")
    return item


def _dies_on_two(_shared: None, item: int) -> int:
    if item == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_results_in_item_order_from_children_that_are_then_gone():
    """Seven items on three lanes come back in item order, computed in three other processes
    that see the shared argument, and no child is left once map returns; progress counts up."""
    done: list[int] = []
    out = ForkBackend(3).map(_pid_and_square, 10, list(range(7)), done.append)
    assert [value for _pid, value in out] == [10 + i * i for i in range(7)]
    pids = {pid for pid, _value in out}
    assert len(pids) == 3 and os.getpid() not in pids
    assert done == list(range(1, 8))
    assert all(_gone(pid) for pid in pids)


def test_a_childs_error_is_raised_in_the_parent():
    """An exception raised for one item reaches the caller as that exception."""
    with pytest.raises(ValueError, match="item 3 is bad"):
        ForkBackend().map(_fails_on_three, None, list(range(5)), None)


def test_a_child_killed_mid_run_fails_the_map():
    """A child that dies without sending its results makes map raise instead of waiting."""
    with pytest.raises(RuntimeError, match="stopped before sending"):
        ForkBackend(2).map(_dies_on_two, None, list(range(4)), None)


def test_one_item_runs_in_this_process():
    """A single item is not worth a fork: it runs here."""
    assert ForkBackend().map(_pid_and_square, 0, [3], None) == [(os.getpid(), 9)]
