"""Headline KPI cards, one pipeline for every page: specs -> estimates from a run -> Dash cards.

A card shows a KPI's overall mean, its 95% CI across replications (clipped to the registry's range
for the KPI) and a one-line breakdown by channel, site or queue. KPIs the registry marks as not
meaningful across channels (service level, ASA, AHT) are never blended: service level and ASA get
one card per channel against that channel's own target, AHT lists its channels. Labels, units,
ranges and formats come from the KPI registry. The Overview and Results pages (and the Run page's
summary) differ only in which specs they list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dash import html

from dashboard.shared.format import DASH, fmt_duration, fmt_percent, fmt_threshold
from sim.api import CHANNELS
from sim.kpis.registry import MONEY, REGISTRY, SHARE, format_value, value_range
from sim.results import RunResult

Kind = Literal["percent", "duration", "count", "money"]
Status = Literal["met", "at-risk", "missed"]
_KINDS: dict[str, Kind] = {"share": "percent", "duration": "duration", "money": "money"}
SERVICE = "service_level"  # the per-channel headline card: SL against target, with its ASA


@dataclass(frozen=True)
class CardSpec:
    """Which KPI a card shows and what its small print splits by (channel, site or queue)."""

    metric: str
    by: str

    @property
    def label(self) -> str:
        """The registry's label, capitalised ('First-contact resolution')."""
        entry = REGISTRY.get(self.metric)
        text = entry.label if entry else self.metric.replace("_", " ")
        return text[:1].upper() + text[1:]

    @property
    def kind(self) -> Kind:
        entry = REGISTRY.get(self.metric)
        return _KINDS.get(entry.kind, "count") if entry else "count"

    @property
    def blended(self) -> bool:
        """Whether an overall value mixing channels means anything (the registry says)."""
        entry = REGISTRY.get(self.metric)
        return entry.across_channels if entry else True


def _specs(*rows: tuple[str, str]) -> tuple[CardSpec, ...]:
    return tuple(CardSpec(*row) for row in rows)


OVERVIEW_CARDS = _specs(
    (SERVICE, "channel"),
    ("abandon_rate", "channel"),
    ("aht_s", "channel"),
    ("occupancy", "site"),
    ("fcr", "queue"),
    ("bot_containment", "channel"),
    ("cost_per_contact", "site"),
    ("cost_per_resolved_issue", "site"),
)
RESULT_CARDS = _specs(
    (SERVICE, "channel"),
    ("abandon_rate", "channel"),
    ("aht_s", "channel"),
    ("fcr", "channel"),
    ("occupancy", "site"),
    ("waiting_end", "channel"),
    ("cost_per_contact", "channel"),
    ("cost_per_resolved_issue", "channel"),
)
# Overview's rows: service per channel, the other service KPIs, then the journey and cost KPIs
OVERVIEW_ROWS: tuple[tuple[str, ...], ...] = (
    (SERVICE,),
    ("abandon_rate", "aht_s", "occupancy"),
    ("fcr", "bot_containment", "cost_per_contact", "cost_per_resolved_issue"),
)
# why a card shows no value (the KPI is undefined for this scenario), under the dash
UNDEFINED_NOTES = {
    "bot_containment": "no bot or IVR sessions in this scenario",
    "cost_per_resolved_issue": "no issue resolved",
}
UNDEFINED_NOTE = "not defined for this run"
PER_CHANNEL_NOTE = "per channel, never blended"


@dataclass(frozen=True)
class Estimate:
    """A KPI mean with its 95% confidence interval (None where undefined)."""

    mean: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class ChannelService:
    """One channel's service level against its own target, and its ASA."""

    channel: str
    sl: Estimate
    target: float  # share of contacts that must be answered within `threshold_s`
    threshold_s: float
    asa: Estimate

    @property
    def status(self) -> Status:
        """met: the CI clears the target; missed: the CI is below it; at-risk: it straddles it."""
        low = self.sl.low if self.sl.low is not None else self.sl.mean
        high = self.sl.high if self.sl.high is not None else self.sl.mean
        if low is not None and low >= self.target:
            return "met"
        if high is not None and high < self.target:
            return "missed"
        return "at-risk"

    @property
    def target_text(self) -> str:
        """'80% in 20 s', '90% within 24 h' (backlog channels have hours to reply)."""
        word = "within" if self.channel in ("email", "social") else "in"
        return f"{self.target:.0%} {word} {fmt_threshold(self.threshold_s)}"


