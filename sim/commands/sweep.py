"""`ccsim sweep SCENARIO --grid FILE`: KPIs over a grid of overrides, as a table and plots."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from sim import api
from sim.commands import options as opts
from sim.commands.common import ScenarioArg, err_console, fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError
from sim.experiments.backends import auto_workers, make_backend
from sim.experiments.store import RunStore
from sim.experiments.sweep import SweepResult, load_grid, point_models, run_sweep
from sim.experiments.sweep_plots import write_plots
from sim.kpis.registry import HEADLINE, format_value, kpi
from sim.output import check_out_dir
from sim.render.cells import half_width, money_header
from sim.render.fit import Grid, fit


def register(app: typer.Typer) -> None:
    """Add `ccsim sweep`."""

    @app.command()
    def sweep(
        grid: Annotated[Path, typer.Option(help="YAML/JSON file: override path -> list of values")],
        scenario: ScenarioArg = None,
        replications: Annotated[int, typer.Option(min=1, help="replications per point")] = 5,
        seed: Annotated[int, typer.Option(min=0, help="random seed (shared by all points)")] = (
            api.DEFAULT_SEED
        ),
        as_json: AsJson = False,
        quiet: Quiet = False,
        out: Annotated[
            Path | None, typer.Option(help="write to this new folder instead of the run store")
        ] = None,
        sets: opts.Sets = None,
        workers: opts.Workers = None,
        dask: opts.Dask = None,
        store: opts.SweepStore = None,
    ) -> None:
        """Run every combination of the grid's values; write sweep.parquet and plots.html.

        The result goes to the run store (see `ccsim runs`) unless --out names a new folder.
        """
        try:
            if out is not None:
                check_out_dir(out)
            the_grid = load_grid(grid)
            base, source = api.load(scenario)
            models = point_models(base, the_grid, sets or [], source)  # validates every point
            n_tasks = len(models) * replications
            if workers is None and not dask:
                work = sum(float(m.expected_arrivals().sum()) for m in models) / len(models)
                workers = auto_workers(work, n_tasks)
            with (
                progress_bar(f"sweeping {len(models)} points", quiet) as bar,
                make_backend(workers, dask) as backend,
            ):
                task = bar.add_task("sweep", total=n_tasks)
                result = run_sweep(
                    base, the_grid, replications, seed, backend,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    overrides=sets or [], source=source, version=api.ccsim_version(),
                )  # fmt: skip
            where = _write(result, out, store)
        except ScenarioError as exc:
            fail(exc)
        err_console.print(f"wrote sweep to {where}", highlight=False)
        if as_json:
            sys.stdout.write(json.dumps(result.to_json(), allow_nan=False) + "\n")
            return
        for table in sweep_tables(result, out_console.width):
            out_console.print(table)


def _write(result: SweepResult, out: Path | None, store: Path | None) -> Path:
    if out is not None:
        import shutil
        import tempfile

        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            write_sweep(result, tmp)
            tmp.chmod(0o755)
            tmp.rename(out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out
    with RunStore(store).new_run("sweep", result.base.name) as saved:
        write_sweep(result, saved.path)
        data = result.to_json()
        saved.record.update(
            {
                "scenario": {"name": result.base.name, "hash": None, "source": result.source},
                "seed": result.seed,
                "replications": result.replications,
                "ccsim_version": result.version,
                "wall_time_s": data["wall_time_s"],
                "grid": data["grid"],
                "points": len(result.points),
                "headline": {},
                "command": opts.command_line(),
            }
        )
    return saved.path


def write_sweep(result: SweepResult, folder: Path) -> None:
    """sweep.parquet (tidy KPIs), plots.html, summary.json, grid.yaml and the base scenario."""
    result.table.to_parquet(folder / "sweep.parquet", index=False)
    write_plots(result, folder / "plots.html")
    (folder / "summary.json").write_text(json.dumps(result.to_json(), indent=2, allow_nan=False))
    (folder / "grid.yaml").write_text(yaml.safe_dump(result.grid.to_dict(), sort_keys=False))
    dump = result.base.model_dump(mode="json")
    (folder / "scenario.yaml").write_text(yaml.safe_dump(dump, sort_keys=False))


def sweep_tables(result: SweepResult, width: int) -> list[Table]:
    """One row per point: its values and the headline KPIs (mean ± CI half-width), service level
    and ASA per channel (never blended), the KPI columns folded into several tables when they do
    not fit `width`."""
    frames = {(m, ch): data.set_index("point") for m, ch, data in result.series(HEADLINE)}
    grid = Grid(
        f"{result.base.name}: {len(result.points)} points x {result.replications} replications, "
        f"seed {result.seed} (mean ± 95% CI half-width)",
        ", ".join(path.rsplit(".", 1)[-1] for path in result.grid.paths),
        [
            f"{kpi(m).short} {ch}" if ch else money_header(m, result.base.costs.currency)
            for m, ch in frames
        ],  # fmt: skip
        caption=f"grid: {', '.join(result.grid.paths)}",
    )
    for i, point in enumerate(result.points):
        cells = []
        for (metric, ch), f in frames.items():
            if i not in f.index:
                cells.append("")
                continue
            mean, lo, hi = (float(v) for v in f.loc[i, ["mean", "ci95_low", "ci95_high"]])
            cells.append(format_value(metric, mean, half_width(mean, lo, hi), channel=ch))
        grid.add(", ".join(point.values()), cells)
    return fit(grid, width)
