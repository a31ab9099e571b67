"""Results page: the session's run (or the served run) with every headline KPI and its 95% CI.

KPI cards, intraday KPIs by queue with CI bands, the interval and site views (each site's KPIs per
interval on its own clock for a chosen day, with the target line, and an interval x site heatmap),
site x hour heatmaps of occupancy and service level on UTC or each site's local clock, the
customer-journey Sankey, and downloads of the summary and of the interval table.
"""

from __future__ import annotations

from typing import Any

import dash
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.results import figures as fr
from dashboard.pages.results import site_views
from dashboard.pages.results.downloads import interval_csv, interval_parquet, kpi_csv, kpi_parquet
from dashboard.shared.cards import RESULT_CARDS, build_cards, cards_row
from dashboard.shared.clock import day_label
from dashboard.shared.format import fmt_threshold
from dashboard.shared.graphs import drawn, graph_slot, slot_id
from dashboard.shared.session import current_token, run_options
from dashboard.shared.state import AppState, SessionRun, app_state
from sim.api import CHANNELS, Model

dash.register_page(__name__, path="/results", name="Results", title="Results · ccsim", order=3)

WHOLE = "__all__"
CLOCKS = [{"label": "UTC", "value": "utc"}, {"label": "Each site's local time", "value": "local"}]
METRIC_OPTIONS = [{"label": name, "value": key} for key, name in fr.INTRADAY_NAMES.items()]


def _run(token: str | None, state: AppState | None = None) -> SessionRun:
    run = (state or app_state()).get(token)
    if run is None:
        raise PreventUpdate
    return run


def queue_labels(model: Model) -> dict[str, str]:
    """Queue -> 'name (channel, SL threshold)' in the scenario's order."""
    return {
        name: f"{name} ({CHANNELS[ch]}, SL {fmt_threshold(float(t))})"
        for name, ch, t in zip(
            model.type_names, model.type_channel, model.sl_threshold_s, strict=True
        )  # fmt: skip
    }


def pick_run(runs: dict[str, Any] | None, _page: Any = None, state: AppState | None = None):
    """Run dropdown options (this session's runs and the served run) and the current one."""
    state = state or app_state()
    return run_options(runs, state), current_token(runs)


def overview(token: str | None, state: AppState | None = None):
    """Cards, provenance line, and the queue/day controls for the picked run (built once per
    run: the day options read the whole interval table)."""
    run = _run(token, state)
    return run.memo.get("overview", lambda: _overview(run))


def _overview(run: SessionRun):
    result, model = run.result, run.result.model
    cards = cards_row(build_cards(result, RESULT_CARDS), "res-kpi", model.scenario.costs.currency)
    info = (
        f"{run.label}: {result.replications} replications, seed {result.seed}, ccsim "
        f"{result.version}, scenario hash {model.scenario_hash}; means with 95% CIs"
    )
    labels = queue_labels(model)
    options = [{"label": label, "value": q} for q, label in labels.items()]
    voice_chat = [q for q, ch in zip(model.type_names, model.type_channel, strict=True)
                  if CHANNELS[ch] in ("voice", "chat")]  # fmt: skip
    table = result.interval_table()
    local_days = (
        table.loc[table["dimension"] == "overall", "interval_start_utc"]
        .dt.tz_convert(model.scenario.reporting.timezone)
        .dt.strftime("%Y-%m-%d")
    )
    counts = local_days.value_counts()
    days = sorted(counts.index)  # fmt: skip
    day_options = [{"label": "Whole horizon", "value": WHOLE}] + [
        {"label": day_label(d), "value": d} for d in days
    ]
    full = [d for d in days if counts[d] == counts.max()]
    first = full[0] if full else WHOLE  # the first whole day reads best
    return cards, info, options, voice_chat or list(labels), day_options, first


