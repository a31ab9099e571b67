"""Small scenarios for tests, built as dicts so each test states exactly what it varies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.engine import ContactLog, simulate
from sim.model import Model, compile_model
from sim.scenario import scenario_from_dict


def single_queue(
    *,
    rate_per_s: float = 0.3,
    aht_s: float = 300.0,
    agents: int = 100,
    patience_s: float | None = 180.0,
    days: float = 1.0,
    channel: str = "voice",
    handle: dict[str, Any] | None = None,
    **horizon: Any,
) -> dict[str, Any]:
    """One queue, one 24/7 group, constant rate: an M/M/n(+M) queue as a scenario dict."""
    return {
        "name": "test",
        "horizon": {"start": "2026-01-05", "days": days, **horizon},
        "demand": [
            {
                "name": "q",
                "channel": channel,
                "language": "en",
                "timezone": "UTC",
                "volume_per_day": rate_per_s * 86_400,
                "handle_time": handle or {"dist": "exponential", "mean_s": aht_s},
                "patience": ({"dist": "exponential", "mean_s": patience_s} if patience_s else None),
            }
        ],
        "sites": [
            {
                "name": "site",
                "timezone": "UTC",
                "location": "onshore",
                "groups": [
                    {
                        "name": "g",
                        "skills": [{"language": "en", "channel": channel}],
                        "shifts": [{"start": "00:00", "end": "24:00", "headcount": agents}],
                    }
                ],
            }
        ],
    }


def small_queue(**kw: Any) -> dict[str, Any]:
    """A quarter-day M/M/18+M queue (about 1,100 contacts): quick to replicate many times."""
    base = {"rate_per_s": 0.05, "aht_s": 300.0, "agents": 18, "patience_s": 180.0, "days": 0.25}
    return single_queue(**(base | kw))


def compiled(data: dict[str, Any]) -> Model:
    return compile_model(scenario_from_dict(copy.deepcopy(data)))


def replicate(
    model: Model, measure: Callable[[ContactLog], dict[str, float]], reps: int = 12, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Mean and standard error over independent replications of each measured quantity."""
    samples: dict[str, list[float]] = {}
    for rep in range(reps):
        for key, value in measure(simulate(model, seed, rep)).items():
            samples.setdefault(key, []).append(value)
    return {
        k: (float(np.mean(v)), float(np.std(v, ddof=1) / np.sqrt(len(v))))
        for k, v in samples.items()
    }


def assert_within(estimates: dict[str, tuple[float, float]], truth: dict[str, float], k=4.0):
    """Each true value lies within k standard errors of its simulated mean."""
    for key, expected in truth.items():
        mean, se = estimates[key]
        assert abs(mean - expected) <= k * se, f"{key}: simulated {mean} ± {se}, theory {expected}"


def browser_port(offset: int) -> int:
    """A port for a browser test's server: $CCSIM_TEST_PORT_BASE (default 8058) + `offset`.

    Each browser test file takes its own offset, so files never share a port, and engineers
    running browser tests side by side on one machine set different bases.
    """
    import os

    return int(os.environ.get("CCSIM_TEST_PORT_BASE", "8058")) + offset
