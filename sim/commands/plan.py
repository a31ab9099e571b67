"""`ccsim plan PLAN.yaml`: capacity plan week by week (required, available, gap, hires, cost).

Optimises hiring classes (MILP) unless `--no-optimise`; `--simulate-weeks` simulates chosen
weeks (default `peak`: the two busiest) and sets plan vs simulation side by side with CIs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from sim import api
from sim.commands.common import err_console, fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError


def weeks_table(result) -> Table:
    """One row per week, all groups together; fits 80 columns. Money in the scenario's currency,
    named in the cost column's header (the plan's figures are in no other unit)."""
    bw = result.by_week()
    currency = result.setup.scenario.costs.currency
    table = Table(title=f"{result.setup.plan.name}: FTE per week", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False,
                  caption="required: scheduled FTE (shrinkage included); avail.: effective FTE + "
                  "overtime - undertime; *: some group short (see below); train.: in training; "
                  f"attr.: leavers; {currency} k: cost per week, thousands of {currency}",
                  caption_justify="left")  # fmt: skip
    cols = [("week", "week", "{}"), ("week_start", "starts", "{:%m-%d}"),
            ("required_fte", "required", "{:,.1f}"), ("available_fte", "avail.", "{:,.1f}"),
            ("gap_fte", "gap", "{:+,.1f}"), ("hires", "hires", "{:,.0f}"),
            ("in_training", "train.", "{:,.0f}"), ("attrition", "attr.", "{:,.1f}"),
            ("cost", f"{currency} k", "{:,.0f}")]  # fmt: skip
    # a gap that rounds to zero prints as +0.0, never -0.0 (adding 0.0 clears the sign of zero)
    bw = bw.assign(cost=bw["cost"] / 1000.0, gap_fte=bw["gap_fte"].round(1) + 0.0)
    for _, label, _ in cols:
        table.add_column(label, justify="left" if label in ("week", "starts") else "right",
                         no_wrap=True)  # fmt: skip
    for r in bw.itertuples():
        cells = [f.format(getattr(r, k)) for k, _, f in cols]
        if r.short_fte > 0:
            cells[4] = f"[red]{cells[4]}*[/]"
        table.add_row(*cells)
    return table


def classes_table(result) -> Table:
    table = Table(title="hiring classes", title_justify="left", box=box.SIMPLE_HEAD)
    for c in ("site/group", "starts (week)", "size", "graduates (week)", "graduates"):
        table.add_column(c, justify="left" if c == "site/group" else "right")
    for r in result.classes.itertuples():
        grad = "" if r.graduation_week is None else f"week {r.graduation_week}"
        table.add_row(
            f"{r.site}/{r.group}" + (" [dim](committed)[/]" if r.committed else ""),
            f"{r.start} ({r.start_week})",
            str(r.size),
            grad,
            f"{r.graduates:.1f}",
        )
    return table


def cause(reason: str) -> str:
    """The short cause of a diagnosis sentence (its words before the colon)."""
    if reason.startswith("no hiring"):
        return "no hiring"
    if reason.startswith("coverable, but penalty"):
        return "penalty cheaper"
    if reason.startswith("coverable alone"):
        return "monthly class limit"
    return reason.split(":", 1)[0]


def short_table(result) -> tuple[Table, list[str]]:
    """Short group-weeks with their cause, and one explanation per group and cause."""
    table = Table(title="weeks short of the requirement, and why", title_justify="left",
                  box=box.SIMPLE_HEAD)  # fmt: skip
    for c in ("week", "starts", "site/group", "required", "available", "short", "cause"):
        right = c in ("required", "available", "short")
        table.add_column(c, justify="right" if right else "left", no_wrap=True)
    notes: dict[tuple[str, str], str] = {}
    for r in result.short_weeks().itertuples():
        key = (f"{r.site}/{r.group}", cause(r.reason))
        notes.setdefault(key, f"week {r.week}: {r.reason}")
        table.add_row(str(r.week), f"{r.week_start:%m-%d}", key[0], f"{r.required_fte:.1f}",
                      f"{r.available_fte:.1f}", f"{r.short_fte:.1f}", key[1])  # fmt: skip
    lines = [f"{group} ({c}): first short {text}" for (group, c), text in notes.items()]
    return table, lines


def simulation_table(result) -> Table:
    """Plan vs simulation per simulated week and metric, in the KPI registry's formats."""
    from sim.planning.sim_table import BASIS_NOTE, simulation_rows

    currency = result.setup.scenario.costs.currency
    table = Table(title="plan vs simulation (95% CI over replications)", title_justify="left",
                  box=box.SIMPLE_HEAD, caption=BASIS_NOTE, caption_justify="left",
                  pad_edge=False, collapse_padding=True)  # fmt: skip
    for c in ("week", "metric", "target", "plan", "simulation", "95% CI"):
        table.add_column(c, justify="left" if c in ("week", "metric") else "right", no_wrap=True)
    records = result.to_json(weeks=False)["simulation"]
    for r in simulation_rows(records, currency):
        plan = r["plan"].replace(" (short)", " [red](short)[/]")
        if r["agrees"] == "no":
            plan += " [yellow]*[/]"
        table.add_row(r["week"], r["metric"], r["target"], plan, r["simulation"], r["ci95"])
    return table