@dataclass(frozen=True)
class KpiCard:
    """One headline KPI: the overall estimate and a breakdown by channel, site or queue."""

    metric: str
    label: str
    kind: Kind
    overall: Estimate
    breakdown: tuple[tuple[str, Estimate], ...]
    note: str = ""  # shown instead of the breakdown when the KPI is undefined
    channels: tuple[ChannelService, ...] = ()  # the service card: one entry per channel


def estimate(result: RunResult, metric: str, dimension: str, key: str) -> Estimate:
    """Mean and 95% CI of one KPI, the CI clipped to the registry's range; all None if absent.

    All None also when the KPI is undefined (NaN, e.g. containment without a bot).
    """
    try:
        value = result.kpi(metric, dimension, key)
    except KeyError:
        return Estimate(None, None, None)
    low_bound, high_bound = value_range(metric)

    def clip(x: float | None) -> float | None:
        return None if x is None or x != x else min(max(x, low_bound), high_bound)

    mean = value["mean"]
    if mean is None or mean != mean:
        return Estimate(None, None, None)
    return Estimate(mean, clip(value["ci95_low"]), clip(value["ci95_high"]))


def channel_targets(result: RunResult) -> dict[str, tuple[float, float]]:
    """(target share, threshold in seconds) per channel, as the scenario sets them."""
    ch = result.model.scenario.channels
    return {
        "voice": (ch.voice.sl_target, ch.voice.sl_threshold_s),
        "chat": (ch.chat.sl_target, ch.chat.sl_threshold_s),
        "email": (ch.email.sla_target, ch.email.sla_hours * 3600.0),
        "social": (ch.social.sla_target, ch.social.sla_hours * 3600.0),
    }


def channel_services(result: RunResult) -> tuple[ChannelService, ...]:
    """Service level against target and ASA for each channel the run has, in channel order."""
    present = {CHANNELS[code] for code in result.model.type_channel}
    targets = channel_targets(result)
    return tuple(
        ChannelService(
            channel,
            estimate(result, SERVICE, "channel", channel),
            *targets[channel],
            estimate(result, "asa_s", "channel", channel),
        )
        for channel in targets
        if channel in present
    )


def build_card(result: RunResult, spec: CardSpec) -> KpiCard:
    """One card's numbers: the overall estimate (unless the KPI must not be blended across
    channels) and the defined values of its breakdown."""
    dimensions = set(result.summary.index.get_level_values(0))
    keys = list(result.summary.loc[spec.by].index) if spec.by in dimensions else []
    estimates = ((key, estimate(result, spec.metric, spec.by, key)) for key in keys)
    breakdown = tuple((key, est) for key, est in estimates if est.mean is not None)
    if not spec.blended:
        services = channel_services(result) if spec.metric == SERVICE else ()
        none = Estimate(None, None, None)
        return KpiCard(spec.metric, spec.label, spec.kind, none, breakdown, "", services)
    overall = estimate(result, spec.metric, "overall", "all")
    note = UNDEFINED_NOTES.get(spec.metric, UNDEFINED_NOTE) if overall.mean is None else ""
    return KpiCard(spec.metric, spec.label, spec.kind, overall, breakdown, note)


def build_cards(result: RunResult, specs: tuple[CardSpec, ...]) -> tuple[KpiCard, ...]:
    """The cards of `specs` for one run."""
    return tuple(build_card(result, spec) for spec in specs)


def fmt_kind(value: float | None, kind: str, currency: str = "USD") -> str:
    """A value of a kind without a registry name (run listings): 89.7%, 6.9 min, USD 4.12."""
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


def fmt_value(
    metric: str, value: float | None, currency: str = "USD", channel: str | None = None
) -> str:
    """A KPI value as the registry formats it (money with the scenario's currency)."""
    if metric not in REGISTRY:
        return fmt_kind(value, "count", currency)
    text = format_value(metric, value, channel=channel)
    if REGISTRY[metric].kind == MONEY and text != DASH:
        text = f"{currency} {text}"
    return text


def fmt_estimate_ci(
    metric: str, est: Estimate, currency: str = "USD", channel: str | None = None
) -> str:
    """'95% CI 82.1%–85.9%', '95% CI USD 2.32–2.50', '95% CI 7.1–8.9 s'."""
    if est.low is None or est.high is None:
        return "95% CI " + DASH
    low = fmt_value(metric, est.low, currency, channel)
    high = fmt_value(metric, est.high, currency, channel)
    entry = REGISTRY.get(metric)
    if entry is not None and entry.kind != SHARE:
        low = low.rsplit(" ", 1)[0] if low.endswith((" s", " h")) else low
        high = high.removeprefix(f"{currency} ") if entry.kind == MONEY else high
    return f"95% CI {low}–{high}"


