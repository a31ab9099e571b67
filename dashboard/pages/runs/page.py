"""Past runs page: the run store's saved runs (CLI `--save` or this dashboard), opened by id.

The list is the store's own index (`ccsim runs` shows the same); opening a run rebuilds its
result on the server and adds it to this session's runs, so Results and Compare can show it.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.shared.cards import fmt_kind
from dashboard.shared.session import add_run, run_entry
from dashboard.shared.state import AppState, app_state
from dashboard.shared.stored_runs import list_runs, load_run
from sim.api import ScenarioError
from sim.kpis.registry import format_value

dash.register_page(__name__, path="/runs", name="Past runs", title="Past runs · ccsim", order=7)

OPEN = "runs-open"
HEADLINE = (
    ("abandon_rate", "Abandonment", "percent"),
    ("cost_total", "Total cost", "money"),
)
PER_CHANNEL = (("service_level", "SL by channel"), ("asa_s", "ASA by channel"))  # never blended


def per_channel(headline: dict[str, Any], metric: str) -> str:
    """'voice 84.0% · chat 96.6%' from a stored headline's `metric.channel` entries (registry
    formats, ASA in s or h by channel); a dash for runs stored before they were kept."""
    parts = [
        f"{channel} {format_value(metric, value, channel=channel)}"
        for key, value in headline.items()
        if key.startswith(f"{metric}.") and (channel := key.split(".", 1)[1])
    ]
    return " · ".join(parts) or "–"


def runs_table(_n: Any = None, _page: Any = None, state: AppState | None = None) -> Any:
    """The store's runs, newest first, each with an Open button."""
    state = state or app_state()
    try:
        rows = list_runs(state.store_root)
    except Exception as exc:  # noqa: BLE001 - an unreadable store is a message, not a crash
        return html.Div(
            f"cannot read the run store {state.store_root}: {exc}", className="error-box"
        )
    if not rows:
        return html.P(
            f"No saved runs in {state.store_root} yet: save one from the Run page "
            "or with `ccsim run --save`.",
            className="muted",
            id="runs-empty",
        )
    head = [
        "Created (UTC)",
        "Scenario",
        "Replications",
        "Seed",
        *[h[1] for h in PER_CHANNEL],
        *[h[1] for h in HEADLINE],
        "Command",
        "",
    ]
    body = []
    for r in rows:
        headline = r.get("headline") or {}
        cells = [
            (r.get("created_utc") or "").replace("T", " ")[:19],
            r.get("scenario") or "",
            r.get("replications"),
            r.get("seed"),
            *[per_channel(headline, m) for m, _ in PER_CHANNEL],
            *[fmt_kind(headline.get(m), kind, r["currency"]) for m, _, kind in HEADLINE],
            html.Code(r.get("command") or ""),
            html.Button(
                "Open", id={"type": OPEN, "id": r["id"]}, className="button", title=r["id"]
            ),
        ]
        body.append(html.Tr([html.Td(c) for c in cells]))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="table",
        id="runs-list",
    )


def open_run(
    clicks: list[int | None],
    runs: dict[str, Any] | None,
    run_id: str | None = None,
    state: AppState | None = None,
) -> tuple[Any, Any]:
    """Load the clicked run into this session's runs (the id comes from the listed buttons)."""
    if run_id is None:
        if not any(clicks or []) or not isinstance(ctx.triggered_id, dict):
            raise PreventUpdate
        run_id = str(ctx.triggered_id.get("id"))
    state = state or app_state()
    try:
        run = load_run(state.store_root, run_id)
    except ScenarioError as exc:
        return dash.no_update, html.Div(str(exc), className="error-box", id="runs-error")
    token = state.put(run)
    message = html.Div(
        [f"Opened {run_id}. ", dcc.Link("See it on the Results page", href="/results")],
        className="ok-box",
        id="runs-opened",
    )
    return add_run(runs, run_entry(token, run, run.result.seed)), message


def layout(**_query: str) -> html.Div:
    state = app_state()
    return html.Div(
        [
            html.H1("Past runs", className="page-title"),
            html.Section(
                [
                    html.Div(
                        [
                            html.Span(f"Run store: {state.store_root}", className="panel-note"),
                            html.Button("Refresh", id="runs-refresh", className="button"),
                        ],
                        className="toolbar-inline",
                    ),
                    html.Div(id="runs-message"),
                    html.Div(id="runs-table"),
                ],
                className="panel",
            ),
        ],
        id="runs-page",
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("runs-table", "children"),
        Input("runs-refresh", "n_clicks"),
        Input("runs-page", "id"),
    )(runs_table)
    app.callback(
        Output("session-runs", "data", allow_duplicate=True),
        Output("runs-message", "children"),
        Input({"type": OPEN, "id": ALL}, "n_clicks"),
        State("session-runs", "data"),
        prevent_initial_call=True,
    )(open_run)
