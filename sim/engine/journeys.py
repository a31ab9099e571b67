"""Customer journeys for the engine: the bot, resolution and repeats, redials, callbacks.

Every first contact opens an *issue*. The issue is resolved by the bot or by an agent (with the
group's first-contact-resolution probability, scaled by the learning curve), abandoned (the
customer gives up for good), unresolved (out of attempts), or still open when the run ends; a
redial, a repeat contact or a return from the bot is a new contact of the same issue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.crn import IssueDraws
from sim.engine.log import (
    BOT_ABANDONED,
    BOT_DEFERRED,
    BOT_RESOLVED,
    CALLBACK_FAILED,
    IN_BOT,
    ISSUE_ABANDONED,
    ISSUE_OPEN,
    ISSUE_RESOLVED,
    ISSUE_UNRESOLVED,
    WAITING,
)
from sim.engine.roster import WEEK_S
from sim.engine.state import EngineState

if TYPE_CHECKING:
    from sim.engine.kernel import Call as _Call
    from sim.engine.roster import Roster
    from sim.model import Model

FIRST, REDIAL, REPEAT, BOT_RETRY = range(4)
_INF = float("inf")


class JourneyMixin(EngineState):
    """Journey state and handlers of `Engine` (see the module docstring)."""

    def _init_journeys(self, model: Model, roster: Roster, seed: int, rep: int, n: int) -> None:
        demand = model.scenario.demand
        names = model.type_names
        self.has_bot = [c.bot is not None for c in demand]
        self.has_callback = [c.callback is not None for c in demand]
        self.dial_time_s = [c.callback.dial_time_s if c.callback else 0.0 for c in demand]
        self.issue_of = list(range(n))
        self.attempt = [1] * n
        self.origin = [FIRST] * n
        self.resolved = [-1] * n  # 1 resolved, 0 not, -1 not handled by an agent
        self.callback_of = [0] * n  # 1 accepted a callback, 2 accepted but will not answer
        self.in_bot_s = [0.0] * n
        self.issue_status = [ISSUE_OPEN] * n
        self.issue_contacts = [1] * n
        self.bot_active = 0
        self.fcr = model.fcr.tolist()
        self.learning = [wf.learning_curve for wf in model.group_workforce]
        self.hired_at = list(roster.hired_at)

        self.draws = IssueDraws(seed, rep, names, self.ctype[:n])
        self.type_index = {name: i for i, name in enumerate(names)}
        self.mean_handle_s = mean_handle(model)
        self.callbacks_offered = 0

    def _draw(self, purpose: str, cid: int, dist=None, c: int | None = None) -> float:
        """This customer's variate for `purpose` at this contact (see `sim.engine.crn`)."""
        c = self.ctype[cid] if c is None else c
        sample = None if dist is None else dist.sample
        return self.draws.get(purpose, c, self.issue_of[cid], self.attempt[cid], sample)

    def _learning_factors(self, a: int, now: float) -> tuple[float, float]:
        """(handle-time factor, FCR factor) of an agent at its tenure now."""
        curve = self.learning[self.agent_group[a]]
        assert curve is not None  # only called for groups with a learning curve
        tenure = now - self.hired_at[a]
        progress = min(1.0, max(0.0, tenure / (curve.weeks_to_proficiency * WEEK_S)))
        return (
            curve.initial_aht_factor + (1.0 - curve.initial_aht_factor) * progress,
            curve.initial_fcr_factor + (1.0 - curve.initial_fcr_factor) * progress,
        )

    # ----------------------------------------------------------------- bot
    def _enter_bot(self, cid: int) -> bool:
        """Send a contact into self-service with the bot's share, if a session is free."""
        c = self.ctype[cid]
        bot = self.model.scenario.demand[c].bot
        assert bot is not None  # only called for types with a bot
        if self._draw("bot", cid) >= bot.share:
            return False
        if bot.concurrency_limit is not None and self.bot_active >= bot.concurrency_limit:
            return False
        self.bot_active += 1
        self.status[cid] = IN_BOT
        duration = self._draw("bot_time", cid, bot.time)
        self.in_bot_s[cid] = duration
        self._after(duration, self._bot_done, cid)
        return True

    def _bot_done(self, ev: _Call) -> None:
        cid = ev._value
        self.bot_active -= 1
        c = self.ctype[cid]
        bot = self.model.scenario.demand[c].bot
        out = bot.outcomes
        u = self._draw("bot_outcome", cid)
        now = self.env._now
        if u < out.escalated:
            self.status[cid] = WAITING
            self.handle_factor[cid] *= bot.escalation.handle_time_factor
            self.patience[cid] *= bot.escalation.patience_factor
            self._enter_queue(cid)
            return
        self.end[cid] = now
        if u < out.escalated + out.resolved:
            self.status[cid] = BOT_RESOLVED
            self.issue_status[self.issue_of[cid]] = ISSUE_RESOLVED
        elif u < out.escalated + out.resolved + out.abandoned:
            self.status[cid] = BOT_ABANDONED
            self.issue_status[self.issue_of[cid]] = ISSUE_ABANDONED
        else:
            self.status[cid] = BOT_DEFERRED
            target = self.type_index.get(bot.retry.as_type, c) if bot.retry.as_type else c
            delay = self._draw("bot_retry", cid, bot.retry.delay)
            self._after(delay, self._return, (target, cid, BOT_RETRY))

    # ----------------------------------------------------------------- callbacks
    def _offer_callback(self, cid: int) -> bool:
        """Offer a callback when the expected wait is long; True if the customer takes it."""
        c = self.ctype[cid]
        cb = self.model.scenario.demand[c].callback
        assert cb is not None  # only called for types that offer callbacks
        agents = sum(self.on_shift_in_group[g] for lv in self.groups_for_type[c] for g in lv)
        expected = self.n_waiting[c] * self.mean_handle_s[c] / max(agents, 1)
        if expected <= cb.offer_when_expected_wait_s:
            return False
        self.callbacks_offered += 1
        if self._draw("callback_accept", cid) >= cb.accept_probability:
            return False
        no_answer = self._draw("callback_answer", cid) < cb.no_answer_probability
        self.callback_of[cid] = 2 if no_answer else 1
        return True

    def _callback_unanswered(self, cid: int) -> bool:
        return self.callback_of[cid] == 2

    # ----------------------------------------------------------------- outcomes
    def _completed(self, cid: int) -> None:
        """An agent finished a contact: resolved, or the issue comes back (or gives up)."""
        if self.callback_of[cid] == 2:
            self.status[cid] = CALLBACK_FAILED
            self._lost(cid)
            return
        c = self.ctype[cid]
        a = self.agent_of[cid]
        g = self.agent_group[a]
        p = self.fcr[g][c]
        issue = self.issue_of[cid]
        if self.learning[g] is not None:
            p *= self._learning_factors(a, self.answer[cid])[1]
        elif p >= 1.0:  # certain: no draw needed
            self.resolved[cid] = 1
            self.issue_status[issue] = ISSUE_RESOLVED
            return
        if self._draw("fcr", cid) < p:
            self.resolved[cid] = 1
            self.issue_status[issue] = ISSUE_RESOLVED
            return
        self.resolved[cid] = 0
        repeat = self.model.scenario.demand[c].repeat
        if repeat is None or self.attempt[cid] >= repeat.max_attempts:
            self.issue_status[issue] = ISSUE_UNRESOLVED
            return
        target = c
        u = self._draw("switch", cid)
        for name, share in repeat.switch.items():
            if u < share:
                target = self.type_index[name]
                break
            u -= share
        self._after(self._draw("repeat", cid, repeat.delay), self._return, (target, cid, REPEAT))

    def _lost(self, cid: int) -> None:
        """A caller abandoned, got a busy signal or missed the callback: redial, or give up."""
        c = self.ctype[cid]
        redial = self.model.scenario.demand[c].redial
        if redial is not None and self.attempt[cid] < redial.max_attempts:
            if self._draw("redial", cid) < redial.probability:
                delay = self._draw("redial_delay", cid, redial.delay)
                self._after(delay, self._return, (c, cid, REDIAL))
                return
        self.issue_status[self.issue_of[cid]] = ISSUE_ABANDONED

    def _return(self, ev: _Call) -> None:
        """The customer of contact `parent` comes back as a new contact of type `c`."""
        c, parent, origin = ev._value
        cid = len(self.arrival)
        issue = self.issue_of[parent]
        self.arrival.append(self.env._now)
        self.ctype.append(c)
        demand = self.model.scenario.demand[c]
        attempt = self.attempt[parent] + 1
        self.base_handle.append(
            self.draws.get("handle_later", c, issue, attempt, demand.handle_time.sample)
        )
        acw = self.model.acw_dists[c]
        self.acw.append(self.draws.get("acw_later", c, issue, attempt, acw.sample) if acw else 0.0)
        pat = demand.patience
        self.patience.append(
            self.draws.get("patience_later", c, issue, attempt, pat.sample) if pat else _INF
        )
        columns: tuple[tuple[list[Any], Any], ...] = (
            (self.status, WAITING), (self.answer, _INF), (self.end, _INF), (self.agent_of, -1),
            (self.queued_at, _INF), (self.handle_factor, 1.0), (self.issue_of, issue),
            (self.attempt, attempt), (self.origin, origin),
            (self.resolved, -1), (self.callback_of, 0), (self.in_bot_s, 0.0),
        )  # fmt: skip
        for column, value in columns:
            column.append(value)
        self.issue_contacts[issue] += 1
        self._arrive(cid)


def mean_handle(model: Model) -> list[float]:
    """Mean handle time per contact type at the skilled groups' average proficiency."""
    prof = np.nanmean(np.where(np.isfinite(model.proficiency), model.proficiency, np.nan), axis=0)
    return [d.mean * (p if np.isfinite(p) else 1.0) for d, p in zip(model.handle_dists, prof,
                                                                   strict=True)]  # fmt: skip
