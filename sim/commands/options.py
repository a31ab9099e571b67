"""Options shared by the experiment commands (run, compare, sweep): workers, --set, store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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
        help="override PATH=VALUE (repeatable), e.g. demand.en_voice_us.volume_per_day=*1.3, "
        "sites.manila.groups.en_voice.shifts[*].headcount=+10%",
    ),
]
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


def store_of(save: bool, store: Path | None) -> RunStore | None:
    """The run store to save into, or None when the user did not ask to save."""
    return RunStore(store) if (save or store is not None) else None


def command_line() -> str:
    """How this command was invoked (kept with saved runs)."""
    return " ".join(["ccsim", *sys.argv[1:]])
