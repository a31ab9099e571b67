"""`ccsim schedule SCENARIO`: minimum-cost shifts covering the staffing requirement."""

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
from sim.commands.staff import Targets
from sim.errors import ScenarioError

Many = list[str] | None


def _pairs(items: Many, what: str, example: str) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ScenarioError(f"{what} {item!r}: use NAME=VALUE, e.g. {example}")
        out[key.strip()] = value.strip()
    return out


def build_rules(model, lengths, start_step, days_per_week, any_days_off, hours, min_hc, max_hc,
                breaks, time_limit):  # fmt: skip
    """ShiftRules from the command-line options (ScenarioError naming the bad option)."""
    from sim.scenario.models import _check_clock
    from sim.scenario.workforce import OffPhone
    from sim.staffing.shifts import ShiftRules

    sites, groups = set(model.site_names), set(model.group_names)
    hours_by_site: dict[str, tuple[str, str]] = {}
    for item in hours or []:
        site, sep, span = item.rpartition("=")
        names = [site] if sep else sorted(sites)
        try:
            open_, close = (_check_clock(s.strip()) for s in span.split("-"))
        except ValueError:
            raise ScenarioError(f"--hours {item!r}: use [SITE=]HH:MM-HH:MM") from None
        for n in names:
            if n not in sites:
                raise ScenarioError(f"--hours {item!r}: unknown site {n!r}; use {sorted(sites)}")
            hours_by_site[n] = (open_, close)
    heads = {}
    for opt, items in (("--min-headcount", min_hc), ("--max-headcount", max_hc)):
        pairs = _pairs(items, opt, "manila/en_voice=40")
        for k, v in pairs.items():
            if k not in groups or not v.isdigit():
                raise ScenarioError(f"{opt} {k}={v}: use SITE/GROUP=N with one of {sorted(groups)}")
        heads[opt] = {k: int(v) for k, v in pairs.items()}
    for k, low in heads["--min-headcount"].items():
        high = heads["--max-headcount"].get(k)
        if high is not None and low > high:
            raise ScenarioError(
                f"--min-headcount {k}={low} is above --max-headcount {k}={high}: "
                "no plan can meet both; lower the minimum or raise the maximum"
            )
    brk = None
    if breaks:
        brk = []
        for item in breaks:
            parts = item.split(":")
            try:
                vals = [float(p) for p in parts]
                brk.append(OffPhone(after_start_h=vals[0], duration_min=vals[1],
                                    stagger_min=vals[2] if len(vals) > 2 else 0.0))  # fmt: skip
            except (ValueError, IndexError):
                raise ScenarioError(
                    f"--break {item!r}: use AFTER_HOURS:MINUTES[:STAGGER_MINUTES], e.g. 4:30:60"
                ) from None
        brk = tuple(brk)
    try:
        length_h = tuple(float(x) for x in lengths.split(","))
        _check_breaks_fit(breaks or [], brk or (), min(length_h))
        return ShiftRules(lengths_h=length_h, start_step_min=start_step,
                          days_per_week=days_per_week, consecutive_days=not any_days_off,
                          hours=hours_by_site, min_headcount=heads["--min-headcount"],
                          max_headcount=heads["--max-headcount"], breaks=brk,
                          time_limit_s=time_limit)  # fmt: skip
    except ScenarioError:
        raise
    except ValueError as exc:
        raise ScenarioError(f"shift rules: {exc}") from None


def _check_breaks_fit(items: list[str], brk: tuple, shortest_h: float) -> None:
    """Every agent's break (start + stagger + duration) ends within the shortest shift, or
    the MILP would silently drop or cut it and plan with agents who never take it."""
    for item, act in zip(items, brk, strict=True):
        end_h = act.after_start_h + (act.stagger_min + act.duration_min) / 60
        if end_h > shortest_h:
            raise ScenarioError(
                f"--break {item}: the last agent's break ends {end_h:g} h after the shift "
                f"starts, after the end of the {shortest_h:g} h shifts (--lengths); start it "
                "earlier or shorten its stagger, e.g. --break 4:30"
            )


def shift_table(schedule) -> Table:
    table = Table(title="shift plan (site local time)", title_justify="left")
    for col in ("site/group", "start", "end", "days", "agents", "paid h", "cost"):
        table.add_column(col, justify="left" if col in ("site/group", "days") else "right")
    for r in schedule.shifts.itertuples():
        table.add_row(f"{r.site}/{r.group}", r.start, r.end, ",".join(r.days), str(r.headcount),
                      f"{r.paid_hours:,.0f}", f"{r.cost:,.0f}")  # fmt: skip
    return table


def coverage_table(schedule) -> Table:
    table = Table(title="coverage by site and group", title_justify="left")
    cols = ["site/group", "agents", "cost", "naive cost", "under (agent h)",
            "under intervals", "over (agent h)", "solver"]  # fmt: skip
    for col in cols:
        table.add_column(col, justify="left" if col in ("site/group", "solver") else "right")
    for r in schedule.summary.itertuples():
        table.add_row(f"{r.site}/{r.group}", str(r.headcount), f"{r.cost:,.0f}",
                      f"{r.naive_cost:,.0f}", f"{r.under_hours:,.1f}",
                      str(r.understaffed_intervals), f"{r.over_hours:,.1f}",
                      str(r.status)[:32])  # fmt: skip
    return table


