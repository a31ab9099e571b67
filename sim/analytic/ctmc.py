"""Stationary distribution of a finite continuous-time Markov chain (sparse).

The chat and retrial models have no product form, so they are solved numerically:
build the generator ``Q`` from (from, to, rate) triples and solve ``pi Q = 0`` with
``sum(pi) = 1`` by replacing one balance equation with the normalisation (sparse LU).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import linalg


def stationary(src: np.ndarray, dst: np.ndarray, rate: np.ndarray, size: int) -> np.ndarray:
    """Stationary probabilities of the irreducible CTMC given by its transition triples."""
    keep = (src != dst) & (rate > 0)
    src, dst, rate = src[keep], dst[keep], rate[keep]
    out_rate = np.bincount(src, weights=rate, minlength=size)
    # A = Q^T: entry (to, from) = rate, diagonal = -total out-rate; row 0 is replaced by
    # the normalisation sum(pi) = 1.
    rows = np.concatenate([dst, np.arange(size)])
    cols = np.concatenate([src, np.arange(size)])
    vals = np.concatenate([rate, -out_rate])
    keep = rows != 0
    rows = np.concatenate([rows[keep], np.zeros(size, dtype=rows.dtype)])
    cols = np.concatenate([cols[keep], np.arange(size)])
    vals = np.concatenate([vals[keep], np.ones(size)])
    a = sparse.csc_matrix((vals, (rows, cols)), shape=(size, size))
    b = np.zeros(size)
    b[0] = 1.0
    pi = linalg.spsolve(a, b)
    pi = np.maximum(pi, 0.0)
    return pi / pi.sum()
