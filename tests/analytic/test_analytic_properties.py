"""Invariants of the analytic formulas, checked on random inputs (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from sim.analytic import (
    chat_metrics,
    erlang_a_metrics,
    erlang_a_min_agents,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    erlang_c_min_agents,
    erlang_c_min_agents_asa,
    littles_law_mmn,
    mmnk_metrics,
    priority_mmc_metrics,
    retrial_mm1_metrics,
    retrial_mmc_metrics,
)

FAST = settings(max_examples=40, deadline=None)
loads = st.floats(min_value=0.01, max_value=400.0)
utilisation = st.floats(min_value=0.05, max_value=0.97)


def recursion_b(n: int, a: float) -> float:
    """Textbook Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), run in plain floats."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def brute_min_agents(ok) -> int:
    """Smallest n >= 0 with ok(n), by walking upward one agent at a time."""
    n = 0
    while not ok(n):
        n += 1
    return n


@FAST
@given(n=st.integers(1, 3000), a=loads)
def test_erlang_b_matches_recursion(n: int, a: float) -> None:
    """The log-space Erlang B equals the classical recursion to 1e-11."""
    assert float(erlang_b(n, a)) == pytest.approx(recursion_b(n, a), rel=1e-11, abs=1e-300)


@FAST
@given(n=st.integers(1, 2000), a=loads)
def test_erlang_b_and_c_decrease_with_agents(n: int, a: float) -> None:
    """Adding an agent never raises blocking or the probability of waiting."""
    b, c = erlang_b([n, n + 1], a), erlang_c([n, n + 1], a)
    assert b[1] <= b[0] and c[1] <= c[0]


@FAST
@given(n=st.integers(1, 2000), a=loads)
def test_erlang_c_at_least_erlang_b(n: int, a: float) -> None:
    """A delay system makes callers wait at least as often as a loss system blocks them."""
    assert float(erlang_c(n, a)) >= float(erlang_b(n, a)) * (1 - 1e-13)


@FAST
@given(n=st.integers(10_000, 60_000), rho=st.floats(0.5, 1.5), t=st.floats(0.0, 60.0))
def test_stable_for_ten_thousand_agents(n: int, rho: float, t: float) -> None:
    """Erlang B/C/A stay finite probabilities for 10,000+ agents."""
    a = rho * n
    m = erlang_c_metrics(a, 1.0, n, t)
    ma = erlang_a_metrics(a, 1.0, 0.5, n, t)
    for p in (erlang_b(n, a), m["p_wait"], m["service_level"], ma["p_wait"], ma["sl_virtual"]):
        assert np.isfinite(p) and 0.0 <= p <= 1.0
    assert np.isfinite(ma["p_abandon"]) and 0.0 <= ma["p_abandon"] <= 1.0


def test_zero_load_gives_zero() -> None:
    """No traffic: no blocking, no waiting, full service level and zero staff needed."""
    m = erlang_c_metrics(0.0, 1.0, [0, 5], 20.0)
    assert np.all(m["p_wait"] == 0) and np.all(m["asa"] == 0)
    assert np.all(m["service_level"] == 1) and np.all(m["mean_queue_len"] == 0)
    assert float(erlang_b(5, 0.0)) == 0.0 and float(erlang_c(0, 0.0)) == 0.0
    ma = erlang_a_metrics(0.0, 1.0, 0.5, [0, 3], 20.0)
    assert np.all(ma["p_wait"] == 0) and np.all(ma["p_abandon"] == 0)
    assert int(erlang_c_min_agents(0.0, 1.0, 20.0, 0.8)) == 0
    assert int(erlang_a_min_agents(0.0, 1.0, 0.5, 20.0, sl_target=0.8)) == 0
    for metrics in (m, ma):
        assert all(np.all(np.isfinite(v)) for v in metrics.values())


