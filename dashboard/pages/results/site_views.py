"""The results page's interval and site views: a day, a channel, and each site on its own clock.

Controls (channel, day, which calendar the day is read on, heatmap KPI), one chart per site of
SL, ASA, abandonment and occupancy per interval with the target line, and the interval x site
heatmap. The numbers are `RunResult.site_interval_table()`; the page registers the callbacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dash
import pandas as pd
from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.results import site_figures as sf
from dashboard.shared.cards import channel_targets
from dashboard.shared.clock import day_label
from dashboard.shared.graphs import drawn, graph_slot, slot_id
from dashboard.shared.plotting import placeholder
from dashboard.shared.state import AppState, SessionRun, app_state
from sim.api import CHANNELS
from sim.kpis.registry import kpi

if TYPE_CHECKING:
    from sim.results import RunResult

BASES = [
    {"label": "Customers' calendar (reporting time zone)", "value": "reporting"},
    {"label": "Each site's own calendar", "value": "site"},
]
HEAT_OPTIONS = [{"label": sf.title_case(kpi(m).label), "value": m} for m in sf.HEATMAP_KPIS]
OLD_RUN = "This run was made before per-site interval KPIs were recorded: run it again to see them"


def _run(token: str | None, state: AppState | None) -> SessionRun:
    run = (state or app_state()).get(token)
    if run is None:
        raise PreventUpdate
    return run


def busiest_day(table: pd.DataFrame) -> str | None:
    """The reporting date with the most contacts offered (Black Friday in the peak season)."""
    if table.empty:
        return None
    return str(table.groupby("reporting_date")["offered"].sum().idxmax())


def site_controls(token: str | None, state: AppState | None = None):
    """Channel and day options for the run: channels in scenario order, days on its calendar."""
    run = _run(token, state)
    result, table = run.result, run.site_interval_table()
    if table.empty:
        return [], None, [], None
    present = set(table["channel"])
    order = [CHANNELS[c] for c in result.model.type_channel]
    channels = [c for c in dict.fromkeys(order) if c in present]
    busiest = busiest_day(table)
    days = sorted(table["reporting_date"].unique())
    day_options = [
        {"label": day_label(d) + (" (busiest)" if d == busiest else ""), "value": d} for d in days
    ]
    return [{"label": c, "value": c} for c in channels], channels[0], day_options, busiest


def day_rows(table: pd.DataFrame, channel: str, day: str, basis: str) -> pd.DataFrame:
    """One channel's rows on one day, read on the customers' or on each site's calendar."""
    column = "site_date" if basis == "site" else "reporting_date"
    return table[(table["channel"] == channel) & (table[column] == day)]


def site_views(
    token: str | None, channel: str | None, day: str | None, basis: str, metric: str,
    state: AppState | None = None,
) -> tuple[list[Any], Any, str]:  # fmt: skip
    """Per-site charts, the interval x site heatmap, and the note naming the grey threshold."""
    run = _run(token, state)
    return run.memo.get(
        ("site_views", channel, day, basis, metric),
        lambda: _site_views(run.result, run.site_interval_table(), channel, day, basis, metric),
    )


def _site_views(
    result: RunResult, table: pd.DataFrame, channel: str | None, day: str | None, basis: str,
    metric: str,
) -> tuple[list[Any], Any, str]:  # fmt: skip
    if table.empty:
        return (
            [html.P(OLD_RUN, className="panel-note")],
            placeholder("Interval x site", OLD_RUN),
            "",
        )
    if channel is None or day is None or metric not in sf.HEATMAP_KPIS:
        raise PreventUpdate
    rows = day_rows(table, channel, day, basis)
    target, threshold_s = channel_targets(result)[channel]
    model = result.model
    zones = dict(zip(model.site_names, model.site_timezones, strict=True))
    charts = [
        dcc.Graph(
            id=f"res-site-chart-{site}",
            className="site-chart",
            figure=sf.site_figure(
                rows[rows["site"] == site], site, channel, target, threshold_s, day
            ),  # fmt: skip
        )
        for site in model.site_names
        if site in set(table.loc[table["channel"] == channel, "site"])
    ]
    heat = sf.interval_heatmap(rows, metric, channel, day, zones)
    note = (
        f"Grey cells: fewer than {sf.MIN_CONTACTS:g} {channel} contacts offered in the interval "
        "(mean per replication), too few to read a ratio from. Hover a cell for its contact counts."
    )
    return charts, heat, note


def section() -> html.Section:
    """The interval and site views' panel."""
    return html.Section([
        html.H2("Interval and site views", className="panel-title"),
        html.Div([
            html.Label("Channel", htmlFor="res-site-channel", className="control-label"),
            dcc.Dropdown(id="res-site-channel", clearable=False, className="control"),
            html.Label("Day", htmlFor="res-site-day", className="control-label"),
            dcc.Dropdown(id="res-site-day", clearable=False, className="control"),
            dcc.RadioItems(id="res-site-basis", options=BASES, value="reporting", inline=True,
                           className="control"),
        ], className="toolbar-inline"),
        html.P("Each site on its own local clock. Abandoned contacts reach no agent, so no site: "
               "each interval's unanswered contacts of a queue are shared among the sites in "
               "proportion to the contacts of that queue each took; where no site took any (the "
               "queue was not staffed) they show in the heatmap as 'no site', so the counts add "
               "up to the channel's. The dashed "
               "line is the channel's SL target; the dotted one its SL threshold. The scenario "
               "sets no target for abandonment or occupancy. Occupancy is the site's agents "
               "over every channel they serve.", className="panel-note"),
        dcc.Loading(html.Div(id="res-site-charts"), type="circle"),
        html.Div([
            html.Label("Heatmap KPI", htmlFor="res-site-heat-metric", className="control-label"),
            dcc.Dropdown(id="res-site-heat-metric", options=HEAT_OPTIONS, value="service_level",
                         clearable=False, className="control"),
        ], className="toolbar-inline"),
        graph_slot("res-site-heat"),
        html.P(id="res-site-heat-note", className="panel-note"),
    ], className="panel", id="res-sites")  # fmt: skip


def controls_and_views(
    token: str | None, channel: str | None, day: str | None, basis: str, metric: str,
    triggered: Any = None, state: AppState | None = None,
) -> tuple[Any, ...]:  # fmt: skip
    """(channel options and value, day options and value, charts, heatmap, note) in one
    callback, so a page load draws the charts in the same round as it picks the run: a new run
    (`triggered` is the run dropdown, or the first call) resets channel and day to its own,
    another control keeps them."""
    if triggered not in (None, "res-run"):
        return (*[dash.no_update] * 4, *site_views(token, channel, day, basis, metric, state))
    picked = site_controls(token, state)
    return (*picked, *site_views(token, picked[1], picked[3], basis, metric, state))


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("res-site-channel", "options"),
        Output("res-site-channel", "value"),
        Output("res-site-day", "options"),
        Output("res-site-day", "value"),
        Output("res-site-charts", "children"),
        Output(slot_id("res-site-heat"), "children"),
        Output("res-site-heat-note", "children"),
        Input("res-run", "value"),
        Input("res-site-channel", "value"),
        Input("res-site-day", "value"),
        Input("res-site-basis", "value"),
        Input("res-site-heat-metric", "value"),
    )(
        lambda *values: _with_heat_graph(
            controls_and_views(*values, triggered=dash.ctx.triggered_id)
        )
    )


def _with_heat_graph(outputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """`outputs` with the heatmap's figure as the graph for its slot."""
    return (*outputs[:-2], drawn("res-site-heat", outputs[-2]), outputs[-1])
