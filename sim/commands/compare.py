"""`ccsim compare A.yaml [B.yaml]`: paired differences of every KPI under common random numbers."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from sim import api
from sim.commands import options as opts
from sim.commands.common import err_console, fail, out_console, progress_bar
from sim.errors import ScenarioError
from sim.experiments.compare import HEADLINE, POINTS, Comparison
from sim.experiments.store import headline


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
        as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
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
            with progress_bar("comparing") as bar:
                task = bar.add_task("compare", total=2 * replications)
                result = api.compare(
                    a, b, replications, seed,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    overrides=sets or [], overrides_b=sets_b or [], workers=workers, dask=dask,
                )  # fmt: skip
            run_store = opts.store_of(save, store)
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
        for table in comparison_tables(result):
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


def comparison_tables(result: Comparison) -> list[Table]:
    """Overall KPIs of A and B with B - A ± CI, and service level by shared queue."""
    title = (
        f"{result.label_b} vs {result.label_a}: {result.a.replications} paired replications, "
        f"seed {result.a.seed} (B - A ± 95% CI)"
    )
    overall = Table(title=title, title_justify="left")
    for col in ("KPI", "A", "B", "B - A", "relative"):
        overall.add_column(col, justify="left" if col == "KPI" else "right")
    for metric in HEADLINE:
        row = _row(result, "overall", "all", metric)
        if row is not None:
            overall.add_row(metric, *_cells(metric, row))
    queues = Table(title="service level by queue", title_justify="left")
    for col in ("queue", "A", "B", "B - A", "relative"):
        queues.add_column(col, justify="left" if col == "queue" else "right")
    for key in result.shared_types:
        row = _row(result, "queue", key, "service_level")
        if row is not None:
            queues.add_row(key, *_cells("service_level", row))
    return [overall, queues]


def _row(result: Comparison, dimension: str, key: str, metric: str) -> dict | None:
    try:
        row = result.diff(metric, dimension, key)
    except KeyError:
        return None
    return row if row["diff"] is not None else None


def _cells(metric: str, row: dict) -> list[str]:
    pct = metric in POINTS
    fmt = (lambda v: f"{v:.1%}") if pct else (lambda v: f"{v:,.1f}")
    lo, hi = row["diff_ci95_low"], row["diff_ci95_high"]
    half = (hi - lo) / 2 if lo is not None and hi is not None else math.nan
    scale, unit = (100, " pt") if pct else (1, "")
    diff = f"{row['diff'] * scale:+,.2f}" + (f" ± {half * scale:,.2f}" if half == half else "")
    rel = ""
    if row["rel"] is not None and row["rel_ci95_low"] is not None:
        rhalf = (row["rel_ci95_high"] - row["rel_ci95_low"]) / 2
        rel = f"{row['rel']:+.1%} ± {rhalf:.1%}"
    return [fmt(row["a"]), fmt(row["b"]), diff + unit, rel]
