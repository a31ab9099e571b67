"""The SimPy engine: contacts meet agents through callbacks, with agents kept as plain state.

No SimPy process or `Resource` per contact (that costs ~4 us a cycle). A contact costs one event to
finish service and, only if it has to wait, one patience timer that is ignored when it fires after
the contact was answered (lazy cancellation). Agents live in per-group idle queues
ordered by idle-since time, so "longest-idle agent with the skill" is a look at a few queue heads.
Chat agents hold up to k chats; their chats speed up or slow down with the agent's concurrency.

Arrivals are pre-generated and sorted, so they need no events at all: the run loop steps SimPy's
environment and, whenever the next arrival comes before the next scheduled event, advances the
clock to it and handles it directly. Events are scheduled with `Environment.schedule` as small
`_Call` objects (the same protocol as `_Call`, without its bookkeeping).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import numpy as np
import simpy

from sim.engine.arrivals import Demand
from sim.engine.log import ABANDONED, BLOCKED, COMPLETED, IN_SERVICE, WAITING, ContactLog
from sim.model import CHAT, VOICE, Model

_INF = math.inf
_NORMAL = 1  # simpy.events.NORMAL


class _Call:
    """The least an event needs for `Environment.step`: callbacks, an ok flag and a value."""

    __slots__ = ("callbacks", "_ok", "_value")

    def __init__(self, callback: Callable[[_Call], None], value: object) -> None:
        self.callbacks = [callback]
        self._ok = True
        self._value = value


class Engine:
    """One replication of one compiled model."""

    def __init__(self, model: Model, demand: Demand) -> None:
        self.model = model
        self.env = simpy.Environment()
        n = len(demand)
        self.n = n
        self.arrival = demand.arrival_s.tolist()
        self.ctype = demand.type_idx.tolist()
        self.base_handle = demand.base_handle_s.tolist()
        self.patience = demand.patience_s.tolist()
        self.status = [WAITING] * n
        self.answer = [_INF] * n
        self.end = [_INF] * n
        self.agent_of = [-1] * n
        self.next_cid = 0

        nt, ng, na = model.n_types, len(model.group_names), model.n_agents
        self.channel = model.type_channel.tolist()
        self.queue: list[deque[int]] = [deque() for _ in range(nt)]
        self.n_waiting = [0] * nt
        prof = model.proficiency
        self.prof = [[(0.0 if np.isnan(v) else float(v)) for v in row] for row in prof]
        # groups able to serve each type, and each group's queues grouped by priority level
        self.groups_for_type = [
            [g for g in range(ng) if not np.isnan(prof[g, c])] for c in range(nt)
        ]
        self.queues_by_priority = [self._priority_levels(g) for g in range(ng)]
        self.chat_queues_by_priority = [
            [[c for c in level if self.channel[c] == CHAT] for level in levels]
            for levels in self.queues_by_priority
        ]
        self.lines = model.voice_lines
        self.voice_in_system = 0

        self.agent_group = model.agent_group.tolist()
        self.on_shift = [False] * na
        self.load = [0] * na  # contacts in service per agent
        self.idle_since = [0.0] * na
        self.idle: list[deque[int]] = [deque() for _ in range(ng)]
        self.k = model.chat_max_concurrency
        factors = model.chat_factors
        self.chat_factor = [1.0, *factors]
        self.chat_rescale = any(f != factors[0] for f in factors)
        # chat agents holding 1..k-1 chats, oldest first: bucket[g][level] = {agent: None}
        self.bucket: list[list[dict[int, None]]] = [
            [dict() for _ in range(self.k)] for _ in range(ng)
        ]
        self.chats: list[set[int]] = [set() for _ in range(na)]
        self.chat_work = [0.0] * n
        self.chat_version = [0] * n
        self.chat_updated = [0.0] * na

        self.chat_since = [-1.0] * na
        self.login_at = [0.0] * na
        self.chat_busy_rec: tuple[list[int], list[float], list[float]] = ([], [], [])
        self.session_rec: tuple[list[int], list[float], list[float]] = ([], [], [])

    def _priority_levels(self, g: int) -> list[list[int]]:
        types = self.groups_types(g)
        levels: dict[int, list[int]] = {}
        for c in types:
            levels.setdefault(int(self.model.type_priority[c]), []).append(c)
        return [levels[p] for p in sorted(levels)]

    def groups_types(self, g: int) -> list[int]:
        """Contact types an agent group has the skill for."""
        return [c for c in range(self.model.n_types) if not np.isnan(self.model.proficiency[g, c])]

    # ----------------------------------------------------------------- run
    def run(self) -> ContactLog:
        """Simulate the horizon (and the drain, if asked) and return the contact log."""
        env, model = self.env, self.model
        for a, windows in enumerate(model.agent_windows):
            for login, logout in windows:
                self._after(login, self._login, a)
                if not (model.drain and logout >= model.horizon_s):
                    self._after(logout, self._logout, a)
        self._loop(_INF if model.drain else model.horizon_s)
        end_time = env.now
        for a in range(model.n_agents):
            self._close_chat_busy(a, end_time)
            if self.on_shift[a] or self.load[a]:
                self._record_session(a, end_time)
        log = ContactLog.build(self, end_time)
        log.check_conservation(self.n_waiting, self.load)
        return log

    # ----------------------------------------------------------------- contacts
    def _loop(self, until: float) -> None:
        """Step the environment, handling each pre-generated arrival at its time, up to `until`."""
        env = self.env
        queue = env._queue
        step = env.step
        arrival, arrive, n = self.arrival, self._arrive, self.n
        i = 0
        while True:
            t_event = queue[0][0] if queue else _INF
            if i < n and arrival[i] < t_event:
                if arrival[i] >= until:
                    break
                env._now = arrival[i]
                i += 1
                self.next_cid = i
                arrive(i - 1)
            elif t_event < until:
                step()
            else:
                break
        if until < _INF:
            env._now = until

    def _after(self, delay: float, callback: Callable[[_Call], None], value: object) -> None:
        self.env.schedule(_Call(callback, value), _NORMAL, delay)  # type: ignore[arg-type]

    def _arrive(self, cid: int) -> None:
        c = self.ctype[cid]
        if self.channel[c] == VOICE:
            if self.lines is not None and self.voice_in_system >= self.lines:
                self.status[cid] = BLOCKED
                self.end[cid] = self.env._now
                return
            self.voice_in_system += 1
        a = self._find_chat_agent(c) if self.channel[c] == CHAT else self._find_idle_agent(c)
        if a >= 0:
            self._start(cid, a)
            return
        self.queue[c].append(cid)
        self.n_waiting[c] += 1
        patience = self.patience[cid]
        if patience < _INF:
            self._after(patience, self._patience_over, cid)

    def _patience_over(self, ev: _Call) -> None:
        cid = ev._value
        if self.status[cid] == WAITING:
            self.status[cid] = ABANDONED
            self.end[cid] = self.env._now
            c = self.ctype[cid]
            self.n_waiting[c] -= 1
            if self.channel[c] == VOICE:
                self.voice_in_system -= 1

    def _find_idle_agent(self, c: int) -> int:
        best, best_t, best_g = -1, _INF, -1
        idle, since = self.idle, self.idle_since
        for g in self.groups_for_type[c]:
            pool = idle[g]
            if pool:
                a = pool[0]
                if since[a] < best_t:
                    best, best_t, best_g = a, since[a], g
        if best >= 0:
            idle[best_g].popleft()
        return best

    def _find_chat_agent(self, c: int) -> int:
        """Least-loaded agent with a free chat slot; ties go to the longest at that load."""
        a = self._find_idle_agent(c)
        if a >= 0:
            return a
        for level in range(1, self.k):
            best, best_t, best_g = -1, _INF, -1
            for g in self.groups_for_type[c]:
                bucket = self.bucket[g][level]
                if bucket:
                    cand = next(iter(bucket))
                    if self.chat_updated[cand] < best_t:
                        best, best_t, best_g = cand, self.chat_updated[cand], g
            if best >= 0:
                del self.bucket[best_g][level][best]
                return best
        return -1

    def _start(self, cid: int, a: int) -> None:
        now = self.env._now
        self.status[cid] = IN_SERVICE
        self.answer[cid] = now
        self.agent_of[cid] = a
        c = self.ctype[cid]
        work = self.base_handle[cid] * self.prof[self.agent_group[a]][c]
        if self.channel[c] == CHAT:
            self._start_chat(cid, a, work)
        else:
            self.load[a] = 1
            self._after(work, self._finish, cid)

    def _finish(self, ev: _Call) -> None:
        cid = ev._value
        self.status[cid] = COMPLETED
        self.end[cid] = self.env._now
        if self.channel[self.ctype[cid]] == VOICE:
            self.voice_in_system -= 1
        a = self.agent_of[cid]
        self.load[a] = 0
        self._agent_free(a)

    # ----------------------------------------------------------------- agents
    def _agent_free(self, a: int) -> None:
        """An agent with nothing in service takes the next queued contact, or goes idle."""
        if not self.on_shift[a]:
            self._record_session(a, self.env._now)
            return
        cid = self._pull(self.queues_by_priority[self.agent_group[a]])
        if cid >= 0:
            self._start(cid, a)
            if self.channel[self.ctype[cid]] == CHAT:
                self._fill_chat_slots(a)
            return
        self.idle_since[a] = self.env._now
        self.idle[self.agent_group[a]].append(a)

    def _pull(self, levels: list[list[int]]) -> int:
        """Oldest waiting contact of the highest-priority non-empty level of queues, or -1."""
        status, queue, arrival = self.status, self.queue, self.arrival
        for level in levels:
            best, best_t, best_c = -1, _INF, -1
            for c in level:
                q = queue[c]
                while q and status[q[0]] != WAITING:
                    q.popleft()
                if q and arrival[q[0]] < best_t:
                    best, best_t, best_c = q[0], arrival[q[0]], c
            if best >= 0:
                queue[best_c].popleft()
                self.n_waiting[best_c] -= 1
                return best
        return -1

    def _close_chat_busy(self, a: int, now: float) -> None:
        """Record a period in which the agent held at least one chat."""
        if self.chat_since[a] >= 0:
            rec = self.chat_busy_rec
            rec[0].append(a)
            rec[1].append(self.chat_since[a])
            rec[2].append(now)
            self.chat_since[a] = -1.0

    def _record_session(self, a: int, now: float) -> None:
        rec = self.session_rec
        rec[0].append(a)
        rec[1].append(self.login_at[a])
        rec[2].append(now)

    def _login(self, ev: _Call) -> None:
        a = ev._value
        self.on_shift[a] = True
        if self.load[a] == 0:
            self.login_at[a] = self.env._now
            self._agent_free(a)
        elif self.load[a] < self.k and self.chats[a]:
            self.bucket[self.agent_group[a]][self.load[a]][a] = None
            self._fill_chat_slots(a)

    def _logout(self, ev: _Call) -> None:
        a = ev._value
        self.on_shift[a] = False
        if self.load[a] == 0:
            self.idle[self.agent_group[a]].remove(a)
            self._record_session(a, self.env._now)
        elif 0 < self.load[a] < self.k and a in self.bucket[self.agent_group[a]][self.load[a]]:
            del self.bucket[self.agent_group[a]][self.load[a]][a]

    # ----------------------------------------------------------------- chat
    def _start_chat(self, cid: int, a: int, work: float) -> None:
        """Add a chat to an agent; with concurrency-dependent speed, re-time the agent's chats."""
        now = self.env._now
        if self.chat_rescale:
            self._advance_chats(a, now)
        if self.load[a] == 0:
            self.chat_since[a] = now
        self.chats[a].add(cid)
        self.load[a] += 1
        self.chat_updated[a] = now
        self.chat_work[cid] = work
        if self.chat_rescale:
            self._schedule_chats(a)
        else:
            self._schedule_chat(cid, work * self.chat_factor[1])
        if self.load[a] < self.k and self.on_shift[a]:
            self.bucket[self.agent_group[a]][self.load[a]][a] = None

    def _fill_chat_slots(self, a: int) -> None:
        while self.load[a] < self.k:
            cid = self._pull(self.chat_queues_by_priority[self.agent_group[a]])
            if cid < 0:
                return
            del self.bucket[self.agent_group[a]][self.load[a]][a]
            self._start(cid, a)

    def _advance_chats(self, a: int, now: float) -> None:
        """Credit the work done on each of an agent's chats since the last change of concurrency."""
        speed = 1.0 / self.chat_factor[self.load[a]] if self.load[a] else 0.0
        done = (now - self.chat_updated[a]) * speed
        for cid in self.chats[a]:
            self.chat_work[cid] -= done
        self.chat_updated[a] = now

    def _schedule_chats(self, a: int) -> None:
        factor = self.chat_factor[self.load[a]]
        for cid in self.chats[a]:
            self.chat_version[cid] += 1
            self._schedule_chat(cid, max(self.chat_work[cid], 0.0) * factor)

    def _schedule_chat(self, cid: int, delay: float) -> None:
        self._after(delay, self._chat_done, (cid, self.chat_version[cid]))

    def _chat_done(self, ev: _Call) -> None:
        cid, version = ev._value
        if version != self.chat_version[cid] or self.status[cid] != IN_SERVICE:
            return  # re-timed since this event was scheduled
        now = self.env._now
        a = self.agent_of[cid]
        g = self.agent_group[a]
        if self.chat_rescale:
            self._advance_chats(a, now)
        self.status[cid] = COMPLETED
        self.end[cid] = now
        self.chats[a].discard(cid)
        level = self.load[a]
        if 0 < level < self.k:
            self.bucket[g][level].pop(a, None)
        self.load[a] = level - 1
        self.chat_updated[a] = now
        if self.load[a] == 0:
            self._close_chat_busy(a, now)
            self._agent_free(a)
            return
        if self.on_shift[a]:
            nxt = self._pull(self.chat_queues_by_priority[g])
            if nxt >= 0:
                self._start(nxt, a)  # re-times the agent's chats itself
                return
            self.bucket[g][self.load[a]][a] = None
        if self.chat_rescale:
            self._schedule_chats(a)
