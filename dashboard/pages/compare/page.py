"""Compare page: two scenarios or runs side by side with paired CIs, and cost vs service level.

A comparison runs both sides on the same seed and replication indices (common random numbers),
so the paired differences isolate the effect of the change. The sweep scales every shift's
headcount and plots each scenario's cost against its service level: where the curves cross the
target is the offshore/nearshore decision at a glance. Both run as background jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.compare.experiments import compare_job, cost_notes, parse_factors, sweep_job
from dashboard.pages.compare.figures import (
    AXES,
    X_AXES,
    Y_AXES,
    cost_sl_figure,
    difference_figure,
)
from dashboard.pages.compare.summary import decision_summary
from dashboard.shared.job_controls import JobControls, job_parts, register_job
from dashboard.shared.plotting import placeholder
from dashboard.shared.session import edited_scenario, run_options
from dashboard.shared.state import AppState, SessionRun, app_state
from sim import api
from sim.api import Scenario, ScenarioError

dash.register_page(__name__, path="/compare", name="Compare", title="Compare · ccsim", order=5)

SESSION = "session"
DAY_OPTIONS = [{"label": f"first {d} days", "value": d} for d in (1, 7, 14)] + [
    {"label": "whole horizon", "value": 0}
]


def source_options(runs: dict[str, Any] | None, state: AppState) -> list[dict[str, str]]:
    """The edited scenario, every bundled scenario, and this session's runs."""
    options = [{"label": "Your scenario (Scenario page)", "value": SESSION}]
    options += [{"label": f"Bundled: {name}", "value": f"bundled:{name}"} for name in state.bundled]
    options += [
        {"label": f"Run: {o['label']}", "value": f"run:{o['value']}"}
        for o in run_options(runs, state)
    ]
    return options


def resolve(
    value: str | None, store: dict[str, Any] | None, state: AppState
) -> tuple[Scenario, SessionRun | None, str]:
    """(scenario, run if the choice is a run, short label); ScenarioError for a bad choice."""
    if value == SESSION:
        scenario, _ = edited_scenario(store, state)
        return scenario, None, scenario.name
    if isinstance(value, str) and value.startswith("bundled:"):
        name = value.removeprefix("bundled:")
        if name in state.bundled:
            return api.load(state.bundled[name])[0], None, name
    if isinstance(value, str) and value.startswith("run:"):
        run = state.get(value.removeprefix("run:"))
        if run is not None:
            return run.result.model.scenario, run, run.result.model.scenario.name
    raise ScenarioError("pick a scenario or run on both sides (a run may have expired: rerun it)")


def prepare_compare(
    state: AppState, a: str | None, b: str | None, replications: Any, seed: Any,
    store: dict[str, Any] | None,
) -> tuple[Callable[..., Any], tuple[Any, ...]]:  # fmt: skip
    """The comparison job of B against A (two runs are paired as they are), or why not."""
    sc_a, run_a, label_a = resolve(a, store, state)
    sc_b, run_b, label_b = resolve(b, store, state)
    if label_a == label_b:
        label_a, label_b = f"A ({label_a})", f"B ({label_b})"
    if run_a is not None and run_b is not None:
        sides = ((sc_a, run_a.result, label_a), (sc_b, run_b.result, label_b))
        return compare_job, (*sides, 0, 0)
    reps, seed_ = _whole(replications, 2, 30, "replications"), _whole(seed, 0, None, "seed")
    return compare_job, ((sc_a, None, label_a), (sc_b, None, label_b), reps, seed_)


