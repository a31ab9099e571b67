"""Capacity plan page: required vs available FTE per week of the bundled plan, hiring classes.

The bundled plan (scenarios/plans/retail_peak_plan.yaml) is shown on load; a site's new-hire
attrition, graduation rate and max class size can be edited and the hiring re-optimised (the
MILP of `api.plan`) as a background job. Invalid edits show the plan's validation message.
A week of the plan shown (chosen in a list or by clicking the chart) is simulated as another
background job (week_sim.py): plan vs simulation side by side with 95% CIs.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.capacity.plan_view import (
    bundled_plan,
    bundled_record,
    edited_plan,
    plan_job,
    shown_mapping,
    site_settings,
)
from dashboard.pages.capacity.week_sim import (
    MAX_REPLICATIONS,
    PEAK,
    check_inputs,
    clicked_week,
    marked,
    resolved_week,
    simulate_week_job,
    week_options,
    week_result,
)
from dashboard.shared.job_controls import job_parts, prefixed_controls, register_job, status_box
from dashboard.shared.plotting import placeholder
from dashboard.shared.state import AppState
from sim import api

dash.register_page(
    __name__, path="/capacity", name="Capacity plan", title="Capacity plan · ccsim", order=9
)

COLUMNS = [("week", "Week", "{}"), ("week_start", "Starting", "{}"),
           ("required_fte", "Required FTE", "{:.1f}"), ("available_fte", "Available FTE", "{:.1f}"),
           ("gap_fte", "Gap", "{:+.1f}"), ("hires", "Hires", "{:.0f}"),
           ("in_training", "In training", "{:.0f}"), ("attrition", "Attrition", "{:.1f}"),
           ("cost", "Cost", "{:,.0f}")]  # fmt: skip


def prepare(_state: AppState, site: Any, attrition: Any, graduation: Any, max_class: Any):
    """(job function, args) for the edited plan; ScenarioError naming the field if invalid."""
    mapping, folder = bundled_plan()
    edited = edited_plan(mapping, site, attrition, graduation, max_class)
    api.check_plan(edited, folder)
    return plan_job, (edited, folder, [site, attrition, graduation, max_class])


def initial(_page: Any) -> dict[str, Any]:
    """The bundled plan's record (computed once per server)."""
    return bundled_record()


def shown(edited: dict[str, Any] | None, bundled: dict[str, Any] | None) -> Any:
    """The re-optimised plan once there is one, else the bundled plan (whichever came first)."""
    return edited or bundled


def site_inputs(site: Any) -> tuple[Any, Any, Any]:
    """The chosen site's current values, from the bundled plan."""
    if not site:
        raise PreventUpdate
    s = site_settings(bundled_plan()[0], site)
    return s["attrition"], s["graduation"], s["max_class"]


def summary(record: dict[str, Any] | None) -> Any:
    """One line of totals: status, classes, hires, cost, group-weeks short."""
    if not record:
        return "Computing the plan…"
    t, status = record["totals"], record["status"]
    if isinstance(status, dict):  # solver status per site
        kinds = set(status.values())
        status = (
            kinds.pop() if len(kinds) == 1 else ", ".join(f"{k} {v}" for k, v in status.items())
        )
    return (f"{record['origin']} plan ({status}): {t['classes']} classes, "
            f"{t['hires']:.0f} hires, "
            f"cost {record.get('currency', '')} {t['cost']:,.0f}, "
            f"peak required {t['peak_required_fte']:.1f} FTE, "
            f"{t['short_group_weeks']} group-weeks short "
            f"({t['coverable_short_group_weeks']} coverable).")  # fmt: skip


def figure(record: dict[str, Any] | None, week: Any = None) -> Any:
    """The plan's chart from `sim.planning.figures` (via `api.plan_figure`), chosen week marked."""
    if not record:
        return placeholder("Required vs available FTE per week", "Computing the plan…")
    return marked(record["figure"], resolved_week(record, week))


