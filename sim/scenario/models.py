"""The scenario: a validated, frozen description of one contact center over one horizon.

Units are in the field names (`_s`, `_hours`, `_per_hour`, `_per_day`). Local times (customers'
intraday profiles, agents' shifts) are wall-clock times in the IANA zone named next to them; they
are resolved to UTC once, when the scenario is compiled into a runtime model.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from sim.errors import ScenarioError
from sim.scenario.base import Frozen, Probability
from sim.scenario.busyness import Busyness, busyness_problems
from sim.scenario.costs import Costs
from sim.scenario.distributions import Distribution
from sim.scenario.journeys import Bot, Callback, Redial, Repeat
from sim.scenario.workforce import Pricing, Workforce

Channel = Literal["voice", "chat", "email", "social"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SlVariant = Literal["abandons_after_threshold", "offered", "answered"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as 'America/New_York' or 'UTC'"
        ) from None
    return name


def check_timezone(name: str, where: str) -> str:
    """A valid IANA zone name, or a `ScenarioError` naming the option it came from."""
    try:
        return _check_zone(name)
    except ValueError as exc:
        raise ScenarioError(f"{where}: {exc}") from None


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"{name!r} is not a valid name: start with a letter, then letters, digits, _ or -"
        )
    return name


def _check_clock(value: str) -> str:
    m = _CLOCK.match(value)
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        raise ValueError(f"{value!r} is not a clock time: use HH:MM between 00:00 and 24:00")
    return value


TimeZone = Annotated[str, AfterValidator(_check_zone)]
Name = Annotated[str, AfterValidator(_check_name)]
Clock = Annotated[str, AfterValidator(_check_clock)]


def clock_seconds(value: str) -> int:
    """Seconds after local midnight of an HH:MM clock time."""
    hours, minutes = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60


class Horizon(Frozen):
    """The simulated period: whole or fractional days from local midnight of `start`."""

    start: dt.date
    days: PositiveFloat = 7
    timezone: TimeZone = "UTC"
    interval_minutes: Literal[15, 30, 60] = 30
    warmup_hours: NonNegativeFloat = Field(
        0.0, description="contacts arriving before this are simulated but left out of the KPIs"
    )
    drain: bool = Field(
        False, description="after the last arrival keep serving until every contact is finished"
    )


class Peak(Frozen):
    """A volume multiplier on the customers' local dates from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    multiplier: PositiveFloat

    @model_validator(mode="after")
    def _ordered(self) -> Peak:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ContactType(Frozen):
    """One stream of demand: a channel x language x segment with its own volume, profiles, times."""

    name: Name
    channel: Channel
    language: str = Field(min_length=1)
    segment: str = "general"
    timezone: TimeZone = Field(description="the customers' time zone, in which profiles are read")
    volume_per_day: NonNegativeFloat = Field(description="mean contacts on an average day")
    intraday_profile: list[NonNegativeFloat] | Literal["flat"] = Field(
        "flat",
        description="weights of equal slots of the local day (24 hourly, 48 half-hourly or "
        "96 quarter-hourly); normalised to sum to 1",
    )
    weekday_profile: list[NonNegativeFloat] = Field(
        default_factory=lambda: [1.0] * 7,
        description="relative volume Monday..Sunday; normalised so that the week's mean is 1",
    )
    peaks: list[Peak] = Field(default_factory=list)
    day_factor_cv: NonNegativeFloat = Field(
        0.0,
        description="day-to-day overdispersion: each local day's volume is multiplied by a "
        "Gamma factor with mean 1 and this CV (0 = plain Poisson)",
    )
    handle_time: Distribution
    acw: Distribution | None = Field(
        None, description="after-call work (wrap-up): the agent stays busy after the customer left"
    )
    patience: Distribution | None = Field(
        None,
        description="time a waiting customer stays before abandoning (voice, chat); "
        "none = waits forever",
    )
    priority: PositiveInt = Field(1, description="1 is served first; equal priorities are FCFS")
    home_sites: list[str] | None = Field(
        None,
        description="sites that serve this queue at once; other sites only through "
        "routing.overflow (default: every site with the skill)",
    )
    bot: Bot | None = None
    repeat: Repeat | None = Field(
        None, description="unresolved issues come back (resolution chance: skills' fcr)"
    )
    redial: Redial | None = None
    callback: Callback | None = None

    @model_validator(mode="after")
    def _profiles(self) -> ContactType:
        if self.intraday_profile != "flat":
            n = len(self.intraday_profile)
            if n not in (24, 48, 96):
                raise ValueError(
                    f"intraday_profile has {n} values: give 24 (hourly), 48 (half-hourly) or 96 "
                    "(quarter-hourly) weights, or 'flat'"
                )
            if sum(self.intraday_profile) <= 0:
                raise ValueError("intraday_profile weights are all zero: at least one must be > 0")
        if len(self.weekday_profile) != 7:
            raise ValueError(
                f"weekday_profile has {len(self.weekday_profile)} values: give 7 (Monday..Sunday)"
            )
        if sum(self.weekday_profile) <= 0:
            raise ValueError("weekday_profile weights are all zero: at least one must be > 0")
        if self.patience is not None and self.channel in ("email", "social"):
            raise ValueError(f"{self.channel} contacts do not abandon: remove patience")
        if self.channel != "voice" and (self.redial or self.callback):
            raise ValueError("redial and callback apply to voice contact types only")
        return self


