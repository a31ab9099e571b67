"""`ccsim runs`: list past runs kept in the run store, and show one of them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from sim.commands.common import fail, out_console
from sim.errors import ScenarioError
from sim.experiments.store import RunStore
from sim.experiments.stored import run_currency
from sim.kpis.registry import ALL_CHANNELS, CHANNEL_HEADLINE, format_value, kpi
from sim.render.cells import money_header
from sim.render.fit import Grid, fit

StoreDir = Annotated[
    Path | None, typer.Option("--store", help="run store folder (default: $CCSIM_STORE or ./runs)")
]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


RUN_KINDS = ("run", "compare", "sweep")


def register(app: typer.Typer) -> None:
    """Add `ccsim runs` and `ccsim runs show ID`."""
    runs_app = typer.Typer(help="Past runs in the run store (saved with --save).")
    app.add_typer(runs_app, name="runs")

    @runs_app.callback(invoke_without_command=True)
    def runs(
        ctx: typer.Context,
        store: StoreDir = None,
        limit: Annotated[int, typer.Option(min=1, help="newest N runs")] = 20,
        kind: Annotated[str | None, typer.Option(help="only run, compare or sweep")] = None,
        as_json: AsJson = False,
    ) -> None:
        """List past runs, newest first."""
        if ctx.invoked_subcommand is not None:
            return
        try:
            if kind is not None and kind not in RUN_KINDS:
                raise ScenarioError(f"--kind {kind!r}: use one of {', '.join(RUN_KINDS)}")
            if store is not None and store.exists() and not store.is_dir():
                raise ScenarioError(f"--store {store}: is a file; give the run store folder")
            rows = RunStore(store).list(limit=limit, kind=kind)
        except ScenarioError as exc:
            fail(exc)
        if as_json:
            sys.stdout.write(json.dumps(rows, allow_nan=False) + "\n")
            return
        if not rows:
            out_console.print(f"no runs in {RunStore(store).root} (save one with --save)")
            return
        for table in runs_tables(rows, out_console.width):
            out_console.print(table)

    @runs_app.command()
    def show(
        run_id: Annotated[str, typer.Argument(help="run id (or a unique prefix or suffix)")],
        store: StoreDir = None,
        as_json: AsJson = False,
    ) -> None:
        """Show one run: provenance, headline KPIs and its files."""
        try:
            meta = RunStore(store).get(run_id)
        except ScenarioError as exc:
            fail(exc)
        folder = Path(meta["path"])
        meta["files"] = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if as_json:
            sys.stdout.write(json.dumps(meta, allow_nan=False) + "\n")
            return
        table = Table(title=f"run {meta['id']}", title_justify="left", show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value")
        for key in ("kind", "created_utc", "command", "seed", "replications", "ccsim_version",
                    "wall_time_s", "verdict", "path"):  # fmt: skip
            if meta.get(key) is not None:
                table.add_row(key, str(meta[key]))
        scenario = meta.get("scenario") or {}
        table.add_row("scenario", f"{scenario.get('name')} ({scenario.get('hash')})")
        for key in ("overrides", "stopping"):
            if meta.get(key):
                table.add_row(key, json.dumps(meta[key]))
        for name, value in (meta.get("headline") or {}).items():
            table.add_row(name, _fmt(value))
        table.add_row("files", ", ".join(_folded(meta["files"])))
        out_console.print(table)


def listed_kpis(rows: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """(KPI, channel) columns of a listing: service level and ASA per channel any run has (never
    blended across channels), then total cost."""
    keys = {k.removeprefix("b_") for r in rows for k in r["headline"]}
    per_channel = [(m, ch) for m in CHANNEL_HEADLINE for ch in ALL_CHANNELS if f"{m}.{ch}" in keys]
    return [*per_channel, ("cost_total", None)]


def runs_tables(rows: list[dict[str, Any]], width: int) -> list[Table]:
    """Past runs with their headline KPIs; columns folded into more tables if `width` is short."""
    listed = listed_kpis(rows)
    currency = {r["id"]: run_currency(r) for r in rows}
    currencies = set(currency.values())
    one_currency = currencies.pop() if len(currencies) == 1 else None  # else in each cell
    headers = [f"{kpi(m).short} {ch}" if ch else money_header(m, one_currency or "").rstrip()
               for m, ch in listed]  # fmt: skip
    grid = Grid(f"{len(rows)} run(s), newest first", "id",
                ["kind", "scenario", "reps", "seed", *headers, "wall s"])  # fmt: skip
    for r in rows:
        h = r["headline"]
        cells = []
        for m, ch in listed:
            key = f"{m}.{ch}" if ch else m
            value = h.get(key, h.get(f"b_{key}"))  # a compare lists its scenario B
            text = "" if value is None else format_value(m, value, channel=ch)
            if text and ch is None and not one_currency:
                text += f" {currency[r['id']]}"
            cells.append(text)
        grid.add(r["id"], [
            r["kind"], escape(r["scenario"] or ""), str(r["replications"] or ""),
            str(r["seed"] if r["seed"] is not None else ""), *cells,
            _fmt(r["wall_time_s"], "{:,.1f}"),
        ])  # fmt: skip
    return fit(grid, width)


def _fmt(value: Any, fmt: str | None = None) -> str:
    if value is None:
        return ""
    if fmt is None:
        fmt = "{:,.0f}" if abs(value) >= 1000 else "{:.4g}"
    return fmt.format(value)


def _folded(files: list[str]) -> list[str]:
    """File names, with a streamed contact log shown as one entry."""
    logs = [f for f in files if f.startswith("contacts/")]
    rest = [f for f in files if not f.startswith("contacts/")]
    return rest + ([f"contacts/ ({len(logs)} replication files)"] if logs else [])
