"""Staffing page: agents required to meet the targets vs agents the scenario's shifts roster.

Planned with `sim.staffing`'s Erlang method for the session's scenario, per site and group on the
site's local clock; FTE and cost of the plan beside the roster's cost, and every interval that
is under- or overstaffed highlighted.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.staffing.figures import staffing_figure
from dashboard.pages.staffing.plan import site_series, staffing_view, totals
from dashboard.shared.session import edited_scenario
from dashboard.shared.state import AppState, app_state
from sim.api import ScenarioError

dash.register_page(__name__, path="/staffing", name="Staffing", title="Staffing · ccsim", order=4)

ALL_GROUPS = "__all__"
WHOLE = "__all__"


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


def _card(label: str, value: str, note: str, card_id: str) -> html.Div:
    parts = [
        html.Div(label, className="kpi-label"),
        html.Div(value, className="kpi-value"),
        html.Div(note, className="kpi-ci"),
    ]
    return html.Div(parts, className="kpi-card", id=card_id)


def _table(view: Any, currency: str) -> html.Table:
    head = ["Site", "Group", "Peak required", "Required agent-hours", "FTE (plan)",
            f"Plan cost ({currency})", "Rostered agent-hours", f"Roster cost ({currency})",
            "Intervals short", "Intervals over"]  # fmt: skip
    rows = []
    for r in view.summary.itertuples():
        cells = [r.site, r.group, f"{r.peak_required:.0f}", f"{r.required_hours:,.0f}",
                 f"{r.fte:.1f}", f"{r.cost:,.0f}", f"{r.rostered_hours:,.0f}",
                 f"{r.rostered_cost:,.0f}", str(r.under_intervals),
                 str(r.over_intervals)]  # fmt: skip
        rows.append(html.Tr([html.Td(c, className="num" if i > 1 else None)
                             for i, c in enumerate(cells)],
                            className="row-bad" if r.under_intervals else None))  # fmt: skip
    return html.Table([html.Thead(html.Tr([html.Th(h, className="num" if i > 1 else None)
                                           for i, h in enumerate(head)])),
                       html.Tbody(rows)], className="table", id="stf-table-body")  # fmt: skip


def plan(
    site: str | None, group: str | None, day: str | None, voice_sl: Any, voice_s: Any,
    chat_sl: Any, chat_s: Any, store: dict[str, Any] | None, state: AppState | None = None,
):  # fmt: skip
    """(cards, table, figure, day options, error) for the chosen site, group, day and targets."""
    state = state or app_state()
    try:
        scenario, _ = edited_scenario(store, state)
        view = staffing_view(scenario, target_items(voice_sl, voice_s, chat_sl, chat_s))
    except ScenarioError as exc:
        box = html.Div(str(exc), className="error-box", id="stf-error-message")
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update, box
    if site not in view.site_timezones:
        raise PreventUpdate
    zone = view.site_timezones[site]
    series = site_series(view, site, None if group in (None, ALL_GROUPS) else group)
    days = sorted(series["local_start"].dt.strftime("%Y-%m-%d").unique())
    day_options = [{"label": "Whole horizon", "value": WHOLE}] + [
        {"label": d, "value": d} for d in days
    ]
    if day not in (None, WHOLE) and day in days:
        series = series[series["local_start"].dt.strftime("%Y-%m-%d") == day]
    scope = "all groups" if group in (None, ALL_GROUPS) else f"group {group}"
    if day not in (None, WHOLE):
        scope += f", {day}"
    currency = scenario.costs.currency
    t = totals(view)
    cards = html.Div([
        _card("FTE required", f"{t['fte']:.1f}", "all sites, 40 h weeks, over the horizon",
              "stf-fte"),
        _card("Cost of the plan", f"{currency} {t['cost']:,.0f}",
              f"roster as scheduled: {currency} {t['rostered_cost']:,.0f}", "stf-cost"),
        _card("Understaffed intervals", f"{t['under_intervals']}", "group x interval, all sites",
              "stf-under"),
        _card("Overstaffed intervals", f"{t['over_intervals']}", "group x interval, all sites",
              "stf-over"),
    ], className="kpi-row")  # fmt: skip
    figure = staffing_figure(series, site, zone, scope)
    return cards, _table(view, currency), figure, day_options, None


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
            dcc.Loading(dcc.Graph(id="stf-graph")),
            html.P("Required: the Erlang plan (Erlang C/A for voice and chat, backlog rules "
                   "for email) grossed up for breaks and absenteeism. Rostered: agents the "
                   "scenario's shift lines log in. Red: fewer rostered than required; amber: "
                   "at least 2 agents and 25% more than required.", className="panel-note"),
        ], className="panel"),
    ], id="stf-page")  # fmt: skip


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("stf-site", "options"),
        Output("stf-site", "value"),
        Output("stf-voice-sl", "value"),
        Output("stf-voice-s", "value"),
        Output("stf-chat-sl", "value"),
        Output("stf-chat-s", "value"),
        Output("stf-scenario", "children"),
        Input("session-scenario", "data"),
        Input("stf-page", "id"),
    )(controls)
    app.callback(
        Output("stf-group", "options"),
        Output("stf-group", "value"),
        Input("stf-site", "value"),
        State("session-scenario", "data"),
    )(group_options)
    app.callback(
        Output("stf-cards", "children"),
        Output("stf-table", "children"),
        Output("stf-graph", "figure"),
        Output("stf-day", "options"),
        Output("stf-error", "children"),
        Input("stf-site", "value"),
        Input("stf-group", "value"),
        Input("stf-day", "value"),
        Input("stf-voice-sl", "value"),
        Input("stf-voice-s", "value"),
        Input("stf-chat-sl", "value"),
        Input("stf-chat-s", "value"),
        State("session-scenario", "data"),
    )(plan)
