"""Chat concurrency for the engine: agents holding up to k chats whose speed depends on k.

Each chat carries its remaining work (in seconds at concurrency 1). While an agent holds c chats,
each progresses at 1/factor(c); whenever c changes, the agent's chats are credited with the work
done and re-timed, and the superseded completion events are ignored when they fire (a version
number per chat). With equal factors no re-timing is needed. Agents with free slots wait in
per-level buckets so a new chat joins the least-loaded agent (longest at that load first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.log import COMPLETED, IN_SERVICE
from sim.engine.state import EngineState

if TYPE_CHECKING:
    from sim.engine.kernel import Call as _Call
    from sim.model import Model


class ChatMixin(EngineState):
    """Chat-specific state and handlers of `Engine` (see the module docstring)."""

    def _init_chat(self, model: Model, n: int, na: int, ng: int) -> None:
        self.k = model.chat_max_concurrency
        factors = model.chat_factors
        self.chat_factor = [1.0, *factors]
        self.chat_rescale = any(f != factors[0] for f in factors)
        # agents holding 1..k-1 chats, oldest first: bucket[g][level] = {agent: None}
        self.bucket: list[list[dict[int, None]]] = [[{} for _ in range(self.k)] for _ in range(ng)]
        self.chats: list[set[int]] = [set() for _ in range(na)]
        self.chat_work: dict[int, float] = {}
        self.chat_version: dict[int, int] = {}
        self.chat_updated = [0.0] * na
        self.chat_since = [-1.0] * na
        self.chat_busy_rec: tuple[list[int], list[float], list[float]] = ([], [], [])

    def _find_chat_agent(self, levels: list[list[int]]) -> int:
        """Least-loaded agent with a free chat slot (idle agents first), by skill level."""
        for groups in levels:
            a = self._find_idle([groups])
            if a >= 0:
                return a
            for level in range(1, self.k):
                best, best_t, best_g = -1, float("inf"), -1
                for g in groups:
                    bucket = self.bucket[g][level]
                    if bucket:
                        cand = next(iter(bucket))
                        if self.chat_updated[cand] < best_t:
                            best, best_t, best_g = cand, self.chat_updated[cand], g
                if best >= 0:
                    del self.bucket[best_g][level][best]
                    return best
        return -1

    def _start_chat(self, cid: int, a: int, work: float) -> None:
        """Add a chat to an agent; with concurrency-dependent speed, re-time the agent's chats."""
        now = self.now
        if self.chat_rescale:
            self._advance_chats(a, now)
        if self.load[a] == 0:
            self.chat_since[a] = now
        self.chats[a].add(cid)
        self.load[a] += 1
        if self.load[a] > self.k:
            self.capacity_breaches += 1
        self.chat_updated[a] = now
        self.chat_work[cid] = work
        self.chat_version[cid] = 0
        if self.chat_rescale:
            self._schedule_chats(a)
        else:
            self._after(work * self.chat_factor[1], self._chat_done, (cid, 0))
        if self.load[a] < self.k and self.on_shift[a]:
            self.bucket[self.agent_group[a]][self.load[a]][a] = None

    def _fill_chat_slots(self, a: int) -> None:
        while self.load[a] < self.k:
            cid = self._pull(self.chat_pull_levels[self.agent_group[a]])
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
            delay = max(self.chat_work[cid], 0.0) * factor
            self._after(delay, self._chat_done, (cid, self.chat_version[cid]))

    def _chat_done(self, ev: _Call) -> None:
        cid, version = ev.value
        if self.status[cid] != IN_SERVICE or version != self.chat_version[cid]:
            return  # re-timed since this event was scheduled
        now = self.now
        a = self.agent_of[cid]
        if self.chat_rescale:
            self._advance_chats(a, now)
        self.status[cid] = COMPLETED
        self.end[cid] = now
        del self.chat_work[cid], self.chat_version[cid]
        self.chats[a].discard(cid)
        if self.acw[cid] > 0:  # after-call work: the slot stays taken, the concurrency unchanged
            self.acw[cid] *= self.acw_prof[self.agent_group[a]][self.ctype[cid]]
            self._completed(cid)
            self.n_wrapping += 1
            self._after(self.acw[cid], self._chat_wrap_done, a)
            return
        self._release_slot(a, now, cid)

    def _chat_wrap_done(self, ev: _Call) -> None:
        """After-call work on a chat is over: its slot frees."""
        a = ev.value
        now = self.now
        self.n_wrapping -= 1
        if self.chat_rescale:
            self._advance_chats(a, now)
        self._release_slot(a, now, -1)

    def _release_slot(self, a: int, now: float, cid: int) -> None:
        """A chat slot of agent `a` frees (`cid` >= 0: its chat completed just now)."""
        g = self.agent_group[a]
        level = self.load[a]
        if 0 < level < self.k:
            self.bucket[g][level].pop(a, None)
        self.load[a] = level - 1
        self.chat_updated[a] = now
        if cid >= 0:
            self._completed(cid)
        if self.load[a] == 0:
            self._close_chat_busy(a, now)
            self._agent_free(a)
            return
        if self.on_shift[a]:
            nxt = self._pull(self.chat_pull_levels[g])
            if nxt >= 0:
                self._start(nxt, a)  # re-times the agent's chats itself
                return
            self.bucket[g][self.load[a]][a] = None
        if self.chat_rescale:
            self._schedule_chats(a)

    def _close_chat_busy(self, a: int, now: float) -> None:
        """Record a period in which the agent held at least one chat."""
        if self.chat_since[a] >= 0:
            rec = self.chat_busy_rec
            rec[0].append(a)
            rec[1].append(self.chat_since[a])
            rec[2].append(now)
            self.chat_since[a] = -1.0

    def _chat_login(self, a: int) -> None:
        """An agent logging in while still finishing chats takes new ones into its free slots."""
        if 0 < self.load[a] < self.k and self.chats[a]:
            self.bucket[self.agent_group[a]][self.load[a]][a] = None
            self._fill_chat_slots(a)

    def _chat_logout(self, a: int) -> None:
        """An agent leaving with chats open finishes them but takes no new ones."""
        level = self.load[a]
        if 0 < level < self.k:
            self.bucket[self.agent_group[a]][level].pop(a, None)
