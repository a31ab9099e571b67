"""The contact log: one row per contact, columnar (numpy arrays, converted to pandas in bulk).

Times are seconds from the horizon start (UTC). `status` says how each contact ended; unanswered
contacts have `answer_s` = inf, contacts still open at the end have `end_s` = inf. Agent activity
(logged-in sessions, and the periods in which an agent held at least one chat) is kept beside it
for occupancy; other busy time is the service time of the contacts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.engine.core import Engine

(
    WAITING, IN_SERVICE, COMPLETED, ABANDONED, BLOCKED,
    IN_BOT, BOT_RESOLVED, BOT_ABANDONED, BOT_DEFERRED, CALLBACK_FAILED,
) = range(10)  # fmt: skip
STATUS_NAMES = (
    "waiting", "in_service", "completed", "abandoned", "blocked",
    "in_bot", "bot_resolved", "bot_abandoned", "bot_deferred", "callback_failed",
)  # fmt: skip
ISSUE_OPEN, ISSUE_RESOLVED, ISSUE_UNRESOLVED, ISSUE_ABANDONED = range(4)
ISSUE_STATUS_NAMES = ("open", "resolved", "unresolved", "abandoned")
ORIGIN_NAMES = ("first", "redial", "repeat", "bot_retry")


class ConservationError(RuntimeError):
    """The engine lost or duplicated a contact: always a bug, never a user error."""


@dataclass(frozen=True)
class ContactLog:
    """Outcome of every contact of one replication, its issues, and what the agents did.

    Contacts: arrival (entering the bot, if any), queue entry, answer, end, agent, status, the
    issue it belongs to, its attempt number and origin (first, redial, repeat, bot_retry), whether
    the agent resolved it (1, 0; -1 not handled), whether the caller took a callback, and seconds
    spent in the bot, and after-call work (completed contacts). Issues: status, number of
    contacts, type and time of the first contact.
    Agents (including new hires): group, hire time, worked shift windows, planned on-phone windows
    (shifts less off-phone activities), logged-in sessions (which run on past a window while the
    agent finishes a contact), and periods holding at least one chat.
    """

    arrival_s: np.ndarray
    type_idx: np.ndarray
    queued_s: np.ndarray
    answer_s: np.ndarray
    end_s: np.ndarray
    agent: np.ndarray
    status: np.ndarray
    issue: np.ndarray
    attempt: np.ndarray
    origin: np.ndarray
    resolved: np.ndarray
    callback: np.ndarray
    in_bot_s: np.ndarray
    acw_s: np.ndarray
    issue_status: np.ndarray
    issue_contacts: np.ndarray
    callbacks_offered: int
    end_time_s: float
    agent_group: np.ndarray
    agent_hired_s: np.ndarray
    shift_agent: np.ndarray
    shift_start_s: np.ndarray
    shift_end_s: np.ndarray
    online_agent: np.ndarray
    online_start_s: np.ndarray
    online_end_s: np.ndarray
    session_agent: np.ndarray
    session_start_s: np.ndarray
    session_end_s: np.ndarray
    chat_busy_agent: np.ndarray
    chat_busy_start_s: np.ndarray
    chat_busy_end_s: np.ndarray

    @classmethod
    def build(cls, engine: Engine, end_time: float) -> ContactLog:
        """Freeze an engine's lists into arrays (columns the run cannot have written are taken
        from what they were before it: `_columns_not_run`)."""
        arr = np.asarray
        roster = engine.roster
        shift_cols, online_cols = _windows(roster.scheduled), _windows(roster.available)
        status = arr(engine.status, dtype=np.int8)
        return cls(
            **_columns_not_run(engine, status),
            queued_s=arr(engine.queued_at, dtype=float),
            answer_s=arr(engine.answer, dtype=float),
            end_s=arr(engine.end, dtype=float),
            agent=arr(engine.agent_of, dtype=np.int64),
            status=status,
            resolved=arr(engine.resolved, dtype=np.int8),
            issue_status=arr(engine.issue_status, dtype=np.int8),
            issue_contacts=arr(engine.issue_contacts, dtype=np.int32),
            callbacks_offered=int(engine.callbacks_offered),
            end_time_s=float(end_time),
            agent_group=arr(roster.agent_group, dtype=np.int64),
            agent_hired_s=arr(roster.hired_at, dtype=float),
            shift_agent=arr(shift_cols[0], dtype=np.int64),
            shift_start_s=arr(shift_cols[1], dtype=float),
            shift_end_s=arr(shift_cols[2], dtype=float),
            online_agent=arr(online_cols[0], dtype=np.int64),
            online_start_s=arr(online_cols[1], dtype=float),
            online_end_s=arr(online_cols[2], dtype=float),
            session_agent=arr(engine.session_rec[0], dtype=np.int64),
            session_start_s=arr(engine.session_rec[1], dtype=float),
            session_end_s=arr(engine.session_rec[2], dtype=float),
            chat_busy_agent=arr(engine.chat_busy_rec[0], dtype=np.int64),
            chat_busy_start_s=arr(engine.chat_busy_rec[1], dtype=float),
            chat_busy_end_s=arr(engine.chat_busy_rec[2], dtype=float),
        )

    def __len__(self) -> int:
        return len(self.arrival_s)

    def status_counts(self) -> dict[str, int]:
        counts = np.bincount(self.status, minlength=len(STATUS_NAMES))
        return {name: int(counts[i]) for i, name in enumerate(STATUS_NAMES)}

    def issue_counts(self) -> dict[str, int]:
        counts = np.bincount(self.issue_status, minlength=len(ISSUE_STATUS_NAMES))
        return {name: int(counts[i]) for i, name in enumerate(ISSUE_STATUS_NAMES)}

    def check_conservation(
        self, waiting_by_type: list[int], load_by_agent: list[int], wrapping: int = 0
    ) -> None:
        """Every contact and issue is in exactly one state, and the engine's counters agree.

        `wrapping`: agents' slots still held by after-call work (counted in the agents' load).
        """
        counts = self.status_counts()
        if sum(counts.values()) != len(self):
            raise ConservationError(f"status counts {counts} do not add up to {len(self)}")
        if counts["waiting"] != sum(waiting_by_type):
            raise ConservationError(
                f"{counts['waiting']} contacts marked waiting, queues hold {sum(waiting_by_type)}"
            )
        if counts["in_service"] != sum(load_by_agent) - wrapping:
            raise ConservationError(
                f"{counts['in_service']} contacts in service, agents hold "
                f"{sum(load_by_agent) - wrapping} (and {wrapping} after-call work)"
            )
        if int(self.issue_contacts.sum()) != len(self):
            raise ConservationError("contacts per issue do not add up to the contacts")
        answered = np.isfinite(self.answer_s)
        if np.any(self.answer_s[answered] < self.queued_s[answered]):
            raise ConservationError("a contact was answered before it was queued")
        done = np.isfinite(self.end_s)
        if np.any(self.end_s[done] < self.arrival_s[done]):
            raise ConservationError("a contact ended before it arrived")

    def to_frame(self, model_type_names: list[str] | None = None) -> pd.DataFrame:
        """The contact log as a DataFrame (one row per contact)."""
        finite = lambda x: np.where(np.isfinite(x), x, np.nan)  # noqa: E731
        df = pd.DataFrame(
            {
                "arrival_s": self.arrival_s,
                "type_idx": self.type_idx,
                "queued_s": finite(self.queued_s),
                "answer_s": finite(self.answer_s),
                "end_s": finite(self.end_s),
                "agent": self.agent,
                "status": pd.Categorical.from_codes(self.status, STATUS_NAMES),
                "issue": self.issue,
                "attempt": self.attempt,
                "origin": pd.Categorical.from_codes(self.origin, ORIGIN_NAMES),
                "resolved": self.resolved,
                "callback": self.callback,
                "in_bot_s": self.in_bot_s,
                "acw_s": self.acw_s,
            }
        )
        if model_type_names is not None:
            df.insert(1, "contact_type", np.asarray(model_type_names, dtype=object)[self.type_idx])
        return df


def _columns_not_run(engine: Engine, status: np.ndarray) -> dict[str, np.ndarray]:
    """The contact columns most runs never change, without converting the engine's lists when
    they cannot have changed: without contacts created during the run (redials, repeats, returns
    from the bot) arrival times and types are the drawn demand's and every contact is its issue's
    first; without bots no contact spent time in one, without callback offers none took one, and
    without after-call work drawn (or contacts created) no completed contact has any."""
    arr = np.asarray
    demand, jt = engine.demand, engine.jt
    n = len(engine.arrival)
    extended = n != len(demand)
    cols: dict[str, np.ndarray] = {}
    if extended:
        cols["arrival_s"] = arr(engine.arrival, dtype=float)
        cols["type_idx"] = arr(engine.ctype, dtype=np.int64)
        cols["issue"] = arr(engine.issue_of, dtype=np.int64)
        cols["attempt"] = arr(engine.attempt, dtype=np.int32)
        cols["origin"] = arr(engine.origin, dtype=np.int8)
    else:
        cols["arrival_s"], cols["type_idx"] = demand.arrival_s, demand.type_idx
        cols["issue"], cols["attempt"] = np.arange(n), np.ones(n, np.int32)
        cols["origin"] = np.zeros(n, np.int8)  # ORIGIN_NAMES[0]: first contacts
    bot, callbacks = any(jt.has_bot), any(jt.has_callback)
    cols["in_bot_s"] = arr(engine.in_bot_s, dtype=float) if bot else np.zeros(n)
    cols["callback"] = (
        arr(engine.callback_of, dtype=np.int8) > 0 if callbacks else np.zeros(n, bool)
    )
    if extended or demand.acw_s.any():
        cols["acw_s"] = np.where(status == COMPLETED, arr(engine.acw, dtype=float), 0.0)
    else:
        cols["acw_s"] = np.zeros(n)
    return cols


def _windows(per_agent: list[list[tuple[float, float]]]) -> list[list]:
    """Flatten per-agent windows into three columns: agent, start, end."""
    rows = [(a, s, e) for a, ws in enumerate(per_agent) for s, e in ws]
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[], [], []]
