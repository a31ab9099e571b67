"""Customer journeys around a contact: self-service bot, repeat contacts, redials, callbacks.

A contact is one step of a customer's *issue*. The bot (chatbot or IVR) may resolve it, pass it to
an agent, lose it, or send the customer away to come back later; an agent resolves it with the
group's first-contact-resolution probability, otherwise the issue returns as a new contact.
"""

from __future__ import annotations

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, model_validator

from sim.scenario.base import Frozen, Probability
from sim.scenario.distributions import Distribution


class BotOutcomes(Frozen):
    """What happens to a bot session; the four shares must add up to 1."""

    resolved: Probability = 0.0
    escalated: Probability = 1.0
    abandoned: Probability = 0.0
    retry_later: Probability = 0.0

    @model_validator(mode="after")
    def _sum_to_one(self) -> BotOutcomes:
        total = self.resolved + self.escalated + self.abandoned + self.retry_later
        if abs(total - 1.0) > 1e-9:
            raise ValueError(
                f"bot outcome shares add up to {total:g}: resolved + escalated + abandoned + "
                "retry_later must be 1"
            )
        return self


class Escalation(Frozen):
    """An escalated contact keeps the bot's context: longer handling, less patience left."""

    handle_time_factor: PositiveFloat = 1.0
    patience_factor: PositiveFloat = Field(1.0, le=1.0)


class Retry(Frozen):
    """A customer the bot sent away comes back after `delay`, possibly as another contact type,
    while the issue has had fewer than `max_attempts` contacts; at the last one it gives up (so
    every journey ends, even when the bot sends everyone away)."""

    delay: Distribution
    as_type: str | None = Field(None, description="contact type name to return as; default same")
    max_attempts: PositiveInt = Field(
        3, description="contacts per issue, the first included; sent away at the last, it gives up"
    )


class Bot(Frozen):
    """Self-service (chatbot or IVR) in front of the agent queue of one contact type."""

    share: Probability = Field(description="share of contacts that enter the bot")
    time: Distribution = Field(description="time spent in the bot")
    outcomes: BotOutcomes
    escalation: Escalation = Escalation()
    retry: Retry | None = None
    concurrency_limit: PositiveInt | None = Field(
        None, description="sessions at once; contacts arriving when full skip the bot"
    )
    cost_per_session: NonNegativeFloat = 0.0

    @model_validator(mode="after")
    def _retry_needed(self) -> Bot:
        if self.outcomes.retry_later > 0 and self.retry is None:
            raise ValueError("outcomes.retry_later > 0 needs a retry block (delay, as_type)")
        return self


class Repeat(Frozen):
    """Unresolved issues come back after `delay`, on the same or another contact type."""

    delay: Distribution
    switch: dict[str, Probability] = Field(
        default_factory=dict,
        description="share of repeats arriving as each other contact type; the rest stay",
    )
    max_attempts: PositiveInt = Field(3, description="contacts per issue before giving up")

    @model_validator(mode="after")
    def _switch_sum(self) -> Repeat:
        total = sum(self.switch.values())
        if total > 1 + 1e-9:
            raise ValueError(f"switch shares add up to {total:g}; they must be at most 1")
        return self


class Redial(Frozen):
    """Callers who abandon or get a busy signal call again with a probability, after a delay."""

    probability: Probability
    delay: Distribution
    max_attempts: PositiveInt = Field(5, description="calls per customer, the first included")


class Callback(Frozen):
    """Virtual hold: callers facing a long expected wait may leave a number and keep their place."""

    offer_when_expected_wait_s: NonNegativeFloat = Field(
        description="offer a callback when the expected wait exceeds this"
    )
    accept_probability: Probability
    window_s: PositiveFloat = Field(
        3600.0, description="a callback completed within this time of the call counts as on time"
    )
    no_answer_probability: Probability = 0.0
    dial_time_s: NonNegativeFloat = Field(
        30.0, description="agent time spent on a callback attempt nobody answers"
    )