class Skill(Frozen):
    """What an agent group can handle; proficiency multiplies the contact type's handle time."""

    language: str = Field(min_length=1)
    channel: Channel
    proficiency: PositiveFloat = Field(1.0, description="handle-time factor: 1.2 = 20% slower")
    acw_factor: PositiveFloat = Field(
        1.0, description="after-call-work factor on this skill: 0.8 = wraps up 20% faster"
    )
    fcr: Probability = Field(1.0, description="chance a contact handled here resolves the issue")
    level: Literal["primary", "secondary"] = Field(
        "primary", description="secondary skills serve only when no primary agent is free"
    )
    native: bool = Field(
        True, description="false = language fallback: routing.language_fallback penalties apply"
    )


class Shift(Frozen):
    """`headcount` agents working from `start` to `end` (site local time) on the given weekdays.

    An end at or before the start runs past midnight into the next day.
    """

    start: Clock
    end: Clock
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    headcount: NonNegativeInt

    @model_validator(mode="after")
    def _nonempty(self) -> Shift:
        if self.start == "24:00":
            raise ValueError("start 24:00 is not a start time: use 00:00")
        return self


class AgentGroup(Frozen):
    name: Name
    skills: list[Skill] = Field(min_length=1)
    shifts: list[Shift] = Field(default_factory=list)
    wage_per_hour: NonNegativeFloat = Field(0.0, description="loaded cost per logged-in hour")
    workforce: Workforce = Workforce()


class Site(Frozen):
    name: Name
    timezone: TimeZone
    location: Literal["onshore", "nearshore", "offshore"]
    groups: list[AgentGroup] = Field(min_length=1)
    pricing: Pricing | None = Field(
        None, description="vendor price for this site; default: the groups' wage cost"
    )


class VoiceSettings(Frozen):
    sl_threshold_s: PositiveFloat = 20
    sl_target: Probability = 0.8
    lines: PositiveInt | None = Field(
        None, description="trunk lines: callers finding all lines taken get a busy signal"
    )


class ChatSettings(Frozen):
    sl_threshold_s: PositiveFloat = 60
    sl_target: Probability = 0.8
    max_concurrency: PositiveInt = 2
    aht_factor_by_concurrency: list[PositiveFloat] | None = Field(
        None,
        description="handle-time factor while an agent holds 1, 2, ... chats (length "
        "max_concurrency); default no slowdown",
    )

    @model_validator(mode="after")
    def _factors(self) -> ChatSettings:
        f = self.aht_factor_by_concurrency
        if f is not None and len(f) != self.max_concurrency:
            raise ValueError(
                f"aht_factor_by_concurrency has {len(f)} values: give one per concurrency "
                f"level 1..{self.max_concurrency}"
            )
        return self

    @property
    def factors(self) -> list[float]:
        return list(self.aht_factor_by_concurrency or [1.0] * self.max_concurrency)


class BacklogSettings(Frozen):
    sla_hours: PositiveFloat = 24
    sla_target: Probability = 0.9


class Channels(Frozen):
    voice: VoiceSettings = VoiceSettings()
    chat: ChatSettings = ChatSettings()
    email: BacklogSettings = BacklogSettings()
    social: BacklogSettings = BacklogSettings(sla_hours=4)


class Overflow(Frozen):
    """Contacts waiting `after_s` at `from_site` may also go to skilled agents at `to_site`."""

    from_site: str
    to_site: str
    after_s: NonNegativeFloat


class LanguageFallback(Frozen):
    """Penalties when an agent serves in a non-native language (skills with native: false)."""

    handle_time_factor: PositiveFloat = 1.15
    fcr_factor: Probability = 0.9


RoutingPolicy = Literal[
    "longest_idle", "group_order", "most_proficient", "priority_aging", "reservation"
]


