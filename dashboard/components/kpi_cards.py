"""Headline KPI cards: the overall mean, its 95% CI, and a one-line breakdown.

Two rows: the service KPIs, then the journey and cost KPIs (FCR, containment, costs).
"""

from __future__ import annotations

from dash import html

from dashboard.data import KpiCard
from dashboard.format import fmt_ci, fmt_duration, fmt_money, fmt_percent

CARD_ROWS: tuple[tuple[str, ...], ...] = (
    ("service_level", "asa_s", "abandon_rate", "aht_s", "occupancy"),
    ("fcr", "bot_containment", "cost_per_contact", "cost_per_resolved_issue"),
)


def fmt_value(value: float | None, kind: str, currency: str = "USD") -> str:
    """A KPI value as the card shows it (percent, money, or a duration in its best unit)."""
    if kind == "percent":
        return fmt_percent(value)
    if kind == "money":
        return fmt_money(value, currency)
    return fmt_duration(value)


def kpi_card(card: KpiCard, currency: str = "USD") -> html.Div:
    """One card; its id is `kpi-<metric>` so tests and users can find it."""
    overall = card.overall
    ci = fmt_ci(overall.low, overall.high, card.kind, overall.mean, currency)
    breakdown = " · ".join(
        f"{key} {fmt_value(est.mean, card.kind, currency)}" for key, est in card.breakdown
    )
    return html.Div(
        [
            html.Div(card.label, className="kpi-label"),
            html.Div(fmt_value(overall.mean, card.kind, currency), className="kpi-value"),
            html.Div(ci, className="kpi-ci"),
            html.Div(
                card.note or breakdown,
                className="kpi-breakdown kpi-note" if card.note else "kpi-breakdown",
                title="why there is no value" if card.note else "means by channel, site or queue",
            ),
        ],
        className="kpi-card",
        id=f"kpi-{card.metric}",
    )


def kpi_cards(cards: tuple[KpiCard, ...], currency: str = "USD") -> html.Div:
    """The KPI cards in their rows (cards of no listed row come last); money in `currency`."""
    listed = {metric for row in CARD_ROWS for metric in row}
    rows = [[c for c in cards if c.metric in row] for row in CARD_ROWS]
    rows.append([c for c in cards if c.metric not in listed])
    return html.Div(
        [
            html.Div([kpi_card(card, currency) for card in row], className="kpi-row")
            for row in rows
            if row
        ],
        id="kpi-cards",
    )
