"""Erlang X staffing counts the scenario's shared busy days as forecast uncertainty per type."""

from __future__ import annotations

import math

from small_scenario import small_dict

from sim.model import compile_model
from sim.scenario import scenario_from_dict
from sim.staffing import parse_targets, staff_erlang
from sim.staffing.uncertainty import type_forecast_cv


def _model(**top):
    return compile_model(scenario_from_dict(small_dict() | top))


def _required(model, items):
    res = staff_erlang(model, parse_targets(model.scenario, items))
    return res.totals()["agent_hours"]


def test_busyness_acts_as_forecast_cv():
    """A scenario `busyness` cv staffs exactly as the same `cv` target without busyness."""
    busy = _model(busyness={"cv": 0.15})
    plain = _model()
    assert _required(busy, ["probability=0.9"]) == _required(plain, ["cv=0.15", "probability=0.9"])
    assert _required(busy, ["probability=0.9"]) > _required(plain, ["probability=0.9"])


def test_independent_factors_combine():
    """The `cv` target and busy days are independent factors: cv^2 = (1+a^2)(1+b^2) - 1."""
    model = _model(busyness=[{"cv": 0.2, "types": ["en_voice"]}])
    targets = parse_targets(model.scenario, ["cv=0.1"])
    voice, email = (model.type_names.index(n) for n in ("en_voice", "en_email"))
    assert math.isclose(type_forecast_cv(model, voice, targets) ** 2, 1.01 * 1.04 - 1)
    assert math.isclose(type_forecast_cv(model, email, targets), 0.1)


def test_no_busyness_unchanged():
    """Without busyness a type's forecast cv is the target's cv alone (staffing as before)."""
    model = _model()
    assert type_forecast_cv(model, 0, parse_targets(model.scenario, ["cv=0.12"])) == 0.12
    assert type_forecast_cv(model, 0, parse_targets(model.scenario, [])) == 0.0