class Routing(Frozen):
    """How contacts meet agents (see docs/routing.md); `policy` names one of five policies."""

    policy: RoutingPolicy = "longest_idle"
    aging_weights: dict[str, PositiveFloat] = Field(
        default_factory=dict,
        description="priority_aging: weight per contact type (default 1); score = weight x wait",
    )
    by_type: dict[str, Literal["longest_idle", "group_order", "most_proficient", "reservation"]] = (
        Field(default_factory=dict, description="policy per contact type name, overriding `policy`")
    )
    reserve_agents: NonNegativeInt = Field(
        1, description="reservation: idle agents each group keeps for its primary skills"
    )
    overflow: list[Overflow] = Field(default_factory=list)
    language_fallback: LanguageFallback = LanguageFallback()


class Reporting(Frozen):
    timezone: TimeZone = "UTC"
    sl_definition: SlVariant = Field(
        "abandons_after_threshold",
        description="denominator of service level; see docs/kpis.md",
    )


class Scenario(Frozen):
    """A whole contact center: demand, sites with agents, channels, routing and reporting."""

    name: str = "scenario"
    description: str = ""
    horizon: Horizon
    channels: Channels = Channels()
    demand: list[ContactType] = Field(min_length=1)
    sites: list[Site] = Field(min_length=1)
    routing: Routing = Routing()
    reporting: Reporting = Reporting()
    costs: Costs = Costs()
    busyness: Busyness = Field(
        None, description="busy days shared by contact types: {cv} for all, or [{cv, types}]"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems: list[str] = []
        _unique([c.name for c in self.demand], "demand", problems)
        _unique([s.name for s in self.sites], "sites", problems)
        for i, site in enumerate(self.sites):
            _unique([g.name for g in site.groups], f"sites[{i}].groups", problems)
        skills = {(k.language, k.channel) for s in self.sites for g in s.groups for k in g.skills}
        for i, c in enumerate(self.demand):
            if (c.language, c.channel) not in skills:
                problems.append(
                    f"demand[{i}] ({c.name}): no agent group has the skill "
                    f"language={c.language!r}, channel={c.channel!r}; add it to a group's skills"
                )
        _check_references(self, problems)
        problems += busyness_problems(self.busyness, [c.name for c in self.demand])
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _check_references(sc: Scenario, problems: list[str]) -> None:
    """Names used in journeys and routing must exist; overflow between sites must not cycle."""
    types = {c.name for c in sc.demand}
    sites = {s.name for s in sc.sites}
    for i, c in enumerate(sc.demand):
        if c.bot and c.bot.retry and c.bot.retry.as_type and c.bot.retry.as_type not in types:
            problems.append(f"demand[{i}].bot.retry.as_type: unknown contact type "
                            f"{c.bot.retry.as_type!r}; use one of {sorted(types)}")  # fmt: skip
        for name in c.repeat.switch if c.repeat else {}:
            if name not in types:
                problems.append(f"demand[{i}].repeat.switch: unknown contact type {name!r}; "
                                f"use one of {sorted(types)}")  # fmt: skip
        for name in c.home_sites or []:
            if name not in sites:
                problems.append(f"demand[{i}].home_sites: unknown site {name!r}; "
                                f"use one of {sorted(sites)}")  # fmt: skip
    for name in [*sc.routing.aging_weights, *sc.routing.by_type]:
        if name not in types:
            problems.append(f"routing (aging_weights, by_type): unknown contact type {name!r}; "
                            f"use one of {sorted(types)}")  # fmt: skip
    edges: dict[str, set[str]] = {}
    for i, rule in enumerate(sc.routing.overflow):
        for end in ("from_site", "to_site"):
            if getattr(rule, end) not in sites:
                problems.append(f"routing.overflow[{i}].{end}: unknown site "
                                f"{getattr(rule, end)!r}; use one of {sorted(sites)}")  # fmt: skip
        edges.setdefault(rule.from_site, set()).add(rule.to_site)
    cycle = _find_cycle(edges)
    if cycle:
        problems.append("routing.overflow: cyclic overflow " + " -> ".join(cycle)
                        + "; contacts would bounce between sites, remove one rule")  # fmt: skip


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in a small directed graph (as a path that returns to its start), if any."""

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        for nxt in sorted(edges.get(node, ())):
            found = visit(nxt, [*path, node])
            if found:
                return found
        return None

    for start in sorted(edges):
        found = visit(start, [])
        if found:
            return found
    return None


def _unique(names: list[str], where: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problems.append(f"{where}: name {n!r} is used twice; names must be unique")
        seen.add(n)
