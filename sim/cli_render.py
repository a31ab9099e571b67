"""Rich tables for the CLI: KPIs with confidence intervals, verification results."""

from __future__ import annotations

import math
from typing import Any

from rich.table import Table

from sim.results import RunResult

QUEUE_COLUMNS = [
    ("offered", "offered", "{:,.0f}"),
    ("handled", "handled", "{:,.0f}"),
    ("service_level", "SL", "{:.1%}"),
    ("asa_s", "ASA s", "{:,.1f}"),
    ("abandon_rate", "aband.", "{:.1%}"),
    ("aht_s", "AHT s", "{:,.0f}"),
]
SITE_COLUMNS = [
    ("handled", "handled", "{:,.0f}"),
    ("aht_s", "AHT s", "{:,.0f}"),
    ("asa_s", "ASA s", "{:,.1f}"),
    ("occupancy", "occupancy", "{:.1%}"),
    ("agent_hours", "agent h", "{:,.0f}"),
]


def _cell(result: RunResult, metric: str, dimension: str, key: str, fmt: str) -> str:
    try:
        v = result.kpi(metric, dimension, key)
    except KeyError:
        return ""
    if v["mean"] is None:
        return "–"
    text = fmt.format(v["mean"])
    if v["ci95_low"] is not None and v["ci95_high"] is not None:
        half = (v["ci95_high"] - v["ci95_low"]) / 2
        if half > 0 and math.isfinite(half):
            text += " ± " + fmt.format(half).lstrip()
    return text


def kpi_tables(result: RunResult) -> list[Table]:
    """One table by queue (with the total) and one by site, each value mean ± CI half-width."""
    n = result.replications
    ci = "mean ± 95% CI half-width" if n > 1 else "one replication: no CI"
    title = f"{result.model.scenario.name}: {n} replications, seed {result.seed} ({ci})"
    queues = Table(title=title, title_justify="left")
    queues.add_column("queue", no_wrap=True)
    for _, label, _ in QUEUE_COLUMNS:
        queues.add_column(label, justify="right")
    for key in result.model.type_names:
        queues.add_row(key, *(_cell(result, m, "queue", key, f) for m, _, f in QUEUE_COLUMNS))
    for key in sorted(set(result.summary.loc["channel"].index)):
        queues.add_row(
            f"[italic]{key}[/]", *(_cell(result, m, "channel", key, f) for m, _, f in QUEUE_COLUMNS)
        )
    queues.add_row(
        "[bold]all[/]", *(_cell(result, m, "overall", "all", f) for m, _, f in QUEUE_COLUMNS)
    )
    sites = Table(title="by site", title_justify="left")
    sites.add_column("site", no_wrap=True)
    for _, label, _ in SITE_COLUMNS:
        sites.add_column(label, justify="right")
    for key in result.model.site_names:
        sites.add_row(key, *(_cell(result, m, "site", key, f) for m, _, f in SITE_COLUMNS))
    sites.add_row(
        "[bold]all[/]", *(_cell(result, m, "overall", "all", f) for m, _, f in SITE_COLUMNS)
    )
    return [queues, sites]


def verify_table(report: dict[str, Any]) -> Table:
    table = Table(title="reference cases", title_justify="left")
    for col in ("case", "status", "metric", "expected", "analytic", "simulated", "z"):
        table.add_column(col, justify="left" if col in ("case", "status", "metric") else "right")
    colours = {"pass": "green", "fail": "red", "unsupported": "yellow"}
    for case in report["cases"]:
        status = f"[{colours[case['status']]}]{case['status']}[/]"
        if not case["checks"]:
            table.add_row(case["id"], status, "", "", "", "", "")
        for i, chk in enumerate(case["checks"]):
            table.add_row(
                case["id"] if i == 0 else "",
                status if i == 0 else "",
                chk["metric"],
                _fmt(chk.get("expected")),
                _fmt(chk.get("analytic")),
                _fmt(chk.get("simulated")),
                _fmt(chk.get("z"), "{:+.2f}"),
            )
    return table


def _fmt(value: Any, fmt: str = "{:.6g}") -> str:
    if value is None:
        return ""
    return fmt.format(value)
