"""Channel behaviour: email backlog worked in business hours, chat concurrency limit, SLA share."""

from __future__ import annotations

import numpy as np
from helpers import compiled, single_queue

from sim.engine import simulate
from sim.kpis import compute_kpis


def _email_center(sla_hours: float) -> dict:
    data = single_queue(channel="email", patience_s=None, rate_per_s=20 / 3600, aht_s=300,
                        agents=6, days=3)  # fmt: skip
    data["sites"][0]["groups"][0]["shifts"] = [{"start": "09:00", "end": "17:00", "headcount": 6}]
    data["channels"] = {"email": {"sla_hours": sla_hours}}
    return data


def test_email_worked_only_in_business_hours():
    """Emails arrive around the clock but are answered only while agents are on shift."""
    model = compiled(_email_center(24))
    log = simulate(model, 2)
    answered = log.answer_s[np.isfinite(log.answer_s)]
    hour = (answered % 86_400) / 3600
    assert np.all((hour >= 9) & (hour < 17))
    assert log.status_counts()["abandoned"] == 0


def test_email_backlog_builds_overnight():
    """Overnight the backlog grows by exactly the emails that arrive: nobody works them."""
    model = compiled(_email_center(24))
    log = simulate(model, 2)
    backlog = compute_kpis(log, model).intervals.loc[("queue", "q"), "queue_len_end"]
    evening, morning = 18 * 3600, 86_400 + 8.5 * 3600  # agents log in at 09:00
    at = lambda t: backlog.loc[int(t // model.interval_s) - 1]  # noqa: E731
    grown = at(morning) - at(evening)
    arrived = np.sum((log.arrival_s > evening) & (log.arrival_s <= morning))
    assert grown == arrived > 200


def test_email_sla_share():
    """All emails meet a 24 h SLA with enough capacity; fewer meet a 2 h SLA."""
    long_sla = compute_kpis(simulate(compiled(_email_center(24)), 4), compiled(_email_center(24)))
    short_model = compiled(_email_center(2))
    short_sla = compute_kpis(simulate(short_model, 4), short_model)
    row_long = long_sla.summary.loc[("channel", "email")]
    row_short = short_sla.summary.loc[("channel", "email")]
    assert row_long["service_level"] == 1.0
    assert row_short["service_level"] < 0.6


def test_chat_agents_never_exceed_max_concurrency():
    """No agent ever holds more chats than the concurrency limit."""
    data = single_queue(channel="chat", rate_per_s=0.2, aht_s=600, agents=20, patience_s=120)
    data["channels"] = {"chat": {"max_concurrency": 3, "aht_factor_by_concurrency": [1, 1.3, 1.6]}}
    model = compiled(data)
    log = simulate(model, 8)
    served = np.isfinite(log.answer_s)
    start, end = log.answer_s[served], np.minimum(log.end_s[served], log.end_time_s)
    agent = log.agent[served]
    for a in np.unique(agent):
        mine = agent == a
        times = np.concatenate([start[mine], end[mine]])
        delta = np.concatenate([np.ones(mine.sum()), -np.ones(mine.sum())])
        order = np.lexsort((delta, times))  # ends before starts at equal times
        assert np.cumsum(delta[order]).max() <= 3
    assert compute_kpis(log, model).summary.loc[("overall", "all"), "chat_concurrency"] > 1.5


def test_priority_voice_over_email():
    """An agent freeing up takes waiting voice (priority 1) before older email (priority 3)."""
    data = single_queue(rate_per_s=0.004, agents=3, patience_s=None, days=2)  # load 2.4 on 3
    email = dict(data["demand"][0], name="mail", channel="email", priority=3)
    data["demand"][0]["priority"] = 1
    data["demand"].append(email)
    data["sites"][0]["groups"][0]["skills"].append({"language": "en", "channel": "email"})
    model = compiled(data)
    log = simulate(model, 9)
    voice = (log.type_idx == 0) & np.isfinite(log.answer_s)
    mail = (log.type_idx == 1) & np.isfinite(log.answer_s)
    voice_wait = np.mean(log.answer_s[voice] - log.arrival_s[voice])
    mail_wait = np.mean(log.answer_s[mail] - log.arrival_s[mail])
    assert mail_wait > 3 * voice_wait
