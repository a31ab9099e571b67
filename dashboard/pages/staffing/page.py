"""Staffing page: agents required to meet the targets vs agents the scenario's shifts roster.

Planned with `sim.staffing`'s Erlang method for the session's scenario, per site and group on the
site's local clock, and on request with the simulation method: a background job on the app's
job manager (the Run page's mechanism, `dashboard.shared.job_controls`) with progress and
cancel, shown beside Erlang with the line reconciling the two. FTE and cost of the plan beside
the roster's cost, the roster's shortfall in agent-hours and FTE, and only short rows highlighted.
"""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.staffing.figures import staffing_figure
from dashboard.pages.staffing.job import staffing_job
from dashboard.pages.staffing.plan import StaffingView, short_rows, site_series, staffing_view
from dashboard.pages.staffing.tables import cards, reconcile_block, short_table, summary_table
from dashboard.shared.graphs import drawn, graph_slot, slot_id
from dashboard.shared.job_controls import job_parts, prefixed_controls, register_job, status_box
from dashboard.shared.memo import Memo
from dashboard.shared.session import edited_scenario
from dashboard.shared.state import AppState, app_state
from sim import api
from sim.api import Scenario, ScenarioError

dash.register_page(__name__, path="/staffing", name="Staffing", title="Staffing · ccsim", order=4)

ALL_GROUPS = "__all__"
WHOLE = "__all__"
MAX_REPLICATIONS = 20
PROGRESS_INTERVAL_MS = 200
VIEWS = Memo(8)  # plans of the scenarios, targets and methods asked last, in this process


def target_items(voice_sl: Any, voice_s: Any, chat_sl: Any, chat_s: Any) -> list[str]:
    """`--target` items from the form (percent and seconds); ScenarioError if a box is empty."""
    items = []
    for channel, share, seconds in (("voice", voice_sl, voice_s), ("chat", chat_sl, chat_s)):
        if not isinstance(share, int | float) or not isinstance(seconds, int | float):
            raise ScenarioError(f"{channel} target: enter a service level (%) and a threshold (s)")
        items.append(f"{channel}.sl={share / 100:g}@{seconds:g}")
    return items


def controls(store: dict[str, Any] | None, _page: Any = None, state: AppState | None = None):
    """Site options, target defaults and day options from the session's scenario."""
    try:
        scenario, label = edited_scenario(store, state or app_state())
    except ScenarioError as exc:
        return [], None, None, None, None, None, html.Span(str(exc), className="error-text")
    sites = [{"label": f"{s.name} ({s.timezone})", "value": s.name} for s in scenario.sites]
    ch = scenario.channels
    return (
        sites,
        scenario.sites[0].name,
        round(100 * ch.voice.sl_target, 1),
        ch.voice.sl_threshold_s,
        round(100 * ch.chat.sl_target, 1),
        ch.chat.sl_threshold_s,
        label,
    )


def page_view(
    store: dict[str, Any] | None, site: str | None, group: str | None, day: str | None,
    targets: tuple[Any, Any, Any, Any], method: Any, simulation: dict[str, Any] | None,
    triggered: Any = None, state: AppState | None = None,
) -> tuple[Any, ...]:  # fmt: skip
    """`controls`, `group_options` and `plan` in one callback, so a page load draws the plan
    in its first round: the scenario (or the first call) resets every control, a new site its
    groups, any other control keeps them all."""
    state = state or app_state()
    keep = [dash.no_update] * 9
    if triggered in (None, "session-scenario", "stf-page"):
        picked = controls(store, None, state)
        if picked[1] is None:  # the scenario has problems: the label says which
            return (*picked, *keep[:2], *[dash.no_update] * 6)
        site, targets, group = picked[1], picked[2:6], ALL_GROUPS
        head = (*picked, *group_options(site, store, state))
    elif triggered == "stf-site":
        options, group = group_options(site, store, state)
        head = (*keep[:7], options, group)
    else:
        head = tuple(keep)
    return (*head, *plan(site, group, day, *targets, method, simulation, store, state))


def group_options(site: str | None, store: dict[str, Any] | None, state: AppState | None = None):
    """'All groups' and the site's groups."""
    try:
        scenario, _ = edited_scenario(store, state or app_state())
    except ScenarioError:
        raise PreventUpdate from None
    groups = next((s.groups for s in scenario.sites if s.name == site), [])
    options = [{"label": "All groups of the site", "value": ALL_GROUPS}]
    options += [{"label": g.name, "value": g.name} for g in groups]
    return options, ALL_GROUPS


def sim_inputs(replications: Any, budget: Any) -> tuple[int, float | None]:
    """Replications (2..20) and a time budget in seconds (empty: none), or what to fix."""
    if not isinstance(replications, int | float) or not float(replications).is_integer():
        raise ScenarioError(f"replications: enter a whole number from 2 to {MAX_REPLICATIONS}")
    if not 2 <= int(replications) <= MAX_REPLICATIONS:
        raise ScenarioError(f"replications: {replications:g} is outside 2..{MAX_REPLICATIONS}")
    if budget in (None, ""):
        return int(replications), None
    if not isinstance(budget, int | float) or budget < 1:
        raise ScenarioError("time budget: enter seconds, 1 or more (or leave it empty)")
    return int(replications), float(budget)


