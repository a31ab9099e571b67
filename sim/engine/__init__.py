"""Discrete-event engine (SimPy): demand generation, routing and service, the contact log."""

from sim.engine.arrivals import Demand, generate_demand
from sim.engine.core import Engine
from sim.engine.log import STATUS_NAMES, ConservationError, ContactLog
from sim.model import Model


def simulate(model: Model, seed: int, replication: int = 0) -> ContactLog:
    """Run one replication of a compiled model and return its contact log."""
    return Engine(model, generate_demand(model, seed, replication)).run()


__all__ = ["STATUS_NAMES", "ConservationError", "ContactLog", "Demand", "Engine", "simulate"]
