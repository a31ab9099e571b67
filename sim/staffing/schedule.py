"""Shift scheduling: tours covering a staffing requirement at minimum cost (MILP, HiGHS).

For each group, with tours ``j`` (``shifts.py``) giving expected on-phone agents ``a_ij`` in
interval ``i`` and costing ``c_j`` (paid hours x the group's hourly rate: its wage, or its
site's vendor price per logged or productive hour, the latter counted per paid hour here):

    min  sum_j c_j y_j + P sum_i u_i
    s.t. sum_j a_ij y_j + u_i >= r_i        (every interval with a requirement)
         min_headcount <= sum_j y_j <= max_headcount,   y_j integer >= 0,  u_i >= 0

``u`` is understaffing, priced above the dearest tour (``P``) so coverage comes first and an
infeasible interval (closed hours, a headcount cap) shows up as a gap instead of an error.
The requirement is on-phone agents divided by (1 - absenteeism); breaks are in ``a_ij``.
Groups are independent given their requirement, so each is one small MILP.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from sim.model import Model
from sim.staffing.plan import StaffingResult, hourly_rate
from sim.staffing.shifts import Columns, ShiftRules, group_columns

Progress = Callable[[int, int], None]
_PENALTY_FACTOR = 10.0
_STATUS = {0: "optimal", 1: "time limit (best found)"}
AGENT_DECIMALS = 1  # agents are shown to 0.1; understaffing is judged on the shown values


def understaffed(required: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """Intervals whose coverage, rounded as every table shows it, is below the requirement:
    12.0 required and 12.0 covered is met even if solver tolerance or breaks leave 11.97."""
    return np.round(covered, AGENT_DECIMALS) < np.round(required, AGENT_DECIMALS)


@dataclass
class Schedule:
    """Chosen shifts, coverage per interval, and costs (MILP and a naive greedy baseline)."""

    model: Model
    shifts: pd.DataFrame  # site, group, start, end, days, headcount, paid_hours, cost
    coverage: pd.DataFrame  # per group x interval: required, covered, gap, understaffed
    summary: pd.DataFrame  # per group: cost, naive_cost, headcount, under/over hours, status
    rules: ShiftRules
    breaks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    wall_time_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        cov = self.coverage
        under = cov[cov["understaffed"]]
        return {
            "scenario": {"name": self.model.scenario.name, "hash": self.model.scenario_hash},
            "wall_time_s": round(self.wall_time_s, 3),
            "cost": float(self.summary["cost"].sum()),
            "naive_cost": float(self.summary["naive_cost"].sum()),
            "headcount": int(self.summary["headcount"].sum()),
            "understaffed_intervals": int(len(under)),
            "understaffed_agent_hours": float(self.summary["under_hours"].sum()),
            "overstaffed_agent_hours": float(self.summary["over_hours"].sum()),
            "groups": self.summary.to_dict(orient="records"),
            "shifts": self.shifts.assign(days=self.shifts["days"].map(list)).to_dict("records"),
        }


def schedule_requirement(result: StaffingResult) -> np.ndarray:
    """(groups, intervals) on-phone agents to cover, grossed up for absenteeism."""
    model = result.model
    absent = np.array([wf.absenteeism for wf in model.group_workforce])
    n_int = int(result.by_group["interval"].max()) + 1
    req = np.zeros((len(model.group_names), n_int))
    bg = result.by_group
    req[bg["group_idx"].to_numpy(), bg["interval"].to_numpy()] = bg["required_agents"]
    return req / (1.0 - absent)[:, None]


def solve_group(
    cols: Columns, req: np.ndarray, dt_h: np.ndarray, wage: float, rules: ShiftRules, name: str
) -> tuple[np.ndarray, str]:
    """Optimal tour counts for one group (and HiGHS' status message)."""
    n_j, n_i = cols.coverage.shape
    if n_j == 0 or not np.any(req > 0):
        return np.zeros(n_j), "nothing to cover" if n_j else "no allowed shift"
    rate = wage if wage > 0 else 1.0
    rows = np.flatnonzero(req > 1e-9)
    a = sparse.csr_matrix(cols.coverage[:, rows].T)
    n_u = rows.size
    # A missing agent in any interval costs more than the dearest tour: cover whenever possible.
    penalty = _PENALTY_FACTOR * float(cols.hours.max()) * rate
    cost = np.concatenate([cols.hours * rate, np.full(n_u, penalty)])
    cover = sparse.hstack([a, sparse.identity(n_u)], format="csr")
    cons = [optimize.LinearConstraint(cover, lb=req[rows], ub=np.inf)]
    lo, hi = rules.min_headcount.get(name, 0), rules.max_headcount.get(name)
    if lo > 0 or hi is not None:
        count = sparse.hstack([sparse.csr_matrix(np.ones((1, n_j))), sparse.csr_matrix((1, n_u))])
        cons.append(optimize.LinearConstraint(count, lb=lo, ub=np.inf if hi is None else hi))
    integrality = np.concatenate([np.ones(n_j), np.zeros(n_u)])
    upper = np.concatenate([np.full(n_j, np.ceil(req.max()) + 1 + lo), req[rows]])
    res = optimize.milp(
        cost,
        constraints=cons,
        integrality=integrality,
        bounds=optimize.Bounds(np.zeros(n_j + n_u), upper),
        options={"time_limit": rules.time_limit_s, "mip_rel_gap": rules.mip_gap},
    )
    if res.x is None:
        return np.zeros(n_j), f"no solution ({res.message})"
    status = _STATUS.get(res.status, res.message)
    if res.status == 1 and getattr(res, "mip_gap", None) is not None:
        status = f"gap {res.mip_gap:.1%} at time limit"
    return np.round(res.x[:n_j]), status


def naive_group(cols: Columns, req: np.ndarray) -> np.ndarray:
    """Greedy baseline: sweep intervals in time, add the tour covering most of the deficit."""
    y = np.zeros(len(cols.hours))
    covered = np.zeros_like(req)
    for i in range(len(req)):
        while req[i] - covered[i] > 1e-9:
            cand = np.flatnonzero(cols.coverage[:, i] >= 0.5)
            if cand.size == 0:
                break
            deficit = np.clip(req - covered, 0, None)
            gain = np.minimum(cols.coverage[cand], deficit).sum(axis=1) / np.maximum(
                cols.hours[cand], 1e-9
            )
            j = cand[np.argmax(gain)]
            y[j] += 1
            covered += cols.coverage[j]
    return y


def schedule_shifts(
    result: StaffingResult,
    rules: ShiftRules | None = None,
    progress: Progress | None = None,
) -> Schedule:
    """Minimum-cost tours covering a staffing result's requirement, group by group."""
    started = time.perf_counter()
    rules = rules or ShiftRules()
    model = result.model
    edges = np.asarray(
        [*(result.by_group.drop_duplicates("interval")["interval"] * model.interval_s)], float
    )
    edges = np.append(edges, model.horizon_s)
    dt_h = np.diff(edges) / 3600.0
    req = schedule_requirement(result)
    shift_rows, cov_rows, summary, breaks_used = [], [], [], {}
    for g, name in enumerate(model.group_names):
        site, group = name.split("/", 1)
        breaks = rules.breaks if rules.breaks is not None else tuple(
            model.group_workforce[g].off_phone
        )  # fmt: skip
        breaks_used[name] = [b.model_dump() for b in breaks]
        cols = group_columns(model, g, rules, edges, breaks)
        wage = hourly_rate(model, g)
        y, status = solve_group(cols, req[g], dt_h, wage, rules, name)
        naive = naive_group(cols, req[g]) if len(cols.hours) else y
        covered = y @ cols.coverage if len(cols.hours) else np.zeros_like(req[g])
        gap = covered - req[g]
        short = understaffed(req[g], covered)
        tz = model.site_timezones[int(model.group_site[g])]
        for j in np.flatnonzero(y > 0):
            shift_rows.append({
                "site": site, "group": group, "start": cols.starts[j], "end": cols.ends[j],
                "days": cols.days[j], "headcount": int(y[j]),
                "paid_hours": float(cols.hours[j] * y[j]),
                "cost": float(cols.hours[j] * y[j] * wage),
            })  # fmt: skip
        starts = model.t0_utc + pd.to_timedelta(edges[:-1], unit="s")
        cov_rows.append(pd.DataFrame({
            "interval": np.arange(len(dt_h)), "interval_start_utc": starts,
            "local_start": starts.tz_convert(tz).tz_localize(None), "site": site, "group": group,
            "required": req[g], "covered": covered, "gap": gap, "understaffed": short,
        }))  # fmt: skip
        summary.append({
            "site": site, "group": group, "headcount": int(y.sum()),
            "cost": float(cols.hours @ y * wage) if len(cols.hours) else 0.0,
            "naive_cost": float(cols.hours @ naive * wage) if len(cols.hours) else 0.0,
            "paid_hours": float(cols.hours @ y) if len(cols.hours) else 0.0,
            "under_hours": float(np.where(short, -gap, 0.0) @ dt_h),
            "over_hours": float(np.clip(gap, 0, None) @ dt_h),
            "understaffed_intervals": int(short.sum()),
            "candidate_shifts": len(cols.hours), "status": status,
        })  # fmt: skip
        if progress is not None:
            progress(g + 1, len(model.group_names))
    columns = ["site", "group", "start", "end", "days", "headcount", "paid_hours", "cost"]
    return Schedule(
        model=model,
        shifts=pd.DataFrame(shift_rows, columns=columns),
        coverage=pd.concat(cov_rows, ignore_index=True),
        summary=pd.DataFrame(summary),
        rules=rules,
        breaks=breaks_used,
        wall_time_s=time.perf_counter() - started,
    )
