"""Invariants of every run: conservation, causality, FCFS, determinism, common random numbers."""

from __future__ import annotations

import numpy as np
from helpers import compiled, single_queue
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.engine import generate_demand, simulate
from sim.engine.invariants import check_capacity
from sim.engine.log import ABANDONED, COMPLETED, IN_SERVICE, WAITING
from sim.engine.routing import POLICIES
from sim.model import CHAT


@st.composite
def small_centers(draw):
    """Random small centers: shifts mid-run, breaks, callbacks, lines, overflow, drain, policies,
    after-call work, bots, repeats, redials, per-skill factors and shared busy days."""
    channels = draw(st.lists(st.sampled_from(["voice", "chat", "email"]), min_size=1, max_size=3))
    demand, skills = [], []
    for i, channel in enumerate(channels):
        patience = (
            None
            if channel == "email" or draw(st.booleans())
            else {"dist": "exponential", "mean_s": draw(st.floats(5, 600))}
        )
        demand.append(
            {
                "name": f"q{i}",
                "channel": channel,
                "language": "en",
                "timezone": "UTC",
                "volume_per_day": draw(st.floats(50, 3000)),
                "handle_time": {
                    "dist": draw(st.sampled_from(["exponential", "deterministic"])),
                    "mean_s": draw(st.floats(30, 900)),
                },
                "patience": patience,
                "priority": draw(st.integers(1, 3)),
            }
        )
        if channel == "voice" and draw(st.booleans()):
            demand[-1]["callback"] = {
                "offer_when_expected_wait_s": draw(st.floats(0, 120)),
                "accept_probability": draw(st.floats(0, 1)),
                "no_answer_probability": draw(st.floats(0, 0.5)),
            }
        demand[-1] |= _journeys(draw, channel, i, len(channels))
        skills.append({"language": "en", "channel": channel})
    groups = []
    for g in range(draw(st.integers(1, 3))):
        chosen = draw(st.lists(st.sampled_from(skills), min_size=1, max_size=3, unique_by=str))
        shifts = [
            {
                "start": f"{draw(st.integers(0, 23)):02d}:00",
                "end": f"{draw(st.integers(0, 23)):02d}:30",
                "headcount": draw(st.integers(0, 6)),
            }
            for _ in range(draw(st.integers(1, 2)))
        ]
        chosen = [dict(sk, level=draw(st.sampled_from(["primary", "secondary"])),
                       proficiency=draw(st.floats(0.5, 2)), acw_factor=draw(st.floats(0.5, 2)),
                       fcr=draw(st.floats(0, 1))) for sk in chosen]  # fmt: skip
        off_phone = [{"after_start_h": draw(st.floats(0, 6)),
                      "duration_min": draw(st.floats(5, 60)), "stagger_min": draw(st.floats(0, 60))}
                     for _ in range(draw(st.integers(0, 2)))]  # fmt: skip
        groups.append({"name": f"g{g}", "skills": chosen, "shifts": shifts,
                       "workforce": {"off_phone": off_phone}})  # fmt: skip
    groups[0]["skills"] = skills  # every contact type has a skilled group
    n_home = draw(st.integers(1, len(groups)))  # the other groups sit at an overflow site
    sites = [{"name": "s", "timezone": "UTC", "location": "onshore", "groups": groups[:n_home]}]
    routing = {
        "policy": draw(st.sampled_from(POLICIES)),
        "reserve_agents": draw(st.integers(0, 3)),
        "aging_weights": {d["name"]: draw(st.floats(0.5, 4)) for d in demand},
        "by_type": {d["name"]: draw(st.sampled_from(POLICIES[:3] + POLICIES[4:]))
                    for d in demand if draw(st.booleans())},
    }  # fmt: skip
    if n_home < len(groups):
        sites.append({"name": "far", "timezone": "UTC", "location": "offshore",
                      "groups": groups[n_home:]})  # fmt: skip
        for d in demand:
            d["home_sites"] = ["s"]
        routing["overflow"] = [
            {"from_site": "s", "to_site": "far", "after_s": draw(st.floats(0, 300))}
        ]
    concurrency = draw(st.integers(1, 3))
    factors = sorted(draw(st.lists(st.floats(1, 2), min_size=concurrency, max_size=concurrency)))
    return {
        "horizon": {
            "start": "2026-01-05",
            "days": draw(st.sampled_from([0.25, 0.5, 1.0])),
            "drain": draw(st.booleans()),
        },
        "channels": {
            "chat": {"max_concurrency": concurrency, "aht_factor_by_concurrency": factors},
            "voice": {"lines": draw(st.one_of(st.none(), st.integers(1, 20)))},
        },
        "demand": demand,
        "sites": sites,
        "routing": routing,
        "busyness": {"cv": draw(st.sampled_from([0.0, 0.3]))},
    }


