"""KPI cards of any kind (percent, duration, count, money) with their 95% CIs."""

from __future__ import annotations

from dash import html

from dashboard.data import KpiCard
from dashboard.format import DASH, fmt_ci, fmt_duration, fmt_percent


def fmt_kind(value: float | None, kind: str, currency: str = "USD") -> str:
    """A value in its kind's unit: 89.7%, 6.9 min, 1,204, USD 4.12."""
    if value is None or value != value:
        return DASH
    if kind == "percent":
        return fmt_percent(value)
    if kind == "duration":
        return fmt_duration(value)
    if kind == "money":
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
        return f"{currency} {text}".strip()
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def fmt_kind_ci(card: KpiCard, currency: str = "USD") -> str:
    """'95% CI low–high' in the card's unit."""
    est = card.overall
    if card.kind in ("percent", "duration"):
        return fmt_ci(est.low, est.high, card.kind, est.mean)
    if est.low is None or est.high is None:
        return "95% CI " + DASH
    low, high = fmt_kind(est.low, card.kind, currency), fmt_kind(est.high, card.kind, currency)
    if card.kind == "money":
        high = high.removeprefix(f"{currency} ")
    return f"95% CI {low}–{high}"


def result_card(card: KpiCard, prefix: str, currency: str = "USD") -> html.Div:
    """One card with id `<prefix>-<metric>`."""
    breakdown = " · ".join(
        f"{key} {fmt_kind(est.mean, card.kind, currency)}" for key, est in card.breakdown
    )
    return html.Div(
        [
            html.Div(card.label, className="kpi-label"),
            html.Div(fmt_kind(card.overall.mean, card.kind, currency), className="kpi-value"),
            html.Div(fmt_kind_ci(card, currency), className="kpi-ci"),
            html.Div(breakdown, className="kpi-breakdown", title="means by channel or site"),
        ],
        className="kpi-card",
        id=f"{prefix}-{card.metric}",
    )


def result_cards_row(cards: tuple[KpiCard, ...], prefix: str, currency: str = "USD") -> html.Div:
    return html.Div([result_card(c, prefix, currency) for c in cards], className="kpi-row")
