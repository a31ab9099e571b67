"""Sequential stopping: add replications until one KPI's 95% CI is as narrow as asked.

The target is a half-width in the KPI's own units (`0.01` = one point of service level) or, with a
`%` suffix, relative to its mean (`2%`). After `min_replications` the half-width h of the chosen
KPI is checked; while h > target, the next stage runs up to n·(h/target)² replications in total
(at least one more, at most twice as many, never beyond the cap). Stages depend only on the
replications' values, never on how many workers ran them, so a precision run is as reproducible as
a fixed-size one. (Stopping on the data makes the final CI slightly optimistic; the minimum of
five replications keeps that small. See docs/experiments.md.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from sim.errors import ScenarioError
from sim.experiments.backends import Backend
from sim.experiments.replications import Replications, run_replications
from sim.model import CHANNELS, Model

DEFAULT_KPI = "service_level"
MIN_REPLICATIONS = 5
DIMENSIONS = ("overall", "queue", "site", "channel", "language")


@dataclass(frozen=True)
class Precision:
    """Stop when the 95% CI half-width of `metric` for (dimension, key) is at most `target`."""

    target: float
    relative: bool
    metric: str = DEFAULT_KPI
    dimension: str = "overall"
    key: str = "all"

    def describe(self) -> str:
        where = "" if self.dimension == "overall" else f" ({self.dimension} {self.key})"
        goal = f"{self.target:.4g}" if not self.relative else f"{self.target:.4g} of the mean"
        return f"{self.metric}{where} half-width <= {goal}"


def parse_precision(value: str, kpi: str = DEFAULT_KPI) -> Precision:
    """`0.01` (absolute) or `2%` (relative); kpi is `metric` or `dimension:key:metric`."""
    text = value.strip()
    relative = text.endswith("%")
    try:
        target = float(text.rstrip("%"))
    except ValueError:
        raise ScenarioError(
            f"--precision {value!r}: give a half-width such as 0.01 or a relative one such as 2%"
        ) from None
    if relative:
        target /= 100.0
    if not target > 0 or not math.isfinite(target):
        raise ScenarioError(f"--precision {value!r}: the half-width must be a positive number")
    parts = kpi.split(":")
    if len(parts) == 1:
        return Precision(target, relative, parts[0])
    if len(parts) != 3 or parts[0] not in DIMENSIONS:
        raise ScenarioError(
            f"--precision-kpi {kpi!r}: give a KPI (service_level) or DIMENSION:SEGMENT:KPI with "
            f"DIMENSION one of {', '.join(DIMENSIONS)} (e.g. queue:en_voice_us:service_level)"
        )
    return Precision(target, relative, parts[2], parts[0], parts[1])


def half_width(values: np.ndarray) -> tuple[float, float]:
    """Mean and 95% t half-width of the defined values (inf with fewer than two)."""
    v = values[np.isfinite(values)]
    if len(v) < 2:
        return (float(v.mean()) if len(v) else math.nan), math.inf
    se = float(np.std(v, ddof=1) / math.sqrt(len(v)))
    return float(v.mean()), float(stats.t.ppf(0.975, len(v) - 1) * se)


def next_total(n: int, h: float, target: float, cap: int) -> int:
    """Replications to have after this stage: n·(h/target)², within [n+1, min(2n, cap)]."""
    want = n + 1 if not math.isfinite(h) else math.ceil(n * (h / target) ** 2)
    return min(cap, max(n + 1, min(2 * n, want)))


def run_until_precise(
    model: Model,
    seed: int,
    precision: Precision,
    max_replications: int,
    min_replications: int = MIN_REPLICATIONS,
    backend: Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
    log_dir: Path | None = None,
) -> tuple[Replications, dict[str, Any]]:
    """Replications until the precision is met or the cap reached, and a report of the stopping."""
    if max_replications < 2:
        raise ScenarioError("--max-replications must be at least 2 for a confidence interval")
    _check_key(model, precision)
    n = min(max(2, min_replications), max_replications)
    reps = run_replications(
        model, seed, n, _offset(progress, 0, max_replications), backend=backend, log_dir=log_dir
    )
    stages = [n]
    while True:
        mean, h = half_width(reps.values(precision.metric, precision.dimension, precision.key))
        goal = precision.target * abs(mean) if precision.relative else precision.target
        reached = h <= goal
        if reached or n >= max_replications:
            break
        more = next_total(n, h, goal, max_replications) - n
        reps = reps.extend(
            run_replications(
                model, seed, more, _offset(progress, n, max_replications),
                backend=backend, log_dir=log_dir, first=n,
            )
        )  # fmt: skip
        n += more
        stages.append(n)
    report = {
        "kpi": precision.metric,
        "dimension": precision.dimension,
        "key": precision.key,
        "target": precision.target,
        "relative": precision.relative,
        "half_width": None if not math.isfinite(h) else h,
        "mean": None if not math.isfinite(mean) else mean,
        "reached": bool(reached),
        "replications": n,
        "max_replications": max_replications,
        "stages": stages,
    }
    return reps, report


def _check_key(model: Model, p: Precision) -> None:
    keys = {
        "overall": ["all"],
        "queue": model.type_names,
        "site": model.site_names,
        "channel": sorted({CHANNELS[c] for c in model.type_channel}),
        "language": sorted(set(model.type_language)),
    }[p.dimension]
    if p.key not in keys:
        raise ScenarioError(
            f"--precision-kpi: no {p.dimension} named {p.key!r}; use one of {', '.join(keys)}"
        )


def _offset(progress: Callable[[int, int], None] | None, base: int, total: int):
    return None if progress is None else (lambda done, _n: progress(base + done, total))
