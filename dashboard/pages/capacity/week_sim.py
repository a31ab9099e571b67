"""Simulate one week of the plan shown: the job, its inputs, and plan vs simulation as a table.

The job (module-level, a worker imports it by name) recomputes the plan shown from its mapping
(the MILP is deterministic), simulates the chosen week's scenario with `api.simulate_plan_weeks`
(the same call `ccsim plan --simulate-weeks` makes) and returns the rows as text formatted by the
KPI registry (`api.plan_simulation_rows`), so page and CLI show the same figures.
"""

from __future__ import annotations

import time
from typing import Any

from dash import html

from sim import api
from sim.api import ScenarioError

PEAK = "peak"
MAX_REPLICATIONS = 20
COLUMNS = [("metric", "Metric"), ("plan", "Plan"), ("simulation", "Simulation"),
           ("ci95", "95% CI"), ("target", "Target"), ("agrees", "Plan in CI"),
           ("plan_basis", "Plan value is")]  # fmt: skip


def week_options(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The dropdown: the busiest week first, then every week with its start and requirement."""
    options = [{"label": "Peak week (highest required FTE)", "value": PEAK}]
    for r in (record or {}).get("by_week", []):
        options.append({"label": f"Week {r['week']} · {r['week_start']} · required "
                                 f"{r['required_fte']:,.1f} FTE", "value": r["week"]})  # fmt: skip
    return options


def clicked_week(record: dict[str, Any] | None, click: dict[str, Any] | None) -> int | None:
    """The week of a point clicked on the chart (its x is the week's start date)."""
    points = (click or {}).get("points") or []
    if not points or not record:
        return None
    x = str(points[0].get("x", ""))[:10]
    return next((r["week"] for r in record.get("by_week", []) if r["week_start"] == x), None)


def resolved_week(record: dict[str, Any] | None, week: Any) -> dict[str, Any] | None:
    """The `by_week` record of the chosen week ('peak': the highest required FTE), if any."""
    rows = (record or {}).get("by_week") or []
    if not rows:
        return None
    if week == PEAK:
        return max(rows, key=lambda r: r["required_fte"])
    return next((r for r in rows if r["week"] == week), None)


def marked(figure: dict[str, Any], row: dict[str, Any] | None) -> dict[str, Any]:
    """The plan's chart with the chosen week marked by a dashed line (a new dict)."""
    if row is None:
        return figure
    layout = dict(figure.get("layout", {}))
    line = {"type": "line", "xref": "x", "yref": "paper", "x0": row["week_start"],
            "x1": row["week_start"], "y0": 0, "y1": 1,
            "line": {"color": "#7b61ff", "dash": "dash", "width": 2}}  # fmt: skip
    note = {"x": row["week_start"], "xref": "x", "y": 1.02, "yref": "paper", "showarrow": False,
            "text": f"week {row['week']}", "font": {"color": "#7b61ff"}}  # fmt: skip
    layout["shapes"] = [*layout.get("shapes", []), line]
    layout["annotations"] = [*layout.get("annotations", []), note]
    return {**figure, "layout": layout}


def check_inputs(week: Any, replications: Any, weeks: int | None) -> tuple[int | str, int]:
    """The week (a number or 'peak') and replications, or a ScenarioError saying what to fix."""
    if week != PEAK and (isinstance(week, bool) or not isinstance(week, int)):
        raise ScenarioError("week: choose a week of the plan (or the peak week)")
    if weeks is not None and week != PEAK and not 1 <= week <= weeks:
        raise ScenarioError(f"week: the plan has weeks 1 to {weeks}")
    if not isinstance(replications, int | float) or not float(replications).is_integer():
        raise ScenarioError(f"replications: enter a whole number from 2 to {MAX_REPLICATIONS}")
    if not 2 <= int(replications) <= MAX_REPLICATIONS:
        raise ScenarioError(f"replications: {replications:g} is outside 2..{MAX_REPLICATIONS} "
                            "(a 95% CI needs at least 2)")  # fmt: skip
    return week, int(replications)


def simulate_week_job(
    progress: Any,
    mapping: dict[str, Any],
    base_dir: str,
    week: int | str,
    replications: int,
    seed: int,
    origin: str,
) -> dict[str, Any]:
    """Background job: plan the mapping, simulate one week, return what the page shows."""
    started = time.perf_counter()
    progress(0, replications)
    result = api.plan(mapping, base_dir=base_dir)
    chosen = api.plan_peak_week(result) if week == PEAK else int(week)
    api.simulate_plan_weeks(result, [chosen], replications, seed, progress=progress)
    data = result.to_json(weeks=True)
    plan = data["plan"]
    by_week = next(r for r in data["by_week"] if r["week"] == chosen)
    return {
        "week": chosen,
        "week_start": by_week["week_start"],
        "origin": origin,
        "replications": replications,
        "seed": seed,
        "covered": bool(by_week["short_fte"] <= 0),
        "rows": api.plan_simulation_rows(data["simulation"], plan["currency"]),
        "payroll": api.plan_payroll_line(by_week, plan["currency"], plan["hours_per_week"]),
        "wall_time_s": time.perf_counter() - started,
    }


def week_result(record: dict[str, Any] | None) -> Any:
    """Plan vs simulation of the simulated week: the table, what each plan value is, payroll."""
    if not record:
        return html.P("Choose a week and press Simulate week.", className="muted")
    head = html.Thead(html.Tr([html.Th(h, className="num" if 0 < i < 4 else None)
                               for i, (_, h) in enumerate(COLUMNS)]))  # fmt: skip
    body = html.Tbody([html.Tr([html.Td(r[k], className="num" if 0 < i < 4 else None)
                                for i, (k, _) in enumerate(COLUMNS)])
                       for r in record["rows"]])  # fmt: skip
    short = "" if record["covered"] else " The plan is short in this week (see the weeks table)."
    return html.Div([
        html.H3(f"Week {record['week']} (from {record['week_start']}) of the {record['origin']} "
                f"plan: {record['replications']} replications, seed {record['seed']}"),
        html.Table([head, body], className="table", id="cap-sim-table"),
        html.P(api.plan_basis_note() + "." + short, className="panel-note"),
        html.P(record["payroll"] + ".", className="panel-note", id="cap-sim-payroll"),
    ])  # fmt: skip
