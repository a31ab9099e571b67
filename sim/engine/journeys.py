"""Customer journeys for the engine: the bot, resolution and repeats, redials, callbacks.

Every first contact opens an *issue*. The issue is resolved by the bot or by an agent (with the
group's first-contact-resolution probability, scaled by the learning curve), abandoned (the
customer gives up for good), unresolved (out of attempts), or still open when the run ends; a
redial, a repeat contact or a return from the bot is a new contact of the same issue.

The hooks read the compiled `Model.journeys` tables only. A first contact's variates come from
per-purpose columns gathered in bulk at start-up (`IssueDraws.first`); a later contact's are read
from the same (issue, attempt) tables one at a time, so both give what `IssueDraws.get` gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from sim.engine.state import EngineState

if TYPE_CHECKING:
    from sim.engine.kernel import Call as _Call
    from sim.engine.roster import Roster
    from sim.model import Model
    from sim.model.journeys import Sampler

FIRST, REDIAL, REPEAT, BOT_RETRY = range(4)
_INF = float("inf")


class JourneyMixin(EngineState):
    """Journey state and handlers of `Engine` (see the module docstring)."""

    def _init_journeys(self, model: Model, roster: Roster, seed: int, rep: int, n: int) -> None:
        jt = self.jt = model.journeys
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
        self.learning = jt.learning
        self.has_bot = jt.has_bot
        self.hired_at = list(roster.hired_at)
        first_type = self.demand.type_idx  # the first contacts' types, as an array
        self.draws = draws = IssueDraws(seed, rep, model.type_names, first_type)
        self.n_first = n
        self.mean_handle_s = mean_handle(model)
        self.callbacks_offered = 0

        nt = model.n_types
        bot = [c for c in range(nt) if jt.has_bot[c]]
        retry = [c for c in bot if jt.bot_retry_delay[c] is not None]
        callback = [c for c in range(nt) if jt.has_callback[c]]
        repeat = [c for c in range(nt) if jt.repeat_max[c] > 1]
        redial = [c for c in range(nt) if jt.redial_max[c] > 1]

        column = draws.first
        # a first contact's choice of the bot, decided in bulk (u < share, nan for types without)
        self.to_bot: list[bool] = []
        if bot:
            share = np.asarray(jt.bot_share)[first_type]
            self.to_bot = (np.asarray(column("bot", bot)) < share).tolist()
        self.u_bot_time = column("bot_time", bot, jt.bot_time)
        self.u_bot_outcome = column("bot_outcome", bot)
        self.u_bot_retry = column("bot_retry", retry, jt.bot_retry_delay)
        self.u_callback = column("callback_accept", callback)
        self.u_answer = column("callback_answer", [c for c in callback if jt.callback_no_answer[c]])
        self.u_fcr = column("fcr", fcr_types(model))
        self.u_switch = column("switch", [c for c in repeat if jt.repeat_switch[c]])
        self.u_repeat = column("repeat", repeat, jt.repeat_delay)
        self.u_redial = column("redial", redial)
        self.u_redial_delay = column("redial_delay", redial, jt.redial_delay)

    def _later(self, purpose: str, cid: int, sample: Sampler | None = None) -> float:
        """The variate of `purpose` for a contact created during the run (see `sim.engine.crn`)."""
        return self.draws.get(purpose, self.ctype[cid], self.issue_of[cid], self.attempt[cid],
                              sample)  # fmt: skip

    def _learning_factors(self, a: int, now: float) -> tuple[float, float]:
        """(handle-time factor, FCR factor) of an agent at its tenure now."""
        curve = self.learning[self.agent_group[a]]
        assert curve is not None  # only called for groups with a learning curve
        aht0, fcr0, to_proficiency_s = curve
        progress = min(1.0, max(0.0, (now - self.hired_at[a]) / to_proficiency_s))
        return aht0 + (1.0 - aht0) * progress, fcr0 + (1.0 - fcr0) * progress

    # ----------------------------------------------------------------- bot
    def _arrive(self, cid: int) -> None:
        """A contact arrives: into the bot with the bot's share (if a session is free), or the
        queue."""
        if cid < self.n_first:
            if self.to_bot[cid] and self._enter_bot(cid):
                return
        elif self.has_bot[c := self.ctype[cid]] and self._later("bot", cid) < self.jt.bot_share[c]:
            if self._enter_bot(cid):
                return
        self._enqueue(cid)

    def _enter_bot(self, cid: int) -> bool:
        """Start a bot session for a contact that chose the bot, if a session is free."""
        c = self.ctype[cid]
        jt = self.jt
        if self.bot_active >= jt.bot_limit[c]:
            return False
        self.bot_active += 1
        self.status[cid] = IN_BOT
        if cid < self.n_first:
            duration = self.u_bot_time[cid]
        else:
            duration = self._later("bot_time", cid, jt.bot_time[c])
        self.in_bot_s[cid] = duration
        self._after(duration, self._bot_done, cid)
        return True

    def _bot_done(self, ev: _Call) -> None:
        cid = ev.value
        self.bot_active -= 1
        c = self.ctype[cid]
        jt = self.jt
        first = cid < self.n_first
        u = self.u_bot_outcome[cid] if first else self._later("bot_outcome", cid)
        if u < jt.bot_escalated[c]:
            self.status[cid] = WAITING
            self.handle_factor[cid] *= jt.escalation_handle_factor[c]
            self.patience[cid] *= jt.escalation_patience_factor[c]
            self._enqueue(cid)
            return
        self.end[cid] = self.now
        if u < jt.bot_resolved[c]:
            self.status[cid] = BOT_RESOLVED
            self.issue_status[self.issue_of[cid]] = ISSUE_RESOLVED
        elif u < jt.bot_abandoned[c]:
            self.status[cid] = BOT_ABANDONED
            self.issue_status[self.issue_of[cid]] = ISSUE_ABANDONED
        else:
            self.status[cid] = BOT_DEFERRED
            if self.attempt[cid] >= jt.bot_retry_max[c]:  # out of tries: the customer gives up
                self.issue_status[self.issue_of[cid]] = ISSUE_ABANDONED
                return
            delay = (
                self.u_bot_retry[cid] if first
                else self._later("bot_retry", cid, jt.bot_retry_delay[c])
            )  # fmt: skip
            self._after(delay, self._return, (jt.bot_retry_type[c], cid, BOT_RETRY))

    # ----------------------------------------------------------------- callbacks
    def _offer_callback(self, cid: int) -> bool:
        """Offer a callback when the expected wait is long; True if the customer takes it."""
        c = self.ctype[cid]
        jt = self.jt
        expected = self.n_waiting[c] * self.mean_handle_s[c] / max(self.agents_for_type[c], 1)
        if expected <= jt.callback_offer_s[c]:
            return False
        self.callbacks_offered += 1
        first = cid < self.n_first
        if (self.u_callback[cid] if first else self._later("callback_accept", cid)) >= (
            jt.callback_accept[c]
        ):
            return False
        p = jt.callback_no_answer[c]  # u < 0 never holds: no draw needed without no-answers
        no_answer = p > 0 and (self.u_answer[cid] if first else self._later("callback_answer",
                                                                            cid)) < p  # fmt: skip
        self.callback_of[cid] = 2 if no_answer else 1
        return True

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
        first = cid < self.n_first
        if (self.u_fcr[cid] if first else self._later("fcr", cid)) < p:
            self.resolved[cid] = 1
            self.issue_status[issue] = ISSUE_RESOLVED
            return
        self.resolved[cid] = 0
        jt = self.jt
        if self.attempt[cid] >= jt.repeat_max[c]:
            self.issue_status[issue] = ISSUE_UNRESOLVED
            return
        target = c
        switch = jt.repeat_switch[c]
        if switch:  # without switches the uniform decides nothing: not drawn
            u = self.u_switch[cid] if first else self._later("switch", cid)
            for t, share in switch:
                if u < share:
                    target = t
                    break
                u -= share
        delay = self.u_repeat[cid] if first else self._later("repeat", cid, jt.repeat_delay[c])
        self._at(self.now + delay, self._return, (target, cid, REPEAT))

    def _next_contact_after(self, cid: int) -> float:
        """How long after its talk ends the customer of an answered contact may next call (a
        repeat, or a redial after a missed callback), or inf: the earliest the journey can act."""
        c = self.ctype[cid]
        jt = self.jt
        first = cid < self.n_first
        if self.callback_of[cid] == 2:
            if self.attempt[cid] >= jt.redial_max[c]:
                return _INF
            return (
                self.u_redial_delay[cid] if first
                else self._later("redial_delay", cid, jt.redial_delay[c])
            )  # fmt: skip
        if self.attempt[cid] >= jt.repeat_max[c]:
            return _INF
        return self.u_repeat[cid] if first else self._later("repeat", cid, jt.repeat_delay[c])

    def _lost(self, cid: int) -> None:
        """A caller abandoned, got a busy signal or missed the callback: redial, or give up."""
        c = self.ctype[cid]
        jt = self.jt
        if self.attempt[cid] < jt.redial_max[c]:
            first = cid < self.n_first
            if (self.u_redial[cid] if first else self._later("redial", cid)) < (
                jt.redial_probability[c]
            ):
                delay = (
                    self.u_redial_delay[cid] if first
                    else self._later("redial_delay", cid, jt.redial_delay[c])
                )  # fmt: skip
                self._at(self.now + delay, self._return, (c, cid, REDIAL))
                return
        self.issue_status[self.issue_of[cid]] = ISSUE_ABANDONED

    def _return(self, ev: _Call) -> None:
        """The customer of contact `parent` comes back as a new contact of type `c`."""
        c, parent, origin = ev.value
        cid = len(self.arrival)
        issue = self.issue_of[parent]
        attempt = self.attempt[parent] + 1
        jt, get = self.jt, self.draws.get
        self.arrival.append(self.now)
        self.ctype.append(c)
        self.base_handle.append(get("handle_later", c, issue, attempt, jt.handle[c]))
        acw, pat = jt.acw[c], jt.patience[c]
        self.acw.append(get("acw_later", c, issue, attempt, acw) if acw else 0.0)
        self.patience.append(get("patience_later", c, issue, attempt, pat) if pat else _INF)
        self.status.append(WAITING)
        self.answer.append(_INF)
        self.end.append(_INF)
        self.agent_of.append(-1)
        self.queued_at.append(_INF)
        self.handle_factor.append(1.0)
        self.issue_of.append(issue)
        self.attempt.append(attempt)
        self.origin.append(origin)
        self.resolved.append(-1)
        self.callback_of.append(0)
        self.in_bot_s.append(0.0)
        self.issue_contacts[issue] += 1
        self._arrive(cid)


def fcr_types(model: Model) -> list[int]:
    """Types whose completions may need an FCR draw: a skilled group below 1 or learning."""
    skilled = np.isfinite(model.proficiency)
    learning = np.array([lc is not None for lc in model.journeys.learning], dtype=bool)
    need = (skilled & ((model.fcr < 1.0) | learning[:, None])).any(axis=0)
    return np.flatnonzero(need).tolist()


def mean_handle(model: Model) -> list[float]:
    """Mean handle time per contact type at the skilled groups' average proficiency."""
    prof = np.nanmean(np.where(np.isfinite(model.proficiency), model.proficiency, np.nan), axis=0)
    return [d.mean * (p if np.isfinite(p) else 1.0) for d, p in zip(model.handle_dists, prof,
                                                                   strict=True)]  # fmt: skip