def _journeys(draw, channel: str, i: int, n_types: int) -> dict:
    """Optional journey parts of contact type i: ACW, a bot, repeats (maybe switching type),
    redials for voice, day-to-day overdispersion."""
    delay = {"dist": "exponential", "mean_s": draw(st.floats(60, 7200))}
    out: dict = {"day_factor_cv": draw(st.sampled_from([0.0, 0.2]))}
    if draw(st.booleans()):
        out["acw"] = {"dist": "exponential", "mean_s": draw(st.floats(5, 120))}
    if draw(st.booleans()):
        cut = sorted(draw(st.lists(st.floats(0, 1), min_size=3, max_size=3)))
        shares = [cut[0], cut[1] - cut[0], cut[2] - cut[1], 1 - cut[2]]
        out["bot"] = {
            "share": draw(st.floats(0, 1)),
            "time": {"dist": "exponential", "mean_s": draw(st.floats(10, 300))},
            "outcomes": dict(
                zip(("resolved", "escalated", "abandoned", "retry_later"), shares, strict=True)
            ),
            "escalation": {
                "handle_time_factor": draw(st.floats(1, 1.5)),
                "patience_factor": draw(st.floats(0.3, 1)),
            },  # fmt: skip
            "retry": {"delay": delay, "max_attempts": draw(st.integers(1, 3))},
            "concurrency_limit": draw(st.one_of(st.none(), st.integers(1, 5))),
        }
    if draw(st.booleans()):
        other = draw(st.integers(0, n_types - 1))
        switch = {f"q{other}": draw(st.floats(0, 1))} if other != i else {}
        out["repeat"] = {"delay": delay, "switch": switch, "max_attempts": draw(st.integers(1, 3))}
    if channel == "voice" and draw(st.booleans()):
        out["redial"] = {"probability": draw(st.floats(0, 1)), "delay": delay,
                         "max_attempts": draw(st.integers(1, 3))}  # fmt: skip
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=small_centers(), seed=st.integers(0, 2**32 - 1))
def test_conservation_and_causality(data, seed):
    """Every contact ends in one state, no agent exceeds its capacity, nobody is served twice."""
    model = compiled(data)
    log = simulate(model, seed)  # the engine itself raises on a conservation or capacity breach
    check_capacity(log, model.type_channel == CHAT, model.chat_max_concurrency)
    counts = log.status_counts()
    assert sum(counts.values()) == len(log)
    answered = np.isfinite(log.answer_s)
    assert np.all(log.answer_s[answered] >= log.arrival_s[answered])
    done = log.status == COMPLETED
    assert np.all(log.end_s[done] >= log.answer_s[done])
    assert np.all(np.isfinite(log.answer_s[log.status == IN_SERVICE]))
    assert not np.any(answered[(log.status == WAITING) | (log.status == ABANDONED)])
    assert np.all(log.agent[answered] >= 0)
    # an agent's non-chat contacts never overlap in time
    voice_or_mail = answered & (model.type_channel[log.type_idx] != 1)
    for a in np.unique(log.agent[voice_or_mail]):
        mine = voice_or_mail & (log.agent == a)
        start, end = log.answer_s[mine], log.end_s[mine]
        order = np.argsort(start)
        assert np.all(start[order][1:] >= end[order][:-1])


