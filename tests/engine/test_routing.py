"""Routing policies against queueing theory (Erlang C) and against their own definitions."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compiled

from sim.analytic.erlang import erlang_c
from sim.engine import simulate
from sim.engine.routing import POLICIES
from sim.errors import ScenarioError

AHT_S = 100.0
REPS = 8
K_SE = 4.0


def _center(rates: list[float], groups: list[tuple[int, list[int]]], **routing) -> dict:
    """Voice queues q0.. with exponential AHT; groups (headcount, served queue indices)."""
    langs = [f"l{i}" for i in range(len(rates))]
    return {
        "horizon": {"start": "2026-01-05", "days": 0.5, "warmup_hours": 1},
        "demand": [
            {
                "name": f"q{i}",
                "channel": "voice",
                "language": lang,
                "timezone": "UTC",
                "volume_per_day": rate * 86_400,
                "handle_time": {"dist": "exponential", "mean_s": AHT_S},
            }
            for i, (rate, lang) in enumerate(zip(rates, langs, strict=True))
        ],  # fmt: skip
        "sites": [
            {
                "name": "s",
                "timezone": "UTC",
                "location": "onshore",
                "groups": [
                    {
                        "name": f"g{j}",
                        "skills": [{"language": langs[i], "channel": "voice"} for i in served],
                        "shifts": [{"start": "00:00", "end": "24:00", "headcount": n}],
                    }
                    for j, (n, served) in enumerate(groups)
                ],
            }
        ],  # fmt: skip
        "routing": routing,
    }


def _replicate(data: dict, per_type: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """P(wait) and mean wait per replication (overall, or per queue as columns)."""
    model = compiled(data)
    pw, asa = [], []
    for seed in range(REPS):
        log = simulate(model, seed)
        keep = (log.arrival_s >= model.warmup_s) & np.isfinite(log.answer_s)
        wait = (log.answer_s - log.queued_s)[keep]
        types = log.type_idx[keep]
        sel = [types == c for c in range(model.n_types)] if per_type else [np.ones_like(types) > 0]
        pw.append([np.mean(wait[s] > 0) for s in sel])
        asa.append([np.mean(wait[s]) for s in sel])
    return np.array(pw), np.array(asa)


def _within(sim: np.ndarray, exact: float) -> None:
    """The replications' mean lies within K_SE standard errors of the exact value."""
    se = sim.std(ddof=1) / np.sqrt(len(sim))
    assert abs(sim.mean() - exact) <= K_SE * se, (sim.mean(), exact, se)


@pytest.mark.parametrize("policy", POLICIES)
def test_full_flexibility_gives_erlang_c(policy):
    """With every agent taking every contact, each policy is M/M/n: Erlang C P(wait) and ASA."""
    routing = {"policy": policy, "reserve_agents": 0, "aging_weights": {"q0": 3.0}}
    data = _center([0.05, 0.05], [(6, [0, 1]), (6, [0, 1])], **routing)
    pw, asa = _replicate(data)
    n, a = 12, 0.1 * AHT_S
    c = float(erlang_c(n, a))
    _within(pw[:, 0], c)
    _within(asa[:, 0], c * AHT_S / (n - a))


def test_dedicated_pools_give_independent_erlang_c():
    """Groups serving one queue each behave as separate M/M/n queues."""
    pw, asa = _replicate(_center([0.04, 0.05], [(6, [0]), (7, [1])]), per_type=True)
    for q, (n, rate) in enumerate([(6, 0.04), (7, 0.05)]):
        a = rate * AHT_S
        c = float(erlang_c(n, a))
        _within(pw[:, q], c)
        _within(asa[:, q], c * AHT_S / (n - a))


def test_chain_of_skill_pairs_is_close_to_full_flexibility():
    """Three groups with skills {i, i+1} in a chain wait far less than dedicated pools."""
    chain = [(4, [0, 1]), (4, [1, 2]), (4, [2, 0])]
    pw, _ = _replicate(_center([0.03, 0.03, 0.03], chain))
    full = float(erlang_c(12, 9.0))
    dedicated = float(erlang_c(4, 3.0))
    assert pw[:, 0].mean() > full - K_SE * pw[:, 0].std(ddof=1) / np.sqrt(REPS)
    assert pw[:, 0].mean() < (full + dedicated) / 2  # most of the pooling gain


def _busy_at(log, members: np.ndarray, t: np.ndarray) -> np.ndarray:
    """How many of the given agents held a contact just before each time t."""
    mine = np.isin(log.agent, members)
    start, end = log.answer_s[mine], log.end_s[mine]
    return np.array([np.sum((start < x) & (end > x)) for x in t])


def _agents_of(model, log, name: str) -> np.ndarray:
    return np.flatnonzero(log.agent_group == model.group_names.index(f"s/{name}"))