def test_scalars_in_scalars_out_and_broadcasting() -> None:
    """Scalar inputs give numpy scalars; arrays broadcast like ufuncs."""
    m = erlang_c_metrics(2.0, 1 / 300, 614, 20.0)
    assert np.ndim(m["service_level"]) == 0
    lam = np.linspace(0.0, 3.0, 336 * 24).reshape(336, 24)
    n = erlang_c_min_agents(lam, 1 / 300, 20.0, 0.8)
    assert n.shape == (336, 24)
    sl = erlang_c_metrics(lam, 1 / 300, n, 20.0)["service_level"]
    assert sl.shape == (336, 24) and np.all(sl >= 0.8)


@settings(max_examples=25, deadline=None)
@given(
    lam=st.lists(st.floats(0.0, 0.5), min_size=1, max_size=12),
    aht=st.floats(60.0, 600.0),
    awt=st.floats(0.0, 60.0),
    target=st.floats(0.05, 0.99),
)
def test_erlang_c_min_agents_equals_brute_force(lam, aht, awt, target) -> None:
    """The vectorised staffing search equals a one-agent-at-a-time scan, problem by problem."""
    found = erlang_c_min_agents(np.array(lam), 1 / aht, awt, target)
    for rate, n in zip(lam, np.atleast_1d(found), strict=True):
        if rate == 0:
            assert n == 0
            continue

        def ok(k: int, rate: float = rate) -> bool:
            return float(erlang_c_metrics(rate, 1 / aht, k, awt)["service_level"]) >= target

        assert n == brute_min_agents(ok)


@settings(max_examples=25, deadline=None)
@given(lam=st.lists(st.floats(0.01, 0.3), min_size=1, max_size=6), asa=st.floats(0.5, 60.0))
def test_erlang_c_min_agents_asa_equals_brute_force(lam, asa) -> None:
    """The ASA staffing search equals a linear scan."""
    found = erlang_c_min_agents_asa(np.array(lam), 1 / 240, asa)
    for rate, n in zip(lam, np.atleast_1d(found), strict=True):

        def ok(k: int, rate: float = rate) -> bool:
            return float(erlang_c_metrics(rate, 1 / 240, k, 0.0)["asa"]) <= asa

        assert n == brute_min_agents(ok)


@settings(max_examples=20, deadline=None)
@given(
    lam=st.lists(st.floats(0.01, 0.3), min_size=1, max_size=5),
    patience=st.floats(30.0, 900.0),
    target=st.floats(0.3, 0.95),
    ab_target=st.floats(0.01, 0.2),
)
def test_erlang_a_min_agents_equals_brute_force(lam, patience, target, ab_target) -> None:
    """Erlang A staffing for SL and abandonment targets equals a linear scan."""
    mu, theta = 1 / 240, 1 / patience
    found = erlang_a_min_agents(
        np.array(lam), mu, theta, 20.0, sl_target=target, abandon_target=ab_target
    )
    for rate, n in zip(lam, np.atleast_1d(found), strict=True):

        def ok(k: int, rate: float = rate) -> bool:
            m = erlang_a_metrics(rate, mu, theta, k, 20.0)
            return m["p_served_within_t"] >= target and m["p_abandon"] <= ab_target

        assert n == brute_min_agents(ok)


@FAST
@given(n=st.integers(1, 300), rho=utilisation, awt=st.floats(0.0, 5.0))
def test_erlang_a_tends_to_erlang_c(n: int, rho: float, awt: float) -> None:
    """With vanishing abandonment (theta -> 0) Erlang A becomes Erlang C."""
    lam = rho * n
    a = erlang_a_metrics(lam, 1.0, 1e-10, n, awt)
    c = erlang_c_metrics(lam, 1.0, n, awt)
    assert a["p_wait"] == pytest.approx(c["p_wait"], rel=1e-5)
    assert a["asa_served"] == pytest.approx(c["asa"], rel=1e-5, abs=1e-300)
    assert a["sl_virtual"] == pytest.approx(c["service_level"], rel=1e-5)
    assert a["p_abandon"] < 1e-6


