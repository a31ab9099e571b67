"""Shared pieces of the CLI commands: consoles, error exit, progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

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


class LineProgress:
    """Progress as plain lines on stderr, for logs and pipes (no terminal to draw a bar in).

    Same calls as rich's `Progress` (`add_task`, `update`, context manager). A line is printed at
    the start, whenever another tenth of the work is done (or 10 s passed, when the total is
    unknown) and at the end, so a piped run is never silent for long and never floods its log.
    """

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.last_t = self.start
        self.last_tenth = 0
        self.done: float = 0
        self.total: float | None = None

    def __enter__(self) -> LineProgress:
        self._line("started")
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._line("finished")

    def add_task(self, _name: str, total: float | None = None) -> int:
        self.total = total
        return 0

    def update(self, _task: int, completed: float = 0, total: float | None = None) -> None:
        self.done, self.total = completed, total if total is not None else self.total
        now = time.monotonic()
        if self.total:
            tenth = int(10 * self.done / self.total)
            if tenth > self.last_tenth:
                self.last_tenth = tenth
                self._line(f"{self.done:g}/{self.total:g}")
        elif now - self.last_t >= 10:
            self._line(f"{self.done:g} done")

    def _line(self, what: str) -> None:
        self.last_t = time.monotonic()
        elapsed = self.last_t - self.start
        print(f"ccsim: {self.label}: {what} ({elapsed:.0f} s)", file=self.stream, flush=True)


class QuietProgress(LineProgress):
    """No progress at all (--quiet)."""

    def _line(self, what: str) -> None:
        return None


def progress_bar(label: str, quiet: bool = False) -> Progress | LineProgress:
    """Progress on stderr, so stdout stays clean for --json and pipes.

    A transient bar in a terminal; plain lines when stderr is piped or redirected; nothing with
    `quiet` (the commands' --quiet).
    """
    if quiet:
        return QuietProgress(label)
    if not err_console.is_terminal:
        return LineProgress(label)
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
