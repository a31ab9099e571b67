"""Stationary distribution of a finite continuous-time Markov chain (sparse).

The chat and retrial models have no product form, so they are solved numerically:
build the generator ``Q`` from (from, to, rate) triples and solve ``pi Q = 0`` with a
sparse LU after replacing the balance equation of one recurrent "anchor" state by
``pi_anchor = 1`` (a dense row of ones would wreck the sparsity), then normalise.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import linalg


def _solve(src: np.ndarray, dst: np.ndarray, rate: np.ndarray, size: int, anchor: int):
    out_rate = np.bincount(src, weights=rate, minlength=size)
    # A = Q^T: entry (to, from) = rate, diagonal = -total out-rate; the anchor's row
    # becomes pi_anchor = 1.
    rows = np.concatenate([dst, np.arange(size)])
    cols = np.concatenate([src, np.arange(size)])
    vals = np.concatenate([rate, -out_rate])
    keep = rows != anchor
    rows = np.concatenate([rows[keep], [anchor]])
    cols = np.concatenate([cols[keep], [anchor]])
    vals = np.concatenate([vals[keep], [1.0]])
    a = sparse.csc_matrix((vals, (rows, cols)), shape=(size, size))
    b = np.zeros(size)
    b[anchor] = 1.0
    pi = np.maximum(linalg.spsolve(a, b), 0.0)
    pi = pi / pi.sum()
    flow = rate * pi[src]
    imbalance = np.bincount(dst, weights=flow, minlength=size) - out_rate * pi
    return pi, float(np.abs(imbalance).max() / max(float((out_rate * pi).max()), 1e-300))


def stationary(
    src: np.ndarray,
    dst: np.ndarray,
    rate: np.ndarray,
    size: int,
    anchor: int = 0,
    tol: float = 1e-10,
) -> np.ndarray:
    """Stationary probabilities of an irreducible CTMC given by its transition triples.

    ``anchor`` should be a likely state: if the solution's balance residual exceeds
    ``tol`` (a very unlikely anchor costs accuracy), it is re-solved anchored at its mode.
    """
    keep = (src != dst) & (rate > 0)
    src, dst, rate = src[keep], dst[keep], rate[keep]
    pi, resid = _solve(src, dst, rate, size, anchor)
    for _ in range(3):
        if resid <= tol or int(np.argmax(pi)) == anchor:
            break
        anchor = int(np.argmax(pi))
        pi, resid = _solve(src, dst, rate, size, anchor)
    if resid > tol:
        raise ArithmeticError(f"CTMC solve inaccurate (balance residual {resid:.1e})")
    return pi