def overview_and_intraday(
    token: str | None, metric: str, queues: list[str] | None, day: str | None,
    triggered: Any = None, state: AppState | None = None,
) -> tuple[Any, ...]:  # fmt: skip
    """`overview` and the `intraday` figure in one callback, so a page load draws the chart in
    the same round as the cards: a new run (`triggered` is the run dropdown, or the first call)
    resets the queues and the day to its own, another control keeps them."""
    if triggered not in (None, "res-run"):
        return (*[dash.no_update] * 6, intraday(token, metric, queues, day, state))
    cards, info, options, ticked, days, first = overview(token, state)
    return cards, info, options, ticked, days, first, intraday(token, metric, ticked, first, state)


def intraday(
    token: str | None, metric: str, queues: list[str] | None, day: str | None,
    state: AppState | None = None,
) -> go.Figure:  # fmt: skip
    """The chosen KPI per interval for the ticked queues, in the reporting time zone."""
    run = _run(token, state)
    if metric not in fr.INTRADAY_METRICS:
        raise PreventUpdate
    labels = {q: label for q, label in queue_labels(run.result.model).items()
              if q in set(queues or ())}  # fmt: skip
    zone = run.result.model.scenario.reporting.timezone
    on_day = None if day in (None, WHOLE) else day
    return run.memo.get(
        ("intraday", metric, tuple(labels), on_day),
        lambda: fr.intraday_figure(run.result.interval_table(), metric, labels, zone, on_day),
    )


def heatmaps(token: str | None, clock: str, state: AppState | None = None):
    """Occupancy and service-level heatmaps, site x hour of day, on the chosen clock."""
    if clock not in ("utc", "local"):
        raise PreventUpdate
    run = _run(token, state)
    model = run.result.model
    zones = dict(zip(model.site_names, model.site_timezones, strict=True))

    def build() -> tuple[go.Figure, go.Figure]:
        table = run.result.interval_table()
        return (
            fr.heatmap_figure(table, zones, "occupancy", clock),
            fr.heatmap_figure(table, zones, "sl_answered", clock),
        )

    return run.memo.get(("heatmaps", clock), build)


def journey(token: str | None, state: AppState | None = None) -> go.Figure:
    run = _run(token, state)
    return run.memo.get("sankey", lambda: fr.sankey_figure(run.journey))


DOWNLOADS = {  # table -> (file name suffix, CSV writer, Parquet writer)
    "kpis": ("kpis", kpi_csv, kpi_parquet),
    "intervals": ("intervals", interval_csv, interval_parquet),
}


def download(
    n_csv: int | None, n_parquet: int | None, token: str | None, fmt: str,
    state: AppState | None = None, table: str = "kpis",
) -> dict[str, Any]:  # fmt: skip
    """The summary (every KPI: dimension, key, metric, mean, se, CI, n) or the interval table
    (every per-interval KPI, site rows also on the site's clock) as CSV or Parquet."""
    if not (n_csv if fmt == "csv" else n_parquet):
        raise PreventUpdate
    run = _run(token, state)
    suffix, to_csv, to_parquet = DOWNLOADS[table]
    name = f"{run.result.model.scenario.name}-{suffix}"
    if fmt == "csv":
        return dict(content=to_csv(run.result), filename=f"{name}.csv", type="text/csv")
    return dcc.send_bytes(to_parquet(run.result), f"{name}.parquet")


