"""The hiring plan as a MILP (scipy's HiGHS, as `ccsim schedule`): class sizes and start weeks.

Per site, for each group g and week t, with N_w hires in a class starting week w (integer,
``min_class y_w <= N_w <= max_class y_w``, y binary, starts from the lead time on and early
enough to graduate inside the horizon), overtime o_t, undertime u_t and shortage s_t (FTE):

    effective_t(N) + o_t - u_t + s_t >= required_t          (scheduled FTE, see required.py)
    o_t <= overtime.max_share * heads_t(N),   u_t <= undertime.max_share * heads_t(N)
    sum of y over a calendar month <= max_classes_per_month  (per hiring block)

``effective`` and ``heads`` are linear in N (``flow.py``). Cost: wages of everyone on payroll
(trainees included), hiring and training cost, overtime at its premium, less undertime savings.
``strict`` coverage first minimises total shortage, then cost at that shortage; ``economic``
adds ``penalty_per_fte_week * s`` to the cost instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse

from sim.planning.flow import Flow
from sim.planning.setup import GroupSetup, PlanSetup

SHORT_TOL = 1e-3  # FTE (under 3 minutes a week): solver tolerance, not a shortage


@dataclass
class Decisions:
    """The plan's levers per group (group order of the setup), all (weeks,) arrays."""

    hires: list[np.ndarray]  # class size by start week (fixed classes included)
    overtime: list[np.ndarray]
    undertime: list[np.ndarray]
    short: list[np.ndarray]
    status: dict[str, str]  # per site: the solver's status (or "evaluated")


def candidate_weeks(g: GroupSetup, n_weeks: int) -> np.ndarray:
    """Start weeks a new class may take: after the lead time, graduating inside the horizon."""
    if g.hiring is None:
        return np.zeros(0, dtype=int)
    last = n_weeks - g.hiring.training_weeks - 1
    return np.arange(g.hiring.lead_time_weeks, last + 1)


def fixed_hires(g: GroupSetup, n_weeks: int) -> np.ndarray:
    out = np.zeros(n_weeks)
    for w, size in g.fixed:
        out[w] += size
    return out


def hire_cost(g: GroupSetup, flow: Flow, hours: float) -> np.ndarray:
    """(start weeks,) cost of one hire: recruiting, training, and wages inside the horizon."""
    h = g.hiring
    if h is None:
        return np.zeros(flow.heads_per_hire.shape[1])
    weekly_wage = g.wage_per_hour * hours
    trainee_weeks = flow.trainees_per_hire.sum(axis=0)
    floor_weeks = flow.heads_per_hire.sum(axis=0)
    return (h.cost_per_hire + trainee_weeks * (h.training_cost_per_week + weekly_wage)
            + floor_weeks * weekly_wage)  # fmt: skip


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence HiGHS' C-level prints on stdout (they would corrupt `--json` output)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _milp(*args, **kwargs):
    with quiet_stdout():
        return optimize.milp(*args, **kwargs)


@dataclass
class _Block:
    """Column offsets of one group's variables in the site's MILP."""

    weeks: np.ndarray
    n0: int  # N
    y0: int  # y
    o0: int  # overtime
    u0: int  # undertime
    s0: int  # shortage


