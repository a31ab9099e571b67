"""Queue order inferred from a log: overtake counts, shares and priority levels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate.queue_order import overtakes, priority_levels


def _priority_queue_log(n: int, seed: int) -> pd.DataFrame:
    """One server, two classes; class VIP always answered before waiting class REG (then FCFS)."""
    rng = np.random.default_rng(seed)
    arrival = np.cumsum(rng.exponential(60.0, n))
    kind = rng.random(n) < 0.3
    service = rng.exponential(55.0, n)
    free, waiting, start = 0.0, [], np.full(n, np.nan)
    i = 0
    while i < n or waiting:
        if waiting and (i >= n or free <= arrival[i]):
            vip = [j for j in waiting if kind[j]]
            j = vip[0] if vip else waiting[0]
            waiting.remove(j)
            start[j] = max(free, arrival[j])
            free = start[j] + service[j]
        else:
            waiting.append(i)
            i += 1
    return pd.DataFrame({
        "type": np.where(kind, "VIP", "REG"), "priority": 0, "arrival_s": arrival,
        "wait_s": start - arrival, "served": True,
    })  # fmt: skip


def test_priority_class_wins_its_overtakes() -> None:
    """A class served first wins nearly all overtakes and gets the higher priority level."""
    calls = _priority_queue_log(3000, seed=1)
    calls = calls[calls["arrival_s"] < 86_400].reset_index(drop=True)
    result = overtakes(calls)
    share, low, high, n = result.share("VIP/p0", "REG/p0")
    assert n > 100 and low > 0.95 and share <= high
    assert result.order() == ["VIP/p0", "REG/p0"]
    assert priority_levels(result) == {"VIP/p0": 1, "REG/p0": 0}


def test_fcfs_log_has_no_overtakes_and_one_level() -> None:
    """Under FCFS no call is answered ahead of an earlier one, so both classes share one level."""
    rng = np.random.default_rng(2)
    n = 400
    arrival = np.sort(rng.uniform(0, 80_000, n))
    start = np.maximum.accumulate(arrival + rng.uniform(0, 30, n))  # answer order = arrival order
    calls = pd.DataFrame({
        "type": rng.choice(["A", "B"], n), "priority": 0, "arrival_s": arrival,
        "wait_s": start - arrival, "served": True,
    })  # fmt: skip
    result = overtakes(calls)
    assert result.wins["A/p0"]["B/p0"] == 0 and result.wins["B/p0"]["A/p0"] == 0
    assert set(priority_levels(result).values()) == {0}


def test_bank_log_shows_high_priority_customers_served_first(bank_calibration) -> None:
    """On the bank log, PS priority-2 customers win nearly all overtakes against PS priority 1."""
    from sim.calibrate.report import calibration_json

    order = calibration_json(bank_calibration)["queue_order"]
    pair = next(p for p in order["pairs"] if {p["first"], p["second"]} == {"PS/p1", "PS/p2"})
    share_p2 = pair["share_first"] if pair["first"] == "PS/p2" else 1 - pair["share_first"]
    assert pair["overtakes"] > 1000 and share_p2 > 0.95
    assert order["levels"]["PS/p2"] > order["levels"]["PS/p1"]