def payroll_lines(result) -> list[str]:
    """The plan's own cost of each simulated week, its payroll basis stated."""
    from sim.planning.sim_table import payroll_line

    weeks = sorted(set(result.simulation["week"]))
    by_week = {r["week"]: r for r in result.to_json(weeks=True)["by_week"]}
    currency = result.setup.scenario.costs.currency
    return [payroll_line(by_week[w], currency, result.setup.plan.hours_per_week) for w in weeks]


def _weeks_option(text: str | None) -> list[int] | str | None:
    if text is None or text.strip().lower() == "none":
        return None
    if text.strip().lower() == "peak":
        return "peak"
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ScenarioError(f"--simulate-weeks {text!r}: give 'peak' or week numbers such as "
                            "17,18") from None  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add `ccsim plan`."""

    @app.command()
    def plan(
        plan_file: Annotated[
            Path | None, typer.Argument(metavar="PLAN", help="capacity plan YAML")
        ] = None,
        as_json: AsJson = False,
        quiet: Quiet = False,
        out: Annotated[
            Path | None, typer.Option(help="write CSV + Parquet tables and an HTML chart here")
        ] = None,
        optimise: Annotated[
            bool,
            typer.Option(
                "--optimise/--no-optimise",
                help="choose classes (MILP) or evaluate the committed ones",
            ),
        ] = True,  # fmt: skip
        simulate_weeks: Annotated[
            str | None,
            typer.Option(help="simulate these weeks: 'peak' (the two busiest) or 17,18"),
        ] = None,
        replications: Annotated[
            int, typer.Option(min=1, help="replications per simulated week")
        ] = 3,
        seed: Annotated[int, typer.Option(min=0, help="random seed")] = api.DEFAULT_SEED,
        workers: Annotated[int, typer.Option(min=1, help="worker processes (simulation)")] = 1,
        export_week: Annotated[
            int | None, typer.Option(help="write this week (1-based) as a scenario YAML")
        ] = None,
        export_to: Annotated[
            Path | None, typer.Option(help="with --export-week: the new scenario file")
        ] = None,
        schema: Annotated[
            bool, typer.Option("--schema", help="print the plan format's JSON Schema")
        ] = False,
    ) -> None:
        """Capacity plan per week: required vs available FTE, hiring classes, cost."""
        if schema:
            from sim.planning.loading import plan_json_schema

            sys.stdout.write(json.dumps(plan_json_schema(), indent=2) + "\n")
            return
        try:
            if plan_file is None:
                raise ScenarioError("PLAN: give a capacity plan YAML (see `ccsim plan --schema` "
                                    "and scenarios/plans/)")  # fmt: skip
            if (export_week is None) != (export_to is None):
                raise ScenarioError("--export-week and --export-to go together")
            if export_to is not None and export_to.exists():
                raise ScenarioError(f"--export-to {export_to}: already exists; choose a new file")
            if out is not None and out.exists():
                raise ScenarioError(f"--out {out}: already exists; ccsim never overwrites "
                                    "results, choose a new folder")  # fmt: skip
            weeks = _weeks_option(simulate_weeks)
            with progress_bar("planning" if not weeks else "simulating plan weeks", quiet) as bar:
                task = bar.add_task("plan", total=None)
                result = api.plan(
                    plan_file, optimised=optimise, simulate_weeks=weeks,
                    replications=replications, seed=seed, workers=workers,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )  # fmt: skip
            written = []
            if out is not None:
                from sim.planning.output import write_plan

                written = write_plan(result, out)
            if export_week is not None:
                from sim.staffing.writeback import write_scenario

                sc = api.plan_week_scenario(result, export_week)
                header = (f"week {export_week} of capacity plan {result.setup.plan.name} "
                          f"({plan_file}); simulate with `ccsim run {export_to}`")  # fmt: skip
                write_scenario(sc, export_to, header)
        except (ScenarioError, ValueError) as exc:
            fail(exc)
        if as_json:
            sys.stdout.write(json.dumps(result.to_json(), allow_nan=False, default=str) + "\n")
            return
        out_console.print(weeks_table(result))
        if len(result.classes):
            out_console.print(classes_table(result))
        if len(result.short_weeks()):
            table, notes = short_table(result)
            out_console.print(table)
            for line in notes:
                out_console.print(line, highlight=False)
        if result.simulation is not None:
            out_console.print(simulation_table(result))
            for line in payroll_lines(result):
                out_console.print(line, highlight=False)
        t = result.to_json(weeks=False)["totals"]
        status = ", ".join(f"{k}: {v}" for k, v in result.decisions.status.items())
        currency = result.setup.scenario.costs.currency
        out_console.print(
            f"cost {currency} {t['cost']:,.0f}; {t['classes']} classes, {t['hires']:,.0f} hires; "
            f"short {t['short_fte_weeks']:,.1f} FTE-weeks in {t['short_group_weeks']} group-weeks "
            f"({t['coverable_short_group_weeks']} of them coverable); solver {status}; "
            f"{result.wall_time_s:.1f} s"
        )
        if written:
            out_console.print(f"wrote {len(written)} files to {out}")
        if export_to is not None:
            err_console.print(f"wrote week {export_week} to {export_to}")
