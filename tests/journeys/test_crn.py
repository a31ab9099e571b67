"""Journeys under common random numbers: a staffing change leaves every customer's decisions as
they were (identity per contact, not a statistical match)."""

from __future__ import annotations

import copy

import numpy as np
from helpers import compiled
from test_journeys import _journey_center

from sim.engine import simulate
from sim.engine.log import BOT_ABANDONED, BOT_DEFERRED, BOT_RESOLVED, IN_BOT


def _pair(seed: int):
    base = _journey_center()
    more = copy.deepcopy(base)
    for shift in more["sites"][0]["groups"][0]["shifts"]:
        shift["headcount"] = int(round(shift["headcount"] * 1.1))
    return simulate(compiled(base), seed), simulate(compiled(more), seed)


def _key(log) -> dict[tuple[int, int], int]:
    """Contact index by (issue, attempt): the same customer's same try in both runs."""
    pairs = zip(log.issue.tolist(), log.attempt.tolist(), strict=True)
    return {pair: k for k, pair in enumerate(pairs)}


def test_same_customers_same_fcr_and_bot_outcome_after_staffing_change():
    """With +10% headcount and the same seed, every contact handled in both runs gets the same FCR
    outcome and every bot session the same outcome; the runs do differ in waits."""
    a, b = _pair(seed=11)
    ka, kb = _key(a), _key(b)
    common = [(ka[k], kb[k]) for k in ka.keys() & kb.keys()]
    ia, ib = (np.array(x) for x in zip(*common, strict=True))
    assert np.array_equal(a.type_idx[ia], b.type_idx[ib])
    assert not np.array_equal(a.answer_s[ia], b.answer_s[ib])  # the staffing change mattered
    handled = (a.resolved[ia] >= 0) & (b.resolved[ib] >= 0)
    assert handled.sum() > 1000
    assert np.array_equal(a.resolved[ia][handled], b.resolved[ib][handled])
    bot_end = (BOT_RESOLVED, BOT_ABANDONED, BOT_DEFERRED)
    in_a, in_b = np.isin(a.status[ia], bot_end), np.isin(b.status[ib], bot_end)
    assert in_a.sum() > 500
    assert np.array_equal(in_a, in_b)  # the same contacts end in the bot...
    assert np.array_equal(a.status[ia][in_a], b.status[ib][in_b])  # ...with the same outcome
    bot_time = (a.in_bot_s[ia] > 0) & (b.in_bot_s[ib] > 0) & (a.status[ia] != IN_BOT)
    assert np.array_equal(a.in_bot_s[ia][bot_time], b.in_bot_s[ib][bot_time])


def test_same_customers_same_acw_after_staffing_change():
    """After-call work is drawn per contact (first and later attempts): +10% headcount keeps it."""
    base = _journey_center()
    for ctype in base["demand"]:
        ctype["acw"] = {"dist": "exponential", "mean_s": 40.0}
    more = copy.deepcopy(base)
    for shift in more["sites"][0]["groups"][0]["shifts"]:
        shift["headcount"] = int(round(shift["headcount"] * 1.1))
    a, b = simulate(compiled(base), 11), simulate(compiled(more), 11)
    ka, kb = _key(a), _key(b)
    common = [(ka[k], kb[k]) for k in ka.keys() & kb.keys()]
    ia, ib = (np.array(x) for x in zip(*common, strict=True))
    done = (a.acw_s[ia] > 0) & (b.acw_s[ib] > 0)
    assert done.sum() > 1000 and (a.attempt[ia][done] > 1).sum() > 100
    assert np.array_equal(a.acw_s[ia][done], b.acw_s[ib][done])
