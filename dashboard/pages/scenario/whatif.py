"""The Scenario page's What-if section: edit a working copy, keep versions, weigh it against the
baseline on one screen. Drawn when first opened (then open for the rest of the session), so the
page's first paint is the scenario form alone.

Edits (headcount ±x% per site, group or shift line; one peak on every contact type; shift lines
added or removed) are `sim.api`'s pure what-if functions (`whatif_edits`); the summary redraws on
every edit. "Baseline vs what-if" runs both sides on the same seed and replication indices
(common random numbers, `sim.api.compare` through the Compare page's job) as a background job on
the app's workers, with progress and cancel, and shows the paired differences with their CIs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import ALL, Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.compare.experiments import compare_job, shortened
from dashboard.pages.compare.figures import difference_figure
from dashboard.pages.scenario import whatif_edits as ed
from dashboard.pages.scenario.whatif_view import (
    DOWNLOAD,
    RM_SHIFT,
    USE,
    group_options,
    peak_view,
    shift_table,
    side_options,
    summary_view,
    target_options,
    versions_view,
)
from dashboard.shared.job_controls import JobControls, job_parts, register_job
from dashboard.shared.state import AppState, app_state
from sim import api
from sim.api import ScenarioError

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_OPTIONS = [{"label": f"first {d} day{'s' if d > 1 else ''}", "value": d} for d in (1, 2, 7)]
DAY_OPTIONS.append({"label": "whole horizon", "value": 0})
MAX_REPLICATIONS = 20


def _whole(value: Any, lo: int, hi: int | None, name: str) -> int:
    ok = isinstance(value, int | float) and float(value).is_integer() and value >= lo
    if not ok or (hi is not None and value > hi):
        upper = f" to {hi}" if hi is not None else " or more"
        raise ScenarioError(f"{name}: enter a whole number from {lo}{upper}")
    return int(value)


def prepare(
    state: AppState, baseline: str | None, whatif: str | None, replications: Any, seed: Any,
    days: Any, base: dict[str, Any] | None, session_scenario: dict[str, Any] | None,
    work: dict[str, Any] | None, versions: dict[str, Any] | None,
) -> tuple[Callable[..., Any], tuple[Any, ...]]:  # fmt: skip
    """The paired comparison job of the what-if against the baseline, or why not."""
    reps = _whole(replications, 2, MAX_REPLICATIONS, "replications")
    seed_ = _whole(seed, 0, None, "seed")
    sc_a, label_a = ed.pick(baseline, work, versions, base, session_scenario, state)
    sc_b, label_b = ed.pick(whatif, work, versions, base, session_scenario, state)
    if sc_a.model_dump(mode="json") == sc_b.model_dump(mode="json"):
        raise ScenarioError("the what-if is the same scenario as the baseline: edit the working "
                            "copy (or pick another version) first")  # fmt: skip
    sc_a, sc_b = shortened(sc_a, days or None), shortened(sc_b, days or None)
    return compare_job, ((sc_a, None, label_a), (sc_b, None, label_b), reps, seed_)


def render_result(record: dict[str, Any] | None) -> Any:
    """Verdict, the paired-differences table (rows coloured better / worse, plain within noise)
    and the relative-difference chart of a finished comparison."""
    if not record:
        return html.P("Pick a baseline and a what-if, then press Run baseline vs what-if.",
                      className="muted")  # fmt: skip
    head = ["KPI", record["label_a"], record["label_b"], "What-if − baseline (± paired 95% CI)",
            "Relative", ""]  # fmt: skip
    rows = []
    for r in record["rows"]:
        rel = "–" if r["rel"] is None else f"{100 * r['rel']:+.1f}%"
        cells = [r["label"], r["a_text"], r["b_text"], r["diff_text"], rel, r["direction"]]
        rows.append(html.Tr([html.Td(c) for c in cells], className=f"row-{r['direction']}"))
    note = (f"{record['replications']} paired replications, seed {record['seed']}: both sides "
            "meet the same customers (common random numbers).")  # fmt: skip
    return html.Div([
        html.P(record["verdict"], className="verdict", id="whatif-verdict"),
        html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                   className="table", id="whatif-diff-table"),
        html.P(note, className="panel-note"),
        dcc.Graph(figure=difference_figure(record), id="whatif-diff-graph"),
    ])  # fmt: skip


def redraw(work: dict[str, Any] | None, base: dict[str, Any] | None,
           session_scenario: dict[str, Any] | None, state: AppState | None = None):  # fmt: skip
    """(summary, shift lines, peaks, scale targets, groups) of the working copy."""
    if not isinstance(work, dict) or not isinstance(work.get("scenario"), dict):
        raise PreventUpdate
    try:
        baseline, _ = ed.session_scenario_dict(base, session_scenario, state or app_state())
    except ScenarioError:
        baseline = None
    data = work["scenario"]
    return (summary_view(work, baseline), shift_table(data), peak_view(data),
            target_options(data), group_options(data))  # fmt: skip


def redraw_versions(versions: dict[str, Any] | None, baseline: str | None, whatif: str | None):
    """(versions table, baseline options and value, what-if options and value)."""
    a_opts, b_opts = side_options(versions)
    keep = lambda v, opts, default: v if v in {o["value"] for o in opts} else default  # noqa: E731
    return (versions_view(versions), a_opts, keep(baseline, a_opts, ed.SESSION),
            b_opts, keep(whatif, b_opts, ed.WORKING))  # fmt: skip


def clicked(ids: list[dict[str, Any]], clicks: list[Any], triggered: Any) -> Any:
    """The pattern id of the button really clicked (not one merely redrawn with 0 clicks)."""
    for id_, n in zip(ids, clicks, strict=False):
        if id_ == triggered and n:
            return id_
    return None


CONTROLS = JobControls(
    name="whatif", start="whatif-start", cancel="whatif-cancel", progress="whatif-progress",
    progress_text="whatif-progress-text", status="whatif-status",
    data=Output("whatif-cmp-data", "data"), prepare=prepare, unit="runs of baseline and what-if",
    states=(State("whatif-baseline", "value"), State("whatif-side", "value"),
            State("whatif-reps", "value"), State("whatif-seed", "value"),
            State("whatif-days", "value"), State("session-base", "data"),
            State("session-scenario", "data"), State("whatif-work", "data"),
            State("whatif-versions", "data")),
)  # fmt: skip


def _label(text: str, for_: str) -> html.Label:
    return html.Label(text, htmlFor=for_, className="control-label")


def _text(id_: str, value: str = "", placeholder: str = "", wide: bool = False) -> dcc.Input:
    return dcc.Input(id=id_, type="text", value=value, placeholder=placeholder,
                     className="field-input field-wide" if wide else "field-input")  # fmt: skip


def _number(id_: str, value: float, **bounds: Any) -> dcc.Input:
    return dcc.Input(id=id_, type="number", value=value, step="any", className="field-input",
                     **bounds)  # fmt: skip


def layout() -> html.Section:
    """The section placed on the Scenario page: closed until opened (its body, `body()`, is the
    heaviest part of the page to draw), then kept open for the browser session."""
    return html.Section([
        html.H2("What-if"),
        html.P("Edit a working copy of the session's scenario, keep named versions, and weigh a "
               "version against the baseline. Scaling headcount moves the chosen lines' total "
               "to the nearest whole agent (halves up), spread over the lines by largest "
               "remainder.", className="panel-note"),
        html.Button("Open the what-if section", id="whatif-open", className="button"),
        dcc.Store(id="whatif-opened", storage_type="session"),
        html.Div(id="whatif-body"),
    ], className="panel", id="whatif")  # fmt: skip


def open_section(n_clicks: Any, _page: Any, opened: Any) -> tuple[Any, bool, dict[str, str]]:
    """(section body, opened, style of the Open button) once opened in this session."""
    if not n_clicks and not opened:
        raise PreventUpdate
    return body(), True, {"display": "none"}


def body() -> html.Div:
    """The section's controls, views and stores."""
    return html.Div([
        html.Div([html.Button("Start again from the session scenario", id="whatif-reset",
                              className="button")], className="toolbar-inline"),
        html.Div(id="whatif-msg", role="status"),
        html.Div([
            html.Div([
                html.H3("Scale headcount"),
                html.Div([_label("Apply to", "whatif-target"),
                          dcc.Dropdown(id="whatif-target", value="all", clearable=False,
                                       options=[{"label": "All sites", "value": "all"}],
                                       className="control control-run"),
                          _label("Change (%)", "whatif-percent"),
                          _number("whatif-percent", 10, min=-100, max=1000),
                          html.Button("Apply", id="whatif-scale", className="button")],
                         className="toolbar-inline"),
                html.H3("One peak for every contact type"),
                html.Div([_label("From", "whatif-peak-start"),
                          _text("whatif-peak-start", placeholder="YYYY-MM-DD", wide=True),
                          _label("to", "whatif-peak-end"),
                          _text("whatif-peak-end", placeholder="YYYY-MM-DD", wide=True),
                          _label("Multiplier", "whatif-peak-mult"),
                          _number("whatif-peak-mult", 1.5, min=0),
                          html.Button("Set peak", id="whatif-peak-set", className="button"),
                          html.Button("Remove peak", id="whatif-peak-remove", className="button")],
                         className="toolbar-inline"),
                html.Div(id="whatif-peaks-view"),
                html.H3("Shift lines"),
                html.Div([_label("Group", "whatif-shift-group"),
                          dcc.Dropdown(id="whatif-shift-group", clearable=False,
                                       className="control"),
                          _label("From", "whatif-shift-start"),
                          _text("whatif-shift-start", "08:00"),
                          _label("to", "whatif-shift-end"), _text("whatif-shift-end", "16:00"),
                          _label("Agents", "whatif-shift-headcount"),
                          _number("whatif-shift-headcount", 5, min=0),
                          html.Button("Add shift line", id="whatif-shift-add", className="button")],
                         className="toolbar-inline"),
                dcc.Checklist(id="whatif-shift-days", options=WEEKDAYS, value=WEEKDAYS[:5],
                              inline=True, className="control control-wide"),
                html.Div(id="whatif-shifts-view"),
            ]),
            html.Div([html.H3("Summary (live)"), html.Div(id="whatif-summary")]),
        ], className="columns"),
        html.H3("Versions"),
        html.Div([_label("Name", "whatif-version-name"),
                  _text("whatif-version-name", placeholder="e.g. manila +10%", wide=True),
                  html.Button("Save version", id="whatif-save", className="button")],
                 className="toolbar-inline"),
        html.Div(id="whatif-versions-view"),
        dcc.Download(id="whatif-download"),
        html.H3("Baseline vs what-if"),
        html.Div([_label("Baseline", "whatif-baseline"),
                  dcc.Dropdown(id="whatif-baseline", value=ed.SESSION, clearable=False,
                               className="control"),
                  _label("What-if", "whatif-side"),
                  dcc.Dropdown(id="whatif-side", value=ed.WORKING, clearable=False,
                               className="control")], className="toolbar-inline"),
        html.Div([_label("Replications", "whatif-reps"),
                  _number("whatif-reps", 3, min=2, max=MAX_REPLICATIONS),
                  _label("Seed", "whatif-seed"), _number("whatif-seed", api.DEFAULT_SEED, min=0),
                  _label("Simulate", "whatif-days"),
                  dcc.Dropdown(id="whatif-days", options=DAY_OPTIONS, value=0, clearable=False,
                               className="control"),
                  html.Button("Run baseline vs what-if", id="whatif-start",
                              className="button button-primary"),
                  html.Button("Cancel", id="whatif-cancel", className="button", disabled=True)],
                 className="toolbar-inline"),
        html.Div([html.Progress(id="whatif-progress", value="0", max="1"),
                  html.Span(id="whatif-progress-text", className="panel-note")],
                 className="progress-row"),
        html.Div(id="whatif-status", role="status"),
        html.Div(id="whatif-result"),
        dcc.Store(id="whatif-work", storage_type="session"),
        dcc.Store(id="whatif-versions", storage_type="session"),
        dcc.Store(id="whatif-cmp-data", storage_type="session"),
        *job_parts("whatif"),
    ])  # fmt: skip