def fmt_kind_ci(card: KpiCard, currency: str = "USD") -> str:
    """'95% CI low–high' of the card's overall estimate, in the card's unit."""
    return fmt_estimate_ci(card.metric, card.overall, currency)


def service_card(service: ChannelService, prefix: str) -> html.Div:
    """One channel's SL against its target (coloured met / at-risk / missed) and its ASA."""
    channel = service.channel
    return html.Div(
        [
            html.Div(f"{channel.capitalize()} service level", className="kpi-label"),
            html.Div(fmt_value(SERVICE, service.sl.mean, channel=channel), className="kpi-value"),
            html.Div(
                [
                    html.Span(service.status.replace("-", " "), className="kpi-status"),
                    f" · target {service.target_text}",
                ],
                className="kpi-target",
            ),
            html.Div(fmt_estimate_ci(SERVICE, service.sl, channel=channel), className="kpi-ci"),
            html.Div(
                f"ASA {fmt_value('asa_s', service.asa.mean, channel=channel)}",
                className="kpi-breakdown kpi-asa",
                title="average speed of answer of this channel, in its unit",
            ),
        ],
        className=f"kpi-card kpi-{service.status}",
        id=f"{prefix}-sl-{channel}",
        title=f"{channel}: {service.status} (95% CI against the target {service.target_text})",
    )


def _breakdown(card: KpiCard, currency: str) -> str:
    return " · ".join(
        f"{key} {fmt_value(card.metric, est.mean, currency, key)}" for key, est in card.breakdown
    )


def kpi_card(card: KpiCard, prefix: str = "kpi", currency: str = "USD") -> html.Div:
    """One card; its id is `<prefix>-<metric>` so tests and users can find it.

    The service card is a row of channel cards; a KPI that must not be blended shows its
    channels' values instead of an overall one.
    """
    if card.channels or card.metric == SERVICE:
        return html.Div(
            [service_card(s, prefix) for s in card.channels],
            className="kpi-row kpi-service",
            id=f"{prefix}-{card.metric}",
        )
    if card.overall.mean is None and not card.note:  # per channel, never blended
        values = [
            html.Div(f"{key} {fmt_value(card.metric, est.mean, currency, key)}")
            for key, est in card.breakdown
        ]
        body = [html.Div(values, className="kpi-value kpi-channels"),
                html.Div(PER_CHANNEL_NOTE, className="kpi-ci")]  # fmt: skip
    else:
        body = [
            html.Div(fmt_value(card.metric, card.overall.mean, currency), className="kpi-value"),
            html.Div(fmt_kind_ci(card, currency), className="kpi-ci"),
            html.Div(
                card.note or _breakdown(card, currency),
                className="kpi-breakdown kpi-note" if card.note else "kpi-breakdown",
                title="why there is no value" if card.note else "means by channel, site or queue",
            ),
        ]
    return html.Div(
        [html.Div(card.label, className="kpi-label"), *body],
        className="kpi-card",
        id=f"{prefix}-{card.metric}",
    )


def cards_row(cards: tuple[KpiCard, ...], prefix: str, currency: str = "USD") -> html.Div:
    """The service card's channel row, then the other cards in one row; ids `<prefix>-<metric>`."""
    service = [kpi_card(c, prefix, currency) for c in cards if c.metric == SERVICE]
    others = [kpi_card(c, prefix, currency) for c in cards if c.metric != SERVICE]
    return html.Div([*service, html.Div(others, className="kpi-row")])


def kpi_cards(
    cards: tuple[KpiCard, ...],
    currency: str = "USD",
    rows: tuple[tuple[str, ...], ...] = OVERVIEW_ROWS,
) -> html.Div:
    """The cards in `rows` (cards of no listed row come last), as the Overview shows them."""
    listed = {metric for row in rows for metric in row}
    grouped = [[c for c in cards if c.metric in row] for row in rows]
    grouped.append([c for c in cards if c.metric not in listed])
    children = []
    for row in grouped:
        if len(row) == 1 and row[0].metric == SERVICE:
            children.append(kpi_card(row[0], "kpi", currency))
        elif row:
            cards_html = [kpi_card(c, "kpi", currency) for c in row]
            children.append(html.Div(cards_html, className="kpi-row"))
    return html.Div(children, id="kpi-cards")