def table(record: dict[str, Any] | None) -> Any:
    """The weeks, short weeks highlighted."""
    if not record:
        return None
    currency = record.get("currency", "")
    head = html.Thead(html.Tr([html.Th(f"{h} ({currency})" if k == "cost" and currency else h,
                                       className="num" if i > 1 else None)
                               for i, (k, h, _) in enumerate(COLUMNS)]))  # fmt: skip
    # + 0.0 turns a -0.0 (a gap rounding to zero) into 0.0, so it prints as +0.0
    rows = [html.Tr([html.Td(fmt.format(round(r[k], 1) + 0.0 if k == "gap_fte" else r[k]),
                             className="num" if i > 1 else None)
                     for i, (k, _, fmt) in enumerate(COLUMNS)],
                    className="row-bad" if r["short_fte"] > 0 else None)
            for r in record["by_week"]]  # fmt: skip
    return html.Table([head, html.Tbody(rows)], className="table", id="cap-table-body")


def prepare_week(_state: AppState, week: Any, replications: Any, record: Any):
    """(job, args) simulating a week of the plan shown, or a ScenarioError saying what to fix."""
    weeks = len(record["by_week"]) if record else None
    week, reps = check_inputs(week, replications, weeks)
    origin = record["origin"] if record else "Bundled"
    return simulate_week_job, (shown_mapping(record), bundled_plan()[1], week, reps,
                               api.DEFAULT_SEED, origin)  # fmt: skip


def deliver_week(value: dict[str, Any], _current: Any) -> tuple[Any, Any]:
    """The simulated week goes to the page's store; the status says what ran and how long."""
    text = (f"Finished: week {value['week']} simulated, {value['replications']} replications "
            f"in {value['wall_time_s']:.0f} s.")  # fmt: skip
    return value, status_box(text, "ok", "capsim-done")


def week_choice(record: Any, click: Any, current: Any) -> tuple[list[dict[str, Any]], Any]:
    """Options from the plan shown; a click on the chart picks the week clicked."""
    options = week_options(record)
    picked = clicked_week(record, click) if dash.ctx.triggered_id == "cap-graph" else None
    values = {o["value"] for o in options}
    return options, picked if picked is not None else (current if current in values else PEAK)


WEEK_CONTROLS = prefixed_controls(
    "cap-sim",
    name="capsim",
    data=Output("cap-sim-data", "data"),
    prepare=prepare_week,
    states=(
        State("cap-week", "value"),
        State("cap-sim-replications", "value"),
        State("cap-shown", "data"),
    ),
    deliver=deliver_week,
    label="week simulation",
    lock_start=False,  # a second click says why it does not start
)

CONTROLS = prefixed_controls(
    "cap",
    cancel=False,
    data=Output("cap-data", "data"),
    prepare=prepare,
    states=(
        State("cap-site", "value"),
        State("cap-attrition", "value"),
        State("cap-graduation", "value"),
        State("cap-max-class", "value"),
    ),  # fmt: skip
    unit="plans",
)


