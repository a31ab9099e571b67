"""Workforce realism and costs: shrinkage, absenteeism, learning curve, routing, cost identity."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_within, compiled, replicate, single_queue

from sim.engine import build_roster, simulate
from sim.errors import ScenarioError
from sim.kpis import compute_kpis
from sim.scenario import scenario_from_dict


def _day_shift(**workforce) -> dict:
    data = single_queue(rate_per_s=0.02, agents=30, patience_s=300, days=5)
    data["sites"][0]["groups"][0]["shifts"] = [{"start": "08:00", "end": "16:00", "headcount": 30}]
    data["sites"][0]["groups"][0]["workforce"] = workforce
    return data


def test_off_phone_time_is_shrinkage():
    """A 1-hour block in an 8-hour shift removes exactly 1/8 of the agents' phone time."""
    model = compiled(
        _day_shift(
            off_phone=[{"name": "lunch", "after_start_h": 4, "duration_min": 60, "stagger_min": 90}]
        )
    )
    row = compute_kpis(simulate(model, 1), model).summary.loc[("overall", "all")]
    assert row["shrinkage"] == pytest.approx(1 / 8, abs=1e-9)


def test_absenteeism_shrinkage_within_ci():
    """Absenteeism a removes a share a of planned agent time (within the replications' CI)."""
    a = 0.12
    model = compiled(_day_shift(absenteeism=a))

    def measure(log):
        return {"shrinkage": compute_kpis(log, model).summary.loc[("overall", "all"), "shrinkage"]}

    assert_within(replicate(model, measure, reps=12), {"shrinkage": a})


def test_nobody_answers_during_a_break():
    """Agents take no new contact inside their scheduled break."""
    model = compiled(_day_shift(off_phone=[{"after_start_h": 2, "duration_min": 30}]))
    log = simulate(model, 2)
    hour = (log.answer_s[np.isfinite(log.answer_s)] % 86_400) / 3600
    assert not np.any((hour > 10.0) & (hour < 10.5))


def test_more_agents_on_a_shift_leave_the_others_absences_and_leaving_unchanged():
    """Common random numbers for staffing: with two shifts and one more agent on the first, every
    agent already there misses the same days and leaves at the same time (per-agent streams)."""

    def roster(extra: int):
        data = _day_shift(absenteeism=0.3, attrition_per_month=0.5, hiring_delay_days=1)
        data["sites"][0]["groups"][0]["shifts"] = [
            {"start": "08:00", "end": "16:00", "headcount": 6 + extra},
            {"start": "12:00", "end": "20:00", "headcount": 5},
        ]
        return build_roster(compiled(data), 9, 2)

    base, more = roster(0), roster(1)
    leavers = sum(hired > 0 for hired in base.hired_at)
    assert leavers > 0 and sum(len(w) for w in base.scheduled) < 11 * 5  # absences and leavers
    first = 6  # agents of the first shift in the base roster
    old = lambda r: [i for i, hired in enumerate(r.hired_at) if hired <= 0]  # noqa: E731
    a, b = old(base), old(more)
    assert len(b) == len(a) + 1
    kept = b[:first] + b[first + 1 :]  # the new agent is the 7th of the first shift's line
    assert [base.scheduled[i] for i in a] == [more.scheduled[i] for i in kept]


def test_learning_curve_slows_new_hires():
    """New hires (tenure 0) handle at the initial factor; tenured agents at 1."""
    curve = {"initial_aht_factor": 1.5, "initial_fcr_factor": 0.8, "weeks_to_proficiency": 520}
    new = compiled(_day_shift(tenure_weeks=0, learning_curve=curve))
    old = compiled(_day_shift(tenure_weeks=10_000, learning_curve=curve))

    def measure_for(model):
        def measure(log):
            done = log.status == 2
            return {"aht": float(np.mean(log.end_s[done] - log.answer_s[done]))}

        return measure

    assert_within(replicate(new, measure_for(new), reps=10), {"aht": 300 * 1.5}, k=4)
    assert_within(replicate(old, measure_for(old), reps=10), {"aht": 300.0}, k=4)


def test_attrition_replaces_leavers_with_new_hires():
    """Leavers are replaced after the hiring delay by agents hired then (tenure 0)."""
    model = compiled(_day_shift(attrition_per_month=0.9, hiring_delay_days=1))
    roster = build_roster(model, 1, 0)
    assert len(roster.agent_group) > model.n_agents
    new = np.asarray(roster.hired_at) >= 0
    assert new.any()
    for a in np.flatnonzero(new):
        assert all(s >= roster.hired_at[a] for s, _ in roster.available[a])


def test_costs_add_up():
    """Total cost = labour + telephony + bot + SLA penalties; labour = wage x worked hours."""
    data = _day_shift()
    data["sites"][0]["groups"][0]["wage_per_hour"] = 12.0
    data["costs"] = {
        "telephony_per_minute": 0.02,
        "penalties": [{"channel": "voice", "period": "interval", "target": 0.99, "amount": 100}],
    }
    data["demand"][0]["bot"] = {
        "share": 0.3,
        "time": {"dist": "deterministic", "mean_s": 30},
        "outcomes": {"resolved": 0.5, "escalated": 0.5},
        "cost_per_session": 0.1,
    }
    model = compiled(data)
    row = compute_kpis(simulate(model, 3), model).summary.loc[("overall", "all")]
    parts = row["labour_cost"] + row["telephony_cost"] + row["bot_cost"] + row["sla_penalty"]
    assert row["cost_total"] == pytest.approx(parts)
    assert row["labour_cost"] == pytest.approx(12.0 * row["scheduled_hours"])
    assert row["sla_penalty"] > 0 and row["telephony_cost"] > 0 and row["bot_cost"] > 0
    assert row["cost_per_contact"] == pytest.approx(
        row["cost_total"] / (row["handled"] + row["bot_resolved"])
    )


