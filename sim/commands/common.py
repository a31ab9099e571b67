"""Shared pieces of the CLI commands: consoles, error exit, progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ScenarioArg = Annotated[
    Path | None, typer.Argument(help="scenario YAML (default: the bundled default scenario)")
]
"""The optional scenario argument every command that simulates takes."""

out_console = Console()
err_console = Console(stderr=True)


def fail(exc: Exception) -> NoReturn:
    """Print a user error (no traceback) and exit with code 2."""
    text = escape(str(exc))  # user text such as 'scen[v2].yaml' must not be read as markup
    err_console.print(f"[bold red]error:[/] {text}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(2)


def progress_bar(label: str) -> Progress:
    """A transient progress bar on stderr (stdout stays clean for --json)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
