"""Regression tests for engine bugs of issue 11 item 6: each failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compiled, single_queue

from sim.engine import simulate
from sim.engine.invariants import check_capacity
from sim.engine.log import COMPLETED, ConservationError, ContactLog
from sim.kpis.contacts import contact_frame
from sim.model import CHAT


def _sessions_overlap(log: ContactLog) -> int:
    """How many of an agent's logged sessions start before its previous one ended."""
    overlaps = 0
    for a in np.unique(log.session_agent):
        mine = log.session_agent == a
        start, end = log.session_start_s[mine], log.session_end_s[mine]
        order = np.argsort(start, kind="stable")
        overlaps += int(np.sum(start[order][1:] < end[order][:-1]))
    return overlaps


def _max_concurrent_exclusive(log: ContactLog, model) -> int:
    """Largest number of non-chat contacts one agent held at the same time."""
    answered = np.isfinite(log.answer_s) & (model.type_channel[log.type_idx] != CHAT)
    worst = 0
    for a in np.unique(log.agent[answered]):
        mine = answered & (log.agent == a)
        times = np.concatenate([log.answer_s[mine], log.end_s[mine]])
        delta = np.concatenate([np.ones(mine.sum()), -np.ones(mine.sum())])
        order = np.lexsort((delta, times))
        worst = max(worst, int(np.cumsum(delta[order]).max()))
    return worst


def test_drain_shift_split_by_break_logs_in_once():
    """In drain mode, a shift whose break falls after the horizon logs the agent in only once."""
    data = single_queue(agents=1, rate_per_s=0.002, aht_s=600, days=1.0, drain=True)
    queue = data["demand"][0]
    queue["patience"] = {"dist": "deterministic", "mean_s": 5}
    queue["redial"] = {  # redials keep contacts coming after the horizon, to an idle agent
        "probability": 1.0,
        "delay": {"dist": "deterministic", "mean_s": 10_000},
        "max_attempts": 2,
    }
    group = data["sites"][0]["groups"][0]
    group["shifts"] = [{"start": "22:00", "end": "04:00", "headcount": 1}]
    group["workforce"] = {"off_phone": [{"after_start_h": 3, "duration_min": 30}]}
    model = compiled(data)
    for seed in range(6):
        log = simulate(model, seed)
        assert _sessions_overlap(log) == 0
        assert _max_concurrent_exclusive(log, model) <= 1


def test_capacity_invariant_flags_an_agent_holding_two_calls():
    """The end-of-run capacity check raises when one agent held two voice calls at once."""
    model = compiled(single_queue(agents=5, rate_per_s=0.01, days=0.25))
    log = simulate(model, 1)
    is_chat = model.type_channel == CHAT
    check_capacity(log, is_chat, model.chat_max_concurrency)  # a real run passes
    served = np.flatnonzero(log.agent >= 0)
    a, b = served[0], served[1]
    log.agent[b] = log.agent[a]
    log.answer_s[b], log.end_s[b] = log.answer_s[a], log.end_s[a] + 1.0
    with pytest.raises(ConservationError, match="capacity"):
        check_capacity(log, is_chat, model.chat_max_concurrency)


def test_capacity_invariant_allows_chat_concurrency():
    """Chat agents may hold up to the concurrency in chats, and the check accepts that."""
    data = single_queue(agents=3, rate_per_s=0.05, aht_s=300, days=0.25, channel="chat")
    data["channels"] = {"chat": {"max_concurrency": 3, "aht_factor_by_concurrency": [1, 1, 1]}}
    model = compiled(data)
    log = simulate(model, 2)  # the engine runs check_capacity itself
    is_chat = model.type_channel == CHAT
    check_capacity(log, is_chat, 3)
    with pytest.raises(ConservationError, match="capacity"):
        check_capacity(log, is_chat, 1)  # the same log breaks a capacity of one


def test_accepted_callback_releases_the_trunk_line():
    """Callers who always take a callback free their line, so lines > agents never block."""
    data = single_queue(agents=3, rate_per_s=0.02, aht_s=300, patience_s=None, days=0.5)
    data["channels"] = {"voice": {"lines": 4}}
    without = simulate(compiled(data), 3).status_counts()
    assert without["blocked"] > 0  # 6 erlangs on 3 agents and 4 lines: blocking is heavy
    data["demand"][0]["callback"] = {"offer_when_expected_wait_s": 0, "accept_probability": 1.0}
    with_cb = simulate(compiled(data), 3)
    assert with_cb.status_counts()["blocked"] == 0  # only calls in service hold lines
    assert with_cb.callback.sum() > 0


def test_callback_wait_adds_no_voice_minutes():
    """Voice minutes of a callback exclude its queue time, which the caller spent off the line."""
    data = single_queue(agents=3, rate_per_s=0.02, aht_s=300, patience_s=None, days=0.5)
    data["demand"][0]["callback"] = {"offer_when_expected_wait_s": 0, "accept_probability": 1.0}
    model = compiled(data)
    log = simulate(model, 3)
    frame = contact_frame(log, model)
    keep = (log.arrival_s >= model.warmup_s) & (log.arrival_s < model.measure_end_s)
    done = (log.callback & (log.status == COMPLETED))[keep]
    talk_s = log.end_s[keep][done] - log.answer_s[keep][done]
    assert done.sum() > 0
    assert np.allclose(frame["voice_minutes"].to_numpy()[done], talk_s / 60)


def _overflow_center(secondary_first: bool) -> dict:
    """An overloaded home site overflowing to a site with a secondary and a primary group."""
    data = single_queue(agents=1, rate_per_s=0.01, aht_s=300, patience_s=None, days=0.5)
    data["demand"][0]["home_sites"] = ["home"]
    data["sites"][0]["name"] = "home"
    skill = {"language": "en", "channel": "voice"}
    groups = [
        {"name": "sec", "skills": [dict(skill, level="secondary")],
         "shifts": [{"start": "00:00", "end": "24:00", "headcount": 2}]},
        {"name": "pri", "skills": [skill],
         "shifts": [{"start": "00:00", "end": "24:00", "headcount": 10}]},
    ]  # fmt: skip
    if not secondary_first:
        groups.reverse()
    data["sites"].append({"name": "away", "timezone": "UTC", "location": "onshore",
                          "groups": groups})  # fmt: skip
    data["routing"] = {"overflow": [{"from_site": "home", "to_site": "away", "after_s": 10}]}
    return data


def test_overflow_tries_primary_skills_first():
    """Overflowed contacts go to idle primary-skill agents before secondary ones, in any order."""
    for secondary_first in (True, False):
        model = compiled(_overflow_center(secondary_first))
        log = simulate(model, 4)
        groups = log.agent_group[log.agent[log.agent >= 0]]
        sec = model.group_names.index("away/sec")
        pri = model.group_names.index("away/pri")
        assert np.sum(groups == pri) > 100  # plenty overflowed
        assert np.sum(groups == sec) == 0  # ten primary agents at 2 erlangs are never all busy
