"""What `ccsim run` does once its options are parsed: overrides, backend, stopping rule, saving."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim import api
from sim.commands.common import err_console, fail, out_console, progress_bar
from sim.commands.options import command_line, store_of
from sim.errors import ScenarioError
from sim.experiments.sequential import DEFAULT_KPI, parse_precision
from sim.experiments.store import result_record
from sim.output import check_out_dir, write_result_files, write_run
from sim.render.run_report import run_report
from sim.results import RunResult
from sim.scenario.models import check_timezone


def staffing_needs(result: RunResult) -> list | None:
    """The analytic requirement against the roster per site (None if it cannot be computed)."""
    from sim.staffing import staff_erlang
    from sim.staffing.needs import site_needs

    try:
        return site_needs(staff_erlang(result.model))
    except (ScenarioError, ValueError):
        return None


def execute_run(
    scenario: Path | None,
    replications: int,
    seed: int,
    as_json: bool,
    out: Path | None,
    timezone: str | None,
    workers: int | None = None,
    dask: str | None = None,
    sets: list[str] | None = None,
    precision: str | None = None,
    precision_kpi: str = DEFAULT_KPI,
    max_replications: int = 100,
    save: bool = False,
    store: Path | None = None,
    logs: bool = False,
    segment_days: int | None = None,
    overlap_days: int = 1,
    quiet: bool = False,
) -> None:
    """Simulate, print KPI tables (or JSON), and write --out and/or the run store."""
    saved = None
    try:
        if out is not None:
            check_out_dir(out)
        if timezone is not None:
            check_timezone(timezone, "--timezone")
            if out is None and not save and store is None:
                raise ScenarioError(
                    "--timezone sets the time zone of the interval tables written to files: "
                    "add --out FOLDER (or --save), or drop --timezone"
                )
        stop = parse_precision(precision, precision_kpi) if precision else None
        run_store = store_of(save, store)
        if logs and run_store is None:
            raise ScenarioError("--logs writes contact logs into the run store: add --save")
        sets = list(sets or [])
        sc, source = api.load(scenario, sets)
        total = max_replications if stop else replications
        with progress_bar("simulating", quiet) as bar:
            task = bar.add_task("run", total=total)

            def simulate(log_dir: Path | None) -> RunResult:
                result = api.run(
                    sc,
                    replications=replications,
                    seed=seed,
                    progress=lambda done, n: bar.update(task, completed=done, total=n),
                    keep_logs=out is not None and stop is None and not segment_days,
                    workers=workers,
                    dask=dask,
                    precision=stop,
                    max_replications=max_replications,
                    log_dir=log_dir,
                    segment_days=segment_days,
                    overlap_days=overlap_days,
                )
                result.source = source
                if sets:
                    result.extra = {"overrides": sets, **result.extra}
                return result

            if run_store is None:
                result = simulate(None)
            else:
                with run_store.new_run("run", sc.name) as saved:
                    result = simulate(saved.path / "contacts" if logs else None)
                    write_result_files(result, saved.path, timezone)
                    saved.record.update(result_record(result, command_line()))
        written = write_run(result, out, timezone) if out is not None else []
    except ScenarioError as exc:
        fail(exc)
    if saved is not None:
        err_console.print(f"saved run {saved.id} to {saved.path}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), allow_nan=False) + "\n")
        return
    for part in run_report(result, out_console.width, staffing_needs(result)):
        out_console.print(part)
    stopping = result.extra.get("stopping")
    if stopping:
        verdict = "reached" if stopping["reached"] else "NOT reached (cap)"
        out_console.print(
            f"precision {verdict}: {stopping['kpi']} half-width {stopping['half_width']:.4g} "
            f"after {stopping['replications']} replications (stages {stopping['stages']})"
        )
    if written:
        out_console.print(f"wrote {len(written)} files to {out}")
