"""The lab's formula-vs-simulation table: each simulated point beside the formula's value."""

from __future__ import annotations

from typing import Any

import numpy as np
from dash import html

from dashboard.pages.lab.queue import LabParams, metrics

LABELS = {
    "service_level": ("Service level", "pct"),
    "asa_s": ("ASA of answered", "s"),
    "abandon_rate": ("P(abandon)", "pct"),
}


def formula_vs_simulation(p: LabParams, sim: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per simulated agent count and KPI: the active model's formula value, the
    simulated mean with its 95% CI, and whether the formula lies inside that CI."""
    points = (sim or {}).get("agents", {})
    keys = ["service_level", "asa_s"] + (["abandon_rate"] if p.patience_min > 0 else [])
    rows = []
    for agents in sorted(points, key=int):
        exact = metrics(p, int(agents))
        for key in keys:
            mean, low, high = points[agents][key]
            formula = float(exact[key])
            inside = (
                None
                if None in (low, high) or not np.isfinite(formula)
                else bool(low <= formula <= high)
            )
            rows.append(
                {
                    "agents": int(agents),
                    "metric": key,
                    "formula": formula,
                    "mean": mean,
                    "low": low,
                    "high": high,
                    "inside": inside,
                }
            )
    return rows


def _fmt(value: float | None, kind: str) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"{value:.1%}" if kind == "pct" else f"{value:.1f} s"


def comparison_table(rows: list[dict[str, Any]], why_empty: str | None = None) -> html.Div:
    """The rows as an HTML table, or a sentence saying why there are none (`why_empty`) or how to
    fill them."""
    if not rows:
        return html.P(
            why_empty or "Press Simulate to compare the formula with the simulator here.",
            className="panel-note",
        )
    head = ["Agents", "KPI", "Formula", "Simulated mean", "95% CI", "Formula inside CI"]
    body = []
    for r in rows:
        label, kind = LABELS[r["metric"]]
        verdict = {True: "yes", False: "no", None: "–"}[r["inside"]]
        body.append(
            html.Tr(
                [
                    html.Td(r["agents"]),
                    html.Td(label),
                    html.Td(_fmt(r["formula"], kind), className="num"),
                    html.Td(_fmt(r["mean"], kind), className="num"),
                    html.Td(f"{_fmt(r['low'], kind)} to {_fmt(r['high'], kind)}"),
                    html.Td(verdict),
                ],
                className="" if r["inside"] is not False else "row-bad",
            )
        )
    return html.Div(
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
            id="lab-table-body",
            className="table",
        )
    )
