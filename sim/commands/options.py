"""Options shared by several commands: --json, workers, --set, progress, the run store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.errors import ScenarioError
from sim.experiments.store import RunStore

Workers = Annotated[
    int | None,
    typer.Option(
        min=1, help="local worker processes (default: 1 for small runs, else one per core)"
    ),
]
Dask = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="run on Dask: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster",
    ),
]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="override PATH=VALUE (repeatable), e.g. horizon.days=2 or "
        "demand.*.volume_per_day=+10% (paths and shorthands: docs/experiments.md)",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON object")]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="no progress on stderr (a bar in a terminal, else plain lines)"
    ),
]
Save = Annotated[
    bool, typer.Option("--save", help="keep the result in the run store (see `ccsim runs`)")
]
Store = Annotated[
    Path | None,
    typer.Option(help="run store folder (default: $CCSIM_STORE or ./runs); implies --save"),
]
SweepStore = Annotated[
    Path | None,
    typer.Option(help="run store folder (default: $CCSIM_STORE or ./runs), unless --out"),
]


def store_of(save: bool, store: Path | None) -> RunStore | None:
    """The run store to save into, or None when the user did not ask to save.

    A store folder that does not exist yet is created (the user is told on stderr); a store whose
    parent folder is missing is refused, since that is usually a mistyped path.
    """
    if not (save or store is not None):
        return None
    run_store = RunStore(store)
    if run_store.root.exists() and not run_store.root.is_dir():
        raise ScenarioError(f"--store {run_store.root}: exists and is not a folder")
    if not run_store.root.exists():
        parent = run_store.root.parent
        if not parent.is_dir():
            raise ScenarioError(
                f"--store {run_store.root}: its folder {parent} does not exist; check the path "
                f"or create it first (mkdir -p {parent})"
            )
        print(f"ccsim: the run store {run_store.root} does not exist: creating it", file=sys.stderr)
    return run_store


def command_line() -> str:
    """How this command was invoked (kept with saved runs)."""
    return " ".join(["ccsim", *sys.argv[1:]])
