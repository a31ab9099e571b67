"""`ccsim compare A.yaml [B.yaml]`: paired differences of every KPI under common random numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml

from sim import api
from sim.commands import options as opts
from sim.commands.common import err_console, fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError
from sim.experiments.compare import Comparison
from sim.experiments.store import headline
from sim.render.compare_report import comparison_tables


def register(app: typer.Typer) -> None:
    """Add `ccsim compare`."""

    @app.command()
    def compare(
        a: Annotated[Path, typer.Argument(help="baseline scenario YAML (A)")],
        b: Annotated[
            Path | None, typer.Argument(help="alternative scenario YAML (B; default: A again)")
        ] = None,
        replications: Annotated[int, typer.Option(min=2, help="paired replications")] = 10,
        seed: Annotated[int, typer.Option(min=0, help="random seed (shared by A and B)")] = (
            api.DEFAULT_SEED
        ),
        as_json: AsJson = False,
        quiet: Quiet = False,
        sets: opts.Sets = None,
        sets_b: Annotated[
            list[str] | None,
            typer.Option("--set-b", help="override PATH=VALUE for B only (repeatable)"),
        ] = None,
        workers: opts.Workers = None,
        dask: opts.Dask = None,
        save: opts.Save = False,
        store: opts.Store = None,
    ) -> None:
        """Compare B with A: KPI differences with paired 95% CIs and a one-line verdict.

        Both run the same replications from the same seed, so contact types with the same name see
        the same customers (common random numbers). --set changes both, --set-b only B.
        """
        saved = None
        try:
            run_store = opts.store_of(save, store)  # a bad --store fails before the long run
            with progress_bar("comparing (runs of A and B)", quiet) as bar:
                task = bar.add_task("compare", total=2 * replications)
                result = api.compare(
                    a, b, replications, seed,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    overrides=sets or [], overrides_b=sets_b or [], workers=workers, dask=dask,
                )  # fmt: skip
            if run_store is not None:
                with run_store.new_run("compare", f"{result.label_a}-vs-{result.label_b}") as saved:
                    write_comparison(result, saved.path)
                    saved.record.update(_record(result))
        except ScenarioError as exc:
            fail(exc)
        if saved is not None:
            err_console.print(f"saved comparison {saved.id} to {saved.path}", highlight=False)
        if as_json:
            sys.stdout.write(json.dumps(result.to_json(), allow_nan=False) + "\n")
            return
        for table in comparison_tables(result, out_console.width):
            out_console.print(table)
        out_console.print(f"[bold]{result.verdict()}[/]")


def write_comparison(result: Comparison, folder: Path) -> None:
    """comparison.json, both scenarios and the differences table (Parquet) into a folder."""
    (folder / "summary.json").write_text(json.dumps(result.to_json(), indent=2, allow_nan=False))
    for name, res in (("a", result.a), ("b", result.b)):
        dump = res.model.scenario.model_dump(mode="json")
        (folder / f"scenario_{name}.yaml").write_text(yaml.safe_dump(dump, sort_keys=False))
    result.differences.reset_index().to_parquet(folder / "differences.parquet", index=False)


def _record(result: Comparison) -> dict:
    data = result.to_json()
    return {
        "scenario": {
            "name": f"{result.label_a} vs {result.label_b}",
            "hash": f"{data['a']['hash']}..{data['b']['hash']}",
        },  # fmt: skip
        "seed": data["seed"],
        "replications": data["replications"],
        "ccsim_version": data["ccsim_version"],
        "wall_time_s": data["wall_time_s"],
        "headline": {f"b_{k}": v for k, v in headline(result.b.to_json()).items()},
        "verdict": data["verdict"],
        "command": opts.command_line(),
    }