def compare(
    state: AppState, a: str | None, b: str | None, replications: Any, seed: Any,
    store: dict[str, Any] | None, progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The comparison record of B against A, computed here (what the job computes)."""
    fn, args = prepare_compare(state, a, b, replications, seed, store)
    return fn(progress, *args)


def _whole(value: Any, lo: int, hi: int | None, name: str) -> int:
    ok = isinstance(value, int | float) and float(value).is_integer() and value >= lo
    if not ok or (hi is not None and value > hi):
        upper = f" to {hi}" if hi is not None else " or more"
        raise ScenarioError(f"{name}: enter a whole number from {lo}{upper}")
    return int(value)


def prepare_sweep(
    state: AppState, sources: list[str] | None, factors: str | None, replications: Any,
    seed: Any, days: Any, store: dict[str, Any] | None,
) -> tuple[Callable[..., Any], tuple[Any, ...]]:  # fmt: skip
    """The cost vs service-level sweep job (one curve per chosen scenario), or why not."""
    if not sources:
        raise ScenarioError("tick at least one scenario to sweep")
    try:
        values = parse_factors(factors)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    picked = [resolve(s, store, state) for s in sources[:4]]
    reps, seed_ = _whole(replications, 2, 20, "replications"), _whole(seed, 0, None, "seed")
    return sweep_job, ([(label, sc) for sc, _, label in picked], values, reps, seed_, days or None)


def render_comparison(record: dict[str, Any] | None):
    """(verdict, side-by-side table, difference chart, decision summary) of a comparison record;
    rows coloured better / worse / changed, neutral where the change is within noise."""
    if not record:
        empty = placeholder("Paired differences", "Pick A and B, then press Compare")
        return "", None, empty, None
    head = ["KPI", record["label_a"], record["label_b"], "B − A (± paired 95% CI)", "B / A − 1",
            ""]  # fmt: skip
    rows = []
    for r in record["rows"]:
        rel = "–" if r["rel"] is None else f"{100 * r['rel']:+.1f}%"
        cells = [r["label"], r["a_text"], r["b_text"], r["diff_text"], rel, r["direction"]]
        rows.append(html.Tr([html.Td(c) for c in cells], className=f"row-{r['direction']}"))
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                       className="table", id="cmp-table-body")  # fmt: skip
    verdict = html.P(record["verdict"], className="verdict", id="cmp-verdict-text")
    return verdict, table, difference_figure(record), decision_summary(record)


def _axis_options(keys: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"label": AXES[k][0].split(" (")[0], "value": k} for k in keys]


def render_sweep(record: dict[str, Any] | None, x_metric: str, y_metric: str):
    """The cost-vs-service chart, and why cost falls where more headcount costs less."""
    if x_metric not in AXES or y_metric not in AXES:
        raise PreventUpdate
    if not record:
        empty = placeholder("Cost against service level", "Tick scenarios, then press Run sweep")
        return empty, None
    notes = cost_notes(record)
    explained = html.Div(
        [html.P("Where more headcount costs less:", className="control-label"),
         html.Ul([html.Li(n) for n in notes])],
        className="panel-note", id="cmp-sweep-why",
    ) if notes else None  # fmt: skip
    return cost_sl_figure(record, x_metric, y_metric), explained


def _progress(prefix: str) -> html.Div:
    return html.Div([html.Progress(id=f"{prefix}-progress", value="0", max="1"),
                     html.Span(id=f"{prefix}-progress-text", className="panel-note")],
                    className="progress-row")  # fmt: skip


def _number(id_: str, value: int, lo: int, hi: int | None = None) -> dcc.Input:
    return dcc.Input(id=id_, type="number", value=value, min=lo, max=hi, step=1,
                     className="field-input")  # fmt: skip


def layout(**_query: str) -> html.Div:
    state = app_state()
    pair = [f"bundled:{n}" for n in ("offshore", "nearshore") if n in state.bundled]
    sweep_default = pair if len(pair) == 2 else [SESSION]
    sweep_options = [{"label": "Your scenario", "value": SESSION}] + [
        {"label": n, "value": f"bundled:{n}"} for n in state.bundled
    ]
    label = lambda text, for_: html.Label(text, htmlFor=for_, className="control-label")  # noqa: E731
    return html.Div([
        html.H1("Compare", className="page-title"),
        html.Section([
            html.H3("Two scenarios or runs, paired on common random numbers"),
            html.Div([label("A", "cmp-a"), dcc.Dropdown(id="cmp-a", clearable=False,
                                                        className="control control-run"),
                      label("B", "cmp-b"), dcc.Dropdown(id="cmp-b", clearable=False,
                                                        className="control control-run")],
                     className="toolbar-inline"),
            html.Div([label("Replications", "cmp-reps"), _number("cmp-reps", 5, 2, 30),
                      label("Seed", "cmp-seed"), _number("cmp-seed", api.DEFAULT_SEED, 0),
                      html.Button("Compare", id="cmp-start", className="button button-primary"),
                      html.Button("Cancel", id="cmp-cancel", className="button", disabled=True)],
                     className="toolbar-inline"),
            _progress("cmp"),
            html.Div(id="cmp-error"),
            html.Div(id="cmp-verdict"),
            html.Div(id="cmp-table"),
            dcc.Graph(id="cmp-graph"),
            html.P("Two runs already made are paired as they are (same seed and replications "
                   "needed); otherwise both scenarios are simulated now. Green rows: B is better, "
                   "red: worse (the paired 95% CI excludes zero); blue: changed, for a KPI that is "
                   "neither better nor worse when higher (occupancy, hours); uncoloured: within "
                   "noise. "
                   "Share changes in percentage points (pt).", className="panel-note"),
        ], className="panel"),
        html.Div(id="cmp-summary"),
        html.Section([
            html.H3("Cost against service level across staffing levels"),
            dcc.Checklist(id="cmp-sweep-sources", options=sweep_options, value=sweep_default,
                          inline=True, className="control control-wide"),
            html.Div([label("Headcount factors", "cmp-factors"),
                      dcc.Input(id="cmp-factors", value="0.8, 0.9, 1.0, 1.1", type="text",
                                className="field-input field-wide"),
                      label("Simulate", "cmp-days"),
                      dcc.Dropdown(id="cmp-days", options=DAY_OPTIONS, value=7, clearable=False,
                                   className="control"),
                      label("Replications", "cmp-sweep-reps"), _number("cmp-sweep-reps", 3, 2, 20),
                      html.Button("Run sweep", id="cmp-sweep-start",
                                  className="button button-primary"),
                      html.Button("Cancel", id="cmp-sweep-cancel", className="button",
                                  disabled=True)], className="toolbar-inline"),
            _progress("cmp-sweep"),
            html.Div(id="cmp-sweep-error"),
            html.Div([label("x axis", "cmp-x"),
                      dcc.Dropdown(id="cmp-x", value="voice_service_level", clearable=False,
                                   options=_axis_options(X_AXES), className="control"),
                      label("y axis", "cmp-y"),
                      dcc.Dropdown(id="cmp-y", value="cost_total", clearable=False,
                                   options=_axis_options(Y_AXES),
                                   className="control")], className="toolbar-inline"),
            dcc.Graph(id="cmp-sweep-graph"),
            html.Div(id="cmp-sweep-notes"),
            html.P("Every shift line's headcount is multiplied by each factor (rounded to whole "
                   "agents); all points share their customers (same seed), so the curves are "
                   "smooth. Lower and further right is better: more service for less money.",
                   className="panel-note"),
        ], className="panel"),
        dcc.Store(id="cmp-data", storage_type="session"),
        dcc.Store(id="cmp-sweep-data", storage_type="session"),
        *job_parts("cmp"),
        *job_parts("cmp-sweep"),
    ], id="cmp-page")  # fmt: skip


def _options(runs: dict[str, Any] | None, _page: Any = None, state: AppState | None = None):
    state = state or app_state()
    options = source_options(runs, state)
    values = [o["value"] for o in options]
    a = "bundled:nearshore" if "bundled:nearshore" in values else SESSION
    b = "bundled:offshore" if "bundled:offshore" in values else values[min(1, len(values) - 1)]
    return options, a, options, b


PAIRED_UNIT = "runs of A and B"  # each paired replication is one run of A and one of B

CONTROLS = (
    JobControls(
        name="cmp", start="cmp-start", cancel="cmp-cancel", progress="cmp-progress",
        progress_text="cmp-progress-text", status="cmp-error", data=Output("cmp-data", "data"),
        prepare=prepare_compare, unit=PAIRED_UNIT,
        states=(State("cmp-a", "value"), State("cmp-b", "value"), State("cmp-reps", "value"),
                State("cmp-seed", "value"), State("session-scenario", "data")),
    ),
    JobControls(
        name="cmp-sweep", start="cmp-sweep-start", cancel="cmp-sweep-cancel",
        progress="cmp-sweep-progress", progress_text="cmp-sweep-progress-text",
        status="cmp-sweep-error", data=Output("cmp-sweep-data", "data"), prepare=prepare_sweep,
        states=(State("cmp-sweep-sources", "value"), State("cmp-factors", "value"),
                State("cmp-sweep-reps", "value"), State("cmp-seed", "value"),
                State("cmp-days", "value"), State("session-scenario", "data")),
    ),
)  # fmt: skip


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output("cmp-a", "options"), Output("cmp-a", "value"),
        Output("cmp-b", "options"), Output("cmp-b", "value"),
        Input("session-runs", "data"), Input("cmp-page", "id"),
    )(_options)  # fmt: skip
    for controls in CONTROLS:
        register_job(app, controls)
    app.callback(
        Output("cmp-verdict", "children"), Output("cmp-table", "children"),
        Output("cmp-graph", "figure"), Output("cmp-summary", "children"),
        Input("cmp-data", "data"),
    )(render_comparison)  # fmt: skip
    app.callback(
        Output("cmp-sweep-graph", "figure"), Output("cmp-sweep-notes", "children"),
        Input("cmp-sweep-data", "data"),
        Input("cmp-x", "value"), Input("cmp-y", "value"),
    )(render_sweep)  # fmt: skip