@settings(max_examples=25, deadline=None)
@given(data=small_centers(), seed=st.integers(0, 2**32 - 1))
@example(
    data={
        "horizon": {"start": "2026-01-05", "days": 1.0, "drain": False},
        "channels": {
            "chat": {"max_concurrency": 3, "aht_factor_by_concurrency": [1.0, 1.0, 1.0]},
            "voice": {"lines": None},
        },
        "demand": [
            {
                "name": "q0",
                "channel": "chat",
                "language": "en",
                "timezone": "UTC",
                "volume_per_day": 2902.101939562044,
                "handle_time": {"dist": "exponential", "mean_s": 30.0},
                "patience": None,
                "priority": 1,
                "day_factor_cv": 0.0,
                "acw": {"dist": "exponential", "mean_s": 5.0},
                "bot": {
                    "share": 0.0,
                    "time": {"dist": "exponential", "mean_s": 10.0},
                    "outcomes": {
                        "resolved": 0.0,
                        "escalated": 0.0,
                        "abandoned": 0.0,
                        "retry_later": 1.0,
                    },
                    "escalation": {"handle_time_factor": 1.0, "patience_factor": 0.3},
                    "retry": {"delay": {"dist": "exponential", "mean_s": 60.0}},
                    "concurrency_limit": None,
                },
                "home_sites": ["s"],
            }
        ],
        "sites": [
            {
                "name": "s",
                "timezone": "UTC",
                "location": "onshore",
                "groups": [
                    {
                        "name": "g0",
                        "skills": [{"language": "en", "channel": "chat"}],
                        "shifts": [{"start": "00:00", "end": "00:30", "headcount": 0}],
                        "workforce": {
                            "off_phone": [
                                {"after_start_h": 0.0, "duration_min": 5.0, "stagger_min": 0.0},
                                {"after_start_h": 0.0, "duration_min": 5.0, "stagger_min": 0.0},
                            ]
                        },
                    }
                ],
            },
            {
                "name": "far",
                "timezone": "UTC",
                "location": "offshore",
                "groups": [
                    {
                        "name": "g1",
                        "skills": [
                            {
                                "language": "en",
                                "channel": "chat",
                                "level": "primary",
                                "proficiency": 0.5,
                                "acw_factor": 0.5,
                                "fcr": 0.0,
                            }
                        ],
                        "shifts": [{"start": "00:00", "end": "00:30", "headcount": 0}],
                        "workforce": {"off_phone": []},
                    },
                    {
                        "name": "g2",
                        "skills": [
                            {
                                "language": "en",
                                "channel": "chat",
                                "level": "secondary",
                                "proficiency": 1.1404312568571444,
                                "acw_factor": 1.6130037029115036,
                                "fcr": 0.0,
                            }
                        ],
                        "shifts": [
                            {"start": "13:00", "end": "00:30", "headcount": 1},
                            {"start": "13:00", "end": "00:30", "headcount": 3},
                        ],
                        "workforce": {
                            "off_phone": [
                                {
                                    "after_start_h": 2.518726328428726,
                                    "duration_min": 5.0,
                                    "stagger_min": 8.61600276240734,
                                },
                                {"after_start_h": 0.0, "duration_min": 5.0, "stagger_min": 0.0},
                            ]
                        },
                    },
                ],
            },
        ],
        "routing": {
            "policy": "reservation",
            "reserve_agents": 3,
            "aging_weights": {"q0": 3.4761643955219794},
            "by_type": {},
            "overflow": [{"from_site": "s", "to_site": "far", "after_s": 0.0}],
        },
        "busyness": {"cv": 0.0},
    },
    seed=0,
).via("discovered failure")
def test_fcfs_within_each_queue(data, seed):
    """Within one queue, contacts are answered in the order they entered the queue (after any
    bot session, so not always in the order they arrived)."""
    model = compiled(data)
    log = simulate(model, seed)
    for c in range(model.n_types):
        mine = np.flatnonzero((log.type_idx == c) & np.isfinite(log.answer_s))
        by_entry = mine[np.argsort(log.queued_s[mine], kind="stable")]
        assert np.all(np.diff(log.answer_s[by_entry]) >= 0)


def test_same_seed_identical_results():
    """The same model and seed give bit-identical logs; another seed does not."""
    model = compiled(single_queue(days=0.5))
    a, b = simulate(model, 11), simulate(model, 11)
    for field in ("arrival_s", "answer_s", "end_s", "agent", "status"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    c = simulate(model, 12)
    assert not np.array_equal(a.arrival_s, c.arrival_s)


def test_common_random_numbers_across_staffing():
    """Changing staffing leaves every contact's arrival, handle time and patience unchanged."""
    low, high = compiled(single_queue(agents=90)), compiled(single_queue(agents=110))
    d1, d2 = generate_demand(low, 5, 0), generate_demand(high, 5, 0)
    assert np.array_equal(d1.arrival_s, d2.arrival_s)
    assert np.array_equal(d1.base_handle_s, d2.base_handle_s)
    assert np.array_equal(d1.patience_s, d2.patience_s)


def test_adding_a_queue_keeps_other_streams():
    """A new contact type does not shift the random numbers of existing ones."""
    one = single_queue()
    two = single_queue()
    extra = dict(two["demand"][0], name="another", volume_per_day=500)
    two["demand"].append(extra)
    d1, d2 = generate_demand(compiled(one), 5, 0), generate_demand(compiled(two), 5, 0)
    assert np.array_equal(d1.arrival_s, d2.arrival_s[d2.type_idx == 0])
    assert np.array_equal(d1.base_handle_s, d2.base_handle_s[d2.type_idx == 0])


def test_agent_finishes_call_after_shift_end():
    """An agent on a call at shift end finishes it, then logs off and takes no more."""
    data = single_queue(agents=1, rate_per_s=0.05, patience_s=None, days=0.5)
    data["demand"][0]["handle_time"] = {"dist": "deterministic", "mean_s": 1000}
    data["sites"][0]["groups"][0]["shifts"] = [{"start": "00:00", "end": "06:00", "headcount": 1}]
    model = compiled(data)
    log = simulate(model, 3)
    answered = np.isfinite(log.answer_s)
    assert log.answer_s[answered].max() < 6 * 3600  # nothing new after shift end
    assert log.end_s[answered].max() > 6 * 3600  # the last call ran over
    assert log.session_end_s.max() == log.end_s[answered].max()  # logged off when it ended


def test_trunk_lines_block_callers():
    """With K lines, callers finding K voice calls in the system get a busy signal."""
    data = single_queue(agents=2, rate_per_s=0.05, patience_s=None, days=0.5)
    data["channels"] = {"voice": {"lines": 2}}
    log = simulate(compiled(data), 1)
    counts = log.status_counts()
    assert counts["blocked"] > 0
    assert counts["waiting"] == 0  # two lines, two agents: nobody can queue
