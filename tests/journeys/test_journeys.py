"""Customer journeys against what they must give: 1/p contacts per issue, bot containment,
journey conservation, callbacks, redials."""

from __future__ import annotations

import numpy as np
from helpers import assert_within, compiled, replicate, single_queue

from sim.engine import simulate
from sim.engine.log import ISSUE_STATUS_NAMES, STATUS_NAMES
from sim.kpis import compute_kpis


def _with_repeats(p: float) -> dict:
    data = single_queue(rate_per_s=0.05, agents=40, patience_s=None, days=0.5, drain=True)
    data["sites"][0]["groups"][0]["skills"][0]["fcr"] = p
    data["demand"][0]["repeat"] = {
        "delay": {"dist": "exponential", "mean_s": 1800},
        "max_attempts": 1000,
    }
    return data


def test_contacts_per_issue_is_one_over_p():
    """With resolution chance p, no abandonment and unlimited attempts: contacts/issue = 1/p."""
    p = 0.7
    model = compiled(_with_repeats(p))

    def measure(log):
        row = compute_kpis(log, model).summary.loc[("overall", "all")]
        return {"contacts_per_issue": row["contacts_per_issue"], "fcr": row["fcr"]}

    est = replicate(model, measure, reps=10)
    assert_within(est, {"contacts_per_issue": 1 / p, "fcr": p})


def test_repeats_switch_channel():
    """A repeat switch share sends that share of repeats to the other contact type."""
    data = _with_repeats(0.5)
    chat = dict(
        data["demand"][0],
        name="chat_q",
        channel="chat",
        volume_per_day=0.0,
        repeat=None,
        patience=None,
    )
    data["demand"].append(chat)
    data["sites"][0]["groups"][0]["skills"].append({"language": "en", "channel": "chat"})
    data["demand"][0]["repeat"]["switch"] = {"chat_q": 0.4}
    model = compiled(data)
    log = simulate(model, 3)
    repeats = log.origin == 2
    share_chat = np.mean(log.type_idx[repeats] == 1)
    n = repeats.sum()
    assert abs(share_chat - 0.4) < 4 * np.sqrt(0.4 * 0.6 / n)


def _with_bot(containment: float, factor: float) -> dict:
    data = single_queue(rate_per_s=0.05, agents=40, patience_s=None, days=0.5)
    data["demand"][0]["bot"] = {
        "share": 1.0,
        "time": {"dist": "exponential", "mean_s": 60},
        "outcomes": {"resolved": containment, "escalated": 1 - containment},
        "escalation": {"handle_time_factor": factor},
        "cost_per_session": 0.5,
    }
    return data


def test_bot_containment_reduces_agent_work():
    """A bot with containment c leaves (1 - c) of offered contacts to agents."""
    c = 0.35
    model = compiled(_with_bot(c, 1.0))

    def measure(log):
        row = compute_kpis(log, model).summary.loc[("overall", "all")]
        return {
            "agent_share": row["answered"] / row["offered"],
            "containment": row["bot_containment"],
        }

    assert_within(replicate(model, measure, reps=10), {"agent_share": 1 - c, "containment": c})


def test_escalated_contacts_carry_handle_factor():
    """Escalated contacts take the escalation handle-time factor x the base mean."""
    model = compiled(_with_bot(0.2, 1.3))

    def measure(log):
        done = log.status == 2
        return {"aht": float(np.mean(log.end_s[done] - log.answer_s[done]))}

    assert_within(replicate(model, measure, reps=10), {"aht": 300 * 1.3})


def test_bot_time_and_cost():
    """Waits start after the bot; the bot cost is sessions x price."""
    model = compiled(_with_bot(0.5, 1.0))
    log = simulate(model, 4)
    row = compute_kpis(log, model).summary.loc[("overall", "all")]
    assert row["bot_cost"] == 0.5 * row["bot_sessions"]
    queued = np.isfinite(log.queued_s)
    assert np.all(log.queued_s[queued] - log.arrival_s[queued] >= log.in_bot_s[queued] - 1e-9)