def layout(**_query: str) -> html.Div:
    mapping = bundled_plan()[0]
    sites = [s["name"] for s in mapping["sites"]]
    first = site_settings(mapping, sites[0])

    def number(id_: str, key: str, lo: float, hi: float | None, step: float) -> dcc.Input:
        return dcc.Input(id=id_, type="number", value=first[key], min=lo, max=hi, step=step,
                         className="field-input")  # fmt: skip

    return html.Div([
        html.H1("Capacity plan", className="page-title"),
        html.Section([
            html.P("The bundled plan retail_peak_plan: a retail BPO hiring for Black Friday and "
                   "the holidays (August to January, Dallas, Bogota, Manila). Required FTE comes "
                   "from the Erlang plan of each week; hiring classes are optimised (MILP) to "
                   "cover it at the least cost."),
            html.Div([
                html.Label("Site", htmlFor="cap-site", className="control-label"),
                dcc.Dropdown(id="cap-site", options=sites, value=sites[0], clearable=False,
                             className="control"),
                html.Label("Attrition per week, new hires", htmlFor="cap-attrition",
                           className="control-label"),
                number("cap-attrition", "attrition", 0, 1, 0.001),
                html.Label("Graduation rate", htmlFor="cap-graduation", className="control-label"),
                number("cap-graduation", "graduation", 0, 1, 0.01),
                html.Label("Max class size", htmlFor="cap-max-class", className="control-label"),
                number("cap-max-class", "max_class", 1, None, 1),
                html.Button("Re-optimise", id="cap-start", className="button button-primary"),
                html.Progress(id="cap-progress", value="0", max="1"),
                html.Span(id="cap-progress-text", className="panel-note"),
            ], className="toolbar-inline progress-row"),
            html.P("Edits apply to the site and to its groups with their own hiring or "
                   "attrition.", className="panel-note"),
            html.Div(id="cap-status"),
            html.P(id="cap-summary"),
            dcc.Loading(dcc.Graph(id="cap-graph")),
        ], className="panel"),
        html.Section([
            html.H2("Simulate a week"),
            html.P("The week's volumes and the plan's headcount by tenure (learning curve, "
                   "shrinkage, overtime) as a scenario, simulated: the plan's promise beside "
                   "the simulation with 95% CIs. Choose a week here or click it on the chart.",
                   className="panel-note"),
            html.Div([
                html.Label("Week", htmlFor="cap-week", className="control-label"),
                dcc.Dropdown(id="cap-week", options=week_options(None), value=PEAK,
                             clearable=False, className="control control-run"),
                html.Label("Replications", htmlFor="cap-sim-replications",
                           className="control-label"),
                dcc.Input(id="cap-sim-replications", type="number", value=3, min=2,
                          max=MAX_REPLICATIONS, step=1, className="field-input"),
                html.Button("Simulate week", id="cap-sim-start", className="button button-primary"),
                html.Button("Cancel", id="cap-sim-cancel", className="button", disabled=True),
            ], className="toolbar-inline"),
            html.Div([
                html.Progress(id="cap-sim-progress", value="0", max="1"),
                html.Span(id="cap-sim-progress-text", className="panel-note"),
            ], className="progress-row"),
            html.Div(id="cap-sim-status", role="status"),
            html.Div(id="cap-sim-result"),
        ], className="panel"),
        html.Section([html.H2("Weeks (all sites)"), html.Div(id="cap-table")], className="panel"),
        dcc.Store(id="cap-data"),
        dcc.Store(id="cap-initial"),
        dcc.Store(id="cap-shown"),
        dcc.Store(id="cap-sim-data"),
        *job_parts("cap"),
        *job_parts("capsim"),
    ], id="cap-page")  # fmt: skip


def register_callbacks(app: Dash) -> None:
    register_job(app, CONTROLS)
    register_job(app, WEEK_CONTROLS)
    app.callback(Output("cap-week", "options"), Output("cap-week", "value"),
                 Input("cap-shown", "data"), Input("cap-graph", "clickData"),
                 State("cap-week", "value"))(week_choice)  # fmt: skip
    app.callback(Output("cap-sim-result", "children"), Input("cap-sim-data", "data"))(week_result)
    app.callback(Output("cap-initial", "data"), Input("cap-page", "id"))(initial)
    app.callback(Output("cap-shown", "data"), Input("cap-data", "data"),
                 Input("cap-initial", "data"))(shown)  # fmt: skip
    app.callback(
        Output("cap-attrition", "value"),
        Output("cap-graduation", "value"),
        Output("cap-max-class", "value"),
        Input("cap-site", "value"),
        prevent_initial_call=True,
    )(site_inputs)
    app.callback(Output("cap-summary", "children"), Input("cap-shown", "data"))(summary)
    app.callback(Output("cap-graph", "figure"), Input("cap-shown", "data"),
                 Input("cap-week", "value"))(figure)  # fmt: skip
    app.callback(Output("cap-table", "children"), Input("cap-shown", "data"))(table)
