"""`ccsim backtest SCENARIO CALLS`: a plan against what happened, per interval and per queue."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.commands.common import fail, out_console, progress_bar
from sim.commands.options import Quiet
from sim.errors import ScenarioError


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)


def backtest(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML (the plan)")],
    calls: Annotated[Path, typer.Argument(help="call log of the period the plan covered")],
    fmt: Annotated[str, typer.Option("--format", help="anonymous-bank or csv")] = "anonymous-bank",
    replications: Annotated[int, typer.Option(min=2, help="simulated periods")] = 10,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    out: Annotated[
        Path | None, typer.Option(help="write a plotly HTML report to this new file")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite --out if it exists")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    quiet: Quiet = False,
) -> None:
    """Offered, abandonment, ASA, SL, AHT and agents per hour and per queue vs simulated 95% PIs,
    with the miss decomposed into volume, handle time and staffing ratios."""
    from sim import api
    from sim.calibrate.backtest_report import check_out, write_report

    try:
        if out is not None:
            check_out(out, force)
        with progress_bar("back-test", quiet) as bar:
            task = bar.add_task("simulate", total=replications)
            result = api.backtest(
                scenario, calls, fmt, replications=replications, seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
        if out is not None:
            write_report(result, out, f"Back-test of {scenario.name} on {calls.name}", force)
    except ScenarioError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(result, allow_nan=True) + "\n")
        return
    out_console.print(f"back-test {result['start']} + {result['days']} days, "
                      f"{result['replications']} replications")  # fmt: skip
    for metric, share in result["outside_share"].items():
        out_console.print(f"  {metric:14} actual outside the 95% PI in {share:.0%} of intervals")
    out_console.print("per queue (actual [95% PI], * = outside):")
    for queue in sorted({r["queue"] for r in result["queues"]}):
        cells = [
            f"{r['metric']} {r['actual']:.4g}{'*' if r['outside'] else ''} "
            f"[{r['pi_low']:.4g}, {r['pi_high']:.4g}]"
            for r in result["queues"]
            if r["queue"] == queue
        ]
        out_console.print(f"  {queue:10} " + "  ".join(cells), soft_wrap=True)
    if out is not None:
        out_console.print(f"report: {out}")
