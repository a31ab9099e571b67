"""Experiments: replications with confidence intervals (comparisons and sweeps build on these)."""

from sim.experiments.replications import Replications, run_replications
from sim.experiments.stats import summarize

__all__ = ["Replications", "run_replications", "summarize"]
