"""Headline KPI cards: the overall mean, its 95% CI, and a one-line breakdown."""

from __future__ import annotations

from dash import html

from dashboard.data import KpiCard
from dashboard.format import fmt_ci, fmt_duration, fmt_percent


def fmt_value(value: float | None, kind: str) -> str:
    """A KPI value as the card shows it (percent, or a duration in its best unit)."""
    return fmt_percent(value) if kind == "percent" else fmt_duration(value)


def kpi_card(card: KpiCard) -> html.Div:
    """One card; its id is `kpi-<metric>` so tests and users can find it."""
    overall = card.overall
    ci = fmt_ci(overall.low, overall.high, card.kind, overall.mean)
    breakdown = " · ".join(f"{key} {fmt_value(est.mean, card.kind)}" for key, est in card.breakdown)
    return html.Div(
        [
            html.Div(card.label, className="kpi-label"),
            html.Div(fmt_value(overall.mean, card.kind), className="kpi-value"),
            html.Div(ci, className="kpi-ci"),
            html.Div(breakdown, className="kpi-breakdown", title="means by channel or site"),
        ],
        className="kpi-card",
        id=f"kpi-{card.metric}",
    )


def kpi_cards(cards: tuple[KpiCard, ...]) -> html.Div:
    """The row of KPI cards."""
    return html.Div([kpi_card(card) for card in cards], className="kpi-row", id="kpi-cards")
