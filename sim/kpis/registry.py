"""The KPI registry: one entry per KPI, read by every view (CLI, compare, run store, sweeps, docs).

Each entry says what a KPI is (label, kind, unit, range), how it is built (numerator and
denominator for ratios), how it combines across the segments of a long run and across
replications, and which channels it applies to. Computation lives in `sim.kpis` (compute, ratios,
issues, costs); adding a KPI is one entry here plus its computation there.

Importing this module is cheap (standard library only), so the dashboard can read it freely.

Kinds and their display: `share` in [0, 1] as a percentage (differences in percentage points);
`duration` stored in seconds (`unit="s"`) and shown in seconds, waits (`wait=True`) in hours for
email and social, or stored in hours (`unit="h"`, agent hours); `count` (contacts, issues);
`money` in the scenario's currency; `ratio` (contacts per issue, chats per agent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SHARE, DURATION, COUNT, MONEY, RATIO = "share", "duration", "count", "money", "ratio"
ALL_CHANNELS = ("voice", "chat", "email", "social")
SLOW_CHANNELS = ("email", "social")  # waits and handle times shown in hours

# How one replication's value combines across the segments of a long run (`sim.experiments.
# segments`): "sums" = recomputed from the summed contact flags; "sum" = added; "weighted" = mean
# weighted by `weight`; "recompute" = derived again from combined totals.
SUMS, SUM, WEIGHTED, RECOMPUTE = "sums", "sum", "weighted", "recompute"


@dataclass(frozen=True)
class Kpi:
    """What one KPI is, how it is built and combined, and how it is shown."""

    name: str
    label: str  # full label, e.g. "service level"
    short: str  # column header, e.g. "SL"
    kind: str  # share, duration, count, money, ratio
    unit: str = ""  # storage unit: "s" or "h" for durations, "" otherwise
    lo: float = 0.0  # range: bounds of any value and of any confidence bound
    hi: float = math.inf
    numerator: str | None = None  # for ratios: the summed quantities it divides
    denominator: str | None = None
    segments: str = SUMS  # how segments combine (see above)
    weight: str | None = None  # with segments="weighted"
    replications: str = "mean"  # every KPI: mean over replications, Student-t 95% CI
    channels: tuple[str, ...] = ALL_CHANNELS  # the channels it applies to
    across_channels: bool = True  # meaningful in an `all` row mixing channels
    per_interval: bool = False  # also reported per interval
    decimals: int | None = None  # display decimals (default by kind)
    wait: bool = False  # a wait: shown in hours for email and social (customers wait hours)
    higher_is_better: bool | None = None  # for verdicts: None = neither

    @property
    def is_share(self) -> bool:
        return self.kind == SHARE


def _k(*args, **kwargs) -> Kpi:
    return Kpi(*args, **kwargs)


_S = {"kind": SHARE, "hi": 1.0}
_C = {"kind": COUNT, "per_interval": True}
_VC = ("voice", "chat")

KPIS: tuple[Kpi, ...] = (
    # volumes (contact counts per interval and in total)
    _k("offered", "offered contacts", "offered", **_C),
    _k("queued", "contacts reaching the agent queue", "queued", **_C),
    _k("answered", "contacts answered by an agent", "answered", **_C),
    _k("handled", "contacts completed by an agent", "handled", **_C),
    _k("abandoned", "contacts abandoned in queue", "aband.", **_C),
    _k("blocked", "calls blocked (all lines busy)", "blocked", **_C, channels=("voice",)),
    _k("waiting_end", "contacts still waiting at the end", "waiting", **_C),
    _k("in_service_end", "contacts in service at the end", "in serv.", **_C),
    _k("repeats", "repeat contacts", "repeats", **_C),
    _k("redials", "redials", "redials", **_C, channels=_VC),
    _k("bot_sessions", "bot sessions", "bot", **_C),
    _k("bot_resolved", "contacts resolved by the bot", "bot res.", **_C),
    _k("bot_escalated", "bot sessions escalated to an agent", "bot esc.", **_C),
    _k(
        "callbacks_offered",
        "callbacks offered",
        "cb off.",
        kind=COUNT,
        segments=SUM,
        channels=("voice",),
    ),
    _k("callbacks_accepted", "callbacks accepted", "cb acc.", **_C, channels=("voice",)),
    _k("callbacks_completed", "callbacks completed", "cb done", **_C, channels=("voice",)),
    _k("callbacks_on_time", "callbacks answered on time", "cb on time", **_C, channels=("voice",)),
    # service
    _k(
        "service_level",
        "service level",
        "SL",
        **_S,
        numerator="within",
        denominator="decided (reporting.sl_definition)",
        across_channels=False,
        per_interval=True,
        higher_is_better=True,
    ),
    _k(
        "sl_abandons_after_threshold",
        "service level, short abandons excluded",
        "SL (aat)",
        **_S,
        numerator="within",
        denominator="within + missed",
        across_channels=False,
        per_interval=True,
        higher_is_better=True,
    ),
    _k(
        "sl_offered",
        "service level of offered contacts",
        "SL (off.)",
        **_S,
        numerator="within",
        denominator="within + missed + short abandons + blocked",
        across_channels=False,
        per_interval=True,
        higher_is_better=True,
    ),
    _k(
        "sl_answered",
        "service level of answered contacts",
        "SL (ans.)",
        **_S,
        numerator="within",
        denominator="answered",
        across_channels=False,
        per_interval=True,
        higher_is_better=True,
    ),
    _k(
        "abandon_rate",
        "abandonment",
        "aband.",
        **_S,
        numerator="abandoned",
        denominator="queued",
        per_interval=True,
        higher_is_better=False,
    ),
    _k(
        "asa_s",
        "average speed of answer",
        "ASA",
        kind=DURATION,
        unit="s",
        numerator="wait_answered_s",
        denominator="answered",
        across_channels=False,
        per_interval=True,
        wait=True,
        higher_is_better=False,
    ),
    _k(
        "aht_s",
        "average handle time (talk + after-call work)",
        "AHT",
        kind=DURATION,
        unit="s",
        numerator="handle_s + acw_s",
        denominator="handled",
        across_channels=False,
        per_interval=True,
        decimals=0,
    ),
    _k(
        "talk_s",
        "average talk time (answer to the customer leaving)",
        "talk",
        kind=DURATION,
        unit="s",
        numerator="handle_s",
        denominator="handled",
        across_channels=False,
        per_interval=True,
        decimals=0,
    ),
    _k(
        "acw_s",
        "average after-call work (wrap-up after the customer left)",
        "ACW",
        kind=DURATION,
        unit="s",
        numerator="acw_s",
        denominator="handled",
        across_channels=False,
        per_interval=True,
        decimals=0,
    ),
    # agents
    _k(
        "occupancy",
        "occupancy",
        "occ.",
        **_S,
        numerator="busy time (talk + after-call work)",
        denominator="logged-in time",
        segments=WEIGHTED,
        weight="agent_hours",
        per_interval=True,
    ),
    _k(
        "agent_hours",
        "logged-in agent hours",
        "agent h",
        kind=DURATION,
        unit="h",
        segments=SUM,
        decimals=0,
    ),
    _k(
        "agents_staffed",
        "agents logged in (interval mean)",
        "agents",
        kind=COUNT,
        per_interval=True,
        decimals=1,
    ),
    _k(
        "chat_concurrency",
        "chats held per busy chat agent",
        "conc.",
        kind=RATIO,
        lo=1.0,
        numerator="chat durations",
        denominator="time holding >= 1 chat",
        segments=WEIGHTED,
        weight="handled chats",
        channels=("chat",),
    ),
    _k(
        "queue_len_end",
        "contacts waiting at the interval's end",
        "backlog",
        kind=COUNT,
        per_interval=True,
        decimals=1,
    ),
    # journeys
    _k(
        "fcr",
        "first-contact resolution",
        "FCR",
        **_S,
        numerator="issues resolved at their first contact",
        denominator="issues",
        segments=WEIGHTED,
        weight="issues",
        higher_is_better=True,
    ),
    _k(
        "agent_fcr",
        "agent resolution",
        "agent FCR",
        **_S,
        numerator="resolved_by_agent",
        denominator="handled",
        per_interval=True,
        higher_is_better=True,
    ),
    _k(
        "repeat_rate",
        "repeat rate",
        "repeat",
        **_S,
        numerator="repeats",
        denominator="offered",
        per_interval=True,
        higher_is_better=False,
    ),
    _k(
        "contacts_per_issue",
        "contacts per issue",
        "cont./issue",
        kind=RATIO,
        lo=1.0,
        numerator="issue contacts",
        denominator="issues",
        segments=WEIGHTED,
        weight="issues",
        decimals=2,
        higher_is_better=False,
    ),
    _k(
        "contacts_per_resolved_issue",
        "contacts per resolved issue",
        "cont./res.",
        kind=RATIO,
        lo=1.0,
        numerator="contacts of resolved issues",
        denominator="issues_resolved",
        segments=WEIGHTED,
        weight="issues_resolved",
        decimals=2,
        higher_is_better=False,
    ),
    _k(
        "unresolved_share",
        "issues not resolved",
        "unresolved",
        **_S,
        numerator="issues - issues_resolved",
        denominator="issues",
        segments=WEIGHTED,
        weight="issues",
        higher_is_better=False,
    ),
    _k("issues", "issues", "issues", kind=COUNT, segments=SUM),
    _k("issues_resolved", "issues resolved", "resolved", kind=COUNT, segments=SUM),
    _k("issues_unresolved", "issues unresolved", "unresolved", kind=COUNT, segments=SUM),
    _k("issues_abandoned", "issues abandoned", "abandoned", kind=COUNT, segments=SUM),
    _k("issues_open", "issues open at the end", "open", kind=COUNT, segments=SUM),
    _k(
        "bot_containment",
        "bot containment",
        "contained",
        **_S,
        numerator="bot_resolved",
        denominator="bot_sessions",
        per_interval=True,
        higher_is_better=True,
    ),
    _k(
        "bot_escalation_rate",
        "bot escalation rate",
        "escalated",
        **_S,
        numerator="bot_escalated",
        denominator="bot_sessions",
        per_interval=True,
    ),
    _k(
        "deflection_rate",
        "deflection by the bot",
        "deflected",
        **_S,
        numerator="bot_resolved",
        denominator="offered",
        per_interval=True,
    ),
    # costs
    _k("labour_cost", "labour cost", "labour", kind=MONEY, segments=SUM),
    _k("telephony_cost", "telephony cost", "telephony", kind=MONEY, segments=SUM),
    _k("bot_cost", "bot cost", "bot", kind=MONEY, segments=SUM),
    _k(
        "sla_penalty",
        "SLA penalties",
        "penalties",
        kind=MONEY,
        segments=SUM,
        higher_is_better=False,
    ),
    _k("cost_total", "total cost", "cost", kind=MONEY, segments=SUM, higher_is_better=False),
    _k(
        "cost_per_contact",
        "cost per contact",
        "per contact",
        kind=MONEY,
        numerator="cost_total",
        denominator="handled + bot_resolved",
        segments=RECOMPUTE,
        decimals=2,
        higher_is_better=False,
    ),
    _k(
        "cost_per_resolved_issue",
        "cost per resolved issue",
        "per resolved",
        kind=MONEY,
        numerator="cost_total",
        denominator="issues_resolved",
        segments=RECOMPUTE,
        decimals=2,
        higher_is_better=False,
    ),
    _k(
        "scheduled_hours",
        "scheduled agent hours",
        "sched. h",
        kind=DURATION,
        unit="h",
        segments=SUM,
        decimals=0,
    ),
    _k(
        "shrinkage",
        "shrinkage",
        "shrink.",
        **_S,
        numerator="planned hours not on the phone",
        denominator="planned shift hours",
        segments=WEIGHTED,
        weight="scheduled_hours",
    ),
)

REGISTRY: dict[str, Kpi] = {k.name: k for k in KPIS}

HEADLINE = ("service_level", "asa_s", "abandon_rate", "occupancy", "cost_total")
"""The few overall KPIs a run listing (run store, sweep points) keeps."""
CHANNEL_HEADLINE = ("service_level", "asa_s")
"""Headline KPIs that mean nothing blended across channels: listings show them per channel."""


def kpi(name: str) -> Kpi:
    """The registry entry of a KPI (KeyError naming the known ones if it is not registered)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown KPI {name!r}; registered: {', '.join(REGISTRY)}") from None


