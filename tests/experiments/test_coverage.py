"""Honest confidence intervals: on M/M/c with a known answer, 95% CIs cover it ~95% of the time.

100 independent experiments of 3 replications each (replications 0..299 of one seed: independent
streams). Each replication is an M/M/5 queue (load 3.5 erlangs, no abandonment) started empty, with
a 1-hour warm-up (about eight relaxation times) and 6 hours of measured arrivals served to the end
(drain), so its ASA and service level are unbiased for the stationary values up to O(1/n).
Stationary truth (Erlang C): E[W] = C / (c·mu - lambda), P(W <= T) = 1 - C·exp(-(c·mu - lambda)·T).
The number of covering CIs is Binomial(100, 0.95) if the CIs are honest; we accept 89..100.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import compiled, single_queue

from sim.experiments.backends import make_backend
from sim.experiments.replications import run_replications
from sim.experiments.stats import summarize

C, AHT_S, LOAD, T_S = 5, 60.0, 3.5, 20.0
EXPERIMENTS, REPS = 100, 3


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load a (exact)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.slow
def test_ci_coverage_on_mmc():
    """ASA and service-level CIs cover the Erlang C values in 89..100 of 100 experiments."""
    lam, mu = LOAD / AHT_S, 1.0 / AHT_S
    pw = erlang_c(C, LOAD)
    gap = C * mu - lam
    truth = {"asa_s": pw / gap, "service_level": 1 - pw * math.exp(-gap * T_S)}
    model = compiled(
        single_queue(rate_per_s=lam, aht_s=AHT_S, agents=C, patience_s=None, days=7 / 24,
                     warmup_hours=1.0, drain=True)
    )  # fmt: skip
    with make_backend(2) as backend:
        reps = run_replications(model, 2024, EXPERIMENTS * REPS, backend=backend)
    values = reps.per_replication_summary().xs(("overall", "all"), level=["dimension", "key"])
    covered = {}
    for metric, true in truth.items():
        frame = values[[metric]].copy()
        frame["experiment"] = np.arange(len(frame)) // REPS
        frame = frame.set_index("experiment", append=True).reorder_levels([1, 0])
        frame.index = frame.index.set_names(["experiment", "replication"])
        ci = summarize(frame, ["experiment"])[metric]
        covered[metric] = int(((ci["ci95_low"] <= true) & (true <= ci["ci95_high"])).sum())
    assert all(89 <= n <= 100 for n in covered.values()), (covered, truth)
