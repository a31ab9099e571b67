"""Jobs for the job-manager tests (module level: the spawned workers import them by name)."""

from __future__ import annotations

import time
from collections.abc import Callable

from sim.api import ScenarioError


def count(progress: Callable[[int, int], None], n: int, pause_s: float) -> int:
    """Report progress n times, pausing between steps; returns n."""
    for i in range(n):
        time.sleep(pause_s)
        progress(i + 1, n)
    return n


def user_error(_progress: Callable[[int, int], None]) -> None:
    raise ScenarioError("demand[0].volume_per_day: must be at least 0")


def crash(_progress: Callable[[int, int], None]) -> None:
    raise ZeroDivisionError("division by zero")
