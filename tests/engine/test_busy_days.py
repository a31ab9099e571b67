"""Shared busy days: one Gamma(mean 1, cv) factor per local day common to a group of types."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from helpers import compiled, single_queue

from sim.engine.arrivals import generate_demand
from sim.errors import ScenarioError
from sim.scenario.loading import scenario_from_dict

DAYS = 100
RATE = 0.006  # per second and type: 518.4 contacts a day
CV = 0.2


def _two_types(**top) -> dict:
    data = single_queue(rate_per_s=RATE, days=DAYS)
    second = copy.deepcopy(data["demand"][0]) | {"name": "q2"}
    data["demand"].append(second)
    return data | top


def _daily(data: dict, reps: int) -> np.ndarray:
    """reps x days x types daily counts."""
    model = compiled(data)
    out = np.zeros((reps, DAYS, 2))
    for r in range(reps):
        d = generate_demand(model, 3, r)
        day = (d.arrival_s // 86_400).astype(int)
        for c in range(2):
            out[r, :, c] = np.bincount(day[d.type_idx == c], minlength=DAYS)[:DAYS]
    return out


def _total_variance(counts: np.ndarray) -> tuple[float, float]:
    """Mean over replications of the total daily volume's variance across days, and its SE."""
    v = counts.sum(axis=2).var(axis=1, ddof=1)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v)))


def test_shared_factor_total_variance_matches_theory() -> None:
    """Shared factor: Var(total) = sum m + cv^2 (sum m)^2; independent: sum m + cv^2 sum m^2."""
    m = RATE * 86_400
    shared = _daily(_two_types(busyness={"cv": CV}), reps=8)
    indep = _two_types()
    for t in indep["demand"]:
        t["day_factor_cv"] = CV
    independent = _daily(indep, reps=8)
    for counts, theory in ((shared, 2 * m + CV**2 * (2 * m) ** 2),
                           (independent, 2 * m + CV**2 * 2 * m**2)):  # fmt: skip
        mean, se = _total_variance(counts)
        assert abs(mean - theory) < 4 * se, (mean, se, theory)
    # the two theories are far apart compared with the SEs, so the test tells them apart
    assert abs(_total_variance(shared)[0] - _total_variance(independent)[0]) > 8 * max(
        _total_variance(shared)[1], _total_variance(independent)[1]
    )


def test_groups_share_only_within() -> None:
    """Types in separate groups get independent factors: their daily counts are uncorrelated."""
    data = _two_types(busyness=[{"cv": CV, "types": ["q"]}, {"cv": CV, "types": ["q2"]}])
    counts = _daily(data, reps=8)
    corr = np.array([np.corrcoef(c[:, 0], c[:, 1])[0, 1] for c in counts])
    se = corr.std(ddof=1) / np.sqrt(len(corr))
    assert abs(corr.mean()) < 4 * se + 1e-12


@pytest.mark.parametrize("busyness", [None, {"cv": 0.0}, [{"cv": 0, "types": ["q"]}]])
def test_absent_or_zero_is_bit_identical(busyness) -> None:
    """No `busyness`, or cv 0, draws nothing: arrivals are bit-identical to today's."""
    base = generate_demand(compiled(_two_types()), 5, 0)
    data = _two_types() if busyness is None else _two_types(busyness=busyness)
    other = generate_demand(compiled(data), 5, 0)
    assert np.array_equal(base.arrival_s, other.arrival_s)
    assert np.array_equal(base.type_idx, other.type_idx)


@pytest.mark.parametrize(
    ("busyness", "message"),
    [
        ({"cv": -0.1}, "busyness[0].cv"),
        ([{"cv": 0.1, "types": ["nope"]}], "unknown contact type 'nope'"),
        ([{"cv": 0.1, "types": ["q"]}, {"cv": 0.2}], "already in busyness[0]"),
        ({"cv": float("inf")}, "busyness.cv: inf is not a finite"),
        ({"cv": 0.1, "types": []}, "busyness[0].types"),
    ],
)
def test_invalid_busyness_named(busyness, message) -> None:
    """Bad cv, unknown types, a type in two groups, empty lists: user errors."""
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        scenario_from_dict(_two_types(busyness=busyness))
