"""The `ccsim` command line: thin wrappers that parse options, call `sim.api`, render with rich.

User mistakes (bad scenario, bad option, existing output folder) print a message and exit 2.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim import api
from sim.cli_render import verify_table
from sim.commands import COMMAND_MODULES
from sim.commands import options as opts
from sim.commands.common import ScenarioArg, err_console, fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError
from sim.verify.sizing import REL_PRECISION, Sizing

app = typer.Typer(
    help="ccsim: contact-center simulation checked against queueing theory.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"ccsim {api.ccsim_version()}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = None,
) -> None:
    """ccsim: contact-center simulation checked against queueing theory."""


@app.command()
def run(
    scenario: ScenarioArg = None,
    replications: Annotated[int, typer.Option(min=1, help="independent replications")] = (
        api.DEFAULT_REPLICATIONS
    ),
    seed: Annotated[int, typer.Option(min=0, help="random seed")] = api.DEFAULT_SEED,
    as_json: AsJson = False,
    quiet: Quiet = False,
    out: Annotated[
        Path | None, typer.Option(help="write KPIs and contact logs (Parquet) to this new folder")
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="IANA zone for interval times in --out (default: scenario reporting)"),
    ] = None,
    workers: opts.Workers = None,
    dask: opts.Dask = None,
    sets: opts.Sets = None,
    precision: Annotated[
        str | None,
        typer.Option(
            help="add replications until the KPI's 95% CI half-width is at most this "
            "(0.01 absolute, 2% relative); --replications is then the first stage"
        ),
    ] = None,
    precision_kpi: Annotated[
        str,
        typer.Option(
            help="KPI for --precision: NAME or DIMENSION:SEGMENT:NAME, e.g. asa_s, "
            "queue:en_voice_us:asa_s"
        ),
    ] = "service_level",
    max_replications: Annotated[
        int, typer.Option(min=2, help="cap on replications with --precision")
    ] = 100,
    save: opts.Save = False,
    store: opts.Store = None,
    logs: Annotated[
        bool, typer.Option("--logs", help="with --save: stream contact logs to Parquet")
    ] = False,
    segment_days: Annotated[
        int | None,
        typer.Option(min=1, help="simulate long horizons in segments of N days (bounded memory)"),
    ] = None,
    overlap_days: Annotated[
        int, typer.Option(min=0, help="with --segment-days: warm-up/tail overlap of segments")
    ] = 1,
) -> None:
    """Simulate a scenario and report KPIs with 95% confidence intervals."""
    from sim.commands.running import execute_run

    execute_run(scenario, replications, seed, as_json, out, timezone, workers, dask, sets,
                precision, precision_kpi, max_replications, save, store, logs,
                segment_days, overlap_days, quiet)  # fmt: skip


@app.command()
def verify(
    cases: Annotated[Path, typer.Argument(help="reference cases JSON (queueing_cases format)")],
    simulate: Annotated[
        bool, typer.Option("--simulate", help="also simulate each case and compare")
    ] = False,
    as_json: AsJson = False,
    quiet: Quiet = False,
    seed: Annotated[int, typer.Option(min=0, help="random seed for --simulate")] = api.DEFAULT_SEED,
    precision: Annotated[
        float,
        typer.Option(
            min=0.001,
            max=1.0,
            help="--simulate runs each case until every check's 4-SE band is within this "
            "fraction of its expected value (0.05 = 5%), at most the --fixed-size length",
        ),
    ] = REL_PRECISION,
    fixed_size: Annotated[
        bool,
        typer.Option("--fixed-size", help="--simulate every case at full length (no sizing)"),
    ] = False,
) -> None:
    """Check ccsim's formulas (and, with --simulate, its engine) against reference values."""
    from sim.verify.runner import run_verify

    try:
        with progress_bar("verifying", quiet) as bar:
            task = bar.add_task("verify", total=None)
            report = run_verify(
                cases,
                simulate=simulate,
                seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                sizing=Sizing(rel_precision=precision, fixed=fixed_size),
            )
    except ScenarioError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(report, allow_nan=False) + "\n")
    else:
        out_console.print(verify_table(report))
        s = report["summary"]
        out_console.print(f"pass {s['pass']}, fail {s['fail']}, unsupported {s['unsupported']}")
    s = report["summary"]
    if s["pass"] + s["fail"] == 0:  # nothing was checked: not a pass
        err_console.print(
            f"[bold red]error:[/] {cases}: no supported case ({s['unsupported']} unsupported); "
            "see tests/data/queueing_cases.json for the case types ccsim verifies",
            highlight=False,
        )
        raise typer.Exit(2)
    raise typer.Exit(1 if s["fail"] else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and validation)."""
    from sim.scenario import scenario_json_schema

    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2) + "\n")


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port another program holds before printing a URL that would not work."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the servers do: a port left in TIME_WAIT by a stopped dashboard is free to reuse.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ScenarioError(
                f"--port {port}: cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "another program may use it: choose another --port"
            ) from None


@app.command()
def dashboard(
    scenario: ScenarioArg = None,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8050,
    replications: Annotated[int, typer.Option(min=1)] = api.DEFAULT_REPLICATIONS,
    seed: Annotated[int, typer.Option(min=0)] = api.DEFAULT_SEED,
    production: Annotated[
        bool, typer.Option("--production", help="serve with waitress (a production WSGI server)")
    ] = False,
) -> None:
    """Serve the dashboard in the browser (127.0.0.1 unless --host says otherwise)."""
    from dashboard.app import create_app, warm_jobs

    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]warning:[/] binding {host}: the dashboard has no authentication; anyone "
            "who can reach this address can use it"
        )
    try:
        _check_port_free(host, port)
        # the workers start while the served run simulates: the first Run does not wait for them
        app_ = create_app(scenario, replications=replications, seed=seed, jobs=warm_jobs())
    except ScenarioError as exc:
        fail(exc)
    err_console.print(f"ccsim dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
    if production:
        import waitress

        waitress.serve(app_.server, host=host, port=port, threads=8)
        return
    app_.run(host=host, port=port, debug=False)


for _name in COMMAND_MODULES:
    importlib.import_module(f"sim.commands.{_name}").register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
