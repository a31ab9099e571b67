"""Capacity plans checked against what can be computed by hand (issue 14, item 8).

Classes add graduates in expectation: a class of N at graduation rate g adds g*N agents (not
rounded: 10 hires at g = 0.85 add 8.5), as `sim/planning/flow.py` documents.
"""

from __future__ import annotations

import numpy as np
import pytest
from plan_cases import EXAMPLE, SCENARIOS, mmc_plan

from sim import api
from sim.errors import ScenarioError

HIRING = {"lead_time_weeks": 1, "training_weeks": 3, "graduation_rate": 0.8, "min_class": 1,
          "max_class": 40, "max_classes_per_month": 4, "cost_per_hire": 1000.0,
          "training_cost_per_week": 100.0}  # fmt: skip


def _weeks(result):
    return result.weeks.sort_values("week").reset_index(drop=True)


def test_no_attrition_no_hires_keeps_headcount():
    """Without attrition or hires, headcount and effective FTE stay at today's staff."""
    res = api.plan(mmc_plan(weeks=10, agents=17.0), base_dir=SCENARIOS, optimised=False)
    w = _weeks(res)
    np.testing.assert_allclose(w["headcount"], 17.0)
    np.testing.assert_allclose(w["effective_fte"], 17.0)
    np.testing.assert_allclose(w["attrition"], 0.0)
    assert w["hires"].sum() == 0 and w["in_training"].sum() == 0


def test_flat_attrition_gives_geometric_decay():
    """Attrition r per week leaves N (1 - r)^t agents in week t + 1 (t weeks after the start)."""
    r, n = 0.03, 50.0
    res = api.plan(mmc_plan(weeks=12, agents=n, per_week=r), base_dir=SCENARIOS,
                   optimised=False)  # fmt: skip
    w = _weeks(res)
    t = np.arange(12)
    np.testing.assert_allclose(w["headcount"], n * (1 - r) ** t, rtol=1e-12)
    np.testing.assert_allclose(w["attrition"], r * n * (1 - r) ** t, rtol=1e-12)


def test_class_adds_graduates_at_tenure_zero_productivity():
    """A class of N in week w with T training weeks adds g*N agents at p(0) from week w + T."""
    n_hires, w0, t_train, g = 10, 3, 3, 0.8  # class starts week 3 (1-based), index 2
    lc = {"initial_aht_factor": 1.25, "initial_fcr_factor": 0.9, "weeks_to_proficiency": 4}
    plan = mmc_plan(weeks=10, agents=20.0, hiring=HIRING, learning_curve=lc,
                    classes=[{"start": "2026-01-19", "size": n_hires}])  # fmt: skip
    w = _weeks(api.plan(plan, base_dir=SCENARIOS, optimised=False))
    start = w0 - 1
    grad_idx = start + t_train
    assert w.loc[start, "hires"] == n_hires
    np.testing.assert_allclose(w["in_training"][start:grad_idx], n_hires)
    assert w["in_training"][grad_idx:].sum() == 0 and w["in_training"][:start].sum() == 0
    np.testing.assert_allclose(w["headcount"][:grad_idx], 20.0)
    np.testing.assert_allclose(w["headcount"][grad_idx:], 20.0 + g * n_hires)
    assert w.loc[grad_idx, "graduates"] == pytest.approx(g * n_hires)
    assert w.loc[grad_idx, "dropouts"] == pytest.approx((1 - g) * n_hires)
    # tenure k after graduation: productivity 1 / (1.25 - 0.25 min(k / 4, 1))
    k = np.arange(10 - grad_idx)
    prod = 1.0 / (1.25 - 0.25 * np.minimum(k / 4, 1.0))
    np.testing.assert_allclose(w["effective_fte"][grad_idx:], 20.0 + g * n_hires * prod)
    assert prod[0] == pytest.approx(0.8)


def test_optimised_plan_covers_every_coverable_week():
    """The MILP leaves no coverable week short; weeks before the first graduation stay short."""
    plan = mmc_plan(weeks=12, agents=30.0, per_week=0.01, hiring=HIRING)
    res = api.plan(plan, base_dir=SCENARIOS)
    w = _weeks(res)
    assert not ((w["short_fte"] > 0) & w["coverable"]).any()
    first = HIRING["lead_time_weeks"] + HIRING["training_weeks"]
    assert (w["short_fte"][:first] > 0).all()
    assert not w["coverable"][:first].any()
    assert (w["short_fte"][first:] == 0).all()
    assert (w["available_fte"][first:] >= w["required_fte"][first:] - 1e-3).all()
    assert all(r.startswith("lead time") for r in w["reason"][:first])


def test_bundled_example_covers_every_coverable_week():
    """On the bundled retail plan, every short group-week is one the diagnosis calls uncoverable."""
    res = api.plan(EXAMPLE)
    t = res.weeks
    assert not ((t["short_fte"] > 0) & t["coverable"]).any()
    assert len(res.classes) > 0
    assert set(res.decisions.status.values()) == {"optimal"}


def test_training_longer_than_horizon_is_a_user_error():
    """Training that cannot end inside the horizon names training_weeks and the fix."""
    plan = mmc_plan(weeks=4, hiring={**HIRING, "training_weeks": 6})
    with pytest.raises(ScenarioError, match=r"sites\[0\]\.hiring\.training_weeks.*horizon"):
        api.plan(plan, base_dir=SCENARIOS)


def test_zero_graduation_is_a_user_error():
    """A graduation rate of 0 is refused with a message naming graduation_rate."""
    plan = mmc_plan(weeks=8, hiring={**HIRING, "graduation_rate": 0.0})
    with pytest.raises(ScenarioError) as info:
        api.plan(plan, base_dir=SCENARIOS)
    assert "sites[0].hiring" in str(info.value) and "graduation_rate" in str(info.value)


def test_flat_week_required_fte_equals_ccsim_staff():
    """Required FTE of a flat plan week equals `ccsim staff`'s scheduled hours on the scenario."""
    staff = api.staff(SCENARIOS / "teaching_mmc.yaml")
    hours = float(staff.summary["scheduled_hours"].sum())
    net = float(staff.summary["net_hours"].sum())
    res = api.plan(mmc_plan(weeks=2, agents=60.0), base_dir=SCENARIOS, optimised=False)
    w = _weeks(res)
    np.testing.assert_allclose(w["required_fte"], hours / 40.0)
    np.testing.assert_allclose(w["productive_fte"], net / 40.0)
    assert hours > 0