def gaps_table(schedule, limit: int = 20) -> Table | None:
    cov = schedule.coverage
    under = cov[cov["understaffed"]].sort_values("gap").head(limit)
    if under.empty:
        return None
    table = Table(title=f"most understaffed intervals (up to {limit})", title_justify="left")
    for col in ("site/group", "local time", "required", "covered", "gap"):
        table.add_column(col, justify="left" if col != "gap" else "right")
    for r in under.itertuples():
        table.add_row(f"{r.site}/{r.group}", r.local_start.strftime("%a %d %H:%M"),
                      f"{r.required:.1f}", f"{r.covered:.1f}", f"{r.gap:.1f}")  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    """Add `ccsim schedule`."""

    @app.command()
    def schedule(
        scenario: ScenarioArg = None,
        out: Annotated[
            Path | None, typer.Option(help="write the scenario with the new shifts (new YAML file)")
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="overwrite --out if it exists")
        ] = False,
        plan: Annotated[
            Path | None,
            typer.Option(help="write shifts and coverage (CSV + Parquet) to a new folder"),
        ] = None,
        method: Annotated[str, typer.Option(help="requirement from: erlang or simulation")] = (
            "erlang"
        ),
        target: Targets = None,
        lengths: Annotated[str, typer.Option(help="shift lengths in hours, e.g. 8 or 8,9")] = "8",
        start_step: Annotated[int, typer.Option(help="minutes between allowed starts")] = 30,
        days_per_week: Annotated[int, typer.Option(help="work days per agent and week")] = 5,
        any_days_off: Annotated[
            bool, typer.Option("--any-days-off", help="days off need not be consecutive")
        ] = False,
        hours: Annotated[
            Many, typer.Option(help="hours of operation [SITE=]HH:MM-HH:MM (repeatable)")
        ] = None,
        min_headcount: Annotated[Many, typer.Option(help="SITE/GROUP=N (repeatable)")] = None,
        max_headcount: Annotated[Many, typer.Option(help="SITE/GROUP=N (repeatable)")] = None,
        breaks: Annotated[
            Many,
            typer.Option(
                "--break",
                help="a break AFTER_H:MIN[:STAGGER_MIN], e.g. 4:30:60 (repeatable; default: "
                "each group's off_phone)",
            ),  # fmt: skip
        ] = None,
        time_limit: Annotated[
            float, typer.Option(min=0.1, help="MILP time limit per group (s)")
        ] = 10.0,
        replications: Annotated[int, typer.Option(min=2, help="simulation replications")] = 8,
        workers: Annotated[int, typer.Option(min=1, help="worker processes (simulation)")] = 1,
        time_budget: Annotated[
            float | None, typer.Option(min=1, help="seconds for the simulation search")
        ] = None,
        seed: Annotated[int, typer.Option(min=0, help="random seed (simulation)")] = (
            api.DEFAULT_SEED
        ),
        as_json: AsJson = False,
        quiet: Quiet = False,
    ) -> None:
        """Choose shifts covering the required agents at minimum cost (MILP) and report gaps."""
        from sim.staffing.writeback import scheduled_scenario, write_scenario

        try:
            if out is not None and out.exists() and not force:
                raise ScenarioError(f"--out {out}: already exists; choose a new file (or --force)")
            if plan is not None:
                from sim.output import check_out_dir

                check_out_dir(plan, "--plan")
            with progress_bar("staffing", quiet) as bar:
                task = bar.add_task("staff", total=None)
                result = api.staff(
                    scenario, method, target or [], replications, seed,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    workers=workers, time_budget_s=time_budget,
                )  # fmt: skip
            rules = build_rules(
                result.model, lengths, start_step, days_per_week, any_days_off,
                hours, min_headcount, max_headcount, breaks, time_limit,
            )  # fmt: skip
            with progress_bar("scheduling", quiet) as bar:
                task = bar.add_task("schedule", total=len(result.model.group_names))
                sched = api.schedule(
                    result, rules, progress=lambda d, t: bar.update(task, completed=d, total=t)
                )
            if out is not None:
                source = scenario or "the default scenario"
                cost = sched.summary["cost"].sum()
                header = f"Written by `ccsim schedule` from {source} ({method}, cost {cost:,.0f})."
                write_scenario(scheduled_scenario(sched), out, header, overwrite=force)
            if plan is not None:
                _write_plan(sched, plan)
        except (ScenarioError, ValueError) as exc:
            fail(exc)
        if as_json:
            sys.stdout.write(json.dumps(sched.to_json(), allow_nan=False, default=str) + "\n")
            return
        out_console.print(shift_table(sched))
        out_console.print(coverage_table(sched))
        gaps = gaps_table(sched)
        if gaps is not None:
            out_console.print(gaps)
        s = sched.summary
        out_console.print(
            f"cost {s['cost'].sum():,.0f} (naive greedy {s['naive_cost'].sum():,.0f}); "
            f"{int(s['understaffed_intervals'].sum())} understaffed group-intervals"
        )
        if out is not None:
            err_console.print(f"wrote {out}: simulate it with `ccsim run {out}`")


def _write_plan(sched, plan: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{plan.name}.", dir=plan.parent))
    try:
        shifts = sched.shifts.assign(days=sched.shifts["days"].map(",".join))
        for name, frame in (("shifts", shifts), ("coverage", sched.coverage),
                            ("summary", sched.summary)):  # fmt: skip
            frame.to_csv(tmp / f"{name}.csv", index=False)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        tmp.rename(plan)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