def layout(**_query: str) -> html.Div:
    return html.Div([
        html.H1("Results", className="page-title"),
        html.Div([
            html.Label("Run", htmlFor="res-run", className="control-label"),
            dcc.Dropdown(id="res-run", clearable=False, className="control control-run"),
            html.Button("Download KPIs (CSV)", id="res-csv-btn", className="button"),
            html.Button("Download KPIs (Parquet)", id="res-parquet-btn", className="button"),
            html.Button("Download intervals (CSV)", id="res-int-csv-btn", className="button"),
            html.Button("Download intervals (Parquet)", id="res-int-parquet-btn",
                        className="button"),
            dcc.Download(id="res-download"),
        ], className="toolbar"),
        html.P(id="res-info", className="panel-note"),
        html.Div(id="res-cards"),
        html.Section([
            html.Div([
                html.Label("KPI", htmlFor="res-metric", className="control-label"),
                dcc.Dropdown(id="res-metric", options=METRIC_OPTIONS, value="service_level",
                             clearable=False, className="control"),
                html.Label("Day", htmlFor="res-day", className="control-label"),
                dcc.Dropdown(id="res-day", clearable=False, className="control"),
            ], className="toolbar-inline"),
            dcc.Checklist(id="res-queues", inline=True, className="control control-wide"),
            graph_slot("res-intraday"),
            html.P("Each contact counts in the interval it arrived; shaded bands are 95% CIs "
                   "across replications. Time axis in the scenario's reporting time zone.",
                   className="panel-note"),
        ], className="panel"),
        site_views.section(),
        html.Section([
            html.Div([
                html.Label("Time axis", htmlFor="res-clock", className="control-label"),
                dcc.RadioItems(id="res-clock", options=CLOCKS, value="utc", inline=True,
                               className="control"),
            ], className="toolbar-inline"),
            graph_slot("res-heat-occupancy"),
            graph_slot("res-heat-sl"),
            html.P("Local time puts each site's own working day on the same hours: a night "
                   "shift in Manila and a day shift in Mexico City line up where they work. "
                   "Service level here counts answered contacts of every channel against their "
                   "queue's threshold (abandoned contacts have no site).",
                   className="panel-note"),
        ], className="panel"),
        html.Section([
            graph_slot("res-sankey"),
            html.P("Widths are mean contacts per replication. Unresolved answers come back as "
                   "repeat contacts (left), so a contact center with poor first-contact "
                   "resolution sees its own work return.", className="panel-note"),
        ], className="panel"),
    ], id="res-page")  # fmt: skip


def _drawn_last(graph_id: str, outputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """`outputs` with the last one, a figure, as the graph `graph_id` for its slot."""
    return (*outputs[:-1], drawn(graph_id, outputs[-1]))


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("res-run", "options"),
        Output("res-run", "value"),
        Input("session-runs", "data"),
        Input("res-page", "id"),
    )(pick_run)
    app.callback(
        Output("res-cards", "children"),
        Output("res-info", "children"),
        Output("res-queues", "options"),
        Output("res-queues", "value"),
        Output("res-day", "options"),
        Output("res-day", "value"),
        Output(slot_id("res-intraday"), "children"),
        Input("res-run", "value"),
        Input("res-metric", "value"),
        Input("res-queues", "value"),
        Input("res-day", "value"),
    )(lambda *values: _drawn_last("res-intraday", overview_and_intraday(
        *values, triggered=dash.ctx.triggered_id)))  # fmt: skip
    app.callback(
        Output(slot_id("res-heat-occupancy"), "children"),
        Output(slot_id("res-heat-sl"), "children"),
        Input("res-run", "value"),
        Input("res-clock", "value"),
    )(lambda token, clock: tuple(
        drawn(i, f) for i, f in zip(("res-heat-occupancy", "res-heat-sl"),
                                    heatmaps(token, clock), strict=True)))  # fmt: skip
    app.callback(Output(slot_id("res-sankey"), "children"), Input("res-run", "value"))(
        lambda token: drawn("res-sankey", journey(token))
    )
    for i, (button, fmt, table) in enumerate((
        ("res-csv-btn", "csv", "kpis"), ("res-parquet-btn", "parquet", "kpis"),
        ("res-int-csv-btn", "csv", "intervals"), ("res-int-parquet-btn", "parquet", "intervals"),
    )):  # fmt: skip
        app.callback(
            Output("res-download", "data", allow_duplicate=i > 0),
            Input(button, "n_clicks"),
            State("res-run", "value"),
            prevent_initial_call=True,
        )(lambda n, token, fmt=fmt, table=table: download(n, n, token, fmt, table=table))
    site_views.register_callbacks(app)
