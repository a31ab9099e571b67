"""The compiled journey and routing tables say what the scenario says, in the engine's terms."""

from __future__ import annotations

import math

import numpy as np
from helpers import compiled, single_queue


def _two_types() -> dict:
    data = single_queue(rate_per_s=0.05, agents=5)
    q = data["demand"][0]
    other = dict(q, name="chat_q", channel="chat")
    data["demand"].append(other)
    data["sites"][0]["groups"][0]["skills"].append({"language": "en", "channel": "chat"})
    q["bot"] = {
        "share": 0.4,
        "time": {"dist": "exponential", "mean_s": 60},
        "outcomes": {"resolved": 0.3, "escalated": 0.2, "abandoned": 0.1, "retry_later": 0.4},
        "escalation": {"handle_time_factor": 1.3, "patience_factor": 0.5},
        "retry": {"delay": {"dist": "exponential", "mean_s": 600}, "as_type": "chat_q"},
        "concurrency_limit": 7,
    }
    q["repeat"] = {"delay": {"dist": "exponential", "mean_s": 3600}, "switch": {"chat_q": 0.25}}
    q["redial"] = {"probability": 0.4, "delay": {"dist": "exponential", "mean_s": 300}}
    q["callback"] = {"offer_when_expected_wait_s": 90, "accept_probability": 0.6}
    data["sites"][0]["groups"][0]["workforce"] = {
        "learning_curve": {"initial_aht_factor": 1.5, "initial_fcr_factor": 0.8,
                           "weeks_to_proficiency": 4}
    }  # fmt: skip
    data["routing"] = {"policy": "priority_aging", "aging_weights": {"chat_q": 2.0},
                       "by_type": {"q": "group_order"}}  # fmt: skip
    return data


def test_journey_tables_follow_the_scenario():
    """Bot outcome thresholds are cumulative in the order compared (escalated, resolved,
    abandoned); other types get neutral entries (no bot, no repeats, no redials)."""
    jt = compiled(_two_types()).journeys
    assert jt.has_bot == [True, False]
    assert jt.bot_share == [0.4, 0.0]
    assert jt.bot_limit == [7.0, math.inf]
    thresholds = (jt.bot_escalated[0], jt.bot_resolved[0], jt.bot_abandoned[0])
    assert thresholds == (0.2, 0.2 + 0.3, 0.2 + 0.3 + 0.1)
    assert (jt.escalation_handle_factor[0], jt.escalation_patience_factor[0]) == (1.3, 0.5)
    assert jt.bot_retry_type == [1, 1]
    assert jt.has_callback == [True, False] and jt.callback_offer_s[0] == 90
    assert jt.callback_accept[0] == 0.6 and jt.callback_no_answer[0] == 0.0
    assert jt.repeat_max == [3, 0] and jt.repeat_switch == [((1, 0.25),), ()]
    assert jt.redial_max == [5, 0] and jt.redial_probability == [0.4, 0.0]
    assert jt.bot_time[1] is None and jt.repeat_delay[1] is None and jt.redial_delay[1] is None
    assert jt.learning == [(1.5, 0.8, 4 * 7 * 86_400.0)]


def test_samplers_draw_the_scenario_distributions():
    """A compiled sampler draws what the scenario's distribution draws from the same stream."""
    data = _two_types()
    model = compiled(data)
    a = model.journeys.bot_retry_delay[0](np.random.default_rng(1), 5)
    b = np.random.default_rng(1).exponential(600.0, 5)
    assert np.array_equal(a, b)


def test_routing_rules_resolve_per_type():
    """`by_type` overrides the center policy per type; aging weights default to 1."""
    rules = compiled(_two_types()).routing
    assert rules.policy == "priority_aging"
    assert rules.policy_of_type == ["group_order", "priority_aging"]
    assert rules.aging_weights == [1.0, 2.0]
    assert rules.reserve_agents == 1
