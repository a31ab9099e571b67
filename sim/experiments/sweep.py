"""Sweeps: a full-factorial grid of overrides, every point replicated, KPIs in one tidy table.

A grid file (YAML or JSON) maps override paths to lists of values, in the `--set` syntax:

    sites.manila.groups.en_voice.shifts[*].headcount: ["+0%", "+10%", "+20%"]
    demand.en_voice_us.volume_per_day: ["*1.0", "*1.2"]   # quote `*`: YAML reads it as an alias

(optionally under a top-level `grid:` key). Every combination is a point; each point is validated
before anything runs, then all (point, replication) pairs go to the backend at once. All points use
the same seed and replication indices, so they share their customers (common random numbers) and
the curves of KPI against parameter are smooth: neighbouring points differ by the change, not by
luck. The tidy table has one row per (point, dimension, key, metric) with the parameter values,
mean, se, ci95_low, ci95_high and n.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.engine.log import STATUS_NAMES
from sim.errors import ScenarioError
from sim.experiments.backends import Backend, SerialBackend
from sim.experiments.overrides import override_scenario, parse_override
from sim.experiments.replications import Replications
from sim.experiments.tasks import RepOutcome, RepTask, run_task
from sim.kpis.registry import ALL_CHANNELS, CHANNEL_HEADLINE, HEADLINE
from sim.model import Model, compile_model
from sim.scenario import Scenario

STAT_COLUMNS = ["mean", "se", "ci95_low", "ci95_high", "n"]


@dataclass(frozen=True)
class Grid:
    """Override paths and, for each, the values to try (as `--set` value text)."""

    paths: list[str]
    values: list[list[str]]

    def points(self) -> list[dict[str, str]]:
        """Every combination, the last path varying fastest."""
        return [
            dict(zip(self.paths, combo, strict=True)) for combo in itertools.product(*self.values)
        ]

    def to_dict(self) -> dict[str, list[str]]:
        return dict(zip(self.paths, self.values, strict=True))


def load_grid(path: Path | str) -> Grid:
    """Read and check a grid file (YAML or JSON): a mapping of override paths to value lists."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"--grid {path}: no such file; give a YAML or JSON grid file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"--grid {path}: not valid YAML or JSON: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"--grid {path}: not a text file in UTF-8") from None
    return grid_from_dict(data, str(path))


def grid_from_dict(data: Any, source: str = "<grid>") -> Grid:
    """A grid from a parsed mapping {path: [values]} (or {grid: {...}})."""
    if isinstance(data, dict) and set(data) == {"grid"}:
        data = data["grid"]
    if not isinstance(data, dict) or not data:
        raise ScenarioError(
            f"--grid {source}: expected a mapping of override paths to lists of values, e.g. "
            "\"demand.en_voice_us.volume_per_day: ['*1.0', '*1.2']\""
        )
    paths, values = [], []
    for key, vals in data.items():
        if not isinstance(vals, list) or not vals:
            raise ScenarioError(f"--grid {source}: {key}: give a non-empty list of values")
        texts = [v if isinstance(v, str) else json.dumps(v) for v in vals]
        for text in texts:
            parse_override(f"{key}={text}")  # checks the path and value syntax
        paths.append(str(key))
        values.append(texts)
    return Grid(paths, values)


