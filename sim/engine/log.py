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

WAITING, IN_SERVICE, COMPLETED, ABANDONED, BLOCKED = range(5)
STATUS_NAMES = ("waiting", "in_service", "completed", "abandoned", "blocked")


class ConservationError(RuntimeError):
    """The engine lost or duplicated a contact: always a bug, never a user error."""


@dataclass(frozen=True)
class ContactLog:
    """Outcome of every contact of one replication, plus agent sessions and chat-busy periods."""

    arrival_s: np.ndarray
    type_idx: np.ndarray
    answer_s: np.ndarray
    end_s: np.ndarray
    agent: np.ndarray
    status: np.ndarray
    end_time_s: float
    session_agent: np.ndarray
    session_start_s: np.ndarray
    session_end_s: np.ndarray
    chat_busy_agent: np.ndarray
    chat_busy_start_s: np.ndarray
    chat_busy_end_s: np.ndarray

    @classmethod
    def build(cls, engine: Engine, end_time: float) -> ContactLog:
        """Freeze an engine's lists into arrays; contacts not yet arrived are dropped."""
        n = engine.next_cid
        arr = np.asarray
        return cls(
            arrival_s=arr(engine.arrival[:n], dtype=float),
            type_idx=arr(engine.ctype[:n], dtype=np.int64),
            answer_s=arr(engine.answer[:n], dtype=float),
            end_s=arr(engine.end[:n], dtype=float),
            agent=arr(engine.agent_of[:n], dtype=np.int64),
            status=arr(engine.status[:n], dtype=np.int8),
            end_time_s=float(end_time),
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

    def check_conservation(self, waiting_by_type: list[int], load_by_agent: list[int]) -> None:
        """Every arrived contact is in exactly one state, and the engine's counters agree."""
        counts = self.status_counts()
        if sum(counts.values()) != len(self):
            raise ConservationError(f"status counts {counts} do not add up to {len(self)}")
        if counts["waiting"] != sum(waiting_by_type):
            raise ConservationError(
                f"{counts['waiting']} contacts marked waiting, queues hold {sum(waiting_by_type)}"
            )
        if counts["in_service"] != sum(load_by_agent):
            raise ConservationError(
                f"{counts['in_service']} contacts in service, agents hold {sum(load_by_agent)}"
            )
        answered = np.isfinite(self.answer_s)
        if np.any(self.answer_s[answered] < self.arrival_s[answered]):
            raise ConservationError("a contact was answered before it arrived")
        done = np.isfinite(self.end_s)
        if np.any(self.end_s[done] < self.arrival_s[done]):
            raise ConservationError("a contact ended before it arrived")

    def to_frame(self, model_type_names: list[str] | None = None) -> pd.DataFrame:
        """The contact log as a DataFrame (one row per contact)."""
        df = pd.DataFrame(
            {
                "arrival_s": self.arrival_s,
                "type_idx": self.type_idx,
                "answer_s": np.where(np.isfinite(self.answer_s), self.answer_s, np.nan),
                "end_s": np.where(np.isfinite(self.end_s), self.end_s, np.nan),
                "agent": self.agent,
                "status": pd.Categorical.from_codes(self.status, STATUS_NAMES),
            }
        )
        if model_type_names is not None:
            df.insert(1, "contact_type", np.asarray(model_type_names, dtype=object)[self.type_idx])
        return df
