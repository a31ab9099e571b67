"""The run store: atomic run folders, never overwritten, indexed in SQLite, streamed logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.experiments.store import INDEX_NAME, RunStore
from sim.output import write_result_files

runner = CliRunner()


def _save(small_yaml: Path, store: Path, *extra: str):
    res = runner.invoke(app, ["run", str(small_yaml), "--replications", "2", "--store",
                              str(store), "--json", *extra])  # fmt: skip
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_saved_run_folder_and_index(small_yaml, tmp_path):
    """--store writes one complete folder per run, listed by `ccsim runs`, never overwritten."""
    store = tmp_path / "runs"
    first = _save(small_yaml, store)
    _save(small_yaml, store)
    rows = RunStore(store).list()
    assert len(rows) == 2 and rows[0]["id"] != rows[1]["id"]
    folder = Path(rows[0]["path"])
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["intervals.parquet", "kpis.parquet", "replications.parquet", "run.json",
                     "scenario.yaml", "summary.json"]  # fmt: skip
    meta = json.loads((folder / "run.json").read_text())
    assert meta["seed"] == first["seed"] and meta["ccsim_version"] == first["ccsim_version"]
    assert meta["headline"]["service_level"] == first["kpis"]["overall"]["service_level"]["mean"]
    for channel, values in first["kpis"]["by_channel"].items():  # SL and ASA kept per channel
        assert meta["headline"][f"asa_s.{channel}"] == values["asa_s"]["mean"]
    listed = runner.invoke(app, ["runs", "--store", str(store), "--json"])
    assert [r["id"] for r in json.loads(listed.stdout)] == [r["id"] for r in rows]
    shown = runner.invoke(app, ["runs", "show", rows[1]["id"][-6:], "--store", str(store)])
    assert shown.exit_code == 0 and rows[1]["id"] in shown.stdout
    assert runner.invoke(app, ["runs", "show", "nope", "--store", str(store)]).exit_code == 2
    table = runner.invoke(app, ["runs", "--store", str(store)], env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in table.splitlines()) <= 80  # columns folded, never squeezed
    channels = sorted(first["kpis"]["by_channel"])  # SL and ASA per channel, never blended
    headers = [f"{k} {ch}" for k in ("SL", "ASA") for ch in channels]
    for header in ("kind", "scenario", "reps", "seed", *headers, "cost USD", "wall s"):
        assert f" {header} ┃" in table, header
    assert " SL ┃" not in table and " ASA ┃" not in table
    voice_asa = first["kpis"]["by_channel"]["voice"]["asa_s"]["mean"]
    assert f"{voice_asa:.1f} s" in table
    assert all(r["id"] in table for r in rows)


def test_streamed_logs_one_file_per_replication(small_yaml, tmp_path):
    """--save --logs writes each replication's contact log as its own Parquet file."""
    store = tmp_path / "runs"
    data = _save(small_yaml, store, "--logs", "--workers", "2")
    folder = Path(RunStore(store).list()[0]["path"])
    files = sorted((folder / "contacts").rglob("*.parquet"))
    assert [f.parent.name for f in files] == ["replication=0", "replication=1"]
    log = pd.read_parquet(folder / "contacts")
    counts = log.groupby("replication", observed=True).size().to_dict()
    offered = [r["offered"] for r in data["conservation"]["replications"]]
    assert [counts[k] for k in sorted(counts)] == offered


def test_logs_without_store_is_an_error():
    """--logs needs the run store (exit 2)."""
    res = runner.invoke(app, ["run", "--logs"])
    assert res.exit_code == 2 and "--save" in res.stderr


def test_interrupted_run_leaves_nothing(tmp_path):
    """A run interrupted mid-way leaves no run folder, no temp folder and no index row."""
    store = RunStore(tmp_path / "runs")

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), store.new_run("run", "default") as run:
        api.run(None, replications=2, seed=1, progress=interrupt, log_dir=run.path / "contacts")
    assert [p.name for p in store.root.iterdir() if p.name != INDEX_NAME] == []
    assert store.list() == []


def test_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    """An error while writing result files removes the half-written folder (--out too)."""
    result = api.run(None, replications=1, seed=1)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    store = RunStore(tmp_path / "runs")
    with pytest.raises(OSError), store.new_run("run", "x") as run:
        (run.path / "summary.json").write_text("{}")
        broken()
    assert [p.name for p in store.root.iterdir() if p.name != INDEX_NAME] == []
    import sim.output as output

    monkeypatch.setattr(output, "write_result_files", broken)
    with pytest.raises(OSError):
        output.write_run(result, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs"]
    assert write_result_files  # the real writer stays importable


def test_killed_process_leaves_no_visible_run(small_yaml, tmp_path):
    """SIGINT to a real `ccsim run --save` mid-run: no run folder appears and none is listed."""
    store = tmp_path / "runs"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sim.cli import app; app()", "run", str(small_yaml),
         "--replications", "400", "--store", str(store), "--logs", "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the temp folder has some logs in it
        if store.exists() and list(store.glob(".tmp-*/contacts/*")):
            break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) != 0
    assert [p for p in store.iterdir() if p.name not in (INDEX_NAME,)] == []
    assert RunStore(store).list() == []


def test_index_rebuilt_from_folders(small_yaml, tmp_path):
    """A run folder missing from the index (e.g. copied in) is listed after a sync."""
    store = tmp_path / "runs"
    _save(small_yaml, store)
    (store / INDEX_NAME).unlink()
    (store / ".tmp-crashed.abc").mkdir()  # what a killed process leaves: ignored
    assert len(RunStore(store).list()) == 1
