"""Forecast uncertainty per contact type for Erlang X: the planner's `cv` and shared busy days.

A type's volume is its forecast times the planner's uncertainty factor (cv from the targets) times
its group's shared busy-day factor (`scenario.busyness`), independent Gamma(mean 1) factors, so
the type's total cv^2 = (1 + cv_forecast^2)(1 + cv_busy^2) - 1. Queues are staffed one by one, so
only each type's own (marginal) spread counts; the sharing matters for the simulation's totals.
"""

from __future__ import annotations

import math

from sim.model import Model
from sim.staffing.targets import Targets


def type_forecast_cv(model: Model, c: int, targets: Targets) -> float:
    """The cv of contact type `c`'s volume around the forecast used by Erlang X staffing."""
    name = model.type_names[c]
    busy = 0.0
    for group in model.scenario.busyness or []:
        if group.types is None or name in group.types:
            busy = group.cv
    if busy <= 0:
        return targets.forecast_cv  # exactly as before busy days existed
    total2 = (1 + targets.forecast_cv**2) * (1 + busy**2) - 1
    return math.sqrt(total2) if total2 > 0 else 0.0
