"""Pause Python's cyclic garbage collector while a replication runs (~10% faster at 1M contacts).

A replication allocates millions of objects that live until it ends (per-contact lists, queue
entries, events); the collector would traverse them again and again for cycles it does not find.
Reference counting still frees memory during the pause; the engine's own reference cycles (bound
handlers it keeps) are collected once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore it after only if it was enabled."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
