"""Verification against reference queueing values: analytic and simulated."""

from sim.verify.runner import load_cases, run_verify

__all__ = ["load_cases", "run_verify"]
