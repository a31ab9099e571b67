"""One replication as a self-contained task: what a local process or a Dask worker executes.

A task names its model, seed and replication index, nothing else; the replication's random streams
are spawned from (seed, index), so the outcome is the same on any worker, in any order. A worker
may write the contact log straight to a Parquet file (one per replication) instead of sending it
back, so large logs never sit in the coordinating process's memory.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sim.engine import ContactLog, simulate
from sim.engine.gc_pause import cyclic_gc_paused
from sim.kpis.compute import ReplicationKpis, compute_kpis
from sim.kpis.journeys import log_flows
from sim.model import Model


@dataclass(frozen=True)
class RepTask:
    """Replication `replication` of a model; where to write its log, whether to return it, and
    whether to count its customer journeys (`sim.kpis.journeys`) where it runs."""

    seed: int
    replication: int
    log_dir: str | None = None
    return_log: bool = False
    journeys: bool = False


@dataclass
class RepOutcome:
    """KPIs and conservation counts of one replication (its log and journeys, when asked for)."""

    replication: int
    kpis: ReplicationKpis
    conservation: dict[str, int]
    contacts: int
    simulate_s: float
    kpis_s: float
    log: ContactLog | None = None
    journeys: Counter[tuple[str, str]] | None = None


def run_task(model: Model, task: RepTask) -> RepOutcome:
    """Simulate one replication and compute its KPIs (module-level, so workers can pickle it).

    A caller that has switched the cyclic collector off (a forked process about to exit, see
    `sim.experiments.forked`) also skips the collection after the simulation.
    """
    collect = gc.isenabled()
    with cyclic_gc_paused():  # also over the KPIs (simulate pauses itself)
        started = time.perf_counter()
        log = simulate(model, task.seed, task.replication)
        if collect:  # the engine's reference cycles: free its per-contact lists before the KPIs
            gc.collect()
        simulated = time.perf_counter()
        kpis = compute_kpis(log, model)
        done = time.perf_counter()
    if task.log_dir is not None:
        write_log(log, model, Path(task.log_dir), task.replication)
    return RepOutcome(
        replication=task.replication,
        kpis=kpis,
        conservation=conservation_counts(log),
        contacts=len(log),
        simulate_s=simulated - started,
        kpis_s=done - simulated,
        log=log if task.return_log else None,
        journeys=log_flows(log, model) if task.journeys else None,
    )


def conservation_counts(log: ContactLog) -> dict[str, int]:
    """Contacts and issues by final state (the run checks both identities add up)."""
    return {
        "offered": len(log),
        **log.status_counts(),
        "issues": len(log.issue_status),
        **{f"issues_{k}": v for k, v in log.issue_counts().items()},
    }


def log_file(log_dir: Path, replication: int) -> Path:
    """Where replication `replication` of a streamed contact log lives (hive-style partition)."""
    return log_dir / f"replication={replication}" / "part-0.parquet"


def write_log(log: ContactLog, model: Model, log_dir: Path, replication: int) -> Path:
    """Write one replication's contact log to Parquet, atomically (temp name, then rename)."""
    path = log_file(log_dir, replication)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    log.to_frame(model.type_names).to_parquet(tmp, index=False)
    tmp.rename(path)
    return path
