"""The Staffing page's cards and tables: both methods side by side, shortfall, short intervals.

Agent-hours are labelled and formatted by the KPI registry's `scheduled_hours` entry and money
by `cost_total` (in the scenario's currency); only groups and intervals that are short are
highlighted.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard.pages.staffing.plan import StaffingView, totals
from sim.kpis.registry import format_value, kpi

HOURS = "scheduled_hours"
MONEY = "cost_total"
MAX_SHORT_ROWS = 24
METHOD_NAMES = {"erlang": "Erlang", "simulation": "simulation"}


def hours(value: float, unit: bool = True) -> str:
    return format_value(HOURS, value, unit=unit)


def agents(value: float) -> str:
    """Agents as whole numbers where they are ('20', not '20.0'), else to one decimal."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def money(value: float, currency: str) -> str:
    return f"{currency} {format_value(MONEY, value)}"


def card(label: str, value: str, note: str, card_id: str) -> html.Div:
    parts = [
        html.Div(label, className="kpi-label"),
        html.Div(value, className="kpi-value"),
        html.Div(note, className="kpi-ci"),
    ]
    return html.Div(parts, className="kpi-card", id=card_id)


def cards(view: StaffingView, currency: str) -> html.Div:
    """FTE of each method, the plan's cost beside the roster's, the roster's shortfall."""
    t = totals(view)
    m = view.method
    fte = " · ".join(f"{METHOD_NAMES[k]} {t[f'{k}_fte']:.1f}" for k in view.methods)
    cost = t["cost"] if m == "erlang" else float(view.summary["simulation_cost"].sum())
    short_note = (f"= {t[f'{m}_short_fte']:.1f} FTE, in {t[f'{m}_short_intervals']:.0f} "
                  f"group x intervals (vs {METHOD_NAMES[m]})")  # fmt: skip
    row = [
        card(f"FTE required ({METHOD_NAMES[m]})", f"{t[f'{m}_fte']:.1f}",
             f"{fte}; all sites, 40 h weeks, over the horizon", "stf-fte"),
        card(f"Cost of the plan ({METHOD_NAMES[m]})", money(cost, currency),
             f"roster as scheduled: {money(t['rostered_cost'], currency)}; both over the "
             "whole horizon, warm-up included (Results price the measured days only)",
             "stf-cost"),
        card(f"Roster shortfall ({kpi(HOURS).label})", hours(t[f"{m}_short_hours"]), short_note,
             "stf-short-card"),
        card("Overstaffed intervals", f"{t['over_intervals']}", "group x interval, all sites",
             "stf-over"),
    ]  # fmt: skip
    return html.Div(row, className="kpi-row")


def _th(text: str, span: int = 1, num: bool = True) -> html.Th:
    return html.Th(text, colSpan=span, className="num" if num else None)


def summary_table(view: StaffingView, currency: str) -> html.Table:
    """Per site x group: each method's requirement, the roster, the shortfall against each."""
    both = "simulation" in view.methods
    h = kpi(HOURS).short
    top = [_th("Site", num=False), _th("Group", num=False), _th("Required (Erlang)", 3)]
    sub = [html.Th(""), html.Th(""), _th("peak agents"), _th(h), _th("FTE")]
    if both:
        top.append(_th("Required (simulation)", 3))
        sub += [_th("peak agents"), _th(h), _th("FTE")]
    top.append(_th("Rostered"))
    sub.append(_th(h))
    for m in view.methods:
        top.append(_th(f"Shortfall vs {METHOD_NAMES[m]}", 3))
        sub += [_th(h), _th("FTE"), _th("intervals")]
    top.append(_th(f"Cost ({currency})", 3 if both else 2))
    sub += [_th("Erlang plan")] + ([_th("simulation")] if both else []) + [_th("roster")]
    rows = []
    for r in view.summary.to_dict(orient="records"):
        cells = [r["site"], r["group"], f"{r['erlang_peak']:.0f}", hours(r["erlang_hours"], False),
                 f"{r['erlang_fte']:.1f}"]  # fmt: skip
        if both:
            cells += [f"{r['simulation_peak']:.0f}", hours(r["simulation_hours"], False),
                      f"{r['simulation_fte']:.1f}"]  # fmt: skip
        cells.append(hours(r["rostered_hours"], False))
        for m in view.methods:
            cells += [hours(r[f"{m}_short_hours"], False), f"{r[f'{m}_short_fte']:.1f}",
                      f"{r[f'{m}_short_intervals']:.0f}"]  # fmt: skip
        cells.append(format_value(MONEY, r["cost"]))
        if both:
            cells.append(format_value(MONEY, r["simulation_cost"]))
        cells.append(format_value(MONEY, r["rostered_cost"]))
        short = r[f"{view.method}_short_hours"] > 0
        rows.append(html.Tr([html.Td(c, className="num" if i > 1 else None)
                             for i, c in enumerate(cells)],
                            className="row-bad" if short else None))  # fmt: skip
    head = html.Thead([html.Tr(top), html.Tr(sub)])
    return html.Table([head, html.Tbody(rows)], className="table", id="stf-table-body")


