"""Contract terms beyond agent pay: telephony per minute and service-level penalties."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeFloat

from sim.scenario.base import Frozen, Probability


class SlaPenalty(Frozen):
    """A penalty for each interval (or day) in which a channel's service level misses target."""

    channel: Literal["voice", "chat", "email", "social"] = "voice"
    period: Literal["interval", "day"] = "day"
    target: Probability = 0.8
    amount: NonNegativeFloat


class Costs(Frozen):
    telephony_per_minute: NonNegativeFloat = Field(
        0.0, description="per voice minute in the system (queue and talk), e.g. toll-free"
    )
    currency: str = "USD"
    penalties: list[SlaPenalty] = Field(default_factory=list)
