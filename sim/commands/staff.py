"""`ccsim staff SCENARIO`: agents needed per interval x site x group, with FTE and cost."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim import api
from sim.commands.common import ScenarioArg, err_console, fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError

Targets = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        help="override a target (repeatable): [CHANNEL.]KEY=VALUE, e.g. sl=0.9@30, "
        "voice.abandon=0.05, chat.asa=45; every key: docs/staffing.md",
    ),
]


def write_staffing(result, out: Path) -> list[Path]:
    """CSV and Parquet of every table plus staffing.json, into a new folder (atomically)."""
    from sim.output import check_out_dir

    check_out_dir(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        frames = {
            "by_group": result.by_group,
            "by_type": result.by_type,
            "by_skill": result.by_skill,
            "summary": result.summary,
        }
        if result.checks is not None:
            frames["checks"] = result.checks
        for name, frame in frames.items():
            frame.to_csv(tmp / f"{name}.csv", index=False)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "staffing.json").write_text(json.dumps(result.to_json(), indent=2))
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out.iterdir())


def interval_table(result) -> Table:
    """One row per interval with any requirement; per group: required / scheduled agents."""
    bg = result.by_group
    groups = list(dict.fromkeys(zip(bg["site"], bg["group"], strict=True)))
    table = Table(
        title=f"{result.model.scenario.name}: agents per interval ({result.method}; "
        "net required / scheduled; times in UTC and in each site's local time)",
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("interval (UTC)", no_wrap=True)
    for site, group in groups:  # fold long names rather than cut them ('dall…' twice)
        table.add_column(f"{site}/\n{group}", justify="right", overflow="fold")
    table.add_column("FTE", justify="right")
    table.add_column("cost", justify="right")
    for _i, rows in bg.groupby("interval", sort=True):
        if not (rows["scheduled_agents"] > 0).any():
            continue
        cells = []
        for site, group in groups:
            r = rows[(rows["site"] == site) & (rows["group"] == group)].iloc[0]
            local = r["local_start"].strftime("%a %H:%M")
            req, sch = int(r["required_agents"]), int(r["scheduled_agents"])
            cells.append(f"{req}/{sch} [dim]{local}[/]" if sch else "[dim]–[/]")
        start = rows["interval_start_utc"].iloc[0].strftime("%a %d %H:%M")
        table.add_row(start, *cells, f"{rows['fte'].sum():.2f}", f"{rows['cost'].sum():,.0f}")
    table.caption = (f"{table.row_count:,} intervals with agents; --summary-only skips this "
                     "table, --out DIR writes it as CSV and Parquet")  # fmt: skip
    return table


def summary_table(result) -> Table:
    table = Table(title="by site and group (whole horizon)", title_justify="left")
    cols = [("peak_required", "peak net", "{:,.0f}"), ("peak_scheduled", "peak sched.", "{:,.0f}"),
            ("shrinkage", "shrinkage", "{:.0%}"), ("scheduled_hours", "agent h", "{:,.0f}"),
            ("fte", "FTE", "{:,.1f}"), ("cost", "cost", "{:,.0f}")]  # fmt: skip
    table.add_column("site/group", no_wrap=True)
    for _, label, _ in cols:
        table.add_column(label, justify="right")
    for r in result.summary.itertuples():
        table.add_row(f"{r.site}/{r.group}", *(f.format(getattr(r, k)) for k, _, f in cols))
    t = result.totals()
    table.add_row("[bold]all[/]", "", f"{t['peak_scheduled_agents']:,.0f}", "",
                  f"{t['agent_hours']:,.0f}", f"{t['fte']:,.1f}", f"{t['cost']:,.0f}")  # fmt: skip
    return table


def pooling_sentence(p: dict, confidence: float) -> str:
    """Simulation against Erlang in words: hours and cost, each saved or added, never both."""
    change, saving = p["hours_saving"], p["cost_saving"]
    hours = f"saves {change:.1%}" if change >= 0 else f"needs {-change:.1%} more"
    cost = f"costs {saving:.1%} less" if saving >= 0 else f"costs {-saving:.1%} more"
    return (
        f"simulation vs Erlang: {p['simulation_hours']:,.0f} vs {p['erlang_hours']:,.0f} "
        f"agent-hours: the simulated answer {hours} and {cost}; it asks each interval's target "
        f"at {confidence:.0%} confidence, Erlang only on average (--target confidence=0.5 "
        "compares like with like)"
    )


def register(app: typer.Typer) -> None:
    """Add `ccsim staff`."""

    @app.command()
    def staff(
        scenario: ScenarioArg = None,
        method: Annotated[
            str, typer.Option(help="erlang (formulas per queue) or simulation (search)")
        ] = "erlang",
        target: Targets = None,
        replications: Annotated[
            int, typer.Option(min=2, help="replications per candidate (simulation)")
        ] = 8,
        seed: Annotated[int, typer.Option(min=0, help="random seed (simulation)")] = (
            api.DEFAULT_SEED
        ),
        workers: Annotated[int, typer.Option(min=1, help="worker processes (simulation)")] = 1,
        time_budget: Annotated[
            float | None,
            typer.Option(min=1, help="seconds for the simulation search (skips refinements)"),
        ] = None,
        as_json: AsJson = False,
        quiet: Quiet = False,
        out: Annotated[
            Path | None, typer.Option(help="write CSV + Parquet tables to this new folder")
        ] = None,
        summary_only: Annotated[
            bool, typer.Option("--summary-only", help="skip the per-interval table")
        ] = False,
    ) -> None:
        """Agents needed per interval x site x group to meet the targets (with FTE and cost)."""
        try:
            from sim.output import check_out_dir

            if out is not None:
                check_out_dir(out)
            if method not in ("erlang", "simulation"):
                raise ScenarioError(f"--method {method!r}: use 'erlang' or 'simulation'")
            with progress_bar(f"staffing ({method})", quiet) as bar:
                task = bar.add_task("staff", total=None)
                result = api.staff(
                    scenario, method, target or [], replications, seed,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    workers=workers, time_budget_s=time_budget,
                )  # fmt: skip
            written = write_staffing(result, out) if out is not None else []
        except (ScenarioError, ValueError) as exc:
            fail(exc)
        if as_json:
            sys.stdout.write(json.dumps(result.to_json(), allow_nan=False, default=str) + "\n")
            return
        if not summary_only:
            out_console.print(interval_table(result))
        out_console.print(summary_table(result))
        if result.pooling is not None:
            out_console.print(pooling_sentence(result.pooling, result.targets.confidence))
        if result.reconciliation is not None:
            out_console.print(result.reconciliation.sentence())
        for note in result.notes:
            err_console.print(f"[dim]note:[/] {note}")
        if written:
            out_console.print(f"wrote {len(written)} files to {out}")
