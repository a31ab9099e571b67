"""The contact log's shortcuts (columns taken from the demand or as constants when the run cannot
have written them) give the columns that converting every engine list gives."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compiled, single_queue
from test_acw import _journeys_with_acw
from test_plain_path import _switching

from sim.engine import Engine, build_roster, generate_demand
from sim.engine.log import COMPLETED

# log column -> the engine list it freezes
LISTS = {"arrival_s": "arrival", "type_idx": "ctype", "issue": "issue_of", "attempt": "attempt",
         "origin": "origin", "in_bot_s": "in_bot_s"}  # fmt: skip


def _with_bot() -> dict:
    data = single_queue(agents=6, rate_per_s=0.02, days=0.3)
    data["demand"][0]["bot"] = {
        "share": 0.5,
        "time": {"dist": "exponential", "mean_s": 60},
        "outcomes": {"resolved": 0.3, "escalated": 0.5, "abandoned": 0.1, "retry_later": 0.1},
        "retry": {"delay": {"dist": "exponential", "mean_s": 600}},
    }
    return data


@pytest.mark.parametrize(
    "data",
    [
        single_queue(agents=6, rate_per_s=0.02, days=0.3),
        _journeys_with_acw(),
        _with_bot(),
        _switching(),
    ],
    ids=["no-journeys", "repeats-callbacks-acw", "bot", "repeats-without-acw"],
)
def test_log_columns_equal_the_engine_lists(data: dict):
    model = compiled(data)
    engine = Engine(model, generate_demand(model, 6, 0), build_roster(model, 6, 0), 6, 0)
    log = engine.run()
    for column, name in LISTS.items():
        assert np.array_equal(getattr(log, column), np.asarray(getattr(engine, name))), column
    assert np.array_equal(log.callback, np.asarray(engine.callback_of) > 0)
    completed = np.asarray(engine.status) == COMPLETED
    assert np.array_equal(log.acw_s, np.where(completed, np.asarray(engine.acw, dtype=float), 0.0))
