"""The engine pauses the cyclic garbage collector while it runs and restores it after."""

from __future__ import annotations

import gc

from helpers import compiled, small_queue

import sim.engine.core as core
from sim.engine import simulate


def test_simulate_pauses_the_collector_and_restores_its_state(monkeypatch):
    """Inside a run the collector is off; after it, on again if it was on, off if it was off."""
    seen: list[bool] = []
    run = core.Engine.run

    def observed(self):
        seen.append(gc.isenabled())
        return run(self)

    monkeypatch.setattr(core.Engine, "run", observed)
    model = compiled(small_queue())
    assert gc.isenabled()
    simulate(model, 1)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        simulate(model, 1)
        assert not gc.isenabled()
    finally:
        gc.enable()
