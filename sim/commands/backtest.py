"""`ccsim backtest SCENARIO CALLS`: a plan against what happened, per interval and per queue."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.commands.common import fail, out_console, progress_bar
from sim.commands.options import AsJson, Quiet
from sim.errors import ScenarioError
from sim.jsonsafe import json_ready


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)


def backtest(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML (the plan)")],
    calls: Annotated[Path, typer.Argument(help="call log of the period the plan covered")],
    fmt: Annotated[
        str, typer.Option("--format", help="anonymous-bank, csv or volumes (a volume CSV)")
    ] = "anonymous-bank",
    replications: Annotated[int, typer.Option(min=2, help="simulated periods")] = 10,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    days: Annotated[
        int | None, typer.Option(min=1, help="only the log's first DAYS days (a quick look)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="write a plotly HTML report to this new file")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite --out if it exists")] = False,
    as_json: AsJson = False,
    quiet: Quiet = False,
) -> None:
    """Offered, abandonment, ASA, SL, AHT and agents per hour and per queue vs simulated 95% PIs,
    with the miss decomposed into volume, handle time and staffing ratios; with --format volumes,
    the volume part alone: calls per day and hour vs the plan's expectation (no simulation)."""
    from sim import api
    from sim.calibrate.backtest_report import check_out, write_report

    try:
        if out is not None:
            check_out(out, force)
        with progress_bar("back-test", quiet) as bar:
            task = bar.add_task("simulate", total=replications)
            result = api.backtest(
                scenario, calls, fmt, replications=replications, seed=seed, days=days,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
        if out is not None:
            write_report(result, out, f"Back-test of {scenario.name} on {calls.name}", force)
    except ScenarioError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(json_ready(result), allow_nan=False) + "\n")
        return
    if result.get("kind") == "volumes":
        _print_volumes(result, out)
        return
    out_console.print(f"back-test {result['start']} + {result['days']} days, "
                      f"{result['replications']} replications")  # fmt: skip
    for metric, share in result["outside_share"].items():
        out_console.print(f"  {metric:14} actual outside the 95% PI in {share:.0%} of intervals")
    out_console.print("per queue (actual [95% PI], * = outside):")
    for queue in sorted({r["queue"] for r in result["queues"]}):
        cells = [
            f"{r['metric']} {_num(r['metric'], r['actual'])}{'*' if r['outside'] else ''} "
            f"[{_num(r['metric'], r['pi_low'])}, {_num(r['metric'], r['pi_high'])}]"
            for r in result["queues"]
            if r["queue"] == queue
        ]
        out_console.print(f"  {queue:10} " + "  ".join(cells), soft_wrap=True)
    if out is not None:
        out_console.print(f"report: {out}")


def _num(metric: str, value: float) -> str:
    """A metric's value as a planner reads it: counts whole, shares in %, seconds to 0.1."""
    if value != value:  # NaN: not defined (no call of that kind)
        return "-"
    if metric == "offered":
        return f"{value:,.0f}"
    if metric in ("abandon_share", "service_level"):
        return f"{value:.1%}"
    return f"{value:.1f}"


def _print_volumes(result: dict, out: Path | None) -> None:
    """The volume back-test in a few lines: totals, daily error, days outside, worst days."""
    p = out_console.print
    p(f"volume back-test {result['start']} + {result['days']} days (dates in both the plan and the "
      "volumes)")  # fmt: skip
    p(f"  calls: actual {result['actual_calls']:,.0f}, planned {result['planned_calls']:,.0f}, "
      f"volume ratio {result['volume_ratio']:.3f}")  # fmt: skip
    p(f"  daily volume: mean absolute error {result['daily_mape']:.1%}; outside the plan's 95% PI "
      f"on {result['days_outside_pi']:.0%} of days")  # fmt: skip
    by_slot = result["slot_of_day_ratio"]
    if by_slot:
        lo, hi = min(by_slot, key=by_slot.get), max(by_slot, key=by_slot.get)
        hour = result["slot_s"] / 3600
        p(f"  by time of day: ratio {by_slot[lo]:.3f} at {lo * hour:02.0f}h to {by_slot[hi]:.3f} "
          f"at {hi * hour:02.0f}h (the intraday shape)")  # fmt: skip
    worst = sorted(result["days_detail"], key=lambda d: -abs(d["volume_ratio"] - 1))[:5]
    for d in worst:
        flag = " outside" if d["outside"] else ""
        p(
            f"  {d['date']}  actual {d['actual']:,.0f}  planned {d['planned']:,.0f} "
            f"[{d['pi_low']:,.0f}, {d['pi_high']:,.0f}]  ratio {d['volume_ratio']:.3f}{flag}"
        )
    if out is not None:
        p(f"report: {out}")
