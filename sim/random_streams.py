"""Independent random streams from one seed, keyed by name (common random numbers).

A stream is identified by (replication, purpose, contact type name), not by its position in the
scenario, so adding a contact type or changing a site's staffing leaves every other stream's numbers
unchanged; comparisons between scenarios then see the same customers.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, replication: int, *key: str) -> np.random.Generator:
    """A generator for one purpose (e.g. 'arrivals', 'en_voice') in one replication."""
    words = tuple(zlib.crc32(k.encode()) for k in key)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, *words)))
