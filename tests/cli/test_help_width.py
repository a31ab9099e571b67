"""`ccsim ... --help` reads well in an 80-column terminal: nothing cut off or dropped as markup."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def _commands(command, prefix=()):
    """(path, command) of the app and every subcommand, depth first."""
    yield prefix, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*prefix, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_help_fits_80_columns(path):
    """Every command's help at 80 columns shows each option's text whole (rich cuts a word that is
    wider than the help column with '…')."""
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    cut = [line for line in result.stdout.splitlines() if "…" in line]
    assert cut == []


def test_option_help_is_not_eaten_as_markup():
    """No option's help text contains something rich would read as a markup tag and drop (such as
    `[channel.]`): the help shown is the help written."""
    from rich.text import Text

    eaten = []
    for path, command in COMMANDS:
        for param in command.params:
            text = getattr(param, "help", None) or ""
            if Text.from_markup(text).plain != text:
                eaten.append(f"{' '.join(path)} {param.name}: {text}")
    assert eaten == []
