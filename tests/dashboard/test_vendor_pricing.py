"""Vendor-priced sites: the Staffing page prices the roster with the vendor's price, not 0."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest
from dash import Dash

from dashboard.pages.scenario.pricing import price_text
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


def test_scenario_page_states_the_vendor_price_and_basis(app: Dash) -> None:
    """A vendor-priced site's panel shows the price, its basis and currency, and says the wage
    field is not billed; a wage-paid site shows no vendor line."""
    site_panels = sys.modules["dashboard.pages.scenario.page"].site_panels  # loaded by the app

    nearshore = api.load(SCENARIOS / "nearshore.yaml")[0].model_dump(mode="json")
    currency = nearshore["costs"]["currency"]
    rate = nearshore["sites"][0]["pricing"]["rate"]
    expected = f"Vendor price: {currency} {rate:,.2f} per logged-in agent hour"
    assert price_text(nearshore["sites"][0], currency) == expected
    page = str(site_panels(nearshore))
    assert expected in page and "not billed" in page
    default = api.load(SCENARIOS / "default.yaml")[0].model_dump(mode="json")
    assert "Vendor price" not in str(site_panels(default))


def test_past_runs_list_costs_in_each_runs_currency(app: Dash, tmp_path: Path) -> None:
    """Past runs shows a stored run's total cost with its scenario's currency (EUR here, read
    from the stored scenario since the index keeps numbers only); unreadable -> the default."""
    from helpers import small_queue

    from dashboard.shared.state import SessionRun, app_state
    from dashboard.shared.stored_runs import DEFAULT_CURRENCY, list_runs, save_run
    from sim.api import run_currency
    from sim.scenario import scenario_from_dict

    runs_page = sys.modules["dashboard.pages.runs.page"]  # loaded by the app
    scenario = scenario_from_dict(small_queue() | {"costs": {"currency": "EUR"}})
    result = api.run(scenario, replications=2)
    save_run(SessionRun(result, "eur"), tmp_path)
    (row,) = list_runs(tmp_path)
    assert row["currency"] == "EUR"
    state = dataclasses.replace(app_state(app.server), store_root=tmp_path)
    table = str(runs_page.runs_table(None, None, state))
    cost = result.kpi("cost_total")["mean"]
    assert f"EUR {cost:,.2f}" in table
    assert run_currency({"path": str(tmp_path / "gone")}) == DEFAULT_CURRENCY == "USD"
