"""Staffing formulas against brute force, reference cases and their limiting models."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analytic import erlang_a_min_agents, erlang_c_metrics, erlang_c_min_agents
from sim.analytic.backlog import backlog_agents
from sim.analytic.chat_staffing import (
    chat_ctmc_min_agents,
    chat_equivalent_min_agents,
    chat_service_level,
)
from sim.analytic.erlang_c_staffing import erlang_c_staffing
from sim.analytic.erlang_x import erlang_x_metrics, erlang_x_min_agents, forecast_factor


def _brute_force(lam: float, mu: float, t: float, target: float) -> int:
    """Smallest n by scanning up from the stability bound with the closed-form Erlang C SL."""
    if lam == 0:
        return 0
    n = int(np.floor(lam / mu)) + 1
    while float(erlang_c_metrics(lam, mu, n, t)["service_level"]) < target:
        n += 1
    return n


def test_erlang_c_staffing_matches_brute_force_on_random_inputs():
    """The vectorised recursion gives the brute-force minimum for random loads and targets."""
    rng = np.random.default_rng(11)
    lam = rng.exponential(0.1, 300) * (rng.random(300) > 0.1)
    mu = 1 / rng.uniform(60, 900, 300)
    t = rng.uniform(0, 60, 300)
    target = rng.uniform(0.05, 0.99, 300)
    got = erlang_c_staffing(lam, mu, t, target)
    expected = [_brute_force(*args) for args in zip(lam, mu, t, target, strict=True)]
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got, erlang_c_min_agents(lam, mu, t, target))


def test_erlang_c_staffing_reference_cases(cases_path):
    """Every 'erlang_c staffing' reference case is met exactly (agents, and SL at n and n-1)."""
    cases = [
        c for c in json.loads(cases_path.read_text())["cases"]
        if c["model"].startswith("erlang_c staffing")
    ]  # fmt: skip
    assert cases
    for case in cases:
        i, e = case["inputs"], case["expected"]
        n = int(erlang_c_staffing(i["arrival_rate"], i["service_rate"], i["awt"], i["sl_target"]))
        assert n == e["agents"], case["id"]
        sl = erlang_c_metrics(i["arrival_rate"], i["service_rate"], [n, n - 1], i["awt"])
        np.testing.assert_allclose(sl["service_level"], [e["sl_at_n"], e["sl_at_n_minus_1"]],
                                   rtol=case["tolerance"]["rel"])  # fmt: skip


def test_zero_volume_gives_zero_agents_everywhere():
    """Zero arrivals need zero agents in every formula, without warnings or errors."""
    zeros = np.zeros(5)
    with np.errstate(all="raise"):
        assert not np.any(erlang_c_staffing(zeros, 1 / 300, 20, 0.8))
    assert not np.any(erlang_x_min_agents(zeros, 1 / 300, 1 / 200, 20, sl_target=0.8,
                                          redial_probability=0.3, forecast_cv=0.2))  # fmt: skip
    assert not np.any(chat_equivalent_min_agents(zeros, [400, 500], 60, 0.8))
    assert chat_ctmc_min_agents(0.0, [400, 500], 60, 0.8) == 0
    assert not np.any(backlog_agents(zeros, np.ones(5), 1800, 3600).agents)


def test_staffing_exact_beyond_ten_thousand_agents():
    """At 12,000 Erlangs the answer is exact: SL at n meets the target and at n - 1 does not."""
    lam, mu = np.array([40.0, 100.0]), 1 / 300
    n = erlang_c_staffing(lam, mu, 20, 0.8)
    assert n[-1] > 10_000
    np.testing.assert_array_equal(n, erlang_c_min_agents(lam, mu, 20, 0.8))
    sl = erlang_c_metrics(lam, mu, n, 20)["service_level"]
    sl_less = erlang_c_metrics(lam, mu, n - 1, 20)["service_level"]
    assert np.all(sl >= 0.8) and np.all(sl_less < 0.8)


def test_erlang_c_staffing_occupancy_cap():
    """A maximum occupancy adds agents exactly as the exhaustive search does."""
    lam = np.linspace(0, 2, 41) + 0.0013  # off the exact a = 0.8 n ties (float rounding)
    got = erlang_c_staffing(lam, 1 / 300, 20, 0.5, max_occupancy=0.8)
    np.testing.assert_array_equal(got, erlang_c_min_agents(lam, 1 / 300, 20, 0.5, 0.8))


def test_erlang_x_without_redials_or_uncertainty_is_erlang_a():
    """Erlang X with r = 0 and cv = 0 staffs like Erlang A (and like Erlang C at theta = 0)."""
    lam = np.linspace(0, 1.5, 16)
    got = erlang_x_min_agents(lam, 1 / 300, 1 / 180, 20, sl_target=0.8)
    np.testing.assert_array_equal(got, erlang_a_min_agents(lam, 1 / 300, 1 / 180, 20, 0.8))
    got = erlang_x_min_agents(lam, 1 / 300, 1 / 180, 20, abandon_target=0.03)
    np.testing.assert_array_equal(got, erlang_a_min_agents(lam, 1 / 300, 1 / 180, 20, None, 0.03))
    got_c = erlang_x_min_agents(lam, 1 / 300, 0.0, 20, sl_target=0.8)
    np.testing.assert_array_equal(got_c, erlang_c_staffing(lam, 1 / 300, 20, 0.8))


def test_erlang_x_redials_and_uncertainty_need_more_agents():
    """Redials and forecast uncertainty never lower the requirement; cv=0 leaves it unchanged."""
    lam = np.linspace(0.05, 1.5, 10)
    base = erlang_x_min_agents(lam, 1 / 300, 1 / 180, 20, sl_target=0.8)
    redial = erlang_x_min_agents(lam, 1 / 300, 1 / 180, 20, sl_target=0.8, redial_probability=0.5)
    uncertain = erlang_x_min_agents(lam, 1 / 300, 1 / 180, 20, sl_target=0.8, forecast_cv=0.1,
                                    probability=0.9)  # fmt: skip
    assert np.all(redial >= base) and np.all(uncertain >= base) and np.any(uncertain > base)
    assert float(forecast_factor(0.0, 0.9)) == 1.0
    m = erlang_x_metrics(1.0, 1 / 300, 1 / 180, 280, 20, 0.5)
    lam_eff = float(m["effective_arrival_rate"])
    assert lam_eff == pytest.approx(1.0 + 0.5 * lam_eff * float(m["p_abandon"]), rel=1e-9)


def test_chat_equivalent_servers_against_ctmc():
    """Equivalent servers: exact with equal AHT, at most 1 agent above the CTMC with slowdown."""
    for lam in (0.01, 0.03, 0.06):
        same = [400.0, 400.0, 400.0]
        assert int(chat_equivalent_min_agents(lam, same, 60, 0.8)) == chat_ctmc_min_agents(
            lam, same, 60, 0.8
        )
        slow = [400.0, 500.0, 640.0]
        approx = int(chat_equivalent_min_agents(lam, slow, 60, 0.8))
        exact = chat_ctmc_min_agents(lam, slow, 60, 0.8)
        assert exact <= approx <= exact + 1
        assert chat_service_level(lam, slow, exact, 60) >= 0.8


def test_backlog_plan_meets_deadlines_and_conserves_work():
    """Work is done inside its SLA window and open hours; a fully closed window is late."""
    n = 96
    work = np.zeros(n)
    work[10] = 36_000.0
    open_ = np.ones(n)
    open_[14:40] = 0.0
    plan = backlog_agents(work, open_, 1800, 4 * 3600)
    assert plan.agents.sum() * 1800 == pytest.approx(36_000.0)
    assert np.all(plan.agents[open_ == 0] == 0)
    assert np.flatnonzero(plan.agents).max() <= 10 + 8 and plan.late_work_s == 0
    work = np.zeros(n)
    work[20] = 3600.0
    late = backlog_agents(work, open_, 1800, 4 * 3600)
    assert late.late_work_s == 3600.0 and late.agents[40] == pytest.approx(2.0)


def test_asa_target_without_patience_is_erlang_c_asa_staffing():
    """An ASA target with no patience gives the exhaustive Erlang C ASA answer."""
    from sim.analytic import erlang_c_min_agents_asa

    lam = np.linspace(0, 1, 11)
    got = erlang_x_min_agents(lam, 1 / 300, 0.0, 20, asa_target=15)
    np.testing.assert_array_equal(got, erlang_c_min_agents_asa(lam, 1 / 300, 15))


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0.0, 5.0),
    extra=st.floats(0.0, 1.0),
    aht=st.floats(30.0, 1200.0),
    target=st.floats(0.05, 0.98),
)
def test_staffing_is_monotone_and_sufficient(lam, extra, aht, target):
    """More traffic never needs fewer agents, and the answer always meets the target."""
    n = int(erlang_c_staffing(lam, 1 / aht, 20, target))
    assert int(erlang_c_staffing(lam + extra, 1 / aht, 20, target)) >= n
    if lam > 0:
        assert float(erlang_c_metrics(lam, 1 / aht, n, 20)["service_level"]) >= target
