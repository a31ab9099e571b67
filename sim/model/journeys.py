"""Journey tables: the bot, callbacks, repeats, redials and learning curves, compiled once.

The engine's journey hooks read these plain lists (one entry per contact type, or per agent group
for learning curves) and never the scenario's pydantic objects, so a hook costs a few list lookups.
Outcome shares compared with one uniform are kept as cumulative thresholds, summed in the order the
hooks compare them (escalated, + resolved, + abandoned), so a uniform gives the same outcome as a
sum taken at run time. Durations are kept as samplers `(rng, size) -> array`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.scenario.models import Scenario

Sampler = Callable[[np.random.Generator, int], np.ndarray]
WEEK_S = 7 * 86_400.0


@dataclass(frozen=True)
class JourneyTables:
    """Per contact type c (lists indexed by c) unless said otherwise; see the module docstring."""

    # bot (self-service in front of the queue)
    has_bot: list[bool]
    bot_share: list[float]
    bot_limit: list[float]  # sessions at once; inf without a limit
    bot_time: list[Sampler | None]
    bot_escalated: list[float]  # outcome u < this: escalated to an agent
    bot_resolved: list[float]  # else u < this (escalated + resolved): resolved by the bot
    bot_abandoned: list[float]  # else u < this (+ abandoned): gave up; else comes back later
    escalation_handle_factor: list[float]
    escalation_patience_factor: list[float]
    bot_retry_type: list[int]  # type a deferred customer comes back as
    bot_retry_delay: list[Sampler | None]
    bot_retry_max: list[int]  # contacts per issue after which a deferred customer gives up
    # callbacks (virtual hold)
    has_callback: list[bool]
    callback_offer_s: list[float]  # offered when the expected wait exceeds this
    callback_accept: list[float]
    callback_no_answer: list[float]
    dial_time_s: list[float]
    # repeats of unresolved issues; repeat_max 0 without repeats (every attempt is the last)
    repeat_max: list[int]
    repeat_switch: list[tuple[tuple[int, float], ...]]  # (type, share) in scenario order
    repeat_delay: list[Sampler | None]
    # redials of lost callers; redial_max 0 without redials
    redial_max: list[int]
    redial_probability: list[float]
    redial_delay: list[Sampler | None]
    # durations of later contacts (redials, repeats, returns from the bot)
    handle: list[Sampler]
    acw: list[Sampler | None]
    patience: list[Sampler | None]
    # per agent group: (initial AHT factor, initial FCR factor, seconds to proficiency) or None
    learning: list[tuple[float, float, float] | None]


def _sampler(dist) -> Sampler | None:
    return None if dist is None else dist.sample


def journey_tables(scenario: Scenario) -> JourneyTables:
    """Compile the journey settings of every contact type and the groups' learning curves."""
    demand = scenario.demand
    index = {c.name: i for i, c in enumerate(demand)}
    bots = [c.bot for c in demand]
    cbs = [c.callback for c in demand]
    reps = [c.repeat for c in demand]
    rds = [c.redial for c in demand]
    outcomes = [b.outcomes if b else None for b in bots]
    esc = [o.escalated if o else 1.0 for o in outcomes]
    res = [e + o.resolved if o else 1.0 for e, o in zip(esc, outcomes, strict=True)]
    ab = [r + o.abandoned if o else 1.0 for r, o in zip(res, outcomes, strict=True)]
    retry_type = []
    for i, b in enumerate(bots):
        as_type = b.retry.as_type if b and b.retry else None
        retry_type.append(index.get(as_type, i) if as_type else i)
    curves = [g.workforce.learning_curve for s in scenario.sites for g in s.groups]
    return JourneyTables(
        has_bot=[b is not None for b in bots],
        bot_share=[b.share if b else 0.0 for b in bots],
        bot_limit=[float(b.concurrency_limit or np.inf) if b else np.inf for b in bots],
        bot_time=[_sampler(b.time) if b else None for b in bots],
        bot_escalated=esc,
        bot_resolved=res,
        bot_abandoned=ab,
        escalation_handle_factor=[b.escalation.handle_time_factor if b else 1.0 for b in bots],
        escalation_patience_factor=[b.escalation.patience_factor if b else 1.0 for b in bots],
        bot_retry_type=retry_type,
        bot_retry_delay=[_sampler(b.retry.delay) if b and b.retry else None for b in bots],
        bot_retry_max=[b.retry.max_attempts if b and b.retry else 0 for b in bots],
        has_callback=[cb is not None for cb in cbs],
        callback_offer_s=[cb.offer_when_expected_wait_s if cb else np.inf for cb in cbs],
        callback_accept=[cb.accept_probability if cb else 0.0 for cb in cbs],
        callback_no_answer=[cb.no_answer_probability if cb else 0.0 for cb in cbs],
        dial_time_s=[cb.dial_time_s if cb else 0.0 for cb in cbs],
        repeat_max=[r.max_attempts if r else 0 for r in reps],
        repeat_switch=[
            tuple((index[n], s) for n, s in r.switch.items()) if r else () for r in reps
        ],
        repeat_delay=[_sampler(r.delay) if r else None for r in reps],
        redial_max=[r.max_attempts if r else 0 for r in rds],
        redial_probability=[r.probability if r else 0.0 for r in rds],
        redial_delay=[_sampler(r.delay) if r else None for r in rds],
        handle=[c.handle_time.sample for c in demand],
        acw=[_sampler(c.acw) for c in demand],
        patience=[_sampler(c.patience) for c in demand],
        learning=[
            None
            if lc is None
            else (lc.initial_aht_factor, lc.initial_fcr_factor, lc.weeks_to_proficiency * WEEK_S)
            for lc in curves
        ],
    )