def solve_site(setup: PlanSetup, idx: list[int], flows: list[Flow], required: np.ndarray,
               ) -> tuple[dict[int, dict[str, np.ndarray]], str]:  # fmt: skip
    """Optimal levers of the groups `idx` of one site (see the module docstring)."""
    n = setup.n_weeks
    hours = setup.plan.hours_per_week
    blocks, col = {}, 0
    for gi in idx:
        weeks = candidate_weeks(setup.groups[gi], n)
        k = len(weeks)
        blocks[gi] = _Block(weeks, col, col + k, col + 2 * k, col + 2 * k + n, col + 2 * k + 2 * n)
        col += 2 * k + 3 * n
    cost = np.zeros(col)
    lo, hi = np.zeros(col), np.full(col, np.inf)
    integrality = np.zeros(col)
    rows, lbs, ubs = [], [], []

    def add(entries: dict[int, float] | list[tuple[int, float]], lb: float, ub: float) -> None:
        rows.append(entries)
        lbs.append(lb)
        ubs.append(ub)

    shorts = []
    for gi in idx:
        g, f, b = setup.groups[gi], flows[gi], blocks[gi]
        k = len(b.weeks)
        fixed = fixed_hires(g, n)
        base_eff = f.effective + f.effective_per_hire @ fixed
        base_heads = f.heads + f.heads_per_hire @ fixed
        wage_week = g.wage_per_hour * hours
        cost[b.n0 : b.n0 + k] = hire_cost(g, f, hours)[b.weeks]
        cost[b.o0 : b.o0 + n] = g.overtime.premium * wage_week
        cost[b.u0 : b.u0 + n] = -(1.0 - g.undertime.pay_share) * wage_week
        integrality[b.n0 : b.y0 + k] = 1
        if k:
            hi[b.n0 : b.n0 + k] = g.hiring.max_class
            hi[b.y0 : b.y0 + k] = 1
        shorts.append(np.arange(b.s0, b.s0 + n))
        e = f.effective_per_hire[:, b.weeks]
        hh = f.heads_per_hire[:, b.weeks]
        for t in range(n):
            cover = [(b.n0 + j, e[t, j]) for j in np.flatnonzero(e[t] > 0)]
            cover += [(b.o0 + t, 1.0), (b.u0 + t, -1.0), (b.s0 + t, 1.0)]
            add(cover, required[gi, t] - base_eff[t], np.inf)
            heads = [(b.n0 + j, -hh[t, j]) for j in np.flatnonzero(hh[t] > 0)]
            add([(b.o0 + t, 1.0), *((c, g.overtime.max_share * v) for c, v in heads)],
                -np.inf, g.overtime.max_share * base_heads[t])  # fmt: skip
            add([(b.u0 + t, 1.0), *((c, g.undertime.max_share * v) for c, v in heads)],
                -np.inf, g.undertime.max_share * base_heads[t])  # fmt: skip
        for j in range(k):
            add([(b.n0 + j, 1.0), (b.y0 + j, -float(g.hiring.max_class))], -np.inf, 0.0)
            add([(b.n0 + j, 1.0), (b.y0 + j, -float(g.hiring.min_class))], 0.0, np.inf)
    pools: dict[str, list[int]] = {}
    for gi in idx:
        pools.setdefault(setup.groups[gi].hiring_pool, []).append(gi)
    for members in pools.values():
        hiring = setup.groups[members[0]].hiring
        if hiring is None:
            continue
        for m in np.unique(setup.month):
            used = sum(1 for gi in members for w, _ in setup.groups[gi].fixed
                       if setup.month[w] == m)  # fmt: skip
            entries = [(blocks[gi].y0 + j, 1.0) for gi in members
                       for j, w in enumerate(blocks[gi].weeks) if setup.month[w] == m]  # fmt: skip
            if entries:
                add(entries, -np.inf, max(hiring.max_classes_per_month - used, 0))
    a = _matrix(rows, col)
    short_cols = np.concatenate(shorts)
    solver = setup.plan.solver
    options = {"time_limit": solver.time_limit_s, "mip_rel_gap": solver.mip_gap}
    cons = [optimize.LinearConstraint(a, np.array(lbs), np.array(ubs))]
    bounds = optimize.Bounds(lo, hi)
    if solver.coverage == "strict":
        phase1 = np.zeros(col)
        phase1[short_cols] = 1.0
        first = _milp(phase1, constraints=cons, integrality=integrality, bounds=bounds,
                      options=options)  # fmt: skip
        if first.x is None:
            return {}, f"no solution ({first.message})"
        cap = float(first.fun) + 1e-6
        row = sparse.csr_matrix((np.ones(len(short_cols)), (np.zeros(len(short_cols), int),
                                 short_cols)), shape=(1, col))  # fmt: skip
        cons.append(optimize.LinearConstraint(row, -np.inf, cap))
    else:
        cost[short_cols] = setup.plan.penalty_per_fte_week
    res = _milp(cost, constraints=cons, integrality=integrality, bounds=bounds,
                options=options)  # fmt: skip
    if res.x is None and solver.coverage == "strict":
        res = first  # the cost phase failed at the shortage cap: keep the least-short plan
    if res.x is None:
        return {}, f"no solution ({res.message})"
    status = "optimal" if res.status == 0 else f"time limit (gap {res.mip_gap:.1%})"
    x = res.x
    out = {}
    for gi in idx:
        b = blocks[gi]
        hires = fixed_hires(setup.groups[gi], n)
        hires[b.weeks] += np.round(x[b.n0 : b.n0 + len(b.weeks)])
        out[gi] = {
            "hires": hires,
            "overtime": x[b.o0 : b.o0 + n],
            "undertime": x[b.u0 : b.u0 + n],
            "short": np.where(x[b.s0 : b.s0 + n] > SHORT_TOL, x[b.s0 : b.s0 + n], 0.0),
        }
    return out, status


