"""`ccsim backtest SCENARIO CALLS`: a plan against what happened, interval by interval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.commands.common import fail, out_console
from sim.commands.options import AsJson
from sim.errors import ScenarioError


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)


def backtest(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML (the plan)")],
    calls: Annotated[Path, typer.Argument(help="call log of the period the plan covered")],
    fmt: Annotated[str, typer.Option("--format", help="anonymous-bank or csv")] = "anonymous-bank",
    replications: Annotated[int, typer.Option(min=2, help="simulated periods")] = 10,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    as_json: AsJson = False,
) -> None:
    """Offered, abandonment, ASA, AHT and agents per hour vs simulated 95% PIs, with the miss
    decomposed into volume, handle time and staffing ratios."""
    from sim import api

    try:
        result = api.backtest(scenario, calls, fmt, replications=replications, seed=seed)
    except ScenarioError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(result, allow_nan=True) + "\n")
        return
    out_console.print(f"back-test {result['start']} + {result['days']} days, "
                      f"{result['replications']} replications")  # fmt: skip
    for metric, share in result["outside_share"].items():
        out_console.print(f"  {metric:14} actual outside the 95% PI in {share:.0%} of intervals")
