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


def test_first_columns_equal_the_issue_attempt_tables():
    """`IssueDraws.first` gives every first contact exactly `get(purpose, type, id, 1)`, for
    uniforms and for per-type samplers, and nan for types not asked for."""
    from sim.engine.crn import IssueDraws

    types = [0, 1, 1, 0, 2, 1, 0, 0, 2, 1]
    names = ["a", "b", "c"]
    samplers = [lambda rng, n: rng.exponential(5.0, n), None, lambda rng, n: rng.gamma(2, 3, n)]
    fresh = IssueDraws(3, 1, names, types)
    col_u = IssueDraws(3, 1, names, types).first("fcr", [0, 1])
    col_s = IssueDraws(3, 1, names, types).first("delay", [0, 2], samplers)
    for i, c in enumerate(types):
        if c in (0, 1):
            assert col_u[i] == fresh.get("fcr", c, i, 1)
        else:
            assert np.isnan(col_u[i])
        if c in (0, 2):
            assert col_s[i] == fresh.get("delay", c, i, 1, samplers[c])
        else:
            assert np.isnan(col_s[i])
    assert IssueDraws(3, 1, names, types).first("fcr", []) == []


def test_later_attempts_read_their_own_column_and_block():
    """Attempt k of an issue reads column (k-1) mod 4 of block (k-1) // 4: attempts 1-4 share one
    table, attempt 5 starts the next, and no two attempts of an issue share a variate."""
    from sim.engine.crn import IssueDraws

    d = IssueDraws(5, 0, ["a"], [0, 0, 0])
    values = [d.get("redial", 0, 1, k) for k in range(1, 9)]
    assert len(set(values)) == 8
    again = IssueDraws(5, 0, ["a"], [0, 0, 0])
    assert [again.get("redial", 0, 1, k) for k in (8, 5, 1, 4)] == [values[i] for i in (7, 4, 0, 3)]


def test_engine_decisions_are_the_issue_attempt_variates():
    """In a run, every bot session's length and every FCR outcome of first and later contacts is
    the (issue, attempt) variate of its purpose (the bulk columns change no value)."""
    from sim.engine.crn import IssueDraws

    model = compiled(_journey_center())
    model_fcr = float(model.fcr[0, 0])
    log = simulate(model, 4)
    first = log.attempt == 1
    draws = IssueDraws(4, 0, model.type_names, log.type_idx[: int(first.sum())].tolist())
    bot_time = model.journeys.bot_time
    in_bot = (log.in_bot_s > 0) & (log.status != IN_BOT)
    assert in_bot.sum() > 500 and (in_bot & ~first).sum() > 20
    handled = log.resolved >= 0
    assert (handled & ~first).sum() > 50
    for i in np.flatnonzero(in_bot | handled):
        c, issue, k = int(log.type_idx[i]), int(log.issue[i]), int(log.attempt[i])
        if in_bot[i]:
            assert log.in_bot_s[i] == draws.get("bot_time", c, issue, k, bot_time[c])
        if handled[i]:
            assert log.resolved[i] == int(draws.get("fcr", c, issue, k) < model_fcr)
