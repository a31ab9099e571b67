"""Staffing plans per site and group, shift schedules (MILP) and their write-back."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.model import compile_model
from sim.scenario import load_scenario, scenario_from_dict
from sim.staffing import parse_targets, staff_erlang
from sim.staffing.schedule import naive_group, schedule_requirement, schedule_shifts
from sim.staffing.shifts import ShiftRules, group_columns
from sim.staffing.workload import shrinkage
from sim.staffing.writeback import scheduled_scenario, write_scenario


def test_plan_splits_queue_over_sites_and_adds_shrinkage(small_model):
    """Net agents split over both sites add up to the queue's need; shrinkage grosses them up."""
    res = staff_erlang(small_model)
    alloc = res.by_skill.groupby(["interval", "type"])["net_agents"].sum()
    need = res.by_type.set_index(["interval", "type"])["required"]
    np.testing.assert_allclose(alloc.to_numpy(), need.loc[alloc.index].to_numpy(), rtol=1e-9)
    off, absent = shrinkage(small_model)
    assert off[0] == pytest.approx(30 / (14 * 60)) and absent[0] == 0.05
    manila = res.by_group[res.by_group["site"] == "manila"]
    keep = (1 - off[0]) * (1 - absent[0])
    assert np.all(manila["scheduled_agents"] >= manila["required_agents"] / keep - 1e-9)
    assert res.summary["cost"].sum() > 0 and np.all(res.by_group["net_agents"] >= 0)


def test_zero_volume_scenario_needs_no_agents(make_small):
    """A scenario without demand gets an all-zero plan, no errors."""
    model = compile_model(scenario_from_dict(make_small(volume=0.0)))
    res = staff_erlang(model)
    assert res.by_group["scheduled_agents"].sum() == 0 and res.totals()["cost"] == 0


def test_targets_parse_and_reject_bad_input(make_small):
    """--target items override the scenario; malformed ones are user errors naming the item."""
    sc = scenario_from_dict(make_small())
    t = parse_targets(sc, ["sl=0.9@30", "voice.abandon=0.05", "email.sl=0.8@8", "cv=0.1"])
    assert t.channels["voice"].sl == 0.9 and t.channels["voice"].threshold_s == 30
    assert t.channels["email"].threshold_s == 8 * 3600 and t.forecast_cv == 0.1
    for bad in ("sl=1.5", "voice.speed=3", "nonsense", "email.asa=30", "chat_method=magic"):
        with pytest.raises(ScenarioError):
            parse_targets(sc, [bad])


def test_stricter_targets_need_more_agents(small_model):
    """Higher service level, abandonment caps and forecast uncertainty never reduce staffing."""
    base = staff_erlang(small_model).totals()["agent_hours"]
    for items in (["sl=0.95@20"], ["voice.abandon=0.01"], ["cv=0.15", "probability=0.9"]):
        targets = parse_targets(small_model.scenario, items)
        assert staff_erlang(small_model, targets).totals()["agent_hours"] >= base


def test_schedule_covers_requirement_and_beats_naive(small_model):
    """The MILP covers every interval's requirement and costs no more than the greedy baseline."""
    res = staff_erlang(small_model)
    sched = schedule_shifts(res, ShiftRules(lengths_h=(6.0, 8.0), start_step_min=60))
    cov = sched.coverage
    assert np.all(cov["covered"] >= cov["required"] - 1e-6)
    s = sched.summary
    assert np.all(s["cost"] <= s["naive_cost"] + 1e-6) and s["cost"].sum() > 0
    assert (s["understaffed_intervals"] == 0).all()


def test_naive_schedule_uses_the_same_columns(small_model):
    """The greedy baseline is feasible, so the optimum can only be cheaper."""
    res = staff_erlang(small_model)
    req = schedule_requirement(res)[0]
    edges = np.arange(25) * 3600.0
    cols = group_columns(small_model, 0, ShiftRules(), edges, ())
    y = naive_group(cols, req)
    assert np.all(y @ cols.coverage >= req - 1e-9)


def test_hours_of_operation_and_headcount_cap_show_as_gaps(small_model):
    """Requirement outside opening hours or beyond a headcount cap is reported, not hidden."""
    res = staff_erlang(small_model)
    rules = ShiftRules(hours={"manila": ("10:00", "18:00")}, max_headcount={"mexico/team": 1})
    sched = schedule_shifts(res, rules)
    under = sched.summary.set_index("site")["understaffed_intervals"]
    assert under["manila"] > 0 and under["mexico"] > 0
    manila = sched.shifts[sched.shifts["site"] == "manila"]
    assert set(manila["start"]) <= {"10:00"}


def test_schedule_written_back_simulates(tmp_path, small_model):
    """The scheduled scenario is a new valid YAML whose shifts are the plan's; never overwritten."""
    sched = schedule_shifts(staff_erlang(small_model), ShiftRules(start_step_min=60))
    path = write_scenario(scheduled_scenario(sched), tmp_path / "s.yaml", "test")
    sc = load_scenario(path)
    heads = sum(sh.headcount for s in sc.sites for g in s.groups for sh in g.shifts)
    assert heads == sched.shifts["headcount"].sum()
    with pytest.raises(ScenarioError):
        write_scenario(sc, path)
    from sim import api

    result = api.run(path, replications=2, seed=3)
    assert result.kpi("service_level", "queue", "en_voice")["mean"] > 0.5
