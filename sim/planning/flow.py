"""Headcount flow through tenure: attrition, hiring classes, graduation, learning curve.

Expected values (a fluid model, linear in class sizes so that the MILP can use it):

* agents present in week t with tenure k leave at the end of the week with probability r(k):
  ``heads[t+1] = heads[t] (1 - r(k))``; a band of N agents at tenure k0 keeps
  ``N prod_{i<t} (1 - r(k0 + i))`` agents in week t (``N (1 - r)^t`` with a flat rate);
* a class of N hires starting week w trains T weeks (weeks w .. w+T-1, paid, off the phones);
  in week w+T ``g N`` graduates join the floor at tenure 0 (in expectation: g N, not rounded,
  so a class of 10 at g = 0.85 adds 8.5 agents); the ``(1 - g) N`` others leave at graduation;
* an agent of tenure k counts ``p(k) = 1 / aht_factor(k)`` effective FTE (the learning curve,
  linear as in the simulator), so a class adds ``g N p(0)`` effective FTE in week w+T.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.planning.setup import TENURE_CAP, GroupSetup


@dataclass(frozen=True)
class Flow:
    """Per-week quantities of one group; ``*_per_hire`` are (weeks, start weeks) per hire."""

    heads: np.ndarray  # (weeks,) agents on the floor from today's staff
    effective: np.ndarray  # (weeks,) their effective FTE
    leavers: np.ndarray  # (weeks,) their expected leavers at the end of each week
    fcr_heads: np.ndarray  # (weeks,) sum over agents of the learning-curve FCR factor
    heads_per_hire: np.ndarray
    effective_per_hire: np.ndarray
    leavers_per_hire: np.ndarray
    dropouts_per_hire: np.ndarray
    trainees_per_hire: np.ndarray
    fcr_per_hire: np.ndarray


def survival(attrition: np.ndarray, k0: int, n: int) -> np.ndarray:
    """Share of agents of tenure k0 still present after 0..n-1 weeks."""
    k = np.minimum(k0 + np.arange(n), TENURE_CAP)
    return np.concatenate([[1.0], np.cumprod(1.0 - attrition[k])[:-1]])


def _tenure(values: np.ndarray, k0: int, n: int) -> np.ndarray:
    return values[np.minimum(k0 + np.arange(n), TENURE_CAP)]


def group_flow(g: GroupSetup, n_weeks: int) -> Flow:
    """Today's staff and the effect of one hire per start week, for every week."""
    heads = np.zeros(n_weeks)
    eff = np.zeros(n_weeks)
    leave = np.zeros(n_weeks)
    fcr = np.zeros(n_weeks)
    for k0, agents in g.bands:
        s = agents * survival(g.attrition, k0, n_weeks)
        heads += s
        eff += s * _tenure(g.productivity, k0, n_weeks)
        leave += s * _tenure(g.attrition, k0, n_weeks)
        fcr += s * _tenure(g.fcr_factor, k0, n_weeks)
    shape = (n_weeks, n_weeks)
    h, e, lv, d, tr, f = (np.zeros(shape) for _ in range(6))
    if g.hiring is not None:
        t_train, grad = g.hiring.training_weeks, g.hiring.graduation_rate
        for w in range(n_weeks):
            tr[w : min(w + t_train, n_weeks), w] = 1.0
            start = w + t_train
            if start >= n_weeks:
                continue
            n = n_weeks - start
            s = grad * survival(g.attrition, 0, n)
            h[start:, w] = s
            e[start:, w] = s * _tenure(g.productivity, 0, n)
            lv[start:, w] = s * _tenure(g.attrition, 0, n)
            f[start:, w] = s * _tenure(g.fcr_factor, 0, n)
            d[start, w] = 1.0 - grad
    return Flow(heads, eff, leave, fcr, h, e, lv, d, tr, f)


@dataclass(frozen=True)
class FlowTotals:
    """One group's weeks for given class sizes (hires per start week)."""

    heads: np.ndarray
    effective: np.ndarray
    trainees: np.ndarray
    leavers: np.ndarray
    dropouts: np.ndarray
    graduates: np.ndarray
    fcr_factor: np.ndarray  # mean learning-curve FCR factor of the floor


def totals(flow: Flow, hires: np.ndarray, grad: float, t_train: int) -> FlowTotals:
    """Apply class sizes `hires` (per start week) to a group's flow."""
    heads = flow.heads + flow.heads_per_hire @ hires
    n = len(hires)
    graduates = np.zeros(n)
    for w in np.flatnonzero(hires > 0):
        if w + t_train < n:
            graduates[w + t_train] += grad * hires[w]
    fcr_sum = flow.fcr_heads + flow.fcr_per_hire @ hires
    with np.errstate(invalid="ignore", divide="ignore"):
        fcr = np.where(heads > 0, fcr_sum / np.where(heads > 0, heads, 1.0), 1.0)
    return FlowTotals(
        heads=heads,
        effective=flow.effective + flow.effective_per_hire @ hires,
        trainees=flow.trainees_per_hire @ hires,
        leavers=flow.leavers + flow.leavers_per_hire @ hires,
        dropouts=flow.dropouts_per_hire @ hires,
        graduates=graduates,
        fcr_factor=fcr,
    )