def test_customers_sent_away_by_the_bot_give_up_after_max_attempts():
    """A bot that sends every customer away: each issue comes back until it has had
    `retry.max_attempts` contacts, then is abandoned, so a drain run ends (it looped forever)."""
    data = single_queue(rate_per_s=0.01, agents=2, patience_s=None, days=0.25, drain=True)
    data["demand"][0]["bot"] = {
        "share": 1.0,
        "time": {"dist": "exponential", "mean_s": 10},
        "outcomes": {"resolved": 0.0, "escalated": 0.0, "retry_later": 1.0},
        "retry": {"delay": {"dist": "exponential", "mean_s": 60}, "max_attempts": 4},
    }
    log = simulate(compiled(data), 3)
    issues = len(log.issue_status)
    assert issues > 0 and len(log) == 4 * issues
    assert np.all(log.issue_contacts == 4)
    assert log.issue_counts()["abandoned"] == issues
    assert log.status_counts()["bot_deferred"] == len(log)


def _journey_center() -> dict:
    """Everything at once: bot with every outcome, repeats, redials, callbacks, lines (few)."""
    data = single_queue(rate_per_s=0.08, agents=20, patience_s=120, days=1)
    data["channels"] = {"voice": {"lines": 25}}  # callers who took a callback hold none
    q = data["demand"][0]
    q["bot"] = {
        "share": 0.5,
        "time": {"dist": "exponential", "mean_s": 60},
        "outcomes": {"resolved": 0.3, "escalated": 0.5, "abandoned": 0.1, "retry_later": 0.1},
        "escalation": {"handle_time_factor": 1.2, "patience_factor": 0.5},
        "retry": {"delay": {"dist": "exponential", "mean_s": 3600}},
    }
    q["repeat"] = {"delay": {"dist": "exponential", "mean_s": 3600}, "max_attempts": 3}
    q["redial"] = {"probability": 0.5, "delay": {"dist": "exponential", "mean_s": 300}}
    q["callback"] = {
        "offer_when_expected_wait_s": 60,
        "accept_probability": 0.5,
        "no_answer_probability": 0.2,
    }
    data["sites"][0]["groups"][0]["skills"][0]["fcr"] = 0.75
    return data


def test_journey_conservation():
    """Every issue ends resolved, unresolved, abandoned or open; every contact is accounted for."""
    model = compiled(_journey_center())
    for seed in range(3):
        log = simulate(model, seed)
        statuses = log.status_counts()
        assert set(statuses) == set(STATUS_NAMES)
        assert sum(statuses.values()) == len(log)
        issues = log.issue_counts()
        assert set(issues) == set(ISSUE_STATUS_NAMES)
        assert sum(issues.values()) == len(log.issue_status)
        assert log.issue_contacts.sum() == len(log)
        # every kind of outcome really happens in this center
        for s in (
            "completed",
            "abandoned",
            "blocked",
            "bot_resolved",
            "bot_abandoned",
            "bot_deferred",
            "callback_failed",
        ):
            assert statuses[s] > 0, s
        assert all(issues[k] > 0 for k in ("resolved", "unresolved", "abandoned"))
        # an issue's contacts come one after another
        order = np.lexsort((log.attempt, log.issue))
        same = log.issue[order][1:] == log.issue[order][:-1]
        assert np.all(np.diff(log.arrival_s[order])[same] >= 0)
        assert np.all(np.diff(log.attempt[order])[same] == 1)


def test_callbacks_keep_their_place_and_do_not_abandon():
    """Callers who accepted a callback never abandon; completed callbacks are counted."""
    model = compiled(_journey_center())
    log = simulate(model, 5)
    took = log.callback
    assert took.sum() > 0
    assert not np.any(log.status[took] == STATUS_NAMES.index("abandoned"))
    row = compute_kpis(log, model).summary.loc[("overall", "all")]
    assert row["callbacks_offered"] >= row["callbacks_accepted"] > 0
    assert row["callbacks_completed"] > 0


def test_redials_follow_abandonment():
    """Redial contacts appear only after an abandoned, blocked or failed-callback attempt."""
    model = compiled(_journey_center())
    log = simulate(model, 6)
    order = np.lexsort((log.attempt, log.issue))
    status, origin = log.status[order], log.origin[order]
    follows = np.flatnonzero(origin[1:] == 1) + 1
    lost = {STATUS_NAMES.index(s) for s in ("abandoned", "blocked", "callback_failed")}
    assert len(follows) > 0
    assert all(status[i - 1] in lost for i in follows)
