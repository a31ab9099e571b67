"""What pages derive from a run, kept once computed: a run never changes once it is made.

The served run and every session run are immutable, so a figure or table built from one of them
for given inputs is the same on every page load. Each run carries a small memo (`Memo`), and the
callbacks that build the slow parts (plotly figures, per-site tables) go through it: warm page
loads then skip the work. Callers must treat what they get as read-only (Dash only serialises it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 48  # per run: a few figures per page and choice of inputs


class Memo:
    """A bounded, thread-safe map from a key (what was asked) to what was computed for it."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept for `key`, else `compute()` kept (two threads may both compute it)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)
