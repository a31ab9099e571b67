"""Headline KPI cards, one pipeline for every page: specs -> estimates from a run -> Dash cards.

A card shows a KPI's overall mean, its 95% CI across replications (clipped to what the metric can
take: [0, 1] for rates, >= 0 otherwise) and a one-line breakdown by channel, site or queue. The
Overview and Results pages (and the Run page's summary) differ only in which specs they list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from dash import html

from dashboard.shared.format import DASH, fmt_ci, fmt_duration, fmt_percent
from sim.results import RunResult

Kind = Literal["percent", "duration", "count", "money"]


@dataclass(frozen=True)
class CardSpec:
    """Which KPI a card shows, its label and kind, and what its small print splits by."""

    metric: str
    label: str
    kind: Kind
    by: str  # breakdown dimension: channel, site or queue


def _specs(*rows: tuple[str, str, Kind, str]) -> tuple[CardSpec, ...]:
    return tuple(CardSpec(*row) for row in rows)


OVERVIEW_CARDS = _specs(
    ("service_level", "Service level", "percent", "channel"),
    ("asa_s", "Average speed of answer", "duration", "channel"),
    ("abandon_rate", "Abandonment", "percent", "channel"),
    ("aht_s", "Average handle time", "duration", "channel"),
    ("occupancy", "Occupancy", "percent", "site"),
    ("fcr", "First-contact resolution", "percent", "queue"),
    ("bot_containment", "Bot containment", "percent", "channel"),
    ("cost_per_contact", "Cost per contact", "money", "site"),
    ("cost_per_resolved_issue", "Cost per resolved issue", "money", "site"),
)
RESULT_CARDS = _specs(
    ("service_level", "Service level", "percent", "channel"),
    ("asa_s", "Average speed of answer", "duration", "channel"),
    ("abandon_rate", "Abandonment", "percent", "channel"),
    ("aht_s", "Average handle time", "duration", "channel"),
    ("fcr", "First-contact resolution", "percent", "channel"),
    ("occupancy", "Occupancy", "percent", "site"),
    ("waiting_end", "Backlog at the end", "count", "channel"),
    ("cost_per_contact", "Cost per contact", "money", "channel"),
)
# Overview's two rows: the service KPIs, then the journey and cost KPIs
OVERVIEW_ROWS: tuple[tuple[str, ...], ...] = (
    ("service_level", "asa_s", "abandon_rate", "aht_s", "occupancy"),
    ("fcr", "bot_containment", "cost_per_contact", "cost_per_resolved_issue"),
)
# why a card shows no value (the KPI is undefined for this scenario), under the dash
UNDEFINED_NOTES = {
    "bot_containment": "no bot or IVR sessions in this scenario",
    "cost_per_resolved_issue": "no issue resolved",
}
UNDEFINED_NOTE = "not defined for this run"


@dataclass(frozen=True)
class Estimate:
    """A KPI mean with its 95% confidence interval (None where undefined)."""

    mean: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class KpiCard:
    """One headline KPI: the overall estimate and a breakdown by channel, site or queue."""

    metric: str
    label: str
    kind: Kind
    overall: Estimate
    breakdown: tuple[tuple[str, Estimate], ...]
    note: str = ""  # shown instead of the breakdown when the KPI is undefined


def estimate(result: RunResult, metric: str, kind: str, dimension: str, key: str) -> Estimate:
    """Mean and 95% CI of one KPI, the CI clipped to the metric's range; all None if absent.

    All None also when the KPI is undefined (NaN, e.g. containment without a bot).
    """
    try:
        value = result.kpi(metric, dimension, key)
    except KeyError:
        return Estimate(None, None, None)
    high_bound = 1.0 if kind == "percent" else math.inf

    def clip(x: float | None) -> float | None:
        return None if x is None else min(max(x, 0.0), high_bound)

    return Estimate(value["mean"], clip(value["ci95_low"]), clip(value["ci95_high"]))


def build_card(result: RunResult, spec: CardSpec) -> KpiCard:
    """One card's numbers: the overall estimate and the defined values of its breakdown."""
    dimensions = set(result.summary.index.get_level_values(0))
    keys = list(result.summary.loc[spec.by].index) if spec.by in dimensions else []
    breakdown = tuple(
        (key, est)
        for key in keys
        if (est := estimate(result, spec.metric, spec.kind, spec.by, key)).mean is not None
    )
    overall = estimate(result, spec.metric, spec.kind, "overall", "all")
    note = UNDEFINED_NOTES.get(spec.metric, UNDEFINED_NOTE) if overall.mean is None else ""
    return KpiCard(spec.metric, spec.label, spec.kind, overall, breakdown, note)


def build_cards(result: RunResult, specs: tuple[CardSpec, ...]) -> tuple[KpiCard, ...]:
    """The cards of `specs` for one run."""
    return tuple(build_card(result, spec) for spec in specs)


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


def kpi_card(card: KpiCard, prefix: str = "kpi", currency: str = "USD") -> html.Div:
    """One card; its id is `<prefix>-<metric>` so tests and users can find it."""
    breakdown = " · ".join(
        f"{key} {fmt_kind(est.mean, card.kind, currency)}" for key, est in card.breakdown
    )
    return html.Div(
        [
            html.Div(card.label, className="kpi-label"),
            html.Div(fmt_kind(card.overall.mean, card.kind, currency), className="kpi-value"),
            html.Div(fmt_kind_ci(card, currency), className="kpi-ci"),
            html.Div(
                card.note or breakdown,
                className="kpi-breakdown kpi-note" if card.note else "kpi-breakdown",
                title="why there is no value" if card.note else "means by channel, site or queue",
            ),
        ],
        className="kpi-card",
        id=f"{prefix}-{card.metric}",
    )


def cards_row(cards: tuple[KpiCard, ...], prefix: str, currency: str = "USD") -> html.Div:
    """The cards in one row, ids `<prefix>-<metric>`."""
    return html.Div([kpi_card(c, prefix, currency) for c in cards], className="kpi-row")


def kpi_cards(
    cards: tuple[KpiCard, ...],
    currency: str = "USD",
    rows: tuple[tuple[str, ...], ...] = OVERVIEW_ROWS,
) -> html.Div:
    """The cards in `rows` (cards of no listed row come last), as the Overview shows them."""
    listed = {metric for row in rows for metric in row}
    grouped = [[c for c in cards if c.metric in row] for row in rows]
    grouped.append([c for c in cards if c.metric not in listed])
    return html.Div(
        [cards_row(tuple(row), "kpi", currency) for row in grouped if row], id="kpi-cards"
    )
