"""Journey variates keyed by (issue, attempt): common random numbers for customers' decisions.

A customer's decisions (enter the bot, the bot's outcome, take a callback, answer it, resolved,
switch channel, redial) and the durations of its later contacts must not depend on the order in
which events happen, or a staffing change would hand another customer's draw to this one. Every
variate is therefore indexed by the contact's issue (a first contact, whose id depends on the
arrival streams only) and its attempt number, and taken from a table drawn in one block from a
stream keyed by (purpose, contact type, issue's contact type, attempt block).

Tables stay numpy arrays (read through memoryviews, which hand out Python floats). The variates of
first contacts' first attempts, which the engine needs for most contacts, are gathered once per
purpose into a column indexed by contact id (`first`), the same values `get` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.random_streams import stream

ATTEMPTS = 4  # attempts per table; later attempts use the next block's table
Sampler = Callable[[np.random.Generator, int], np.ndarray]


class IssueDraws:
    """Lazily drawn variate tables: a row per issue of a contact type, a column per attempt."""

    def __init__(
        self, seed: int, rep: int, names: list[str], first_type: Sequence[int] | np.ndarray
    ) -> None:
        self._seed_rep = (seed, rep)
        self._names = names
        self._first_type = np.asarray(first_type, dtype=np.int64)
        self.n_first = len(first_type)  # contacts 0 .. n_first - 1 are first contacts (issues)
        self._issue_type: list[int] = []  # filled on the first draw: runs without journeys skip it
        self._slot: list[int] = []  # issue's rank among its type's first contacts x ATTEMPTS
        self._count: list[int] = []
        self._members: list[np.ndarray] = []  # per type: its first contacts' ids, in order
        self._arrays: dict[tuple[str, int, int, int], np.ndarray] = {}
        self._tables: dict[tuple[str, int, int, int], memoryview] = {}

    def _index_issues(self) -> None:
        """Each issue's contact type and its position among that type's first contacts."""
        first_type = self._first_type
        counts = np.zeros(len(self._names), dtype=np.int64)
        rank = np.empty(len(first_type), dtype=np.int64)
        for c in range(len(self._names)):
            members = np.flatnonzero(first_type == c)
            counts[c] = len(members)
            rank[members] = np.arange(counts[c])
            self._members.append(members)
        self._issue_type = first_type.tolist()
        self._slot = (rank * ATTEMPTS).tolist()
        self._count = counts.tolist()

    def get(
        self, purpose: str, c: int, issue: int, attempt: int, sample: Sampler | None = None
    ) -> float:
        """The variate of `purpose` for contact type `c` at `attempt` (1, 2, ...) of `issue`."""
        if not self._slot:
            self._index_issues()
        col = attempt - 1
        if col < ATTEMPTS:
            key = (purpose, c, self._issue_type[issue], 0)
        else:
            block, col = divmod(col, ATTEMPTS)
            key = (purpose, c, self._issue_type[issue], block)
        table = self._tables.get(key)
        if table is None:
            table = self._draw(key, sample)
        return table[self._slot[issue] + col]

    def first(
        self, purpose: str, types: list[int], samplers: list[Sampler | None] | None = None
    ) -> Sequence[float]:
        """`get(purpose, c, i, 1, samplers[c])` for every first contact i whose type c is listed.

        Indexed by contact id (nan for first contacts of other types); empty if no types. A
        memoryview, not a list: most columns are read for a few contacts only (a redial's delay,
        a callback's answer), so converting every value to a Python float up front costs more.
        """
        if not types:
            return []
        if not self._slot:
            self._index_issues()
        column = np.full(self.n_first, np.nan)
        for c in types:
            key = (purpose, c, c, 0)
            if key not in self._arrays:
                self._draw(key, None if samplers is None else samplers[c])
            column[self._members[c]] = self._arrays[key][::ATTEMPTS]  # ranks in id order
        return memoryview(column)  # type: ignore[arg-type]

    def _draw(self, key: tuple[str, int, int, int], sample: Sampler | None) -> memoryview:
        purpose, c, ci, block = key
        rng = stream(*self._seed_rep, purpose, self._names[c], self._names[ci], str(block))
        size = self._count[ci] * ATTEMPTS
        values = rng.random(size) if sample is None else sample(rng, size)
        table = np.ascontiguousarray(values, dtype=float)  # row-major: issue rank, then attempt
        self._arrays[key] = table
        self._tables[key] = memoryview(table)  # type: ignore[arg-type]
        return self._tables[key]
