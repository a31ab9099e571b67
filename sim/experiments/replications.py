"""Independent replications of one model, and their KPIs with confidence intervals.

Replication i uses the random streams spawned for index i from the run's seed, so its result does
not depend on how many replications run or in which order (or on which worker): a backend runs the
replications anywhere, and they are combined here in index order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine import ContactLog
from sim.errors import ScenarioError
from sim.experiments.backends import Backend, SerialBackend
from sim.experiments.stats import summarize
from sim.experiments.tasks import RepOutcome, RepTask, run_task
from sim.kpis.compute import ReplicationKpis
from sim.kpis.ratios import COUNTS
from sim.model import Model

Progress = Callable[[int, int], None]


@dataclass
class Replications:
    """KPIs of every replication, plus the contact logs and journeys that were asked for."""

    per_replication: list[ReplicationKpis]
    conservation: list[dict[str, int]]
    logs: dict[int, ContactLog] = field(default_factory=dict)
    contacts: list[int] = field(default_factory=list)
    journeys: list[Counter[tuple[str, str]]] = field(default_factory=list)

    @classmethod
    def from_outcomes(cls, outcomes: Sequence[RepOutcome]) -> Replications:
        """Combine replication outcomes in index order (whatever order they finished in)."""
        ordered = sorted(outcomes, key=lambda o: o.replication)
        return cls(
            per_replication=[o.kpis for o in ordered],
            conservation=[o.conservation for o in ordered],
            logs={o.replication: o.log for o in ordered if o.log is not None},
            contacts=[o.contacts for o in ordered],
            journeys=[o.journeys for o in ordered if o.journeys is not None],
        )

    def extend(self, more: Replications) -> Replications:
        """These replications followed by `more` (the next indices)."""
        return Replications(
            self.per_replication + more.per_replication,
            self.conservation + more.conservation,
            {**self.logs, **more.logs},
            self.contacts + more.contacts,
            self.journeys + more.journeys,
        )

    def per_replication_summary(self) -> pd.DataFrame:
        """Every replication's KPIs: index (dimension, key, replication), one column per KPI."""
        return self._stack("summary")

    def values(self, metric: str, dimension: str = "overall", key: str = "all") -> np.ndarray:
        """One KPI's value in each replication (nan where it is undefined)."""
        out = []
        for k in self.per_replication:
            if metric not in k.summary.columns:
                raise ScenarioError(
                    f"unknown KPI {metric!r}; use one of {sorted(k.summary.columns)}"
                )
            try:
                out.append(float(k.summary.loc[(dimension, key), metric]))
            except KeyError:
                out.append(np.nan)
        return np.asarray(out, dtype=float)

    def summary(self) -> pd.DataFrame:
        """Per (dimension, key): (metric, statistic) with mean, se, ci95_low, ci95_high, n."""
        return summarize(self._stack("summary"), ["dimension", "key"])

    def intervals(self) -> pd.DataFrame:
        """Per (dimension, key, interval): (metric, statistic).

        A replication with no contacts in an interval counts zero there (not a missing value),
        so interval counts add up to the run's totals; ratios stay undefined (nan).
        """
        grid = self.per_replication[0].intervals.index
        for k in self.per_replication[1:]:
            grid = grid.union(k.intervals.index)
        counts = [c for c in (*COUNTS, "handled") if c != "completed"]
        frames = {}
        for i, k in enumerate(self.per_replication):
            frame = k.intervals.reindex(grid)
            present = [c for c in counts if c in frame]
            frame[present] = frame[present].fillna(0.0)
            frames[i] = frame
        return summarize(self._stack(frames), ["dimension", "key", "interval"])

    def _stack(self, attr: str | dict[int, pd.DataFrame]) -> pd.DataFrame:
        frames = (
            attr
            if isinstance(attr, dict)
            else {i: getattr(k, attr) for i, k in enumerate(self.per_replication)}
        )
        stacked = pd.concat(frames, names=["replication"])
        order = [*stacked.index.names[1:], "replication"]
        return stacked.reorder_levels(order)


def run_replications(
    model: Model,
    seed: int,
    replications: int,
    progress: Progress | None = None,
    keep_logs: int = 0,
    backend: Backend | None = None,
    log_dir: Path | None = None,
    first: int = 0,
    journeys: bool = False,
) -> Replications:
    """Simulate replications `first` .. `first + replications - 1` on a backend (default: here).

    The first `keep_logs` contact logs come back in memory; with `log_dir`, every replication's
    log is written there as Parquet by the worker that ran it (and not kept in memory). With
    `journeys`, each replication's journey counts are made where it ran (small, unlike its log).
    """
    tasks = [
        RepTask(
            seed=seed,
            replication=i,
            log_dir=str(log_dir) if log_dir is not None else None,
            return_log=i - first < keep_logs,
            journeys=journeys,
        )
        for i in range(first, first + replications)
    ]
    done = None if progress is None else (lambda n: progress(n, replications))
    outcomes = (backend or SerialBackend()).map(run_task, model, tasks, done)
    return Replications.from_outcomes(outcomes)
