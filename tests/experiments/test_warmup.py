"""Warm-up: contacts, agent time and intervals before `horizon.warmup_hours` stay out of KPIs."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import compiled, small_queue

from sim.engine import simulate
from sim.kpis.compute import compute_kpis

WARMUP_H = 1.25  # ends inside a 30-minute interval on purpose


@pytest.fixture(scope="module")
def run():
    model = compiled(small_queue(warmup_hours=WARMUP_H, channel="chat", patience_s=None))
    log = simulate(model, 3, 0)
    return model, log, compute_kpis(log, model)


def test_contacts_before_warmup_are_left_out(run):
    """offered counts only contacts arriving after the warm-up."""
    model, log, kpis = run
    after = int((log.arrival_s >= WARMUP_H * 3600).sum())
    assert 0 < after < len(log)
    assert kpis.summary.loc[("overall", "all"), "offered"] == after


def test_agent_hours_and_intervals_start_at_warmup(run):
    """Logged-in hours count from the warm-up's end, and intervals start with the one holding it."""
    model, log, kpis = run
    agents = 18
    expected_h = agents * (model.horizon_s - WARMUP_H * 3600) / 3600
    assert kpis.summary.loc[("overall", "all"), "agent_hours"] == pytest.approx(expected_h)
    first = int(WARMUP_H * 3600 // model.interval_s)
    for dimension in ("overall",):
        iv = kpis.intervals.loc[(dimension, "all")]
        assert iv.index.min() == first
        assert iv.loc[first, "agents_staffed"] == pytest.approx(agents)  # partial interval
        offered_sum = np.nansum(iv["offered"].to_numpy())
        assert offered_sum == kpis.summary.loc[("overall", "all"), "offered"]


def test_occupancy_counts_busy_time_after_warmup_only(run):
    """Occupancy = busy time after the warm-up / logged-in time after it."""
    model, log, kpis = run
    w = WARMUP_H * 3600
    answered = np.isfinite(log.answer_s)
    busy = np.clip(log.chat_busy_end_s, w, None) - np.clip(log.chat_busy_start_s, w, None)
    assert answered.any()
    staffed = 18 * (model.horizon_s - w)
    occupancy = kpis.summary.loc[("overall", "all"), "occupancy"]
    assert occupancy == pytest.approx(busy.sum() / staffed)
