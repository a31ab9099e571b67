"""Independent replications of one model, and their KPIs with confidence intervals.

Replication i uses the random streams spawned for index i from the run's seed, so its result does
not depend on how many replications run or in which order (or on which worker).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from sim.engine import ContactLog, simulate
from sim.experiments.stats import summarize
from sim.kpis.compute import ReplicationKpis, compute_kpis
from sim.kpis.ratios import COUNTS
from sim.model import Model

Progress = Callable[[int, int], None]


@dataclass
class Replications:
    """KPIs of every replication, plus the contact logs that were asked to be kept."""

    per_replication: list[ReplicationKpis]
    conservation: list[dict[str, int]]
    logs: dict[int, ContactLog] = field(default_factory=dict)

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
) -> Replications:
    """Simulate `replications` independent runs; keep the first `keep_logs` contact logs."""
    results, conservation, logs = [], [], {}
    for i in range(replications):
        log = simulate(model, seed, i)
        results.append(compute_kpis(log, model))
        conservation.append(
            {"offered": len(log), **log.status_counts(), "issues": len(log.issue_status),
             **{f"issues_{k}": v for k, v in log.issue_counts().items()}}  # fmt: skip
        )
        if i < keep_logs:
            logs[i] = log
        if progress is not None:
            progress(i + 1, replications)
    return Replications(results, conservation, logs)