def short_table(rows: pd.DataFrame, view: StaffingView, zone: str) -> Any:
    """The intervals the roster is short (all highlighted), largest shortfall first, capped."""
    name = METHOD_NAMES[view.method]
    if rows.empty:
        return html.P(f"No interval is short of the {name} requirement here.", className="ok-text",
                      id="stf-short-none")  # fmt: skip
    shown = rows.assign(short=-rows["gap"]).sort_values(
        ["short", "local_start"], ascending=[False, True]
    )
    shown = shown.head(MAX_SHORT_ROWS)
    others = [m for m in view.methods if m != view.method]
    head = ["Start (" + zone + ")", "Group", f"Required ({name})", "Rostered", "Short by (agents)",
            f"Short ({kpi(HOURS).short})"]  # fmt: skip
    head += [f"Required ({METHOD_NAMES[m]})" for m in others]
    body = []
    for r in shown.to_dict(orient="records"):
        group = f"{r['site']}/{r['group']}" if "site" in r else r["group"]
        cells = [r["local_start"].strftime("%a %d %b %H:%M"), group, agents(r["required"]),
                 agents(r["rostered_agents"]), agents(r["short"]),
                 f"{r['short'] * r['hours']:.1f}"]  # fmt: skip
        cells += [agents(r[f"{m}_required"]) for m in others]
        body.append(html.Tr([html.Td(c, className="num" if i > 1 else None)
                             for i, c in enumerate(cells)], className="row-bad"))  # fmt: skip
    more = len(rows) - len(shown)
    note = f"{len(rows)} short group x intervals, largest shortfall first" + (
        f"; the first {len(shown)} shown" if more else ""
    )
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                       className="table", id="stf-short-table")  # fmt: skip
    return html.Div([html.P(note, className="panel-note"), table])


def reconcile_block(view: StaffingView, requested: str, stale: bool) -> Any:
    """The reconciliation line, or what to do to get one."""
    if view.simulation is not None:
        line = html.P(["Why the methods differ: ", view.simulation["line"]],
                      className="explain", id="stf-reconcile-line")  # fmt: skip
        return html.Div([line, site_reconciliation(view.simulation["reconciliation"])])
    if stale:
        return html.P("The simulated requirement was for another scenario version or other "
                      "targets: run the simulation again.", className="muted")  # fmt: skip
    if requested == "simulation":
        return html.P("Run the simulation to see its requirement beside Erlang's, with what "
                      "explains the difference.", className="muted")  # fmt: skip
    return None


SITE_COLUMNS = (
    ("erlang_hours", "Erlang"), ("simulation_hours", "simulation"),
    ("site_pooling_h", "pooling sites (both)"), ("skill_pooling_h", "pooling skills (sim., up to)"),
    ("blending_h", "blending (sim., up to)"), ("abandonment_h", "abandonment (both)"),
    ("residual_h", "rest (sim. only, incl. work moved between sites)"),
)  # fmt: skip


def site_reconciliation(rec: dict[str, Any]) -> html.Table:
    """The reconciliation per site, in scheduled agent-hours."""
    unit = kpi(HOURS).short
    head = [html.Th("Site")] + [_th(f"{label} ({unit})") for _, label in SITE_COLUMNS]
    rows = [html.Tr([html.Td(site)] + [html.Td(hours(r[k], False), className="num")
                                      for k, _ in SITE_COLUMNS])
            for site, r in rec["by_site"].items()]  # fmt: skip
    return html.Table([html.Thead(html.Tr(head)), html.Tbody(rows)], className="table",
                      id="stf-reconcile-sites")  # fmt: skip
