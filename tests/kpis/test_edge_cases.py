"""KPIs stay defined at the edges: no contacts at all, a queue with zero volume."""

from __future__ import annotations

import math

from helpers import single_queue

from sim import api
from sim.scenario import scenario_from_dict


def test_run_with_no_contacts():
    """A scenario with zero volume runs: counts are 0, ratios undefined (null in JSON)."""
    result = api.run(scenario_from_dict(single_queue(rate_per_s=0.0, days=0.2)), replications=2)
    overall = result.to_json()["kpis"]["overall"]
    assert overall["offered"]["mean"] == 0.0
    assert "service_level" not in overall  # undefined KPIs are left out, not reported as 0
    assert result.conservation_block()["holds"]


def test_zero_volume_queue_still_reported():
    """A queue nobody contacts appears in by_queue with zero offered."""
    data = single_queue(days=0.2)
    data["demand"].append(dict(data["demand"][0], name="quiet", volume_per_day=0.0))
    result = api.run(scenario_from_dict(data), replications=2)
    quiet = result.to_json()["kpis"]["by_queue"]["quiet"]
    assert quiet["offered"]["mean"] == 0.0
    assert not math.isnan(result.kpi("offered", "queue", "q")["mean"])