def birth_death_erlang_a(lam: float, mu: float, theta: float, n: int) -> dict[str, float]:
    """P(W>0), P(Ab) and Lq from the truncated M/M/n+M chain, summed directly in floats."""
    rates = [mu * min(j, n) + theta * max(j - n, 0) for j in range(1, 4000)]
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(rates))])
    p = np.exp(logp - logp.max())
    p /= p.sum()
    q = np.maximum(np.arange(p.size) - n, 0)
    lq = float(p @ q)
    return {"p_wait": float(p[n:].sum()), "p_abandon": theta * lq / lam, "mean_queue_len": lq}


@FAST
@given(n=st.integers(1, 120), rho=st.floats(0.3, 1.6), ratio=st.floats(0.05, 5.0))
def test_erlang_a_matches_birth_death_chain(n: int, rho: float, ratio: float) -> None:
    """Closed forms and k-sums agree with the raw birth-death chain of M/M/n+M."""
    lam, mu = rho * n, 1.0
    exact = birth_death_erlang_a(lam, mu, ratio * mu, n)
    m = erlang_a_metrics(lam, mu, ratio * mu, n, 0.0)
    for key, value in exact.items():
        assert m[key] == pytest.approx(value, rel=1e-9, abs=1e-300), key


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 40), rho=st.floats(0.3, 1.5), ratio=st.floats(0.1, 3.0), t=st.floats(0, 3))
def test_erlang_a_service_levels_match_beta_mixture(n, rho, ratio, t) -> None:
    """SL terms equal the direct mixture over queue lengths of Beta(x, k+1) probabilities."""
    lam, mu, theta = rho * n, 1.0, ratio
    x, z = n * mu / theta, math.exp(-theta * t)
    rates = [mu * min(j, n) + theta * max(j - n, 0) for j in range(1, 3000)]
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(rates))])
    p = np.exp(logp - logp.max())
    p /= p.sum()
    k = np.arange(p.size - n)
    waiting = p[n:]
    v_late = special.betainc(x, k + 1.0, z)  # P(V > t | k) = P(U < z)
    served_late = x / (x + k + 1) * special.betainc(x + 1.0, k + 1.0, z)
    served = x / (x + k + 1)
    m = erlang_a_metrics(lam, mu, theta, n, t)
    assert m["sl_virtual"] == pytest.approx(1 - waiting @ v_late, rel=1e-9)
    within = p[:n].sum() + waiting @ (served - served_late)
    assert m["p_served_within_t"] == pytest.approx(within, rel=1e-9)


@FAST
@given(n=st.integers(1, 3000), rho=st.floats(0.2, 1.8), awt=st.floats(0.0, 2.0))
def test_erlang_a_with_theta_equal_mu_is_poisson(n: int, rho: float, awt: float) -> None:
    """If patience rate equals service rate, the number in system is Poisson(lam/mu)."""
    lam = rho * n
    m = erlang_a_metrics(lam, 1.0, 1.0, n, awt)
    pois = stats.poisson(lam)
    assert m["p_wait"] == pytest.approx(pois.sf(n - 1), rel=1e-9, abs=1e-300)
    k = np.arange(n, int(max(n, lam) + 40 * math.sqrt(lam) + 100))
    lq = float(((k - n) * pois.pmf(k)).sum())
    assert m["mean_queue_len"] == pytest.approx(lq, rel=1e-8, abs=1e-300)


@FAST
@given(n=st.integers(1, 500), rho=utilisation)
def test_littles_law(n: int, rho: float) -> None:
    """L = lam W and Lq = lam Wq for M/M/n."""
    lam, mu = rho * n * 0.25, 0.25
    r = littles_law_mmn(lam, mu, n)
    assert r["L"] == pytest.approx(lam * r["W"], rel=1e-12)
    assert r["Lq"] == pytest.approx(lam * r["Wq"], rel=1e-12, abs=1e-300)


