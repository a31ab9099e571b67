"""Verification against reference queueing values: analytic and simulated (see runner)."""