def test_vendor_price_per_handled_minute():
    """A site priced per handled minute costs rate x handled minutes, whatever the wages."""
    data = _day_shift()
    data["sites"][0]["pricing"] = {"model": "per_handled_minute", "rate": 0.5}
    model = compiled(data)
    log = simulate(model, 3)
    row = compute_kpis(log, model).summary.loc[("site", "site")]
    done = (log.status == 2) & (log.arrival_s >= 0)
    minutes = float(np.sum(log.end_s[done] - log.answer_s[done]) / 60)
    assert row["labour_cost"] == pytest.approx(0.5 * minutes)


def _two_sites(overflow_after: float | None) -> dict:
    data = single_queue(rate_per_s=0.05, agents=10, patience_s=None, days=0.5)
    data["demand"][0]["home_sites"] = ["site"]
    backup = {
        "name": "backup",
        "timezone": "UTC",
        "location": "offshore",
        "groups": [
            {
                "name": "g",
                "skills": [{"language": "en", "channel": "voice"}],
                "shifts": [{"start": "00:00", "end": "24:00", "headcount": 10}],
            }
        ],
    }
    data["sites"].append(backup)
    if overflow_after is not None:
        data["routing"] = {
            "overflow": [{"from_site": "site", "to_site": "backup", "after_s": overflow_after}]
        }
    return data


def test_overflow_waits_its_threshold():
    """Contacts reach the overflow site only after waiting the overflow threshold."""
    model = compiled(_two_sites(45.0))
    log = simulate(model, 4)
    at_backup = np.isfinite(log.answer_s) & (log.agent >= 10)
    waits = log.answer_s[at_backup] - log.queued_s[at_backup]
    assert at_backup.sum() > 100
    assert waits.min() >= 45.0 - 1e-9


def test_without_overflow_rule_other_site_never_serves():
    model = compiled(_two_sites(None))
    log = simulate(model, 4)
    assert not np.any(log.agent[np.isfinite(log.answer_s)] >= 10)


def test_secondary_skill_used_only_when_primary_busy():
    """A contact goes to a secondary-skill agent only if no primary agent is idle."""
    data = single_queue(rate_per_s=0.01, agents=5, patience_s=None, days=0.5)
    data["sites"][0]["groups"].append(
        {
            "name": "backup",
            "skills": [{"language": "en", "channel": "voice", "level": "secondary"}],
            "shifts": [{"start": "00:00", "end": "24:00", "headcount": 5}],
        }
    )
    model = compiled(data)
    log = simulate(model, 5)
    served = np.isfinite(log.answer_s)
    by_backup = served & (log.agent >= 5)
    assert by_backup.sum() < 0.1 * served.sum()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["sites"][0]["groups"][0]["skills"][0].update(fcr=1.2), "fcr"),
        (
            lambda d: d["demand"][0].update(
                bot={
                    "share": 0.5,
                    "time": {"dist": "exponential", "mean_s": 60},
                    "outcomes": {"resolved": 0.5, "escalated": 0.4},
                }
            ),
            "must be 1",
        ),
        (
            lambda d: d.update(
                routing={"overflow": [{"from_site": "site", "to_site": "mars", "after_s": 10}]}
            ),
            "unknown site 'mars'",
        ),
        (
            lambda d: d.update(
                routing={
                    "overflow": [
                        {"from_site": "site", "to_site": "backup", "after_s": 10},
                        {"from_site": "backup", "to_site": "site", "after_s": 10},
                    ]
                }
            ),
            "cyclic overflow",
        ),
        (
            lambda d: d["demand"][0].update(
                redial={"probability": -0.1, "delay": {"dist": "exponential", "mean_s": 60}}
            ),
            r"demand\[0\]\.redial\.probability",
        ),
    ],
)
def test_bad_journey_values(change, message):
    """Probabilities out of range, shares not adding to 1, bad overflow rules: clear errors."""
    data = _two_sites(None)
    change(data)
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(data)


def test_more_agents_on_a_shift_keep_the_absences_of_a_shift_with_the_same_first_day():
    """Two shifts at the same hours on other weekdays (both work the first day) are two lines:
    one more agent on the first leaves every agent of the second missing the same days."""

    def roster(extra: int):
        data = _day_shift(absenteeism=0.3)
        data["sites"][0]["groups"][0]["shifts"] = [
            {"start": "08:00", "end": "16:00", "headcount": 6 + extra},
            {"start": "08:00", "end": "16:00", "days": ["mon", "wed", "fri"], "headcount": 5},
        ]
        return build_roster(compiled(data), 9, 2)

    base, more = roster(0), roster(1)
    assert base.scheduled[6:] == more.scheduled[7:]  # the second shift's five agents


def test_more_agents_on_a_shift_keep_the_absences_of_an_identical_shift():
    """Two identical shifts of one group are two lines: one more agent on the first leaves every
    agent of the second missing the same days (they would be renamed if the shifts shared one)."""

    def roster(extra: int):
        data = _day_shift(absenteeism=0.3)
        data["sites"][0]["groups"][0]["shifts"] = [
            {"start": "08:00", "end": "16:00", "headcount": 6 + extra},
            {"start": "08:00", "end": "16:00", "headcount": 5},
        ]
        return build_roster(compiled(data), 9, 2)

    base, more = roster(0), roster(1)
    assert sum(len(w) for w in base.scheduled) < 11 * 5  # some absences
    assert base.scheduled[:6] == more.scheduled[:6]  # the first shift's agents
    assert base.scheduled[6:] == more.scheduled[7:]  # the second shift's five agents
