"""Simulate a reference case through the full scenario path and estimate its metrics with SEs.

Each supported family maps the case's inputs to a single-pool scenario (the keywords of
`queue_scenario`) and names, for every expected metric the simulation can observe, the estimator
that measures it (and the class, for priorities). Cases whose scenarios are identical share one
simulation: `replicate_group` runs it once and applies every case's estimators to the log, and
returns the replication's input control variates (sim/verify/estimators.py) with them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.engine import simulate_with_demand
from sim.verify.estimators import estimate, input_controls, retrial_estimate
from sim.verify.scenarios import queue_scenario, windows_s

RETRIAL = -1  # marks metrics measured by the retrial estimator
REPLICATIONS = 20  # t with 19 df: P(|z| > 4) < 0.1% per metric
Metrics = dict[str, tuple[str, int | None]]  # metric name in the case -> (estimator key, class)


@dataclass(frozen=True)
class Plan:
    """How a case is simulated: the scenario's keywords, the SL threshold and what is measured."""

    spec: dict[str, Any]
    awt: float
    metrics: Metrics

    @property
    def key(self) -> str:
        """Identity of the simulated scenario: cases with equal keys share their replications."""
        return json.dumps(self.spec, sort_keys=True)

    def contacts(self, scale: float) -> float:
        """Expected arrivals of one replication measuring `scale` of the full window."""
        warmup, full = windows_s(**self.spec)
        return sum(self.spec["arrival_rates"]) * (warmup + scale * full)


def _spec(rates: list[float], service_rate: float, agents: int, **kw: Any) -> dict[str, Any]:
    return {"arrival_rates": [float(r) for r in rates], "service_rate": float(service_rate),
            "agents": int(agents), **kw}  # fmt: skip


def _same(*names: str) -> Metrics:
    return {n: (n, None) for n in names}


def _erlang_b(i: dict, exp: dict) -> Plan:
    n = int(i["agents"])
    return Plan(_spec([i["offered_load_erlangs"]], 1.0, n, lines=n), 0.0, _same("blocking"))


def _erlang_c(i: dict, exp: dict) -> Plan:
    spec = _spec([i["arrival_rate"]], i["service_rate"], i["agents"])
    metrics = _same("p_wait", "asa", "mean_wait_given_wait", "service_level", "mean_queue_len",
                    "mean_in_system", "occupancy")  # fmt: skip
    return Plan(spec, float(i["awt"]), metrics)


def _erlang_c_staffing(i: dict, exp: dict) -> Plan:
    spec = _spec([i["arrival_rate"]], i["service_rate"], exp["agents"])
    return Plan(spec, float(i["awt"]), {"sl_at_n": ("service_level", None)})


def _erlang_a(i: dict, exp: dict) -> Plan:
    spec = _spec([i["arrival_rate"]], i["service_rate"], i["agents"],
                 abandon_rate=float(i["abandon_rate"]))  # fmt: skip
    metrics = _same("p_wait", "p_abandon", "p_abandon_given_wait", "mean_wait_all",
                    "mean_queue_len", "occupancy", "asa_served", "mean_wait_abandoned",
                    "p_served_within_t", "sl_answered", "p_abandon_within_t")  # fmt: skip
    return Plan(spec, float(i["awt"]), metrics)


def _mmnk(i: dict, exp: dict) -> Plan:
    spec = _spec([i["arrival_rate"]], i["service_rate"], i["agents"], lines=int(i["lines_K"]))
    return Plan(spec, 0.0, _same("p_block", "p_wait_arriving", "mean_queue_len",
                                 "mean_wait_admitted"))  # fmt: skip


def _priority(i: dict, exp: dict) -> Plan:
    rates = [float(r) for r in i["arrival_rates"]]
    metrics: Metrics = {}
    for k in range(len(rates)):
        metrics[f"wq_class{k + 1}"] = ("wq", k)
        metrics[f"sojourn_class{k + 1}"] = ("sojourn", k)
    return Plan(_spec(rates, i["service_rate"], i["agents"]), 0.0, metrics)


def _chat(i: dict, exp: dict) -> Plan:
    aht = [float(a) for a in i["aht_by_concurrency"]]
    spec = _spec(
        [i["arrival_rate"]],
        1.0 / aht[0],
        i["agents"],
        channel="chat",
        max_concurrency=int(i["max_concurrency"]),
        aht_factors=[a / aht[0] for a in aht],
    )
    return Plan(spec, 0.0, _same("p_wait", "mean_queue_len", "asa"))


def _littles(i: dict, exp: dict) -> Plan:
    spec = _spec([i["arrival_rate"]], i["service_rate"], i["agents"])
    return Plan(spec, 0.0, _same("Lq", "Wq", "L", "W"))


def _retrial_mm1(i: dict, exp: dict) -> Plan:
    spec = _spec([i["arrival_rate"]], i["service_rate"], 1, lines=1,
                 retrial_rate=float(i["retrial_rate_per_orbit_customer"]))  # fmt: skip
    metrics = _same("mean_orbit", "mean_orbit_time", "p_busy", "p_first_attempt_blocked")
    return Plan(spec, 0.0, {m: (k, RETRIAL) for m, (k, _) in metrics.items()})


def _retrial_mmc(i: dict, exp: dict) -> Plan:
    c = int(i["agents"])
    spec = _spec([i["arrival_rate"]], i["service_rate"], c, lines=c,
                 retrial_rate=float(i["retrial_rate_per_orbit_customer"]))  # fmt: skip
    metrics = _same("mean_orbit", "mean_busy_agents", "p_all_busy_time_avg")
    return Plan(spec, 0.0, {m: (k, RETRIAL) for m, (k, _) in metrics.items()})


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


def replicate_group(
    spec: dict[str, Any],
    plans: list[tuple[float, Metrics]],
    seed: int,
    replication: int,
    scale: float,
) -> tuple[list[dict[str, tuple[float, float]]], list[float], int]:
    """One replication of a scenario shared by cases: per case (awt, metrics), each metric's value
    and the contacts it was measured on; the input controls; and the contacts simulated in all."""
    model = queue_scenario(**spec, measure_scale=scale)
    demand, log = simulate_with_demand(model, seed, replication)
    cache: dict[tuple[float, int | None], dict] = {}
    out = []
    for awt, metrics in plans:
        values = {}
        for metric, (key, cls) in metrics.items():
            at = (awt if cls != RETRIAL else 0.0, cls)
            if at not in cache:
                cache[at] = (
                    retrial_estimate(log, model) if cls == RETRIAL
                    else estimate(log, model, awt, cls)
                )  # fmt: skip
            values[metric] = (float(cache[at][key]), float(cache[at].get("arrivals", 0.0)))
        out.append(values)
    return out, input_controls(demand, model), len(log)
