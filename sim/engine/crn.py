"""Journey variates keyed by (issue, attempt): common random numbers for customers' decisions.

A customer's decisions (enter the bot, the bot's outcome, take a callback, answer it, resolved,
switch channel, redial) and the durations of its later contacts must not depend on the order in
which events happen, or a staffing change would hand another customer's draw to this one. Every
variate is therefore indexed by the contact's issue (a first contact, whose id depends on the
arrival streams only) and its attempt number, and taken from a table drawn in one block from a
stream keyed by (purpose, contact type, issue's contact type, attempt block).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.random_streams import stream

ATTEMPTS = 4  # attempts per table; later attempts use the next block's table


class IssueDraws:
    """Lazily drawn variate tables: a row per issue of a contact type, a column per attempt."""

    def __init__(self, seed: int, rep: int, names: list[str], first_type: list[int]) -> None:
        self._seed_rep = (seed, rep)
        self._names = names
        self._first_type = first_type
        self._issue_type: list[int] = []  # filled on the first draw: runs without journeys skip it
        self._rank: list[int] = []
        self._count: list[int] = []
        self._tables: dict[tuple[str, int, int, int], list[float]] = {}

    def _index_issues(self) -> None:
        """Each issue's contact type and its position among that type's first contacts."""
        first_type = np.asarray(self._first_type, dtype=np.int64)
        counts = np.zeros(len(self._names), dtype=np.int64)
        rank = np.empty(len(first_type), dtype=np.int64)
        for c in range(len(self._names)):
            mask = first_type == c
            counts[c] = int(mask.sum())
            rank[mask] = np.arange(counts[c])
        self._issue_type = list(self._first_type)
        self._rank = rank.tolist()
        self._count = counts.tolist()

    def get(
        self,
        purpose: str,
        c: int,
        issue: int,
        attempt: int,
        sample: Callable[[np.random.Generator, int], np.ndarray] | None = None,
    ) -> float:
        """The variate of `purpose` for contact type `c` at `attempt` (1, 2, ...) of `issue`."""
        if not self._rank:
            self._index_issues()
        block, col = divmod(attempt - 1, ATTEMPTS)
        key = (purpose, c, self._issue_type[issue], block)
        table = self._tables.get(key)
        if table is None:
            table = self._draw(key, sample)
        return table[self._rank[issue] * ATTEMPTS + col]

    def _draw(self, key: tuple[str, int, int, int], sample) -> list[float]:
        purpose, c, ci, block = key
        rng = stream(*self._seed_rep, purpose, self._names[c], self._names[ci], str(block))
        size = self._count[ci] * ATTEMPTS
        values = rng.random(size) if sample is None else sample(rng, size)
        table = np.asarray(values, dtype=float).tolist()  # row-major: issue rank, then attempt
        self._tables[key] = table
        return table
