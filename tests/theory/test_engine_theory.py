"""The engine and the KPI layer against exact queueing results (tolerance: 4 standard errors)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_within, compiled, replicate, single_queue

from sim.analytic.chat import chat_metrics
from sim.analytic.erlang import erlang_c_metrics
from sim.analytic.erlang_a import erlang_a_metrics
from sim.analytic.priority import priority_mmc_metrics
from sim.kpis import compute_kpis
from sim.kpis.agents import busy_periods
from sim.verify.estimators import estimate
from sim.verify.scenarios import queue_scenario


def _steady(data: dict) -> dict:
    data["horizon"].update(warmup_hours=2.0, drain=True)
    return data


def test_kpi_layer_matches_erlang_a():
    """compute_kpis' SL variants, ASA, abandonment and occupancy equal Erlang A (M/M/40+M)."""
    lam, aht, patience, n, t = 0.12, 300.0, 200.0, 40, 20.0
    model = compiled(_steady(single_queue(rate_per_s=lam, aht_s=aht, agents=n,
                                          patience_s=patience, days=1.0)))  # fmt: skip
    theory = erlang_a_metrics(lam, 1 / aht, 1 / patience, n, t)

    def measure(log):
        row = compute_kpis(log, model).summary.loc[("overall", "all")]
        return {
            "abandon_rate": row["abandon_rate"],
            "asa_s": row["asa_s"],
            "sl_answered": row["sl_answered"],
            "sl_offered": row["sl_offered"],
            "sl_abandons_after_threshold": row["sl_abandons_after_threshold"],
        }

    truth = {
        "abandon_rate": float(theory["p_abandon"]),
        "asa_s": float(theory["asa_served"]),
        "sl_answered": float(theory["sl_answered"]),
        "sl_offered": float(theory["p_served_within_t"]),
        "sl_abandons_after_threshold": float(
            theory["p_served_within_t"] / (1 - theory["p_abandon_within_t"])
        ),
    }
    assert_within(replicate(model, measure, reps=12), truth)


def test_occupancy_matches_offered_load():
    """Busy time / logged-in time equals lam (1 - P(ab)) / (n mu) in steady state."""
    lam, aht, patience, n = 0.12, 300.0, 200.0, 40
    data = single_queue(rate_per_s=lam, aht_s=aht, agents=n, patience_s=patience, days=1.0)
    model = compiled(data)
    theory = erlang_a_metrics(lam, 1 / aht, 1 / patience, n, 20.0)
    expected = float(theory["occupancy"])

    def measure(log):
        start, end, _ = busy_periods(log, model)
        # time-average over the second half of the day (the first hours fill up from empty)
        lo, hi = 0.5 * model.horizon_s, model.horizon_s
        busy = np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0, None).sum()
        return {"occupancy": busy / (n * (hi - lo))}

    assert_within(replicate(model, measure, reps=12), {"occupancy": expected})


CHAT_AHT = [4.0, 5.0, 6.5]  # mean chat duration while holding 1, 2, 3 chats
CHAT_RATE = 1.3


@pytest.fixture(scope="module")
def slowing_chat():
    """4 agents x 3 chat slots whose chats slow down with concurrency, and its exact chain."""
    model = queue_scenario([CHAT_RATE], 1 / CHAT_AHT[0], 4, channel="chat", max_concurrency=3,
                           aht_factors=[a / CHAT_AHT[0] for a in CHAT_AHT])  # fmt: skip
    return model, chat_metrics(CHAT_RATE, CHAT_AHT, 4, 3)


def test_chat_concurrency_slowdown_matches_ctmc(slowing_chat):
    """Chats that slow down with concurrency (4 agents x 3 slots) match the exact Markov chain."""
    model, theory = slowing_chat

    def measure(log):
        est = estimate(log, model, 0.0)
        return {"p_wait": est["p_wait"], "asa": est["asa"], "mean_queue_len": est["Lq"]}

    truth = {k: theory[k] for k in ("p_wait", "asa", "mean_queue_len")}
    assert theory["p_wait"] > 0.05  # the case really exercises queueing
    assert_within(replicate(model, measure, reps=12), truth)


def test_chat_concurrency_kpi(slowing_chat):
    """The chat-concurrency KPI (chats per agent holding any) matches the Markov chain."""
    model, theory = slowing_chat

    def measure(log):
        row = compute_kpis(log, model).summary.loc[("overall", "all")]
        return {"mean_concurrency": row["chat_concurrency"]}

    assert_within(
        replicate(model, measure, reps=12), {"mean_concurrency": theory["mean_concurrency"]}
    )


def test_two_priority_classes_cobham():
    """Non-preemptive priorities on 3 agents give Cobham's per-class waits."""
    rates, mu, c = [0.6, 1.5], 1.0, 3
    model = queue_scenario(rates, mu, c)
    theory = priority_mmc_metrics(rates, mu, c)

    def measure(log):
        return {f"wq_class{k + 1}": estimate(log, model, 0.0, k)["wq"] for k in range(2)}

    truth = {f"wq_class{k + 1}": float(theory["wq"][k]) for k in range(2)}
    assert_within(replicate(model, measure, reps=12), truth)


def test_lognormal_handle_time_mean():
    """Without queueing (many agents) lognormal handle times keep their stated mean."""
    data = single_queue(rate_per_s=0.1, agents=200, patience_s=None, days=1.0,
                        handle={"dist": "lognormal", "mean_s": 300, "cv": 1.5})  # fmt: skip
    model = compiled(data)
    theory = erlang_c_metrics(0.1, 1 / 300, 200, 20.0)
    assert float(theory["p_wait"]) < 1e-9

    def measure(log):
        done = log.status == 2
        return {"aht": float(np.mean(log.end_s[done] - log.answer_s[done]))}

    assert_within(replicate(model, measure, reps=12), {"aht": 300.0})
