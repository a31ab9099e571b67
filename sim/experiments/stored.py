"""Single runs in the run store as `RunResult`s: save one, open one again, list them.

A stored run folder holds `scenario.yaml`, `summary.json`, `kpis.parquet`, `intervals.parquet`
and `replications.parquet` (plus any extra files the caller adds, e.g. the dashboard's
`journey.json`); opening one rebuilds a `RunResult` from them (the scenario is compiled again, so
the model matches the scenario hash). Runs are found by id through the store's index only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.errors import ScenarioError
from sim.experiments.store import RunStore, result_record
from sim.model import compile_model
from sim.output import write_result_files
from sim.results import RunResult
from sim.scenario import Scenario, load_scenario

STATS = ("mean", "se", "ci95_low", "ci95_high", "n")
DEFAULT_CURRENCY = Scenario.model_fields["costs"].default.currency
INDEX = {"kpis": ["dimension", "key"], "intervals": ["dimension", "key", "interval"]}


def save_result(
    result: RunResult, root: Path, command: str, extra_files: Mapping[str, str] | None = None
) -> str:
    """Write a run (and `extra_files`, name -> text) into the store at `root`; its new id."""
    with RunStore(root).new_run("run", result.model.scenario.name) as folder:
        write_result_files(result, folder.path)
        folder.record.update(result_record(result, command))
        for name, text in (extra_files or {}).items():
            (folder.path / Path(name).name).write_text(text)
    return folder.id


def list_results(root: Path, limit: int = 100) -> list[dict[str, Any]]:
    """Past single runs (kind 'run'), newest first, as the store's index lists them."""
    return RunStore(root).list(limit=limit, kind="run")


def _unflatten(flat: pd.DataFrame, index: list[str], drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """Columns 'metric', 'metric_se', ... back to a (metric, statistic) MultiIndex."""
    frame = flat.drop(columns=[c for c in drop if c in flat.columns]).set_index(index)
    columns = []
    for name in frame.columns:
        for stat in STATS[1:]:
            if name.endswith(f"_{stat}"):
                columns.append((name[: -len(stat) - 1], stat))
                break
        else:
            columns.append((name, "mean"))
    frame.columns = pd.MultiIndex.from_tuples(columns, names=["metric", "statistic"])
    return frame.sort_index(axis=1)


def open_result(root: Path, run_id: str) -> tuple[RunResult, dict[str, Any], Path]:
    """A stored run by id (or unique prefix/suffix): the result, its index entry, its folder."""
    meta = RunStore(root).get(run_id)
    folder = Path(meta["path"])
    needed = ("scenario.yaml", "kpis.parquet", "intervals.parquet")
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise ScenarioError(f"run {meta['id']}: missing {', '.join(missing)}; cannot open it")
    model = compile_model(load_scenario(folder / "scenario.yaml"))
    summary = _unflatten(pd.read_parquet(folder / "kpis.parquet"), INDEX["kpis"])
    intervals = _unflatten(
        pd.read_parquet(folder / "intervals.parquet"),
        INDEX["intervals"],
        drop=("interval_start_utc", "interval_start_local"),
    )
    reps = None
    if (folder / "replications.parquet").is_file():
        reps = pd.read_parquet(folder / "replications.parquet")
        reps = reps.set_index(["dimension", "key", "replication"])
    summary_json = json.loads((folder / "summary.json").read_text())
    result = RunResult(
        model=model,
        seed=int(meta.get("seed") or 0),
        replications=int(meta.get("replications") or 0),
        summary=summary,
        intervals=intervals,
        conservation=summary_json.get("conservation", {}).get("replications", []),
        version=str(meta.get("ccsim_version", "")),
        wall_time_s=float(meta.get("wall_time_s") or 0.0),
        source=f"run store: {meta['id']}",
        replication_kpis=reps,
    )
    return result, meta, folder


def run_currency(row: Mapping[str, Any]) -> str:
    """The currency of a stored run's costs: its `scenario.yaml`'s `costs.currency` (the index
    omits it), else the default."""
    try:
        data = yaml.safe_load((Path(row.get("path") or "") / "scenario.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return DEFAULT_CURRENCY
    costs = data.get("costs") if isinstance(data, dict) else None
    currency = costs.get("currency") if isinstance(costs, dict) else None
    return str(currency) if currency else DEFAULT_CURRENCY
