"""Customers who give up without a timer (lazy patience) leave exactly the log timers leave."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compiled, single_queue

from sim.engine import ContactLog, Engine, build_roster, generate_demand
from sim.engine.log import ABANDONED
from sim.model import Model


def _overflowing(policy: str, drain: bool) -> dict:
    """An overloaded home site whose callers give up (often) and overflow after 20 s."""
    data = single_queue(agents=4, rate_per_s=0.02, aht_s=240, patience_s=90, days=0.4,
                        drain=drain)  # fmt: skip
    data["demand"][0]["home_sites"] = ["home"]
    data["sites"][0]["name"] = "home"
    data["sites"].append({"name": "away", "timezone": "UTC", "location": "onshore", "groups": [
        {"name": "g", "skills": [{"language": "en", "channel": "voice", "level": "secondary"}],
         "shifts": [{"start": "02:00", "end": "07:00", "headcount": 2}]},
    ]})  # fmt: skip
    data["routing"] = {
        "policy": policy,
        "overflow": [{"from_site": "home", "to_site": "away", "after_s": 20}],
    }
    return data


def _run(model: Model, lazy: bool) -> tuple[ContactLog, int]:
    """The log of seed 2 with or without lazy patience, and how often queues were swept."""
    engine = Engine(model, generate_demand(model, 2, 0), build_roster(model, 2, 0), 2, 0)
    if not lazy:
        engine.lazy_patience[:] = [False] * model.n_types  # in place: routing holds the list
    sweeps = [0]
    drop = engine._drop_given_up

    def counted(q, drop=drop):
        sweeps[0] += 1
        drop(q)

    engine._drop_given_up = counted  # type: ignore[method-assign]
    return engine.run(), sweeps[0]


@pytest.mark.parametrize("drain", [False, True])
@pytest.mark.parametrize("policy", ["longest_idle", "priority_aging"])
def test_lazy_patience_gives_the_timers_log(policy: str, drain: bool):
    """With or without patience timers, every column of the log is the same, whether the run
    stops at the horizon or drains, whatever the pull policy."""
    model = compiled(_overflowing(policy, drain))
    assert all(model.journeys.redial_max[c] <= 1 for c in range(model.n_types))
    lazy, sweeps = _run(model, lazy=True)
    timed, no_sweeps = _run(model, lazy=False)
    assert no_sweeps == 0 < sweeps and (lazy.status == ABANDONED).sum() > 50
    for field, value in vars(lazy).items():
        if isinstance(value, np.ndarray):
            same_nan = value.dtype.kind == "f"
            assert np.array_equal(value, getattr(timed, field), equal_nan=same_nan), field


def test_callbacks_redials_and_trunk_lines_keep_their_timers():
    """Types whose queue is counted (callback offers), whose customers redial, or whose callers
    hold trunk lines give up on a timer."""
    base = single_queue(agents=2, rate_per_s=0.01, days=0.1)
    assert Engine(*_parts(compiled(base))).lazy_patience == [True]
    for key, value in [
        ("callback", {"offer_when_expected_wait_s": 30, "accept_probability": 0.5}),
        ("redial", {"probability": 0.5, "delay": {"dist": "exponential", "mean_s": 60}}),
    ]:
        data = single_queue(agents=2, rate_per_s=0.01, days=0.1)
        data["demand"][0][key] = value
        assert Engine(*_parts(compiled(data))).lazy_patience == [False], key
    data = single_queue(agents=2, rate_per_s=0.01, days=0.1)
    data["channels"] = {"voice": {"lines": 3}}
    assert Engine(*_parts(compiled(data))).lazy_patience == [False]


def _parts(model: Model) -> tuple:
    return model, generate_demand(model, 1, 0), build_roster(model, 1, 0), 1, 0
