"""Simulation-based staffing: the fewest agents per site x group x interval the simulator confirms.

Erlang formulas staff each queue as its own team; multi-skill groups, several sites serving one
language and overflow pool their agents, so the real need is lower (and repeat contacts,
non-exponential handle times or priorities can make it higher). The search:

1. starts from the analytic answer (scheduled agents, shrinkage included: the roster applies
   breaks and absences);
2. *repairs*: while some (type, interval) fails a target, adds agents in that interval to the
   group carrying most of the type (and, for email/social, over its SLA window);
3. *scales down* all groups together, then each group (most expensive first), by bisection
   on a factor in [0.5, 1]; a scaled candidate gets up to two local repairs and is kept if
   it then meets every target at a lower cost;
4. re-checks the answer on fresh random numbers (independent of the search).

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
from sim.staffing.reconcile import reconcile
from sim.staffing.staff import staff_erlang
from sim.staffing.targets import Targets, scenario_targets
from sim.staffing.workload import Workload, build_workload, shrinkage

Progress = Callable[[int, int], None]
_GLOBAL_STEPS = 3
_BISECT_STEPS = 3
_REPAIR_ROUNDS = 8


class _Search:
    """Candidate evaluations with common random numbers, a time budget and progress."""

    def __init__(self, model, wl, targets, replications, seed, backend, progress, total, budget):
        self.model, self.wl, self.targets = model, wl, targets
        self.tasks = [(seed, r) for r in range(replications)]
        self.backend, self.progress, self.total = backend, progress, total
        self.evaluations = 0
        self.started = time.perf_counter()
        self.budget = budget

    def affordable(self, evaluations: int = 1) -> bool:
        """Whether `evaluations` more (plus the final re-check) fit in the time budget."""
        if self.budget is None or self.evaluations == 0:
            return True
        spent = time.perf_counter() - self.started
        per_eval = spent / self.evaluations
        return spent + per_eval * (evaluations + 1) <= self.budget

    def check(self, x: np.ndarray, tasks=None):
        """(per type x interval check frame, fail mask (types, intervals)) of staffing x."""
        model = staffed_model(self.model, x, self.wl.interval_edges_s)
        sums = np.stack(self.backend.map(rep_sums, model, tasks or self.tasks, None))
        frame = check_targets(sums, self.model, self.targets)
        self.evaluations += 1
        if self.progress is not None:
            self.total = max(self.total, self.evaluations + 1)
            self.progress(self.evaluations, self.total)
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

    The step grows with the shortfall of the confidence bound (2 x (target - bound), at
    least 5% and one agent), in the failing interval and the one before (queues carry over).
    """
    x = x.copy()
    span = np.ceil(model.sl_threshold_s / model.interval_s).astype(int)
    low = frame["service_level_low"].to_numpy().reshape(fails.shape)
    for c, i in zip(*np.nonzero(fails), strict=True):
        g = _carrier(wl, c, i)
        goal = targets.for_channel(CHANNELS[model.type_channel[c]]).sl
        short = (goal - low[c, i]) if goal is not None and np.isfinite(low[c, i]) else 0.05
        step = max(1, int(np.ceil(x[g, i] * min(max(2 * short, 0.05), 0.5))))
        if model.type_channel[c] in (EMAIL, SOCIAL):
            window = slice(i, min(i + max(span[c], 1), x.shape[1]))
            x[g, window] += (wl.open_share[c, window] > 0) * step
        else:
            x[g, i] += step
            if i > 0 and x[g, i - 1] > 0:
                x[g, i - 1] += max(step // 2, 1)
    return x


def staff_simulation(
    model: Model,
    targets: Targets | None = None,
    replications: int = 8,
    seed: int = 1,
    progress: Progress | None = None,
    workers: int | None = 1,
    time_budget_s: float | None = None,
) -> StaffingResult:
    """Smallest staffing per site x group x interval meeting every target, by simulation.

    With ``time_budget_s`` the search skips its later (refining) steps when they would not
    fit, and always ends with the re-check on fresh random numbers.
    """
    started = time.perf_counter()
    targets = targets or scenario_targets(model.scenario)
    if replications < 2:
        raise ValueError("simulation staffing needs at least 2 replications for its CIs")
    erlang = staff_erlang(model, targets)
    wl = build_workload(model, backlog_always_open=targets.backlog_hours == "always")
    groups = len(model.group_names)
    total = 3 + 2 * (_GLOBAL_STEPS + groups * _BISECT_STEPS)
    x = erlang.scheduled_matrix().astype(np.int64)
    with make_backend(workers, None) as backend:
        s = _Search(model, wl, targets, replications, seed, backend, progress, total,
                    time_budget_s)  # fmt: skip
        x, ok, fails = _fix(s, x, _REPAIR_ROUNDS)
        rounds = s.evaluations - 1
        if ok:
            x = _scale_all(s, x)
            x = _scale_down(s, x)
        final, final_fails = s.check(x, [(seed + 1, r) for r in range(replications)])
    off, absent = shrinkage(model)
    keep = ((1.0 - off) * (1.0 - absent))[:, None]
    result = build_result(model, wl, targets, "simulation", erlang.by_type,
                          net_override=x * keep, scheduled_override=x.astype(float))  # fmt: skip
    result.erlang = erlang
    result.checks = final
    result.pooling = _pooling(erlang, result)
    result.reconciliation = reconcile(erlang, result)
    if not ok:
        result.notes.append(
            f"the search stopped after {rounds} repair rounds with {int(fails.sum())} "
            "type-intervals still below target (more replications or time may settle them)"
        )
    checked = final[final["checked"]]
    result.notes.append(
        f"{s.evaluations} candidate staffings simulated ({replications} replications each, "
        f"common random numbers) in {time.perf_counter() - started:.0f} s; re-check on fresh "
        f"seeds: {int(final_fails.sum())} of {len(checked)} checked type-intervals not "
        f"confirmed at {targets.confidence:.0%} confidence, of which "
        f"{_significant_misses(checked, model, targets)} significantly below target"
    )
    result.wall_time_s = time.perf_counter() - started
    return result


def _significant_misses(checked, model: Model, targets: Targets) -> int:
    """Type-intervals whose SL upper bound (symmetric t interval) is below the target."""
    goal = np.array([targets.for_channel(CHANNELS[model.type_channel[c]]).sl or 0.0
                     for c in checked["type_idx"]])  # fmt: skip
    upper = 2 * checked["service_level"].to_numpy() - checked["service_level_low"].to_numpy()
    return int(np.sum(upper < goal - 1e-12))


def _fix(s: _Search, x: np.ndarray, rounds: int) -> tuple[np.ndarray, bool, np.ndarray]:
    """Check x and repair failing intervals up to `rounds` times: (x, all ok, fail mask)."""
    frame, fails = s.check(x)
    for _ in range(rounds):
        if not fails.any() or not s.affordable():
            break
        x = _repair(x, fails, frame, s.model, s.wl, s.targets)
        frame, fails = s.check(x)
    return x, not fails.any(), fails


def _cost(s: _Search, x: np.ndarray) -> float:
    return float(np.sum(x * s.model.group_wage_per_hour[:, None])) + 1e-6 * float(x.sum())


def _try(s: _Search, best: np.ndarray, cand: np.ndarray) -> tuple[np.ndarray, bool]:
    """Accept cand (after up to two local repairs) if it meets every target and is cheaper."""
    if not s.affordable(2):
        return best, False
    cand, ok, _ = _fix(s, cand, 2)
    if ok and _cost(s, cand) < _cost(s, best):
        return cand, True
    return best, False


def _scale_all(s: _Search, x: np.ndarray) -> np.ndarray:
    """Bisect one factor in [0.5, 1] applied to every group at once (the pooling gain)."""
    lo, hi, base = 0.5, 1.0, x.copy()
    for _ in range(_GLOBAL_STEPS):
        mid = (lo + hi) / 2
        x, accepted = _try(s, x, np.ceil(mid * base - 1e-9).astype(np.int64))
        lo, hi = (lo, mid) if accepted else (mid, hi)
    return x


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
            x, accepted = _try(s, x, cand)
            lo, hi = (lo, mid) if accepted else (mid, hi)
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
