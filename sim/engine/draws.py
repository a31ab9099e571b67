"""Random variates drawn in blocks from one named stream and handed out one at a time.

Drawing 1024 numbers per numpy call instead of one costs far less per variate; each purpose and
contact type has its own stream (see `sim.random_streams`), so streams never interfere.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

BLOCK = 1024


class Draws:
    """A callable returning the next variate of a stream, refilled a block at a time."""

    __slots__ = ("_rng", "_sample", "_values", "_next")

    def __init__(
        self, rng: np.random.Generator, sample: Callable[[np.random.Generator, int], np.ndarray]
    ) -> None:
        self._rng = rng
        self._sample = sample
        self._values: list[float] = []
        self._next = 0

    def __call__(self) -> float:
        if self._next == len(self._values):
            self._values = self._sample(self._rng, BLOCK).tolist()
            self._next = 0
        value = self._values[self._next]
        self._next += 1
        return value


def uniforms(rng: np.random.Generator) -> Draws:
    return Draws(rng, lambda r, n: r.random(n))