def value_range(name: str) -> tuple[float, float]:
    """(low, high) bounds of the KPI's values; (-inf, inf) for an unregistered column."""
    entry = REGISTRY.get(name)
    return (entry.lo, entry.hi) if entry else (-math.inf, math.inf)


def names(kind: str | None = None) -> list[str]:
    """Registered KPI names (of one kind)."""
    return [k.name for k in KPIS if kind is None or k.kind == kind]


def by_segments(rule: str) -> list[str]:
    """KPIs combined across segments by `rule` (SUM, WEIGHTED, ...)."""
    return [k.name for k in KPIS if k.segments == rule]


def display_unit(name: str, channel: str | None = None) -> str:
    """The unit a table shows: 's' or 'h' for durations (h for email/social), '%', or ''."""
    entry = kpi(name)
    if entry.kind == SHARE:
        return "%"
    if entry.kind == DURATION:
        if entry.unit == "h" or (entry.wait and channel in SLOW_CHANNELS):
            return "h"
        return "s"
    return ""


def scale(name: str, channel: str | None = None) -> float:
    """Factor from the stored value to the displayed unit (seconds -> hours for email)."""
    entry = kpi(name)
    if entry.kind == DURATION and entry.unit == "s" and display_unit(name, channel) == "h":
        return 1 / 3600.0
    return 1.0