def prepare(
    state: AppState, store: dict[str, Any] | None, voice_sl: Any, voice_s: Any, chat_sl: Any,
    chat_s: Any, replications: Any, budget: Any,
):  # fmt: skip
    """The simulation-staffing job for the page's inputs, or a ScenarioError saying what to fix."""
    reps, budget_s = sim_inputs(replications, budget)
    items = target_items(voice_sl, voice_s, chat_sl, chat_s)
    scenario, _label = edited_scenario(store, state)
    return staffing_job, (scenario, items, reps, api.DEFAULT_SEED, budget_s)


def deliver(entry: dict[str, Any], _current: Any) -> tuple[Any, Any]:
    """The simulated requirement goes to the page's store; the status says what it took."""
    text = (f"Finished: simulated staffing ({entry['replications']} replications per candidate) "
            f"in {entry['wall_time_s']:.0f} s.")  # fmt: skip
    return entry, status_box(text, "ok", "stf-sim-done")


CONTROLS = prefixed_controls(
    "stf-sim",
    data=Output("stf-sim-result", "data"),
    prepare=prepare,
    states=(
        State("session-scenario", "data"),
        State("stf-voice-sl", "value"),
        State("stf-voice-s", "value"),
        State("stf-chat-sl", "value"),
        State("stf-chat-s", "value"),
        State("stf-sim-replications", "value"),
        State("stf-sim-budget", "value"),
    ),
    unit="candidate staffings",
    deliver=deliver,
)


def show_simulation(method: Any, scenario_label: Any) -> dict[str, str]:
    """The simulation controls appear once the page has its scenario and targets."""
    ready = method == "simulation" and bool(scenario_label)
    return {"display": "block" if ready else "none"}


def plan(
    site: str | None, group: str | None, day: str | None, voice_sl: Any, voice_s: Any,
    chat_sl: Any, chat_s: Any, method: Any, simulation: dict[str, Any] | None,
    store: dict[str, Any] | None, state: AppState | None = None,
):  # fmt: skip
    """(cards, table, figure, day options, error, short intervals) for the chosen site, group,
    day, targets and method (the simulated requirement when the page holds one for them)."""
    state = state or app_state()
    try:
        scenario, _ = edited_scenario(store, state)
        items = target_items(voice_sl, voice_s, chat_sl, chat_s)
        view = memo_view(scenario, items, simulation, str(method or "erlang"))
    except ScenarioError as exc:
        box = html.Div(str(exc), className="error-box", id="stf-error-message")
        return (*[dash.no_update] * 4, box, dash.no_update)
    if site not in view.site_timezones:
        raise PreventUpdate
    zone = view.site_timezones[site]
    one = None if group in (None, ALL_GROUPS) else group
    series = site_series(view, site, one)
    days = sorted(series["local_start"].dt.strftime("%Y-%m-%d").unique())
    day_options = [{"label": "Whole horizon", "value": WHOLE}] + [
        {"label": d, "value": d} for d in days
    ]
    chosen = day if day not in (None, WHOLE) and day in days else None
    if chosen is not None:
        series = series[series["local_start"].dt.strftime("%Y-%m-%d") == chosen]
    scope = "all groups" if one is None else f"group {group}"
    if chosen is not None:
        scope += f", {chosen}"
    currency = scenario.costs.currency
    table = html.Div([summary_table(view, currency),
                      reconcile_block(view, str(method), view.stale)])  # fmt: skip
    figure = staffing_figure(series, site, zone, scope, view.method, view.methods)
    short = short_table(short_rows(view, site, one, chosen), view, zone)
    return cards(view, currency), table, figure, day_options, None, short


def memo_view(
    scenario: Scenario, items: list[str], simulation: dict[str, Any] | None, method: str
) -> StaffingView:
    """`staffing_view`, kept for the last few scenarios, targets and methods asked (it plans
    the whole scenario; a page load or a change of site, group or day asks again). Read-only."""
    key = (scenario.model_dump_json(), tuple(items), json.dumps(simulation, sort_keys=True), method)
    return VIEWS.get(key, lambda: staffing_view(scenario, items, simulation, method))


def simulation_controls() -> html.Div:
    """Replications, time budget, Run/Cancel and the progress of the simulation job."""
    return html.Div([
        html.Div([
            html.Label("Replications per candidate", htmlFor="stf-sim-replications",
                       className="control-label"),
            dcc.Input(id="stf-sim-replications", type="number", value=3, min=2,
                      max=MAX_REPLICATIONS, step=1, className="field-input"),
            html.Label("Time budget (s)", htmlFor="stf-sim-budget", className="control-label"),
            dcc.Input(id="stf-sim-budget", type="number", value=120, min=1, step=1,
                      className="field-input"),
            html.Button("Run simulation", id="stf-sim-start", className="button button-primary"),
            html.Button("Cancel", id="stf-sim-cancel", className="button", disabled=True),
        ], className="toolbar-inline"),
        html.Div([
            html.Progress(id="stf-sim-progress", value="0", max="1"),
            html.Span(id="stf-sim-progress-text", className="panel-note"),
        ], className="progress-row"),
        html.Div(id="stf-sim-status", role="status"),
        *job_parts("stf-sim", PROGRESS_INTERVAL_MS),
        html.P("The simulation searches the fewest agents per group and interval that the "
               "simulator confirms meet every target (common random numbers, seed "
               f"{api.DEFAULT_SEED}); it runs in a worker process, the page stays usable and "
               "Cancel stops it. The time budget skips the search's refining steps.",
               className="panel-note"),
    ], id="stf-sim-controls", style={"display": "none"})  # fmt: skip


