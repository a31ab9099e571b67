"""Segmented long runs: windows combine exactly, segments tile the horizon, memory per segment."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from helpers import compiled, small_queue

from sim import api
from sim.engine import simulate
from sim.experiments.segments import combine, plan_segments
from sim.kpis.compute import compute_kpis
from sim.scenario import scenario_from_dict

EXACT = ["offered", "handled", "service_level", "asa_s", "abandon_rate", "aht_s", "occupancy",
         "agent_hours", "issues", "fcr", "contacts_per_issue", "labour_cost", "cost_total",
         "cost_per_contact"]  # fmt: skip


def test_two_windows_of_one_run_combine_to_the_whole():
    """KPIs of [0, 1 d) and [1 d, end) of one simulation combine to the KPIs of the whole."""
    data = small_queue(days=2.0)
    data["sites"][0]["groups"][0]["wage_per_hour"] = 12.0
    model = compiled(data)
    log = simulate(model, 6, 0)
    whole = compute_kpis(log, model)
    cut = 86_400.0 + 1_800.0  # on an interval boundary
    first = compute_kpis(log, dataclasses.replace(model, measure_end_s=cut))
    second = compute_kpis(log, dataclasses.replace(model, warmup_s=cut))
    both = combine([first, second], [0, 0], "sl_abandons_after_threshold")
    got = both.summary.loc[("overall", "all"), EXACT].astype(float)
    want = whole.summary.loc[("overall", "all"), EXACT].astype(float)
    pd.testing.assert_series_equal(got, want, rtol=1e-9)
    cols = ["offered", "service_level", "occupancy", "agents_staffed", "queue_len_end"]
    pd.testing.assert_frame_equal(both.intervals[cols], whole.intervals[cols], rtol=1e-9)


def test_plan_tiles_the_horizon():
    """Segments overlap by the given days and measure consecutive, non-overlapping windows."""
    model = compiled(small_queue(days=10.0, warmup_hours=2.0))
    plan = plan_segments(model, segment_days=4, overlap_days=1)
    assert [(s.start_day, s.days) for s in plan] == [(0, 5), (3, 6), (7, 3)]
    assert [s.warmup_hours for s in plan] == [2.0, 24.0, 24.0]
    measured = [(s.start_day + s.warmup_hours / 24, s.start_day + s.measure_end_s / 86_400)
                for s in plan]  # fmt: skip
    assert measured[0][1] == measured[1][0] == 4 and measured[1][1] == measured[2][0] == 8
    assert np.isinf(plan[-1].measure_end_s)


@pytest.mark.slow
def test_segmented_run_agrees_with_one_long_run():
    """In segments of 1 day, the key KPIs agree with an unsegmented run within their CIs."""
    sc = scenario_from_dict(small_queue(days=3.0))
    plain = api.run(sc, replications=6, seed=2)
    seg = api.run(sc, replications=6, seed=2, segment_days=1)
    assert seg.extra["segments"] == {"segment_days": 1, "overlap_days": 1}
    assert seg.conservation_block()["holds"]
    for metric in ("offered", "service_level", "asa_s", "abandon_rate", "occupancy"):
        a, b = plain.kpi(metric), seg.kpi(metric)
        half = np.hypot(a["ci95_high"] - a["mean"], b["ci95_high"] - b["mean"])
        assert abs(a["mean"] - b["mean"]) <= 1.5 * half, metric
    assert seg.intervals.index.get_level_values("interval").max() == 3 * 48 - 1
