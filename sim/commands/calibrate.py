"""`ccsim calibrate LOG`: a real call log -> a scenario YAML and a validation report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.commands.common import fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError


def register(app: typer.Typer) -> None:
    app.command()(calibrate)


def calibrate(
    log: Annotated[Path, typer.Argument(help="call log (see docs/calibration.md)")],
    fmt: Annotated[
        str, typer.Option("--format", help="anonymous-bank (Technion bank TSV) or csv")
    ] = "anonymous-bank",
    out: Annotated[
        Path | None,
        typer.Option(help="scenario YAML to create (default LOG-stem.yaml; never overwritten)"),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="new folder for the validation report (default LOG-stem_report)"),
    ] = None,
    availability: Annotated[
        str,
        typer.Option(
            help="scale on measured agent availability: a number (default 1: as measured), "
            "or 'auto' to fit it on overall abandonment"
        ),
    ] = "1.0",
    replications: Annotated[int, typer.Option(min=2, help="validation replications")] = 20,
    seed: Annotated[int, typer.Option(min=0, help="random seed")] = 1,
    timezone: Annotated[
        str | None, typer.Option(help="IANA zone of the log's clock (bank: Asia/Jerusalem)")
    ] = None,
    structure: Annotated[
        bool,
        typer.Option(
            "--structure",
            help="agent groups from the log's pools and type priorities from its queue order "
            "(default: one FCFS pool; the inference is in calibration.json either way)",
        ),
    ] = False,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """Calibrate a scenario from a call log and validate it against the log by simulation."""
    from sim.calibrate.pipeline import run_calibration
    from sim.calibrate.report import calibration_json

    out = out if out is not None else Path(f"{log.stem}.yaml")
    report = report if report is not None else Path(f"{log.stem}_report")
    try:
        with progress_bar("calibrating", quiet) as bar:
            task = bar.add_task("calibrate", total=None)
            result = run_calibration(
                log, fmt, out, report, availability=availability, replications=replications,
                seed=seed, timezone=timezone, structure=structure,
                progress=lambda _s, done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    except ScenarioError as exc:
        if fmt == "anonymous-bank" and log.suffix.lower() == ".csv":
            exc = ScenarioError(f"{exc}\nhint: {log.name} looks like a CSV log: add --format csv")
        fail(exc)
    cal, v = result.calibration, result.validation
    if as_json:
        payload = {"calibration": calibration_json(cal),
                   "checks": v.checks if v else None, "notes": result.notes,
                   "written": [str(p) for p in result.written]}  # fmt: skip
        sys.stdout.write(json.dumps(payload, default=float) + "\n")
        return
    log_ = cal.log
    out_console.print(f"read {log_.rows_read} rows, kept {len(log_.calls)} calls")
    for why, n in log_.dropped.items():
        out_console.print(f"  dropped {n}: {why}")
    table = Table(title="estimates by call type")
    for col in ("type", "calls", "handle time", "patience", "KM median s", "abandon/waited"):
        table.add_column(col)
    for name, f in sorted(cal.types.items()):
        h, p = f.handle_dist, f.patience_fit.scenario_dist()
        table.add_row(name, str(f.calls), _dist(h), _dist(p),
                      f"{f.km.median():.0f}" if f.km and f.km.median() else "-",
                      f"{f.abandon_share_waited:.1%}")  # fmt: skip
    out_console.print(table)
    for note in result.notes:
        out_console.print(f"- {note}")
    for path in result.written:
        out_console.print(f"wrote {path}")


def _dist(d: dict) -> str:
    cv = f", cv {d['cv']}" if "cv" in d else ""
    return f"{d['dist']} {d['mean_s']} s{cv}"