@FAST
@given(n=st.integers(1, 200), rho=st.floats(0.05, 0.9))
def test_mmnk_with_many_lines_is_erlang_c(n: int, rho: float) -> None:
    """With effectively unlimited lines M/M/n/K is Erlang C."""
    lam = rho * n
    k = mmnk_metrics(lam, 1.0, n, n + 5000)
    c = erlang_c_metrics(lam, 1.0, n, 0.0)
    assert k["p_wait_arriving"] == pytest.approx(c["p_wait"], rel=1e-9, abs=1e-300)
    assert k["mean_queue_len"] == pytest.approx(c["mean_queue_len"], rel=1e-9, abs=1e-300)


@FAST
@given(
    rates=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=4),
    c=st.integers(1, 20),
    spare=st.floats(0.05, 2.0),
)
def test_priority_conserves_fcfs_work(rates: list[float], c: int, spare: float) -> None:
    """Non-preemptive priorities only reorder: the rate-weighted mean wait equals FCFS."""
    total = sum(rates)
    if total == 0:
        return
    mu = total / c + spare
    m = priority_mmc_metrics(rates, mu, c)
    fcfs = erlang_c_metrics(total, mu, c, 0.0)["asa"]
    mixed = sum(r * w for r, w in zip(rates, m["wq"], strict=True)) / total
    assert mixed == pytest.approx(fcfs, rel=1e-10)
    assert np.all(np.diff(m["sojourn_preemptive"]) >= -1e-12)


@settings(max_examples=15, deadline=None)
@given(rho=st.floats(0.05, 0.9), gamma=st.floats(0.1, 5.0))
def test_retrial_ctmc_with_one_agent_matches_closed_form(rho: float, gamma: float) -> None:
    """The M/M/c retrial CTMC with c = 1 reproduces the Falin-Templeton M/M/1 formula."""
    num = retrial_mmc_metrics(rho, 1.0, gamma, 1)
    closed = retrial_mm1_metrics(rho, 1.0, gamma)
    assert num["mean_orbit"] == pytest.approx(closed["mean_orbit"], rel=1e-9)
    assert num["p_all_busy_time_avg"] == pytest.approx(closed["p_busy"], rel=1e-9)
    assert num["mean_busy_agents"] == pytest.approx(rho, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), m=st.integers(1, 4), rho=st.floats(0.05, 0.95))
def test_chat_with_equal_aht_is_erlang_c(n: int, m: int, rho: float) -> None:
    """Concurrency without slowdown is Erlang C with n*m servers."""
    aht = 4.0
    lam = rho * n * m / aht
    chat = chat_metrics(lam, [aht] * m, n)
    c = erlang_c_metrics(lam, 1 / aht, n * m, 0.0)
    assert chat["p_wait"] == pytest.approx(c["p_wait"], rel=1e-9)
    assert chat["asa"] == pytest.approx(c["asa"], rel=1e-9)
    assert chat["mean_chats_in_service"] == pytest.approx(lam * aht, rel=1e-9)


def test_chat_slowdown_raises_waiting() -> None:
    """Chats that slow down at higher concurrency make customers wait more than Erlang C."""
    slow = chat_metrics(1.5, [4.0, 5.0, 6.5], 4)
    flat = chat_metrics(1.5, [4.0, 4.0, 4.0], 4)
    assert slow["p_wait"] > flat["p_wait"] and slow["asa"] > flat["asa"]
    assert 1.0 <= slow["mean_concurrency"] <= 3.0


def test_invalid_inputs_raise() -> None:
    """Negative rates, fractional agents and impossible targets are rejected."""
    with pytest.raises(ValueError):
        erlang_c_metrics(-1.0, 1.0, 3, 0.0)
    with pytest.raises(ValueError):
        erlang_b(2.5, 1.0)
    with pytest.raises(ValueError):
        erlang_c_min_agents(1.0, 1.0, 20.0, 1.0)
    with pytest.raises(ValueError):
        chat_metrics(5.0, [4.0, 4.0], 1)
