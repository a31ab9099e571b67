"""The SimPy engine: contacts meet agents through callbacks, with agents kept as plain state.

No SimPy process or `Resource` per contact (that costs ~4 us a cycle). A contact costs one event to
finish service and, only if it has to wait, one patience timer that is ignored when it fires after
the contact was answered (lazy cancellation). Agents live in per-group idle queues ordered by
idle-since time, so "longest-idle agent with the skill" is a look at a few queue heads; primary
skills are tried before secondary ones, and overflow groups only after the contact has waited.

Arrivals are pre-generated and sorted, so they need no events at all: the run loop steps SimPy's
environment and, whenever the next arrival comes before the next scheduled event, advances the
clock to it and handles it directly (`kernel.py`, the adapter to SimPy, which also keeps the
engine's `now` up to date). Events are small `Call` objects on SimPy's heap (the protocol
`simpy.Event` has, without its bookkeeping). Contacts created during the run (redials, repeats,
returns from the bot) arrive through such events.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import simpy

from sim.engine import routing
from sim.engine.arrivals import Demand
from sim.engine.chat import ChatMixin
from sim.engine.invariants import check_capacity_breaches, check_sessions
from sim.engine.journeys import JourneyMixin, fcr_types
from sim.engine.kernel import Call as _Call
from sim.engine.kernel import absolute_scheduler, fixed_scheduler, pending, run_loop, scheduler
from sim.engine.log import (
    ABANDONED,
    BLOCKED,
    COMPLETED,
    IN_SERVICE,
    ISSUE_RESOLVED,
    WAITING,
    ContactLog,
)
from sim.engine.roster import Roster
from sim.model import CHAT, VOICE, Model

_INF = math.inf


class Engine(ChatMixin, JourneyMixin):
    """One replication of one compiled model."""

    def __init__(self, model: Model, demand: Demand, roster: Roster, seed: int, rep: int) -> None:
        self.model = model
        self.env = simpy.Environment()
        self.now = 0.0  # the current time, kept by the kernel's run loop
        self._after = scheduler(self.env)  # _after(delay, callback, value)
        self._at = absolute_scheduler(self.env)  # _at(time, callback, value)
        # the hottest events, each with its callback bound once: (delay or time, value)
        self._after_finish_plain = fixed_scheduler(self.env, self._finish_plain)
        self._after_finish = fixed_scheduler(self.env, self._finish)
        self._at_finish_wrapped = fixed_scheduler(self.env, self._finish_wrapped, absolute=True)
        self._after_patience = fixed_scheduler(self.env, self._patience_over)
        self._after_overflow = fixed_scheduler(self.env, self._overflow)
        n = len(demand)
        self.demand = demand  # the log takes columns the run did not extend from it
        self.arrival = demand.arrival_s.tolist()
        self.ctype = demand.type_idx.tolist()
        self.base_handle = demand.base_handle_s.tolist()
        self.patience = demand.patience_s.tolist()
        self.acw = demand.acw_s.tolist()  # after-call work: the agent stays busy this long
        self.n_wrapping = 0  # agents' slots held by after-call work (counted in `load`)
        self.status = [WAITING] * n
        self.answer = [_INF] * n
        self.end = [_INF] * n
        self.agent_of = [-1] * n
        self.queued_at = [_INF] * n
        self.handle_factor = [1.0] * n

        nt, ng = model.n_types, len(model.group_names)
        self.channel = model.type_channel.tolist()
        self.queue: list[deque[int]] = [deque() for _ in range(nt)]
        self.n_waiting = [0] * nt
        self.prof = np.nan_to_num(model.proficiency).tolist()
        self.acw_prof = np.nan_to_num(model.acw_factor, nan=1.0).tolist()
        # groups that may take each type at once: primary skills first, then secondary
        immediate = np.isfinite(model.proficiency) & (model.delay_s == 0)
        self.groups_for_type = [
            [
                [g for g in range(ng) if immediate[g, c] and model.secondary[g, c] == level]
                for level in (False, True)
            ]
            for c in range(nt)
        ]
        self.groups_for_type = [[lv for lv in levels if lv] for levels in self.groups_for_type]
        self.overflow_tiers = self._overflow_tiers()
        callbacks = model.journeys.has_callback
        self.wait_extras = [bool(t) or cb for t, cb in zip(self.overflow_tiers, callbacks,
                                                           strict=True)]  # fmt: skip
        self.pull_levels = [self._levels_served(g, chat_only=False) for g in range(ng)]
        self.chat_pull_levels = [self._levels_served(g, chat_only=True) for g in range(ng)]
        # per group, the types it takes at once; a callback offer for a type divides the queue's
        # work by the agents on shift in its groups, counted as they log in and out
        self.types_of_group: list[list[int]] = [[] for _ in range(ng)]
        for c, levels in enumerate(self.groups_for_type):
            for g in {g for lv in levels for g in lv}:
                self.types_of_group[g].append(c)
        self.agents_for_type = [0] * nt  # agents on shift in those groups
        self.lines = model.voice_lines
        self.voice_in_system = 0  # voice contacts holding a trunk line (counted only with lines)
        self.fuse_wrap = self.lines is None  # trunk lines see the customer leave at talk end
        self.lazy_patience = self._lazy_patience_types()
        self.plain = self._plain_types()

        self.agent_group = list(roster.agent_group)
        na = len(self.agent_group)
        self.roster = roster
        self.on_shift = [False] * na
        self.load = [0] * na  # contacts in service per agent
        self.capacity_breaches = 0  # contacts given to an agent already at its capacity
        self.idle_since = [0.0] * na
        self.idle: list[deque[int]] = [deque() for _ in range(ng)]
        self.login_at = [0.0] * na
        self.session_rec: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._init_chat(model, n, na, ng)
        self._init_journeys(model, roster, seed, rep, n)
        if not any(self.has_bot):
            self._arrive = self._enqueue  # type: ignore[method-assign]
        routing.install(self)

    def _levels_served(self, g: int, chat_only: bool) -> list[list[tuple[int, float]]]:
        """(type, delay) the group serves, grouped by (skill level, priority), best first."""
        m = self.model
        levels: dict[tuple[bool, int], list[tuple[int, float]]] = {}
        for c in range(m.n_types):
            if np.isnan(m.proficiency[g, c]) or (chat_only and self.channel[c] != CHAT):
                continue
            key = (bool(m.secondary[g, c]), int(m.type_priority[c]))
            levels.setdefault(key, []).append((c, float(m.delay_s[g, c])))
        return [levels[k] for k in sorted(levels)]

    def _lazy_patience_types(self) -> list[bool]:
        """Per type: may its waiting customers give up without a timer (noticed when its queue is
        next looked at, at the time they gave up)? Only where nothing observes the moment: no
        callback offers (they count the queue), no redials, no trunk lines."""
        jt = self.model.journeys
        return [
            not jt.has_callback[c]
            and jt.redial_max[c] <= 1
            and (self.lines is None or self.channel[c] != VOICE)
            for c in range(self.model.n_types)
        ]

    def _plain_types(self) -> list[bool]:
        """Per type: does serving it end in nothing but a resolved contact? Exclusive channel, no
        after-call work, bot or callbacks, no trunk line to release, and every group that may
        serve it resolves the issue for certain (FCR 1, no learning curve). Such contacts start
        and finish without the journey hooks (`_finish_plain`), which would decide nothing."""
        m, jt = self.model, self.model.journeys
        uncertain = set(fcr_types(m))  # the types whose completions may need an FCR draw
        return [
            self.channel[c] != CHAT
            and jt.acw[c] is None
            and not jt.has_bot[c]
            and not jt.has_callback[c]
            and c not in uncertain
            and (self.lines is None or self.channel[c] != VOICE)
            for c in range(m.n_types)
        ]

    def _overflow_tiers(self) -> list[list[tuple[float, list[list[int]]]]]:
        """Per type: (delay, levels) of groups that take it only after a wait, primary first."""
        m = self.model
        tiers = []
        for c in range(m.n_types):
            by_delay: dict[float, list[list[int]]] = {}
            for g in range(len(m.group_names)):
                d = m.delay_s[g, c]
                if np.isfinite(m.proficiency[g, c]) and 0 < d < _INF:
                    levels = by_delay.setdefault(float(d), [[], []])
                    levels[int(m.secondary[g, c])].append(g)
            tiers.append([(d, [lv for lv in lvs if lv]) for d, lvs in sorted(by_delay.items())])
        return tiers

    # ----------------------------------------------------------------- run
    def run(self) -> ContactLog:
        """Simulate the horizon (and the drain, if asked) and return the contact log."""
        model = self.model
        for a, windows in enumerate(self.roster.available):
            for login, logout in windows:
                self._after(login, self._login, a)
                if not (model.drain and logout >= model.horizon_s):
                    self._after(logout, self._logout, a)
        self._loop(_INF if model.drain else model.horizon_s)
        end_time = self._settle_given_up(self.env.now)
        self._settle_wrapped(end_time)
        for a in range(len(self.agent_group)):
            self._close_chat_busy(a, end_time)
            if self.on_shift[a] or self.load[a]:
                self._record_session(a, end_time)
        log = ContactLog.build(self, end_time)
        log.check_conservation(self.n_waiting, self.load, self.n_wrapping)
        check_capacity_breaches(self.capacity_breaches)
        check_sessions(log)
        return log

    def _loop(self, until: float) -> None:
        """Step the environment, handling each pre-generated arrival at its time, up to `until`."""
        run_loop(self.env, self.arrival, self._arrive, until, self)

    # ----------------------------------------------------------------- contacts
    def _enqueue(self, cid: int) -> None:
        """Route a contact to a free agent, or queue it with its patience timer."""
        c = self.ctype[cid]
        self.queued_at[cid] = self.now
        channel = self.channel[c]
        if channel == VOICE and self.lines is not None:
            if self.voice_in_system >= self.lines:
                self.status[cid] = BLOCKED
                self.end[cid] = self.now
                self._lost(cid)
                return
            self.voice_in_system += 1
        levels = self.groups_for_type[c]
        a = self._find_chat_agent(levels) if channel == CHAT else self._find_idle(levels)
        if a >= 0:
            self._start(cid, a)
            return
        self.queue[c].append(cid)
        self.n_waiting[c] += 1
        if self.wait_extras[c]:
            self._wait_extras(cid, c)
        elif self.patience[cid] < _INF and not self.lazy_patience[c]:
            self._after_patience(self.patience[cid], cid)

    def _wait_extras(self, cid: int, c: int) -> None:
        """Callback offer (instead of a patience timer if taken) and overflow timers."""
        if self.jt.has_callback[c] and self._offer_callback(cid):
            if self.channel[c] == VOICE and self.lines is not None:
                self.voice_in_system -= 1  # the caller hangs up and keeps its place in the queue
        elif self.patience[cid] < _INF and not self.lazy_patience[c]:
            self._after_patience(self.patience[cid], cid)
        for delay, levels in self.overflow_tiers[c]:
            self._after_overflow(delay, (cid, levels))

    def _patience_over(self, ev: _Call) -> None:
        cid = ev.value
        if self.status[cid] == WAITING:
            self._abandon(cid, self.now)

    def _abandon(self, cid: int, at: float) -> None:
        """A waiting contact's customer gives up at time `at`."""
        self.status[cid] = ABANDONED
        self.end[cid] = at
        c = self.ctype[cid]
        self.n_waiting[c] -= 1
        if self.channel[c] == VOICE and self.lines is not None:
            self.voice_in_system -= 1
        self._lost(cid)

    def _drop_given_up(self, q: deque[int]) -> None:
        """Pop the head entries of a lazy-patience queue that are no longer waiting, abandoning
        those whose patience ran out before now (at the time it ran out)."""
        status, queued_at, patience, now = self.status, self.queued_at, self.patience, self.now
        while q:
            h = q[0]
            if status[h] == WAITING:
                given_up = queued_at[h] + patience[h]
                if given_up > now:
                    return
                self._abandon(h, given_up)
            q.popleft()

    def _settle_given_up(self, end_time: float) -> float:
        """At the end of the run, abandon the lazy-patience contacts whose patience ran out by
        `end_time` (by any time, in drain mode); the run's end time after them."""
        drain = self.model.drain
        for c, q in enumerate(self.queue):
            if not self.lazy_patience[c]:
                continue
            for cid in q:
                if self.status[cid] == WAITING:
                    given_up = self.queued_at[cid] + self.patience[cid]
                    if given_up <= end_time or (drain and given_up < _INF):
                        self._abandon(cid, given_up)
                        end_time = max(end_time, given_up)
        return end_time

    def _overflow(self, ev: _Call) -> None:
        """A contact has waited long enough for another site's agents: try them now."""
        cid, levels = ev.value
        if self.status[cid] != WAITING:
            return
        c = self.ctype[cid]
        if self.lazy_patience[c] and self.queued_at[cid] + self.patience[cid] <= self.now:
            return  # gave up already: abandoned when its queue is next looked at
        a = self._find_chat_agent(levels) if self.channel[c] == CHAT else self._find_idle(levels)
        if a >= 0:
            self.n_waiting[c] -= 1  # its queue entry is skipped later (status no longer waiting)
            self._start(cid, a)

    def _find_idle(self, levels: list[list[int]]) -> int:
        """The longest-idle agent of the first skill level that has one, or -1."""
        idle, since = self.idle, self.idle_since
        for groups in levels:
            best, best_t, best_g = -1, _INF, -1
            for g in groups:
                pool = idle[g]
                if pool:
                    a = pool[0]
                    if since[a] < best_t:
                        best, best_t, best_g = a, since[a], g
            if best >= 0:
                idle[best_g].popleft()
                return best
        return -1

    def _start(self, cid: int, a: int) -> None:
        now = self.now
        self.status[cid] = IN_SERVICE
        self.answer[cid] = now
        self.agent_of[cid] = a
        c = self.ctype[cid]
        g = self.agent_group[a]
        if self.plain[c]:  # no bot: the handle factor is 1
            if self.load[a]:
                self.capacity_breaches += 1
            self.load[a] = 1
            self._after_finish_plain(self.base_handle[cid] * self.prof[g][c], cid)
            return
        work = self.base_handle[cid] * self.prof[g][c] * self.handle_factor[cid]
        if self.learning[g] is not None:
            work *= self._learning_factors(a, now)[0]
        if self.callback_of[cid] == 2:  # took a callback and will not answer it
            work = self.jt.dial_time_s[c]
        if self.channel[c] == CHAT:
            self._start_chat(cid, a, work)
            return
        if self.load[a]:
            self.capacity_breaches += 1
        self.load[a] = 1
        acw = self.acw[cid]
        if acw > 0:
            acw *= self.acw_prof[g][c]
            self.acw[cid] = acw
            # one event for talk and wrap-up when nothing the customer does next can happen
            # before the wrap-up ends (see `_finish_wrapped`)
            if self.fuse_wrap and self._next_contact_after(cid) >= acw:
                talk_end = now + work
                self._at_finish_wrapped(talk_end + acw, (cid, talk_end))
                return
        self._after_finish(work, cid)

    def _customer_leaves(self, cid: int) -> None:
        """The talk of an exclusive contact ends (at `now`): the customer's side of the finish."""
        self.end[cid] = self.now
        if self.lines is not None and self.channel[self.ctype[cid]] == VOICE:
            if not self.callback_of[cid]:
                self.voice_in_system -= 1
        self.status[cid] = COMPLETED
        self._completed(cid)

    def _finish(self, ev: _Call) -> None:
        """The talk of an exclusive contact ends; the agent wraps up, or takes the next one."""
        cid = ev.value
        self.end[cid] = self.now  # `_customer_leaves`, inlined: this is the engine's hottest path
        if self.lines is not None and self.channel[self.ctype[cid]] == VOICE:
            if not self.callback_of[cid]:
                self.voice_in_system -= 1
        self.status[cid] = COMPLETED
        self._completed(cid)
        a = self.agent_of[cid]
        if self.acw[cid] > 0:
            self.n_wrapping += 1
            self._after(self.acw[cid], self._wrap_done, a)  # the agent stays busy
            return
        self.load[a] = 0
        self._agent_free(a)

    def _finish_plain(self, ev: _Call) -> None:
        """`_finish` for a contact of a plain type (see `_plain_types`): resolved, agent free."""
        cid = ev.value
        self.end[cid] = self.now
        self.status[cid] = COMPLETED
        self.resolved[cid] = 1
        # a first contact's issue is its own (its id), a later contact's is looked up
        self.issue_status[cid if cid < self.n_first else self.issue_of[cid]] = ISSUE_RESOLVED
        a = self.agent_of[cid]
        self.load[a] = 0
        self._agent_free(a)

    def _wrap_done(self, ev: _Call) -> None:
        """An agent finished the after-call work of a contact and is free."""
        a = ev.value
        self.n_wrapping -= 1
        self.load[a] = 0
        self._agent_free(a)

    def _finish_wrapped(self, ev: _Call) -> None:
        """Talk and after-call work of a contact both end (one event instead of two): the
        customer's side runs as at the talk's end, which nothing between then and now observes
        (no trunk lines; the customer's next contact comes after now)."""
        cid, talk_end = ev.value
        now = self.now
        self.now = talk_end
        self._customer_leaves(cid)
        self.now = now
        a = self.agent_of[cid]
        self.load[a] = 0
        self._agent_free(a)

    def _settle_wrapped(self, end_time: float) -> None:
        """At the end of the run, the customers of fused finishes whose talk has ended leave;
        their agents are in after-call work."""
        for _, (cid, talk_end) in pending(self.env, self._finish_wrapped):
            if talk_end <= end_time:
                self.now = talk_end
                self._customer_leaves(cid)
                self.n_wrapping += 1
        self.now = end_time

    # ----------------------------------------------------------------- agents
    def _agent_free(self, a: int) -> None:
        """An agent with nothing in service takes the next queued contact, or goes idle."""
        if not self.on_shift[a]:
            self._record_session(a, self.now)
            return
        cid = self._pull(self.pull_levels[self.agent_group[a]])
        if cid >= 0:
            self._start(cid, a)
            if self.channel[self.ctype[cid]] == CHAT:
                self._fill_chat_slots(a)
            return
        self.idle_since[a] = self.now
        self.idle[self.agent_group[a]].append(a)

    def _pull(self, levels: list[list[tuple[int, float]]]) -> int:
        """Oldest waiting contact of the best level of queues the agent may take now, or -1."""
        status, queue, queued_at = self.status, self.queue, self.queued_at
        lazy, patience, now = self.lazy_patience, self.patience, self.now
        for level in levels:
            best, best_t, best_c = -1, _INF, -1
            for c, delay in level:
                q = queue[c]
                while q and status[q[0]] != WAITING:
                    q.popleft()
                if q and lazy[c] and queued_at[q[0]] + patience[q[0]] <= now:
                    self._drop_given_up(q)
                if q and queued_at[q[0]] < best_t and now - queued_at[q[0]] >= delay:
                    best, best_t, best_c = q[0], queued_at[q[0]], c
            if best >= 0:
                queue[best_c].popleft()
                self.n_waiting[best_c] -= 1
                return best
        return -1

    def _record_session(self, a: int, now: float) -> None:
        rec = self.session_rec
        rec[0].append(a)
        rec[1].append(self.login_at[a])
        rec[2].append(now)

    def _login(self, ev: _Call) -> None:
        """Put an agent on shift; a second login while on shift (drain mode) changes nothing."""
        a = ev.value
        if self.on_shift[a]:
            return
        assert a not in self.idle[self.agent_group[a]], f"agent {a} idle while off shift"
        self.on_shift[a] = True
        for c in self.types_of_group[self.agent_group[a]]:
            self.agents_for_type[c] += 1
        if self.load[a] == 0:
            self.login_at[a] = self.now
            self._agent_free(a)
        else:
            self._chat_login(a)

    def _logout(self, ev: _Call) -> None:
        """Take an agent off shift (it finishes what it holds); a second logout changes nothing."""
        a = ev.value
        if not self.on_shift[a]:
            return
        assert self.load[a] > 0 or a in self.idle[self.agent_group[a]], f"agent {a} lost"
        self.on_shift[a] = False
        for c in self.types_of_group[self.agent_group[a]]:
            self.agents_for_type[c] -= 1
        if self.load[a] == 0:
            self.idle[self.agent_group[a]].remove(a)
            self._record_session(a, self.now)
        else:
            self._chat_logout(a)
