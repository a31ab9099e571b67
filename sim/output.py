"""Writing run results to a folder: atomically, and never over an existing one.

The folder is built under a temporary name beside the target and renamed at the end, so an
interrupted run leaves no half-written result under the name the user asked for.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from sim.errors import ScenarioError
from sim.results import RunResult


def check_out_dir(out: Path, option: str = "--out") -> None:
    """Refuse an output folder that already exists (we never overwrite what the user has).

    Missing parent folders are created, so `--out runs/baseline` works on a fresh clone.
    """
    if out.exists():
        raise ScenarioError(
            f"{option} {out}: already exists; ccsim never overwrites results, choose a new folder"
        )
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise ScenarioError(
                f"{option} {out}: {parent} is a file, not a folder; choose another path"
            )
    out.parent.mkdir(parents=True, exist_ok=True)  # e.g. runs/ on a fresh clone


def write_run(result: RunResult, out: Path, timezone: str | None = None) -> list[Path]:
    """Write summary JSON, KPI tables and contact logs (Parquet) and the scenario into `out`."""
    check_out_dir(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_result_files(result, tmp, timezone)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out.iterdir())


def write_result_files(result: RunResult, folder: Path, timezone: str | None = None) -> None:
    """The files of one run, in an existing folder (the caller makes it appear atomically)."""
    (folder / "summary.json").write_text(json.dumps(result.to_json(), indent=2))
    (folder / "scenario.yaml").write_text(
        yaml.safe_dump(result.model.scenario.model_dump(mode="json"), sort_keys=False)
    )
    flat = result.summary.copy()
    flat.columns = [f"{m}" if s == "mean" else f"{m}_{s}" for m, s in flat.columns]
    flat.reset_index().to_parquet(folder / "kpis.parquet", index=False)
    result.interval_table(timezone).to_parquet(folder / "intervals.parquet", index=False)
    if result.replication_kpis is not None:
        result.replication_kpis.reset_index().to_parquet(
            folder / "replications.parquet", index=False
        )
    if result.logs:
        names = result.model.type_names
        frames = [log.to_frame(names).assign(replication=i) for i, log in result.logs.items()]
        pd.concat(frames, ignore_index=True).to_parquet(folder / "contacts.parquet", index=False)
