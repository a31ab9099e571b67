"""The run store: one folder per run, written atomically, and a SQLite index of past runs.

A run (or comparison, or sweep) is written into a hidden temporary folder inside the store and
renamed to its final name only once complete, so an interrupted run leaves nothing under a run's
name (a process killed outright leaves a `.tmp-*` folder that listings ignore). Names carry the
time, kind, scenario and a random suffix, so no run ever overwrites another. The folders are the
truth; `index.sqlite` is a catalogue of them, rebuilt from any folder it misses.

Layout of a run folder: `run.json` (id, kind, scenario, seed, version, headline KPIs, command),
`summary.json` (the `ccsim run --json` object), `scenario.yaml` (exactly what was simulated),
`kpis.parquet`, `intervals.parquet`, `replications.parquet` (every replication's KPIs) and, when
asked for, `contacts/replication=<i>/part-0.parquet` (streamed by the workers, one per
replication, so a big log never has to fit in memory; read it with `pandas.read_parquet`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.kpis.registry import CHANNEL_HEADLINE, HEADLINE
from sim.results import RunResult

STORE_ENV = "CCSIM_STORE"
INDEX_NAME = "index.sqlite"
RUN_FILE = "run.json"
_COLUMNS = (
    "id", "created_utc", "kind", "scenario", "scenario_hash", "seed", "replications",
    "ccsim_version", "wall_time_s", "headline", "command", "path",
)  # fmt: skip
_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, created_utc TEXT, kind TEXT, scenario TEXT, scenario_hash TEXT,
    seed INTEGER, replications INTEGER, ccsim_version TEXT, wall_time_s REAL, headline TEXT,
    command TEXT, path TEXT)"""


def default_store() -> Path:
    """The store folder: $CCSIM_STORE, else ./runs."""
    return Path(os.environ.get(STORE_ENV, "runs"))


@dataclass
class RunFolder:
    """A run being written: its id, its (still temporary) folder, and what the index will hold."""

    id: str
    kind: str
    path: Path
    record: dict[str, Any] = field(default_factory=dict)


class RunStore:
    """Run folders under `root`, catalogued in `root/index.sqlite`."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_store()

    @contextmanager
    def new_run(self, kind: str, name: str) -> Iterator[RunFolder]:
        """A new temporary folder to write into; renamed and indexed only if the block succeeds."""
        if self.root.exists() and not self.root.is_dir():
            raise ScenarioError(f"--store {self.root}: exists and is not a folder")
        self.root.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        run_id = f"{now:%Y%m%d-%H%M%S}-{kind}-{_slug(name)}-{secrets.token_hex(3)}"
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{run_id}.", dir=self.root))
        run = RunFolder(run_id, kind, tmp)
        try:
            yield run
            meta = {
                "id": run_id,
                "kind": kind,
                "created_utc": now.isoformat(timespec="seconds"),
                **run.record,
            }
            (tmp / RUN_FILE).write_text(json.dumps(meta, indent=2, allow_nan=False))
            final = self.root / run_id
            tmp.chmod(0o755)  # mkdtemp makes it private; a run folder is an ordinary folder
            tmp.rename(final)  # atomic within one file system; the id is new, so never a clash
            run.path = final
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._insert([_row(meta, final)])

    def list(self, limit: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """Past runs, newest first (folders missing from the index are added to it first)."""
        if not self.root.is_dir():
            return []
        self.sync()
        query = "SELECT * FROM runs" + (" WHERE kind = ?" if kind else "")
        query += " ORDER BY created_utc DESC, id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        with closing(self._connect()) as db:
            rows = db.execute(query, (kind,) if kind else ()).fetchall()
        return [_decode(dict(zip(_COLUMNS, r, strict=True))) for r in rows]

    def get(self, run_id: str) -> dict[str, Any]:
        """One run's `run.json`, by id or unique id prefix or suffix."""
        ids = [r["id"] for r in self.list()]
        hits = [i for i in ids if i == run_id] or [
            i for i in ids if i.startswith(run_id) or i.endswith(run_id)
        ]
        if len(hits) != 1:
            what = "no run" if not hits else f"{len(hits)} runs"
            raise ScenarioError(f"{what} matching {run_id!r} in {self.root}; see `ccsim runs`")
        return json.loads((self.root / hits[0] / RUN_FILE).read_text()) | {
            "path": str(self.root / hits[0])
        }

    def sync(self) -> None:
        """Index every complete run folder the index does not know (e.g. copied in by hand)."""
        with closing(self._connect()) as db:
            known = {r[0] for r in db.execute("SELECT id FROM runs")}
        rows = []
        for folder in self.root.iterdir():
            meta = folder / RUN_FILE
            if folder.name.startswith(".") or folder.name in known or not meta.is_file():
                continue
            try:
                rows.append(_row(json.loads(meta.read_text()), folder))
            except (ValueError, KeyError):
                continue
        if rows:
            self._insert(rows)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.root / INDEX_NAME, timeout=30)
        try:
            db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ScenarioError(
                f"{self.root / INDEX_NAME}: not a ccsim run index ({exc}); move it away or "
                "choose another --store folder"
            ) from None
        return db

    def _insert(self, rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(_COLUMNS))
        with closing(self._connect()) as db, db:
            db.executemany(f"INSERT OR REPLACE INTO runs VALUES ({marks})", rows)


def headline(summary: dict[str, Any]) -> dict[str, float | None]:
    """The few overall KPIs a listing shows, from a run's summary JSON, and the per-channel
    service level and ASA (`service_level.voice`, ...), which mean nothing blended."""
    kpis = summary.get("kpis", {})
    overall = kpis.get("overall", {})
    out = {k: overall[k]["mean"] for k in HEADLINE if k in overall}
    for channel, values in (kpis.get("by_channel") or {}).items():
        for k in CHANNEL_HEADLINE:
            if k in values:
                out[f"{k}.{channel}"] = values[k]["mean"]
    return out


def result_record(result: RunResult, command: str | None = None) -> dict[str, Any]:
    """What `run.json` and the index keep about a run: provenance and headline KPIs."""
    summary = result.to_json()
    return {
        "scenario": summary["scenario"],
        "seed": result.seed,
        "replications": result.replications,
        "ccsim_version": result.version,
        "wall_time_s": summary["wall_time_s"],
        "overrides": summary.get("overrides", []),
        "stopping": summary.get("stopping"),
        "headline": headline(summary),
        "conservation_holds": summary["conservation"]["holds"],
        "command": command,
    }


def _row(meta: dict[str, Any], folder: Path) -> tuple:
    scenario = meta.get("scenario") or {}
    return (
        meta["id"],
        meta.get("created_utc"),
        meta.get("kind"),
        scenario.get("name"),
        scenario.get("hash"),
        meta.get("seed"),
        meta.get("replications"),
        meta.get("ccsim_version"),
        meta.get("wall_time_s"),
        json.dumps(meta.get("headline") or {}),
        meta.get("command"),
        str(folder),
    )


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row["headline"] = json.loads(row["headline"] or "{}")
    return row


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]+", "-", name).strip("-")[:40] or "run"
