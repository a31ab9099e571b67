"""Simulation-based staffing: the fewest agents per site x group x interval the simulator confirms.

Erlang formulas staff each queue as its own team; multi-skill groups, several sites serving one
language and overflow pool their agents, so the real need is lower (and repeat contacts,
non-exponential handle times or priorities can make it higher). The search:

1. starts from the analytic answer (scheduled agents, shrinkage included: the roster applies
   breaks and absences);
2. *repairs*: while some (type, interval) fails a target, adds agents in that interval to the
   group carrying most of the type (and, for email/social, over its SLA window);
3. *scales down* each group (most expensive first) by bisection on a factor in [0.5, 1];
4. *trims* one agent where every type a group serves clears its targets, reverting intervals
   that then fail;
5. re-checks the answer on fresh random numbers (independent of the search).

Every candidate is simulated with the same seeds (common random numbers). A target holds when
its one-sided ``confidence`` bound over the replications clears it (``evaluate``); with
``confidence=0.5`` the bound is the point estimate (a sample-average search, comparable with
Erlang's expected-value answer).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from sim.experiments.backends import make_backend
from sim.model import CHANNELS, EMAIL, SOCIAL, Model
from sim.staffing.evaluate import check_targets, rep_sums, staffed_model
from sim.staffing.plan import StaffingResult, build_result
from sim.staffing.staff import staff_erlang
from sim.staffing.targets import Targets, scenario_targets
from sim.staffing.workload import Workload, build_workload, shrinkage

Progress = Callable[[int, int], None]
_BISECT_STEPS = 4
_REPAIR_ROUNDS = 8
_TRIM_ROUNDS = 3


class _Search:
    """Candidate evaluations with common random numbers and an evaluation budget for progress."""

    def __init__(self, model, wl, targets, replications, seed, backend, progress, total):
        self.model, self.wl, self.targets = model, wl, targets
        self.tasks = [(seed, r) for r in range(replications)]
        self.backend, self.progress, self.total = backend, progress, total
        self.evaluations = 0

    def check(self, x: np.ndarray, tasks=None):
        """(per type x interval check frame, fail mask (types, intervals)) of staffing x."""
        model = staffed_model(self.model, x, self.wl.interval_edges_s)
        sums = np.stack(self.backend.map(rep_sums, model, tasks or self.tasks, None))
        frame = check_targets(sums, self.model, self.targets)
        self.evaluations += 1
        if self.progress is not None:
            self.progress(min(self.evaluations, self.total), self.total)
        fails = ~frame["ok"].to_numpy().reshape(self.model.n_types, -1)
        return frame, fails


def _carrier(wl: Workload, c: int, i: int) -> int:
    """The group carrying most of type c in interval i."""
    share = wl.share[:, c, i]
    return int(np.argmax(share if share.sum() > 0 else wl.eligible[:, c]))


def _repair(
    x: np.ndarray, fails: np.ndarray, frame, model: Model, wl: Workload, targets: Targets
) -> np.ndarray:
    """Add agents where targets fail (a SLA window's worth of intervals for backlog types).

    The step grows with the service-level shortfall (x (target - bound), at least one agent).
    """
    x = x.copy()
    span = np.ceil(model.sl_threshold_s / model.interval_s).astype(int)
    low = frame["service_level_low"].to_numpy().reshape(fails.shape)
    for c, i in zip(*np.nonzero(fails), strict=True):
        g = _carrier(wl, c, i)
        goal = targets.for_channel(CHANNELS[model.type_channel[c]]).sl
        short = (goal - low[c, i]) if goal is not None and np.isfinite(low[c, i]) else 0.05
        step = max(1, int(np.ceil(x[g, i] * min(max(short, 0.05), 0.5))))
        if model.type_channel[c] in (EMAIL, SOCIAL):
            window = slice(i, min(i + max(span[c], 1), x.shape[1]))
            x[g, window] += (wl.open_share[c, window] > 0) * step
        else:
            x[g, i] += step
    return x


def staff_simulation(
    model: Model,
    targets: Targets | None = None,
    replications: int = 8,
    seed: int = 1,
    progress: Progress | None = None,
    workers: int | None = 1,
) -> StaffingResult:
    """Smallest staffing per site x group x interval meeting every target, by simulation."""
    started = time.perf_counter()
    targets = targets or scenario_targets(model.scenario)
    if replications < 2:
        raise ValueError("simulation staffing needs at least 2 replications for its CIs")
    erlang = staff_erlang(model, targets)
    wl = build_workload(model, backlog_always_open=targets.backlog_hours == "always")
    groups = len(model.group_names)
    total = 2 + _REPAIR_ROUNDS + groups * _BISECT_STEPS + _TRIM_ROUNDS
    x = erlang.scheduled_matrix().astype(np.int64)
    with make_backend(workers, None) as backend:
        s = _Search(model, wl, targets, replications, seed, backend, progress, total)
        frame, fails = s.check(x)
        rounds = 0
        while fails.any() and rounds < _REPAIR_ROUNDS:
            x = _repair(x, fails, frame, model, wl, targets)
            frame, fails = s.check(x)
            rounds += 1
        s.total -= _REPAIR_ROUNDS - rounds
        if not fails.any():
            x = _scale_down(s, x)
            x = _trim(s, x)
        final, final_fails = s.check(x, [(seed + 1, r) for r in range(replications)])
    s.progress = None
    off, absent = shrinkage(model)
    keep = ((1.0 - off) * (1.0 - absent))[:, None]
    result = build_result(model, wl, targets, "simulation", erlang.by_type,
                          net_override=x * keep, scheduled_override=x.astype(float))  # fmt: skip
    result.erlang = erlang
    result.checks = final
    result.pooling = _pooling(erlang, result)
    n_fail = int(final_fails.sum())
    if fails.any():
        result.notes.append(
            f"the search could not meet every target in {_REPAIR_ROUNDS} repair rounds "
            f"({int(fails.sum())} type-intervals still fail)"
        )
    result.notes.append(
        f"{s.evaluations} candidate staffings simulated ({replications} replications each, "
        f"common random numbers); re-check on fresh seeds: {n_fail} of "
        f"{int(final['checked'].sum())} checked type-intervals below target at "
        f"{targets.confidence:.0%} confidence"
    )
    result.wall_time_s = time.perf_counter() - started
    return result


def _scale_down(s: _Search, x: np.ndarray) -> np.ndarray:
    """Per group, most expensive first: bisect the smallest factor keeping every target."""
    order = np.argsort(-(s.model.group_wage_per_hour * x.sum(axis=1)))
    for g in order:
        lo, hi = 0.5, 1.0
        base = x[g].copy()
        for _ in range(_BISECT_STEPS):
            mid = (lo + hi) / 2
            cand = x.copy()
            cand[g] = np.ceil(mid * base - 1e-9).astype(np.int64)
            _, fails = s.check(cand)
            if fails.any():
                lo = mid
            else:
                hi, x = mid, cand
    return x


def _trim(s: _Search, x: np.ndarray) -> np.ndarray:
    """Remove one agent where a group's types all pass; revert around intervals that then fail."""
    wl = s.wl
    for _ in range(_TRIM_ROUNDS):
        cand = np.maximum(x - (x > 0), 0)
        if np.array_equal(cand, x):
            break
        frame, fails = s.check(cand)
        if not fails.any():
            x = cand
            continue
        bad = np.zeros(x.shape[1], dtype=bool)
        for c, i in zip(*np.nonzero(fails), strict=True):
            bad[max(i - 1, 0) : i + 2] = True
            touched = wl.eligible[:, c]
            cand[touched, max(i - 1, 0) : i + 2] = x[touched, max(i - 1, 0) : i + 2]
        if np.array_equal(cand, x):
            break
        _, fails = s.check(cand)
        if fails.any():
            break
        x = cand
    return x


def _pooling(erlang: StaffingResult, sim: StaffingResult) -> dict[str, object]:
    """Agent-hours and cost of the simulated staffing against the Erlang answer."""
    e, s = erlang.summary, sim.summary
    by_site = {}
    for site in e["site"].unique():
        eh = float(e.loc[e["site"] == site, "scheduled_hours"].sum())
        sh = float(s.loc[s["site"] == site, "scheduled_hours"].sum())
        by_site[site] = {"erlang_hours": eh, "simulation_hours": sh,
                         "saving": 1 - sh / eh if eh > 0 else 0.0}  # fmt: skip
    eh, sh = float(e["scheduled_hours"].sum()), float(s["scheduled_hours"].sum())
    ec, scost = float(e["cost"].sum()), float(s["cost"].sum())
    return {
        "erlang_hours": eh,
        "simulation_hours": sh,
        "hours_saving": 1 - sh / eh if eh > 0 else 0.0,
        "erlang_cost": ec,
        "simulation_cost": scost,
        "cost_saving": 1 - scost / ec if ec > 0 else 0.0,
        "by_site": by_site,
    }