def _matrix(rows: list, n_cols: int) -> sparse.csr_matrix:
    r, c, v = [], [], []
    for i, entries in enumerate(rows):
        for j, value in entries:
            r.append(i)
            c.append(j)
            v.append(value)
    return sparse.csr_matrix((v, (r, c)), shape=(len(rows), n_cols))


def levers_for(setup: PlanSetup, flows: list[Flow], required: np.ndarray,
               hires: list[np.ndarray]) -> Decisions:  # fmt: skip
    """Given classes: overtime to close gaps and undertime to trim surplus, within limits."""
    dec = Decisions([], [], [], [], {s: "evaluated" for s in setup.site_names})
    for gi, g in enumerate(setup.groups):
        f = flows[gi]
        eff = f.effective + f.effective_per_hire @ hires[gi]
        heads = f.heads + f.heads_per_hire @ hires[gi]
        gap = eff - required[gi]
        over = np.minimum(np.clip(-gap, 0, None), g.overtime.max_share * heads)
        under = np.minimum(np.clip(gap, 0, None), g.undertime.max_share * heads)
        short = np.clip(-(gap + over), 0, None)
        dec.hires.append(hires[gi])
        dec.overtime.append(over)
        dec.undertime.append(under)
        dec.short.append(np.where(short > SHORT_TOL, short, 0.0))
    return dec


def optimise(setup: PlanSetup, flows: list[Flow], required: np.ndarray, progress=None,
             ) -> Decisions:  # fmt: skip
    """Solve every site's MILP (sites are independent)."""
    dec = Decisions([], [], [], [], {})
    parts: dict[int, dict[str, np.ndarray]] = {}
    sites = setup.site_names
    for done, site in enumerate(sites, start=1):
        idx = [i for i, g in enumerate(setup.groups) if g.site == site]
        got, status = solve_site(setup, idx, flows, required)
        dec.status[site] = status
        if not got:  # no solution: fall back to the committed classes
            fallback = levers_for(setup, flows, required,
                                  [fixed_hires(setup.groups[i], setup.n_weeks) for i in
                                   range(len(setup.groups))])  # fmt: skip
            got = {i: {"hires": fallback.hires[i], "overtime": fallback.overtime[i],
                       "undertime": fallback.undertime[i], "short": fallback.short[i]}
                   for i in idx}  # fmt: skip
        parts.update(got)
        if progress is not None:
            progress(done, len(sites))
    for gi in range(len(setup.groups)):
        p = parts[gi]
        dec.hires.append(p["hires"])
        dec.overtime.append(p["overtime"])
        dec.undertime.append(p["undertime"])
        dec.short.append(p["short"])
    return dec