def layout(**_query: str) -> html.Div:
    def number(id_: str, lo: float, hi: float | None) -> dcc.Input:
        return dcc.Input(id=id_, type="number", min=lo, max=hi, debounce=True,
                         className="field-input")  # fmt: skip

    return html.Div([
        html.H1("Staffing", className="page-title"),
        html.P(["Scenario: ", html.Strong(id="stf-scenario")]),
        html.Section([
            html.Div([
                html.Label("Voice target: SL (%)", className="control-label"),
                number("stf-voice-sl", 1, 99.9),
                html.Label("within (s)", className="control-label"),
                number("stf-voice-s", 1, None),
                html.Label("Chat target: SL (%)", className="control-label"),
                number("stf-chat-sl", 1, 99.9),
                html.Label("within (s)", className="control-label"),
                number("stf-chat-s", 1, None),
            ], className="toolbar-inline"),
            html.Div([
                html.Label("Requirement", htmlFor="stf-method", className="control-label"),
                dcc.RadioItems(id="stf-method", value="erlang", inline=True, options=[
                    {"label": "Erlang (formulas, instant)", "value": "erlang"},
                    {"label": "Simulation (search, in the background)", "value": "simulation"},
                ]),
            ], className="toolbar-inline"),
            simulation_controls(),
            dcc.Store(id="stf-sim-result"),
            html.Div(id="stf-error"),
            html.Div(id="stf-cards"),
            dcc.Loading(html.Div(id="stf-table")),
        ], className="panel"),
        html.Section([
            html.Div([
                html.Label("Site", htmlFor="stf-site", className="control-label"),
                dcc.Dropdown(id="stf-site", clearable=False, className="control control-long"),
                html.Label("Group", htmlFor="stf-group", className="control-label"),
                dcc.Dropdown(id="stf-group", clearable=False, className="control"),
                html.Label("Day", htmlFor="stf-day", className="control-label"),
                dcc.Dropdown(
                    id="stf-day",
                    options=[{"label": "Whole horizon", "value": WHOLE}],
                    value=WHOLE,
                    clearable=False,
                    className="control",
                ),
            ], className="toolbar-inline"),
            graph_slot("stf-graph"),
            html.P("Required: the Erlang plan (Erlang C/A for voice and chat, backlog rules "
                   "for email) or the simulated staffing, grossed up for breaks and absenteeism. "
                   "Rostered: agents the scenario's shift lines log in. Red: fewer rostered than "
                   "required (agents compared to 0.1, as ccsim schedule does); amber: at least "
                   "2 agents and 25% more than required.", className="panel-note"),
            html.H3("Short intervals"),
            html.Div(id="stf-short"),
        ], className="panel"),
    ], id="stf-page")  # fmt: skip


def _with_graph(outputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """`page_view`'s outputs with the plan's figure as the graph for its slot."""
    return (*outputs[:11], drawn("stf-graph", outputs[11]), *outputs[12:])


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("stf-site", "options"),
        Output("stf-site", "value"),
        Output("stf-voice-sl", "value"),
        Output("stf-voice-s", "value"),
        Output("stf-chat-sl", "value"),
        Output("stf-chat-s", "value"),
        Output("stf-scenario", "children"),
        Output("stf-group", "options"),
        Output("stf-group", "value"),
        Output("stf-cards", "children"),
        Output("stf-table", "children"),
        Output(slot_id("stf-graph"), "children"),
        Output("stf-day", "options"),
        Output("stf-error", "children"),
        Output("stf-short", "children"),
        Input("session-scenario", "data"),
        Input("stf-page", "id"),
        Input("stf-site", "value"),
        Input("stf-group", "value"),
        Input("stf-day", "value"),
        Input("stf-voice-sl", "value"),
        Input("stf-voice-s", "value"),
        Input("stf-chat-sl", "value"),
        Input("stf-chat-s", "value"),
        Input("stf-method", "value"),
        Input("stf-sim-result", "data"),
    )(
        lambda store, _page, site, group, day, v_sl, v_s, c_sl, c_s, method, sim: _with_graph(
            page_view(store, site, group, day, (v_sl, v_s, c_sl, c_s), method, sim,
                      triggered=dash.ctx.triggered_id)
        )
    )  # fmt: skip
    app.callback(
        Output("stf-sim-controls", "style"),
        Input("stf-method", "value"),
        Input("stf-scenario", "children"),
    )(show_simulation)
    register_job(app, CONTROLS)
