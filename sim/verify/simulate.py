"""Simulate a reference case through the full scenario path and estimate its metrics with SEs.

Each supported family maps the case's inputs to a single-pool scenario and names, for every expected
metric the simulation can observe, the estimator that measures it (and the class, for priorities).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.engine import simulate
from sim.verify.estimators import estimate, retrial_estimate
from sim.verify.scenarios import queue_scenario

RETRIAL = -1  # marks metrics measured by the retrial estimator
REPLICATIONS = 20  # t with 19 df: P(|z| > 4) < 0.1% per metric
# metric name in the case -> (estimator key, class index or None)
Plan = tuple[Any, float, dict[str, tuple[str, int | None]]]


def _same(*names: str) -> dict[str, tuple[str, int | None]]:
    return {n: (n, None) for n in names}


def _erlang_b(i: dict, exp: dict) -> Plan:
    n = int(i["agents"])
    model = queue_scenario([float(i["offered_load_erlangs"])], 1.0, n, lines=n)
    return model, 0.0, _same("blocking")


def _erlang_c(i: dict, exp: dict) -> Plan:
    model = queue_scenario([i["arrival_rate"]], i["service_rate"], int(i["agents"]))
    metrics = _same("p_wait", "asa", "mean_wait_given_wait", "service_level", "mean_queue_len",
                    "mean_in_system", "occupancy")  # fmt: skip
    return model, float(i["awt"]), metrics


def _erlang_c_staffing(i: dict, exp: dict) -> Plan:
    model = queue_scenario([i["arrival_rate"]], i["service_rate"], int(exp["agents"]))
    return model, float(i["awt"]), {"sl_at_n": ("service_level", None)}


def _erlang_a(i: dict, exp: dict) -> Plan:
    model = queue_scenario(
        [i["arrival_rate"]], i["service_rate"], int(i["agents"]), abandon_rate=i["abandon_rate"]
    )
    metrics = _same("p_wait", "p_abandon", "p_abandon_given_wait", "mean_wait_all",
                    "mean_queue_len", "occupancy", "asa_served", "mean_wait_abandoned",
                    "p_served_within_t", "sl_answered", "p_abandon_within_t")  # fmt: skip
    return model, float(i["awt"]), metrics


def _mmnk(i: dict, exp: dict) -> Plan:
    model = queue_scenario(
        [i["arrival_rate"]], i["service_rate"], int(i["agents"]), lines=int(i["lines_K"])
    )
    return model, 0.0, _same("p_block", "p_wait_arriving", "mean_queue_len", "mean_wait_admitted")


def _priority(i: dict, exp: dict) -> Plan:
    rates = [float(r) for r in i["arrival_rates"]]
    model = queue_scenario(rates, i["service_rate"], int(i["agents"]))
    metrics: dict[str, tuple[str, int | None]] = {}
    for k in range(len(rates)):
        metrics[f"wq_class{k + 1}"] = ("wq", k)
        metrics[f"sojourn_class{k + 1}"] = ("sojourn", k)
    return model, 0.0, metrics


def _chat(i: dict, exp: dict) -> Plan:
    aht = [float(a) for a in i["aht_by_concurrency"]]
    model = queue_scenario(
        [i["arrival_rate"]],
        1.0 / aht[0],
        int(i["agents"]),
        channel="chat",
        max_concurrency=int(i["max_concurrency"]),
        aht_factors=[a / aht[0] for a in aht],
    )
    return model, 0.0, _same("p_wait", "mean_queue_len", "asa")


def _littles(i: dict, exp: dict) -> Plan:
    model = queue_scenario([i["arrival_rate"]], i["service_rate"], int(i["agents"]))
    return model, 0.0, _same("Lq", "Wq", "L", "W")


def _retrial_mm1(i: dict, exp: dict) -> Plan:
    model = queue_scenario([i["arrival_rate"]], i["service_rate"], 1, lines=1,
                           retrial_rate=i["retrial_rate_per_orbit_customer"])  # fmt: skip
    metrics = _same("mean_orbit", "mean_orbit_time", "p_busy", "p_first_attempt_blocked")
    return model, 0.0, {m: (k, RETRIAL) for m, (k, _) in metrics.items()}


def _retrial_mmc(i: dict, exp: dict) -> Plan:
    c = int(i["agents"])
    model = queue_scenario([i["arrival_rate"]], i["service_rate"], c, lines=c,
                           retrial_rate=i["retrial_rate_per_orbit_customer"])  # fmt: skip
    metrics = _same("mean_orbit", "mean_busy_agents", "p_all_busy_time_avg")
    return model, 0.0, {m: (k, RETRIAL) for m, (k, _) in metrics.items()}


PLANS: dict[str, Callable[[dict, dict], Plan]] = {
    "erlang_b": _erlang_b,
    "erlang_c": _erlang_c,
    "erlang_c_staffing": _erlang_c_staffing,
    "erlang_a": _erlang_a,
    "mmnk": _mmnk,
    "priority": _priority,
    "chat": _chat,
    "littles": _littles,
    "retrial_mm1": _retrial_mm1,
    "retrial_mmc": _retrial_mmc,
}


def replicate_case(case: dict, family: str, seed: int, rep: int) -> dict[str, tuple[float, float]]:
    """One replication of a case: each metric's value and the contacts it was measured on."""
    model, awt, metrics = PLANS[family](case["inputs"], case["expected"])
    log = simulate(model, seed, rep)
    per_class: dict[int | None, dict] = {}
    out = {}
    for metric, (key, cls) in metrics.items():
        if cls not in per_class:
            per_class[cls] = (
                retrial_estimate(log, model) if cls == RETRIAL else estimate(log, model, awt, cls)
            )
        out[metric] = (float(per_class[cls][key]), float(per_class[cls].get("arrivals", 0.0)))
    return out


def summarize(reps: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float, float]]:
    """Mean, standard error and contacts seen (all replications) of each metric."""
    out = {}
    for metric in reps[0]:
        v = np.array([r[metric][0] for r in reps])
        trials = float(sum(r[metric][1] for r in reps))
        out[metric] = (float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v))), trials)
    return out


def simulate_case(case: dict, family: str, seed: int) -> dict[str, tuple[float, float, float]]:
    """Mean, standard error and contacts seen (all replications) of each observable metric."""
    return summarize([replicate_case(case, family, seed, rep) for rep in range(REPLICATIONS)])
