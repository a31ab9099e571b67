"""Reference cases as ccsim scenarios: one queue, one 24/7 agent group, exponential times.

A case in the unit of its inputs (seconds, minutes, ...) is simulated with that unit read as
seconds; the answer does not depend on the unit. The run is steady-state: a warm-up long enough to
forget the empty start is simulated and discarded, arrivals stop at the horizon and the agents then
drain the queue, so every measured contact has a known outcome.
"""

from __future__ import annotations

import math
from typing import Any

from sim.model import Model, compile_model
from sim.scenario import scenario_from_dict

CONTACTS_PER_REPLICATION = 20_000
RELAXATION_TIMES = 500  # rare-event metrics (tail waits) need many independent busy cycles
DAY_S = 86_400.0


def _warmup_s(arrival_rate: float, service_rate: float, agents: int, self_limiting: bool) -> float:
    """Twenty relaxation times, at most as many arrivals as one replication measures.

    A queue that sheds load (abandonment, finite lines) forgets its start within a few service
    times; a pure queue near one server needs about 1/(mu (1-sqrt(rho))^2).
    """
    relax = 1.0 / service_rate
    if not self_limiting:
        rho = min(arrival_rate / (agents * service_rate), 0.999)
        relax *= max(1.0, 1.0 / ((1.0 - math.sqrt(rho)) ** 2 * agents))
    return min(20.0 * relax, CONTACTS_PER_REPLICATION / arrival_rate)


def windows_s(
    arrival_rates: list[float],
    service_rate: float,
    agents: int,
    *,
    abandon_rate: float = 0.0,
    lines: int | None = None,
    max_concurrency: int = 1,
    retrial_rate: float = 0.0,
    **_: Any,
) -> tuple[float, float]:
    """(warm-up, full measured window) in seconds of a case's run; `queue_scenario`'s keywords.

    The full window is the largest a case is ever simulated for; sized runs measure a fraction.
    """
    total_rate = sum(arrival_rates)
    self_limiting = abandon_rate > 0 or lines is not None
    warmup = _warmup_s(total_rate, service_rate, agents * max_concurrency, self_limiting)
    if retrial_rate:
        warmup = max(warmup, 200.0 / min(service_rate, retrial_rate))
    return warmup, max(CONTACTS_PER_REPLICATION / total_rate, RELAXATION_TIMES / service_rate)


def queue_scenario(
    arrival_rates: list[float],
    service_rate: float,
    agents: int,
    *,
    abandon_rate: float = 0.0,
    lines: int | None = None,
    channel: str = "voice",
    max_concurrency: int = 1,
    aht_factors: list[float] | None = None,
    sl_threshold_s: float = 20.0,
    retrial_rate: float = 0.0,
    measure_scale: float = 1.0,
) -> Model:
    """A compiled single-pool model: one contact type per arrival rate, priorities in list order.

    With `retrial_rate`, blocked callers always call again after an exponential delay (the
    classical linear retrial orbit); the orbit takes longer to settle, so the warm-up is longer.
    `measure_scale` (0, 1] measures that fraction of the full window after the same warm-up.
    """
    warmup, full = windows_s(arrival_rates, service_rate, agents, abandon_rate=abandon_rate,
                             lines=lines, max_concurrency=max_concurrency,
                             retrial_rate=retrial_rate)  # fmt: skip
    redial = (
        {"probability": 1.0, "max_attempts": 10**9,
         "delay": {"dist": "exponential", "mean_s": 1.0 / retrial_rate}}
        if retrial_rate else None
    )  # fmt: skip
    horizon = warmup + measure_scale * full
    patience = {"dist": "exponential", "mean_s": 1.0 / abandon_rate} if abandon_rate else None
    demand = [
        {
            "name": f"class{i + 1}",
            "channel": channel,
            "language": "xx",
            "timezone": "UTC",
            "volume_per_day": rate * DAY_S,
            "handle_time": {"dist": "exponential", "mean_s": 1.0 / service_rate},
            "patience": patience,
            "priority": i + 1,
            "redial": redial,
        }
        for i, rate in enumerate(arrival_rates)
    ]
    channels: dict[str, Any] = {"voice": {"sl_threshold_s": sl_threshold_s, "lines": lines}}
    channels["chat"] = {
        "sl_threshold_s": sl_threshold_s,
        "max_concurrency": max_concurrency,
        "aht_factor_by_concurrency": aht_factors,
    }
    scenario = scenario_from_dict(
        {
            "name": "reference case",
            "horizon": {
                "start": "2026-01-05",
                "days": horizon / DAY_S,
                "warmup_hours": warmup / 3600.0,
                "drain": True,
            },
            "channels": channels,
            "demand": demand,
            "sites": [
                {
                    "name": "site",
                    "timezone": "UTC",
                    "location": "onshore",
                    "groups": [
                        {
                            "name": "agents",
                            "skills": [{"language": "xx", "channel": channel}],
                            "shifts": [{"start": "00:00", "end": "24:00", "headcount": agents}],
                        }
                    ],
                }
            ],
        }
    )
    return compile_model(scenario)
