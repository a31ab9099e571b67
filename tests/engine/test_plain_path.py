"""Contacts whose service decides nothing take a shorter path (`_finish_plain`): same log."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compiled, single_queue
from test_lazy_patience import _overflowing

from sim.engine import ContactLog, Engine, build_roster, generate_demand
from sim.model import Model


def _engine(model: Model, seed: int = 3) -> Engine:
    return Engine(model, generate_demand(model, seed, 0), build_roster(model, seed, 0), seed, 0)


def _run(model: Model, plain: bool) -> ContactLog:
    engine = _engine(model)
    if not plain:
        engine.plain[:] = [False] * model.n_types
    return engine.run()


def _switching() -> dict:
    """Unresolved voice issues come back by email (a plain type): plain contacts of other
    issues, created during the run, beside first contacts whose issue is their own."""
    data = single_queue(agents=3, rate_per_s=0.01, aht_s=240, patience_s=120, days=0.5)
    voice = data["demand"][0]
    voice["repeat"] = {"delay": {"dist": "exponential", "mean_s": 600}, "switch": {"mail": 1.0},
                       "max_attempts": 3}  # fmt: skip
    data["demand"].append(voice | {"name": "mail", "channel": "email", "patience": None,
                                   "repeat": None, "volume_per_day": 300})  # fmt: skip
    data["sites"][0]["groups"][0]["skills"] = [
        {"language": "en", "channel": "voice", "fcr": 0.6},
        {"language": "en", "channel": "email"},
    ]
    return data


def test_plain_types_are_those_whose_service_decides_nothing():
    """Exclusive, no after-call work, bot, callbacks or trunk lines, and resolved for certain."""
    assert _engine(compiled(single_queue(days=0.05))).plain == [True]
    assert _engine(compiled(_switching())).plain == [False, True]
    changes = {
        "fcr below 1": lambda d: d["sites"][0]["groups"][0]["skills"][0].update(fcr=0.9),
        "chat": lambda d: d["demand"][0].update(channel="chat")
        or d["sites"][0]["groups"][0]["skills"][0].update(channel="chat"),
        "after-call work": lambda d: d["demand"][0].update(
            acw={"dist": "exponential", "mean_s": 30}),
        "trunk lines": lambda d: d.update(channels={"voice": {"lines": 150}}),
        "callbacks": lambda d: d["demand"][0].update(
            callback={"offer_when_expected_wait_s": 30, "accept_probability": 0.5}),
        "learning curve": lambda d: d["sites"][0]["groups"][0].update(
            workforce={"learning_curve": {}, "tenure_weeks": 1}),
        "bot": lambda d: d["demand"][0].update(bot={
            "share": 0.5, "time": {"dist": "exponential", "mean_s": 60},
            "outcomes": {"resolved": 0.3, "escalated": 0.7, "abandoned": 0.0, "retry_later": 0.0},
            "escalation": {"handle_time_factor": 1.5}}),
    }  # fmt: skip
    for what, change in changes.items():
        data = single_queue(days=0.05)
        change(data)
        assert _engine(compiled(data)).plain == [False], what


@pytest.mark.parametrize(
    "data",
    [_overflowing("longest_idle", False), _overflowing("priority_aging", True), _switching()],
    ids=["overflow", "aging-drain", "repeats-switch-to-plain"],
)
def test_plain_path_gives_the_general_log(data: dict):
    """Every column of the log is the one the general `_finish` and journey hooks give."""
    model = compiled(data)
    fast, general = _run(model, plain=True), _run(model, plain=False)
    assert any(_engine(model).plain) and len(fast) > 100
    for field, value in vars(fast).items():
        if isinstance(value, np.ndarray):
            same_nan = value.dtype.kind == "f"
            assert np.array_equal(value, getattr(general, field), equal_nan=same_nan), field
        else:
            assert value == getattr(general, field), field
