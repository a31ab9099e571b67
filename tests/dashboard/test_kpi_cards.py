"""Journey and cost KPI cards (FCR, containment, costs): values, CIs, a dash when undefined."""

from __future__ import annotations

import pytest
from helpers import single_queue

from dashboard.shared.cards import CardSpec, Estimate, KpiCard, build_card, kpi_card, kpi_cards
from dashboard.shared.served import DashboardData
from sim import api
from sim.results import RunResult
from sim.scenario import scenario_from_dict

NEW_CARDS = ("fcr", "bot_containment", "cost_per_contact", "cost_per_resolved_issue")


def card_texts(card: KpiCard, currency: str = "USD") -> dict[str, str]:
    """The rendered card's label, value, CI and small print, by CSS class."""
    div = kpi_card(card, currency=currency)
    return {child.className.split()[0]: child.children for child in div.children}


@pytest.fixture(scope="module")
def journey_result() -> RunResult:
    """Half a day of one voice queue behind an IVR, with repeats, wages and telephony."""
    data = single_queue(rate_per_s=0.05, agents=25, patience_s=240, days=0.5)
    queue, group = data["demand"][0], data["sites"][0]["groups"][0]
    queue["bot"] = {
        "share": 1.0,
        "time": {"dist": "exponential", "mean_s": 60},
        "outcomes": {"resolved": 0.3, "escalated": 0.7},
        "cost_per_session": 0.1,
    }
    queue["repeat"] = {"delay": {"dist": "exponential", "mean_s": 1800}, "max_attempts": 3}
    group["skills"][0]["fcr"] = 0.75
    group["wage_per_hour"] = 20.0
    data["costs"] = {"telephony_per_minute": 0.01, "currency": "EUR"}
    return api.run(scenario_from_dict(data), replications=3, seed=3)


@pytest.fixture(scope="module")
def journey_cards(journey_result: RunResult) -> dict[str, KpiCard]:
    return {card.metric: card for card in DashboardData.from_result(journey_result).cards}


def test_new_cards_match_the_run(journey_result: RunResult, journey_cards) -> None:
    """FCR, containment and cost cards hold the run's overall means, inside their clipped CIs."""
    for metric in NEW_CARDS:
        est = journey_cards[metric].overall
        assert est.mean == pytest.approx(journey_result.kpi(metric)["mean"])
        assert 0.0 <= est.low <= est.mean <= est.high
        assert journey_cards[metric].note == ""
    assert journey_cards["bot_containment"].overall.mean == pytest.approx(0.3, abs=0.05)
    assert journey_cards["fcr"].kind == journey_cards["bot_containment"].kind == "percent"
    assert journey_cards["cost_per_contact"].kind == "money"


def test_new_cards_render_units_and_breakdowns(journey_cards) -> None:
    """Percent cards read in %, cost cards in the scenario's currency, with their breakdowns."""
    fcr = card_texts(journey_cards["fcr"])
    assert fcr["kpi-value"].endswith("%") and fcr["kpi-ci"].startswith("95% CI ")
    assert fcr["kpi-breakdown"].startswith("q ")  # by queue
    containment = card_texts(journey_cards["bot_containment"])
    assert containment["kpi-breakdown"].startswith("voice ")  # by channel
    cost = card_texts(journey_cards["cost_per_contact"], "EUR")
    assert cost["kpi-value"].startswith("EUR ") and cost["kpi-ci"].startswith("95% CI EUR ")
    assert cost["kpi-breakdown"].startswith("site EUR ")  # by site


def test_a_scenario_without_bot_has_no_containment() -> None:
    """Without a bot the containment card shows a dash, no CI, and says why; others have values."""
    data = single_queue(rate_per_s=0.05, agents=25, days=0.5)
    data["sites"][0]["groups"][0]["wage_per_hour"] = 20.0
    result = api.run(scenario_from_dict(data), replications=2, seed=3)
    cards = {card.metric: card for card in DashboardData.from_result(result).cards}
    texts = card_texts(cards["bot_containment"])
    assert texts["kpi-value"] == "–"
    assert texts["kpi-ci"] == "95% CI –"
    assert texts["kpi-breakdown"] == "no bot or IVR sessions in this scenario"
    for metric in ("fcr", "cost_per_contact", "cost_per_resolved_issue"):
        assert any(ch.isdigit() for ch in card_texts(cards[metric])["kpi-value"]), metric


def test_a_kpi_the_run_lacks_gives_a_dash(small_result: RunResult) -> None:
    """A metric missing from the results makes an undefined card, not an error."""
    card = build_card(small_result, CardSpec("no_such_kpi", "site"))
    assert card.overall == Estimate(None, None, None) and card.breakdown == ()
    texts = card_texts(card)
    assert texts["kpi-value"] == "–" and texts["kpi-breakdown"] == "not defined for this run"


def test_cards_come_in_a_service_row_and_a_journey_cost_row(small_result: RunResult) -> None:
    """A row of channel service cards, the other service KPIs, then FCR, containment, costs."""
    rows = kpi_cards(DashboardData.from_result(small_result).cards).children
    assert rows[0].id == "kpi-service_level"
    ids = [[card.id for card in row.children] for row in rows]
    assert ids == [
        ["kpi-sl-voice", "kpi-sl-chat", "kpi-sl-email"],
        ["kpi-abandon_rate", "kpi-aht_s", "kpi-occupancy"],
        [f"kpi-{metric}" for metric in NEW_CARDS],
    ]
