"""Run the reference cases' replications on a process pool (or inline), largest tasks first.

Cases that simulate the same scenario form one group and share its replications. Each group runs
a pilot stage and then as many more as `decide` asks (see sim/verify/sizing.py). Every task
is one (group, stage, replication) with its own stream (seed, stage * STAGE_STRIDE + replication),
and a group's decision uses only its own values, so results are the same for any worker count;
the worker count only changes which task runs when.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from sim.verify.simulate import REPLICATIONS, Plan, replicate_group
from sim.verify.sizing import STAGE_STRIDE, Controls, Decision, Sizing, Stat, pool_stages

# one replication of a group: per member case, metric -> (value, contacts measured)
RepValues = list[dict[str, tuple[float, float]]]


@dataclass
class Group:
    """Cases sharing one simulated scenario, and what their stages have produced so far."""

    plan: Plan
    members: list[int]  # indices of the cases in the file
    awts: list[tuple[float, Any]]  # per member: (awt, metrics) as replicate_group takes them
    # per stage: window scale, per replication its values and its input controls
    stages: list[tuple[float, list[RepValues], list[Controls]]] = field(default_factory=list)
    contacts: int = 0
    decision: Decision | None = None
    cpu_s: float = 0.0  # CPU seconds its replications took in the workers (not in any report)

    @property
    def measured(self) -> float:
        """The share of the case's full window measured so far, all stages together."""
        return sum(scale for scale, _, _ in self.stages)

    def stats(self, controls: bool = True) -> list[dict[str, Stat]]:
        """Per member: each metric's pooled Stat over the stages run so far."""
        return [
            pool_stages(
                [(scale, [r[k] for r in reps], ctl) for scale, reps, ctl in self.stages], controls
            )  # fmt: skip
            for k in range(len(self.members))
        ]


def group_plans(plans: dict[int, Plan]) -> list[Group]:
    """One group per distinct scenario, in the order of the first case that uses it."""
    groups: dict[str, Group] = {}
    for i, plan in plans.items():
        g = groups.setdefault(plan.key, Group(plan, [], []))
        g.members.append(i)
        g.awts.append((plan.awt, plan.metrics))
    return list(groups.values())


class _Inline:
    """An executor that runs each task at once in this process (one worker, no pool)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut: Future = Future()
        fut.set_result(fn(*args))
        return fut

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _timed(*task: Any) -> tuple[Any, float]:
    """`replicate_group(*task)` and the CPU seconds it took in the worker."""
    start = time.process_time()
    result = replicate_group(*task)
    return result, time.process_time() - start


def run_groups(
    groups: list[Group],
    seed: int,
    workers: int,
    sizing: Sizing,
    decide: Callable[[Group], Decision],
    on_done: Callable[[Group], None],
) -> None:
    """Run every group's stages; `decide` sizes the next stage, `on_done` sees finished groups."""
    heap: list[tuple[float, int, int, int, int, float]] = []
    order = itertools.count()

    def push(gi: int, stage: int, scale: float) -> None:
        cost = groups[gi].plan.contacts(scale)
        for rep in range(REPLICATIONS):
            heapq.heappush(heap, (-cost, next(order), gi, stage, rep, scale))

    for gi in range(len(groups)):
        push(gi, 0, sizing.pilot_scale)
    pending: dict[tuple[int, int], list] = {}
    executor = ProcessPoolExecutor(max_workers=workers) if workers > 1 else _Inline()
    with executor:
        inflight: dict[Future, tuple[int, int, int, float]] = {}
        while heap or inflight:
            while heap and len(inflight) < 2 * workers:
                _, _, gi, stage, rep, scale = heapq.heappop(heap)
                g = groups[gi]
                task = (g.plan.spec, g.awts, seed, stage * STAGE_STRIDE + rep, scale)
                inflight[executor.submit(_timed, *task)] = (gi, stage, rep, scale)
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: inflight[f]):
                gi, stage, rep, scale = inflight.pop(fut)
                (values, controls, contacts), cpu_s = fut.result()
                slot = pending.setdefault((gi, stage), [None] * REPLICATIONS)
                slot[rep] = (values, controls)
                groups[gi].contacts += contacts
                groups[gi].cpu_s += cpu_s
                if all(v is not None for v in slot):
                    g = groups[gi]
                    done_reps = pending.pop((gi, stage))
                    g.stages.append((scale, [v for v, _ in done_reps], [c for _, c in done_reps]))
                    g.decision = decide(g)
                    if g.decision.next_scale > 0:
                        push(gi, stage + 1, g.decision.next_scale)
                    else:
                        on_done(g)
