"""Vendor-priced sites: the Staffing page prices the roster with the vendor's price, not 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dashboard.pages.staffing.plan import staffing_view
from sim import api

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_roster_priced_per_logged_hour_by_the_vendor() -> None:
    """Nearshore's vendor bills per logged hour: the roster costs its rostered hours times that
    price (the wage is 0 there, so the old roster cost was 0)."""
    scenario = api.load(SCENARIOS / "nearshore.yaml")[0]
    (site,) = scenario.sites
    assert site.pricing is not None and site.pricing.model == "per_logged_hour"
    view = staffing_view(scenario)
    rostered_hours = view.summary["rostered_hours"].sum()
    assert rostered_hours > 0
    assert view.summary["rostered_cost"].sum() == pytest.approx(site.pricing.rate * rostered_hours)


@pytest.mark.parametrize("model", ["per_contact", "per_productive_hour"])
def test_volume_priced_roster_pays_for_the_work(model: str) -> None:
    """A price per contact or productive hour pays for the work, which the roster does as the
    plan does: the roster's cost equals the plan's cost row by row, whatever the headcount."""
    base = api.load(SCENARIOS / "nearshore.yaml")[0]
    name = base.sites[0].name
    scenario = api.load(base, [f"sites.{name}.pricing.model={model}"])[0]
    view = staffing_view(scenario)
    assert view.table["cost"].sum() > 0
    np.testing.assert_allclose(view.table["rostered_cost"], view.table["cost"])