@pytest.mark.parametrize(
    "routing", [{"policy": "group_order"}, {"by_type": {"q0": "group_order"}}], ids=str
)
def test_group_order_fills_the_first_group_first(routing):
    """An arriving contact goes to g1 only while every agent of g0 (listed first) is busy."""
    model = compiled(_center([0.05], [(6, [0]), (6, [0])], **routing))
    log = simulate(model, 3)
    g0, g1 = _agents_of(model, log, "g0"), _agents_of(model, log, "g1")
    now = np.isin(log.agent, g1) & (log.answer_s == log.queued_s)
    assert now.sum() > 50
    assert np.all(_busy_at(log, g0, log.answer_s[now]) == len(g0))


def test_most_proficient_prefers_the_low_factor():
    """An arriving contact goes to the slower group only while the faster one is all busy."""
    data = _center([0.05], [(6, [0]), (6, [0])], policy="most_proficient")
    data["sites"][0]["groups"][0]["skills"][0]["proficiency"] = 1.2  # listed first, slower
    model = compiled(data)
    log = simulate(model, 3)
    slow, fast = _agents_of(model, log, "g0"), _agents_of(model, log, "g1")
    now = np.isin(log.agent, slow) & (log.answer_s == log.queued_s)
    assert now.sum() > 20
    assert np.all(_busy_at(log, fast, log.answer_s[now]) == len(fast))


def test_priority_aging_does_not_starve_the_low_weight():
    """Under overload, strict priority starves the low queue; aging serves it, with longer waits."""
    strict = _center([0.09, 0.03], [(10, [0, 1])])
    strict["demand"][0]["priority"], strict["demand"][1]["priority"] = 1, 2
    aging = _center([0.09, 0.03], [(10, [0, 1])], policy="priority_aging",
                    aging_weights={"q0": 4.0, "q1": 1.0})  # fmt: skip
    shares = []
    for data in (strict, aging):
        log = simulate(compiled(data), 5)
        answered = np.isfinite(log.answer_s)
        shares.append(np.mean(log.type_idx[answered] == 1))
        wait = (log.answer_s - log.queued_s)[answered]
        if data is aging:
            assert (
                wait[log.type_idx[answered] == 0].mean() < wait[log.type_idx[answered] == 1].mean()
            )
    arrived = 0.03 / 0.12  # the low queue's share of arrivals
    assert shares[0] < arrived / 2  # strict priority: the low queue barely gets an agent
    assert shares[1] > arrived / 2  # aging: it keeps getting agents


def test_reservation_holds_k_idle():
    """A group takes a secondary-skill contact only while more than k of its agents are idle."""
    data = _center([0.04, 0.04], [(5, [0]), (6, [1, 0])], policy="reservation", reserve_agents=2)
    data["sites"][0]["groups"][1]["skills"][1]["level"] = "secondary"  # g1: q1 primary, q0 not
    model = compiled(data)
    log = simulate(model, 2)
    g1 = _agents_of(model, log, "g1")
    taken = np.isin(log.agent, g1) & (log.type_idx == 0)
    assert taken.sum() > 20
    idle_before = len(g1) - _busy_at(log, g1, log.answer_s[taken])
    assert np.all(idle_before > 2)


def test_unknown_policy_lists_the_five():
    """An unknown routing.policy is a user error naming the field and the five policies."""
    with pytest.raises(ScenarioError) as err:
        compiled(_center([0.05], [(6, [0])], policy="fifo"))
    assert "routing.policy" in str(err.value)
    assert all(p in str(err.value) for p in POLICIES)


def test_by_type_applies_only_to_its_type():
    """A per-type reservation holds agents back from that type only, not from the others."""
    data = _center([0.04, 0.04, 0.04], [(5, [0]), (6, [1, 0, 2])], reserve_agents=2,
                   by_type={"q0": "reservation"})  # fmt: skip
    for skill in data["sites"][0]["groups"][1]["skills"][1:]:
        skill["level"] = "secondary"  # g1: q1 primary, q0 and q2 secondary
    model = compiled(data)
    log = simulate(model, 2)
    g1 = _agents_of(model, log, "g1")
    idle_before = {}
    for c in (0, 2):
        taken = np.isin(log.agent, g1) & (log.type_idx == c)
        idle_before[c] = len(g1) - _busy_at(log, g1, log.answer_s[taken])
    assert np.all(idle_before[0] > 2)
    assert np.any(idle_before[2] <= 2)  # q2 is not reserved against


def test_unknown_type_in_by_type_is_a_scenario_error():
    """routing.by_type naming a contact type that does not exist is a user error."""
    with pytest.raises(ScenarioError, match="unknown contact type 'nope'"):
        compiled(_center([0.05], [(6, [0])], by_type={"nope": "group_order"}))
