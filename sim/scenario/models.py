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
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from sim.errors import ScenarioError
from sim.scenario.distributions import Distribution

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
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


def clock_seconds(value: str) -> int:
    """Seconds after local midnight of an HH:MM clock time."""
    hours, minutes = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Horizon(_Frozen):
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


class Peak(_Frozen):
    """A volume multiplier on the customers' local dates from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    multiplier: PositiveFloat

    @model_validator(mode="after")
    def _ordered(self) -> Peak:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ContactType(_Frozen):
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
    handle_time: Distribution
    patience: Distribution | None = Field(
        None,
        description="time a waiting customer stays before abandoning (voice, chat); "
        "none = waits forever",
    )
    priority: PositiveInt = Field(1, description="1 is served first; equal priorities are FCFS")

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
        return self


class Skill(_Frozen):
    """What an agent group can handle; proficiency multiplies the contact type's handle time."""

    language: str = Field(min_length=1)
    channel: Channel
    proficiency: PositiveFloat = Field(1.0, description="handle-time factor: 1.2 = 20% slower")


class Shift(_Frozen):
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


class AgentGroup(_Frozen):
    name: Name
    skills: list[Skill] = Field(min_length=1)
    shifts: list[Shift] = Field(default_factory=list)
    wage_per_hour: NonNegativeFloat = 0.0


class Site(_Frozen):
    name: Name
    timezone: TimeZone
    location: Literal["onshore", "nearshore", "offshore"]
    groups: list[AgentGroup] = Field(min_length=1)


class VoiceSettings(_Frozen):
    sl_threshold_s: PositiveFloat = 20
    sl_target: Probability = 0.8
    lines: PositiveInt | None = Field(
        None, description="trunk lines: callers finding all lines taken get a busy signal"
    )


class ChatSettings(_Frozen):
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


class BacklogSettings(_Frozen):
    sla_hours: PositiveFloat = 24
    sla_target: Probability = 0.9


class Channels(_Frozen):
    voice: VoiceSettings = VoiceSettings()
    chat: ChatSettings = ChatSettings()
    email: BacklogSettings = BacklogSettings()
    social: BacklogSettings = BacklogSettings(sla_hours=4)


class Routing(_Frozen):
    policy: Literal["longest_idle"] = "longest_idle"


class Reporting(_Frozen):
    timezone: TimeZone = "UTC"
    sl_definition: SlVariant = Field(
        "abandons_after_threshold",
        description="denominator of service level; see docs/kpis.md",
    )


class Scenario(_Frozen):
    """A whole contact center: demand, sites with agents, channels, routing and reporting."""

    name: str = "scenario"
    description: str = ""
    horizon: Horizon
    channels: Channels = Channels()
    demand: list[ContactType] = Field(min_length=1)
    sites: list[Site] = Field(min_length=1)
    routing: Routing = Routing()
    reporting: Reporting = Reporting()

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
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _unique(names: list[str], where: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problems.append(f"{where}: name {n!r} is used twice; names must be unique")
        seen.add(n)