def register_callbacks(app: Dash) -> None:
    """Wire the section on `app`."""
    app.callback(
        Output("whatif-body", "children"), Output("whatif-opened", "data"),
        Output("whatif-open", "style"), Input("whatif-open", "n_clicks"),
        Input("scn-page", "id"), State("whatif-opened", "data"),
    )(open_section)  # fmt: skip
    work_out = (Output("whatif-work", "data", allow_duplicate=True),
                Output("whatif-msg", "children", allow_duplicate=True))  # fmt: skip
    work = State("whatif-work", "data")
    app.callback(
        *work_out, Input("whatif-reset", "id"), Input("whatif-reset", "n_clicks"),
        Input("session-base", "data"), Input("session-scenario", "data"), work,
        prevent_initial_call="initial_duplicate",
    )(lambda *a: ed.start_work(*a, triggered=dash.ctx.triggered_id))  # fmt: skip
    app.callback(
        Output("whatif-summary", "children"), Output("whatif-shifts-view", "children"),
        Output("whatif-peaks-view", "children"), Output("whatif-target", "options"),
        Output("whatif-shift-group", "options"),
        Input("whatif-work", "data"), State("session-base", "data"),
        State("session-scenario", "data"),
    )(redraw)  # fmt: skip
    app.callback(*work_out, Input("whatif-scale", "n_clicks"), work,
                 State("whatif-target", "value"), State("whatif-percent", "value"),
                 prevent_initial_call=True)(ed.scale)  # fmt: skip
    peak = (State("whatif-peak-start", "value"), State("whatif-peak-end", "value"))
    app.callback(*work_out, Input("whatif-peak-set", "n_clicks"), work, *peak,
                 State("whatif-peak-mult", "value"),
                 prevent_initial_call=True)(ed.set_peak)  # fmt: skip
    app.callback(*work_out, Input("whatif-peak-remove", "n_clicks"), work, *peak,
                 prevent_initial_call=True)(ed.remove_peak)  # fmt: skip
    app.callback(*work_out, Input("whatif-shift-add", "n_clicks"), work,
                 State("whatif-shift-group", "value"), State("whatif-shift-start", "value"),
                 State("whatif-shift-end", "value"), State("whatif-shift-days", "value"),
                 State("whatif-shift-headcount", "value"),
                 prevent_initial_call=True)(ed.add_shift)  # fmt: skip
    rm = {"type": RM_SHIFT, "site": ALL, "group": ALL, "index": ALL}
    app.callback(
        *work_out, Input(rm, "n_clicks"), State(rm, "id"), work, prevent_initial_call=True,
    )(lambda clicks, ids, w: ed.remove_shift(
        clicks, w, clicked(ids, clicks, dash.ctx.triggered_id)))  # fmt: skip
    app.callback(
        Output("whatif-versions", "data"), Output("whatif-msg", "children", allow_duplicate=True),
        Input("whatif-save", "n_clicks"), State("whatif-version-name", "value"), work,
        State("whatif-versions", "data"), prevent_initial_call=True,
    )(ed.save_version)  # fmt: skip
    app.callback(
        Output("whatif-versions-view", "children"), Output("whatif-baseline", "options"),
        Output("whatif-baseline", "value"), Output("whatif-side", "options"),
        Output("whatif-side", "value"), Input("whatif-versions", "data"),
        State("whatif-baseline", "value"), State("whatif-side", "value"),
    )(redraw_versions)  # fmt: skip
    dl = {"type": DOWNLOAD, "index": ALL}
    app.callback(
        Output("whatif-download", "data"), Input(dl, "n_clicks"), State(dl, "id"),
        State("whatif-versions", "data"), prevent_initial_call=True,
    )(lambda clicks, ids, v: ed.download_version(
        clicks, v, clicked(ids, clicks, dash.ctx.triggered_id)))  # fmt: skip
    use = {"type": USE, "index": ALL}
    app.callback(
        Output("session-base", "data", allow_duplicate=True),
        Output("whatif-msg", "children", allow_duplicate=True),
        Input(use, "n_clicks"), State(use, "id"), State("whatif-versions", "data"),
        prevent_initial_call=True,
    )(lambda clicks, ids, v: ed.use_version(
        clicks, v, clicked(ids, clicks, dash.ctx.triggered_id)))  # fmt: skip
    register_job(app, CONTROLS)
    app.callback(Output("whatif-result", "children"), Input("whatif-cmp-data", "data"))(
        render_result
    )
