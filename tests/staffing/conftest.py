"""Small scenarios for staffing tests: one day, one voice queue served by two sites."""

from __future__ import annotations

import pytest
from small_scenario import small_dict

from sim.model import compile_model
from sim.scenario import scenario_from_dict


@pytest.fixture
def make_small():
    """The small scenario's dict builder (volume, with_email)."""
    return small_dict


@pytest.fixture
def small_model():
    return compile_model(scenario_from_dict(small_dict()))
