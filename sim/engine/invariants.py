"""Per-run invariants on agents, checked on the frozen log at the end of every run.

Conservation (in `ContactLog.check_conservation`) counts contacts; these check agents: no agent
ever holds more contacts than its capacity (one voice, email or social contact, or up to the
chat concurrency in chats, never both at once), and an agent's logged sessions never overlap
(one login, one logout). Every run counts the contacts given to an agent already at capacity as it
goes (one comparison per assignment) and checks the count at the end; `check_capacity` replays the
whole log (O(n log n), seconds for a million contacts), for tests.
"""

from __future__ import annotations

import numpy as np

from sim.engine.log import ConservationError, ContactLog


def check_capacity_breaches(breaches: int) -> None:
    """Raise if the engine gave any contact to an agent already at its capacity."""
    if breaches:
        raise ConservationError(f"{breaches} contacts given to agents at their capacity")


def check_capacity(log: ContactLog, is_chat_type: np.ndarray, chat_capacity: int) -> None:
    """Raise if, at any moment, an agent held more than its capacity."""
    served = np.flatnonzero(log.agent >= 0)
    if len(served) == 0:
        return
    # a chat takes one of `chat_capacity` slots; any other contact takes them all
    weight = np.where(is_chat_type[log.type_idx[served]], 1, chat_capacity)
    agent = np.concatenate([log.agent[served], log.agent[served]])
    time = np.concatenate([log.answer_s[served], log.end_s[served] + log.acw_s[served]])
    delta = np.concatenate([weight, -weight])
    order = np.lexsort((delta, time, agent))  # per agent, in time, releases before takes
    held = np.cumsum(delta[order])  # every take has its release (at +inf if still held)
    if held.max() > chat_capacity:
        worst = agent[order][int(np.argmax(held))]
        raise ConservationError(f"agent {worst} held more contacts than its capacity")


def check_sessions(log: ContactLog) -> None:
    """Raise if one agent's logged sessions overlap (it was logged in twice)."""
    order = np.lexsort((log.session_start_s, log.session_agent))
    agent = log.session_agent[order]
    same = agent[1:] == agent[:-1]
    if np.any(same & (log.session_start_s[order][1:] < log.session_end_s[order][:-1])):
        raise ConservationError("an agent was logged in twice at once")