@dataclass
class SweepResult:
    """The tidy KPI table of a sweep and where it came from."""

    grid: Grid
    points: list[dict[str, str]]
    table: pd.DataFrame
    base: Scenario
    source: str
    seed: int
    replications: int
    version: str
    wall_time_s: float
    conservation_holds: bool

    def overall(self, metric: str) -> pd.DataFrame:
        """One overall KPI at every point: parameters, mean and CI."""
        t = self.table
        sel = (t["dimension"] == "overall") & (t["metric"] == metric)
        return t.loc[sel, ["point", *self.grid.paths, *STAT_COLUMNS]].reset_index(drop=True)

    def by_channel(self, metric: str) -> pd.DataFrame:
        """One KPI per channel at every point: point, channel (`key`), parameters, mean and CI."""
        t = self.table
        sel = (t["dimension"] == "channel") & (t["metric"] == metric)
        return t.loc[sel, ["point", "key", *self.grid.paths, *STAT_COLUMNS]].reset_index(drop=True)

    def series(self, metrics: Sequence[str]) -> list[tuple[str, str | None, pd.DataFrame]]:
        """(KPI, channel, its points) for each of `metrics` the sweep has: service level and ASA
        per channel (never blended; channel None for the others, overall)."""
        out: list[tuple[str, str | None, pd.DataFrame]] = []
        for metric in metrics:
            if metric in CHANNEL_HEADLINE:
                data = self.by_channel(metric)
                out += [(metric, ch, data[data["key"] == ch].reset_index(drop=True))
                        for ch in ALL_CHANNELS if (data["key"] == ch).any()]  # fmt: skip
            elif not (data := self.overall(metric)).empty:
                out.append((metric, None, data))
        return out

    def to_json(self) -> dict[str, Any]:
        """Grid, provenance and the headline KPIs (mean and CI) of every point."""
        rows = self.table[(self.table["dimension"] == "overall") &
                          self.table["metric"].isin(HEADLINE)]  # fmt: skip
        points = []
        for i, point in enumerate(self.points):
            mine = rows[rows["point"] == i]
            kpis = {
                r.metric: {
                    "mean": _num(r.mean),
                    "ci95_low": _num(r.ci95_low),
                    "ci95_high": _num(r.ci95_high),
                }  # fmt: skip
                for r in mine.itertuples()
            }
            per_channel = self.table[(self.table["dimension"] == "channel")
                                     & self.table["metric"].isin(CHANNEL_HEADLINE)
                                     & (self.table["point"] == i)]  # fmt: skip
            channels: dict[str, dict[str, dict[str, float | None]]] = {}
            for r in per_channel.itertuples():
                channels.setdefault(str(r.key), {})[str(r.metric)] = {
                    "mean": _num(r.mean), "ci95_low": _num(r.ci95_low),
                    "ci95_high": _num(r.ci95_high),
                }  # fmt: skip
            points.append({"point": i, "set": point, "kpis": kpis, "kpis_by_channel": channels})
        return {
            "scenario": {"name": self.base.name, "source": self.source},
            "grid": self.grid.to_dict(),
            "seed": self.seed,
            "replications": self.replications,
            "ccsim_version": self.version,
            "wall_time_s": round(self.wall_time_s, 3),
            "conservation_holds": self.conservation_holds,
            "points": points,
        }


def point_models(
    base: Scenario, grid: Grid, overrides: Sequence[str] = (), source: str = "<scenario>"
) -> list[Model]:
    """One compiled model per grid point (each validated like a YAML file before any runs)."""
    models = []
    for point in grid.points():
        sets = [*overrides, *(f"{p}={v}" for p, v in point.items())]
        models.append(compile_model(override_scenario(base, sets, source)))
    return models


def _run_point(models: list[Model], item: tuple[int, RepTask]) -> tuple[int, RepOutcome]:
    point, task = item
    return point, run_task(models[point], task)


def run_sweep(
    base: Scenario,
    grid: Grid,
    replications: int,
    seed: int,
    backend: Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
    overrides: Sequence[str] = (),
    source: str = "<scenario>",
    version: str = "",
) -> SweepResult:
    """Replicate every grid point and summarise its KPIs with 95% CIs."""
    if replications < 1:
        raise ScenarioError(f"replications must be at least 1 (got {replications})")
    started = time.perf_counter()
    models = point_models(base, grid, overrides, source)
    items = [(p, RepTask(seed, r)) for p in range(len(models)) for r in range(replications)]
    done = None if progress is None else (lambda n: progress(n, len(items)))
    outcomes = (backend or SerialBackend()).map(_run_point, models, items, done)
    frames, holds = [], True
    points = grid.points()
    numeric = {path: all(_is_number(v) for v in vals) for path, vals in grid.to_dict().items()}
    for p, point in enumerate(points):
        reps = Replications.from_outcomes([o for q, o in outcomes if q == p])
        holds &= all(c["offered"] == sum(c[s] for s in STATUS_NAMES) for c in reps.conservation)
        params = {k: float(v) if numeric[k] else v for k, v in point.items()}
        frames.append(_tidy(reps.summary(), p, params))
    table = pd.concat(frames, ignore_index=True)
    return SweepResult(grid, points, table, base, source, seed, replications, version,
                       time.perf_counter() - started, holds)  # fmt: skip


def _tidy(summary: pd.DataFrame, point: int, params: dict[str, Any]) -> pd.DataFrame:
    long = summary.stack(level=0, future_stack=True)
    long.index = long.index.set_names(["dimension", "key", "metric"])
    long = long.reset_index()[["dimension", "key", "metric", *STAT_COLUMNS]]
    long = long.dropna(subset=["mean"])
    return long.assign(point=point, **params)[
        ["point", *params, "dimension", "key", "metric", *STAT_COLUMNS]
    ]


def _is_number(text: str) -> bool:
    """An absolute numeric grid value (a parameter axis can then be numeric in plots)."""
    try:
        float(text)
    except ValueError:
        return False
    return not text.strip().startswith(("+", "*"))


def _num(value: Any) -> float | None:
    value = float(value)
    return None if value != value else value