def _decimals(entry: Kpi, unit: str) -> int:
    if entry.decimals is not None and not (entry.kind == DURATION and unit != entry.unit):
        return entry.decimals
    return {SHARE: 1, COUNT: 0, MONEY: 0, RATIO: 2}.get(entry.kind, 1 if unit == "s" else 2)


def axis_label(name: str, currency: str = "", channel: str | None = None) -> str:
    """A plot axis or panel title: `ASA (s)`, `total cost (USD)`, `service level`; in the
    channel's display unit if given (`ASA (h)` for email)."""
    entry = kpi(name)
    unit = display_unit(name, channel)
    if entry.kind == MONEY:
        unit = currency
    return f"{entry.label} ({unit})" if unit and unit != "%" else entry.label


def format_value(
    name: str,
    value: float | None,
    half: float | None = None,
    channel: str | None = None,
    unit: bool = True,
) -> str:
    """`82.4% ± 1.6%`, `9.9 s ± 1.1`, `1.51 h`, `16,685 ± 82`: the KPI in its display unit.

    Empty for a missing value (nothing arrived: no value, not 0); the ± part only for a positive
    finite half-width.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    entry = kpi(name)
    shown = display_unit(name, channel)
    places = _decimals(entry, shown)
    f = scale(name, channel)
    if entry.kind == SHARE:
        text = f"{value:.{places}%}"
        if half is not None and math.isfinite(half) and half > 0:
            text += f" ± {half:.{places}%}"
        return text
    text = f"{value * f:,.{places}f}"
    if unit and shown in ("s", "h"):
        text += f" {shown}"
    if half is not None and math.isfinite(half) and half * f >= 0.5 * 10**-places:
        text += f" ± {half * f:,.{places}f}"
    return text


def format_difference(
    name: str,
    diff: float | None,
    half: float | None = None,
    channel: str | None = None,
    currency: str = "",
) -> str:
    """B - A in the KPI's display unit: `+1.23 ± 0.40 pt` for shares, `-0.12 ± 0.01 USD`.

    Decimals: the KPI's own, or more where the half-width needs them (two significant digits).
    """
    if diff is None or math.isnan(diff):
        return "–"
    entry = kpi(name)
    shown = display_unit(name, channel)
    if entry.kind == SHARE:
        f, places, unit = 100.0, 2, " pt"
    else:
        f, places = scale(name, channel), _decimals(entry, shown)
        unit = f" {shown}" if shown in ("s", "h") else (f" {currency}" if entry.kind == MONEY
                                                         and currency else "")  # fmt: skip
    if half is not None and math.isfinite(half) and half * f > 0:
        places = max(places, min(4, 1 - math.floor(math.log10(half * f))))
    text = f"{diff * f:+,.{places}f}"
    if half is not None and math.isfinite(half):
        text += f" ± {half * f:,.{places}f}"
    return text + unit
