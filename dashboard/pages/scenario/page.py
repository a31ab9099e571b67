"""Scenario page: load a bundled scenario or upload YAML, edit the main numbers, download YAML.

Uploads are read as text only (never as a path), capped at 1 MB and parsed with the same safe
YAML loader and validation as the CLI; problems show on the page, beside the field they name.
The loaded and edited scenarios live in this browser session's stores, nowhere else.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import dash
from dash import ALL, Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.pages.scenario import whatif
from dashboard.pages.scenario.forms import (
    Field,
    apply_edits,
    demand_fields,
    group_fields,
    scenario_summary,
)
from dashboard.pages.scenario.pricing import price_note
from dashboard.pages.scenario.whatif_edits import scenario_yaml
from dashboard.shared.session import base_record, served_base
from dashboard.shared.state import AppState, app_state
from dashboard.shared.upload_guard import upload_guard_js
from sim import api
from sim.api import ScenarioError

dash.register_page(__name__, path="/scenario", name="Scenario", title="Scenario · ccsim", order=1)

MAX_UPLOAD_BYTES = 1024 * 1024
YAML_SUFFIXES = ("yaml", "yml")
UPLOAD_GUARD_JS = upload_guard_js(MAX_UPLOAD_BYTES)
FIELD, MSG = "scn-field", "scn-msg"


def upload_text(contents: str | None, filename: str | None,
                size_bytes: int | None = None) -> tuple[str, str]:  # fmt: skip
    """The uploaded file's text and a safe label; ScenarioError if unreadable, too big or not YAML.

    `size_bytes` without `contents` is the browser saying the file was over the limit (it then
    sends only the size, so a big file never travels to the server).
    """
    name = re.sub(r"[^A-Za-z0-9_.\- ]", "_", (filename or "upload.yaml").split("/")[-1])[:80]
    if not contents and size_bytes is not None:
        raise ScenarioError(_too_big(name, size_bytes))
    _, _, payload = (contents or "").partition(",")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError(f"{name}: the upload could not be read; try again") from None
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ScenarioError(_too_big(name, len(raw)))
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in YAML_SUFFIXES:
        kind = f"a .{suffix} file" if suffix else "a file without an extension"
        raise ScenarioError(
            f"{name}: wrong file type ({kind}); upload a scenario YAML file (.yaml or .yml)"
        )
    try:
        return raw.decode("utf-8"), name
    except UnicodeDecodeError:
        raise ScenarioError(f"{name}: not a text file; upload a scenario YAML file") from None


def _too_big(name: str, size_bytes: int) -> str:
    return (
        f"{name}: {size_bytes / 1024**2:.1f} MB is too big; scenario files are limited to "
        f"{MAX_UPLOAD_BYTES / 1024**2:.0f} MB"
    )


def load_bundled(
    n_clicks: int | None, name: str | None, base: dict[str, Any] | None = None,
    state: AppState | None = None,
) -> tuple[Any, Any]:  # fmt: skip
    """(new session-base, error box) after the Load button."""
    if not n_clicks:
        raise PreventUpdate
    state = state or app_state()
    if name not in state.bundled:
        return dash.no_update, error_box(
            ScenarioError("pick one of the bundled scenarios"), _using(base, state)
        )
    try:
        scenario = api.load(state.bundled[name])[0]
    except ScenarioError as exc:
        return dash.no_update, error_box(exc, _using(base, state))
    return base_record(scenario.model_dump(mode="json"), f"{scenario.name} (bundled)"), None


def load_upload(
    contents: str | None, filename: str | None, base: dict[str, Any] | None = None,
    size_bytes: int | None = None, state: AppState | None = None,
) -> tuple[Any, Any]:  # fmt: skip
    """(new session-base, error box) after an upload: the file is text, never a path."""
    if not contents and size_bytes is None:
        raise PreventUpdate
    try:
        text, name = upload_text(contents, filename, size_bytes)
        scenario = api.parse(text, name)
    except ScenarioError as exc:
        return dash.no_update, error_box(exc, _using(base, state))
    label = f"{scenario.name} (uploaded {name})"
    return base_record(scenario.model_dump(mode="json"), label), None


def load_upload_file(file: dict[str, Any] | None, base: dict[str, Any] | None) -> tuple[Any, Any]:
    """`load_upload` for what the browser's size guard passed on (`UPLOAD_GUARD_JS`)."""
    if not file:
        raise PreventUpdate
    size = file.get("size_bytes")
    return load_upload(
        file.get("contents"), file.get("filename"), base, int(size) if size is not None else None
    )


def _using(base: dict[str, Any] | None, state: AppState | None) -> str:
    """The label of the scenario the session keeps after a failed load."""
    return str((base or served_base(state or app_state()))["label"])


def error_box(exc: ScenarioError, still_using: str | None = None) -> html.Div:
    """The message and each problem on its own line (no traceback, ever), and what stays loaded."""
    head = str(exc).splitlines()[0]
    parts: list[Any] = [html.Strong(head)]
    if exc.described:
        parts.append(html.Ul([html.Li(p) for p in exc.described]))
    if still_using:
        parts.append(html.P(f"Still using: {still_using}", className="still-using",
                            id="scn-still-using"))  # fmt: skip
    return html.Div(parts, className="error-box", id="scn-error-message")


def _input(field: Field) -> html.Div:
    return html.Div(
        [
            dcc.Input(
                id={"type": FIELD, "path": field.path},
                name=field.path,
                type="text" if field.items else "number",
                value=field.value,
                step="any",  # no browser-side bounds: they would blank the value silently
                debounce=True,
                className="field-input field-list" if field.items else "field-input",
            ),
            html.Div(id={"type": MSG, "path": field.path}, className="field-msg"),
        ],
        className="field",
        title=field.hint or None,
    )


def demand_table(data: dict[str, Any]) -> html.Table:
    """One row per contact type: volume, peak multiplier and bot share where they apply."""
    head = ["Contact type", "Channel", "Language", "Contacts per day",
            "Peak multipliers (one per peak)", "Chatbot / IVR share (0–1, 0.25 = 25%)"]  # fmt: skip
    rows = []
    for ct, fields in zip(data["demand"], demand_fields(data), strict=True):
        by_label = {f.label: f for f in fields}
        cells = [ct["name"], ct["channel"], ct["language"]]
        cells += [
            _input(by_label[k]) if k in by_label else html.Span("—", className="muted")
            for k in ("Contacts per day", "Peak multiplier", "Chatbot / IVR share")
        ]
        rows.append(html.Tr([html.Td(c) for c in cells]))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)], className="table"
    )


def site_panels(data: dict[str, Any]) -> list[html.Div]:
    """Per site and group: the wage and each shift line's headcount."""
    currency = data.get("costs", {}).get("currency", "USD")
    fields = group_fields(data)
    panels = []
    for s, site in enumerate(data["sites"]):
        groups = []
        for g, group in enumerate(site["groups"]):
            wage, *shifts = fields[(s, g)]
            skills = ", ".join(f"{k['language']} {k['channel']}" for k in group["skills"])
            rows = [html.Tr([html.Td(f.label), html.Td(_input(f))]) for f in shifts]
            groups.append(html.Div([
                html.H4(f"{group['name']}"),
                html.P(f"Skills: {skills}", className="panel-note"),
                html.Div([html.Label(f"Wage per hour ({currency})"
                                     + (", not billed: vendor price above" if site.get("pricing")
                                        else ""), className="control-label"),
                          _input(wage)], className="inline-field"),
                html.Table([html.Thead(html.Tr([html.Th("Shift (site local time)"),
                                                html.Th("Headcount")])),
                            html.Tbody(rows)], className="table table-narrow"),
            ], className="group-box"))  # fmt: skip
        title = f"{site['name']} · {site['timezone']} · {site['location']}"
        price = price_note(site, currency)
        panels.append(html.Section([html.H3(title), price, html.Div(groups, className="group-row")],
                                   className="panel"))  # fmt: skip
    return panels


def render(base: dict[str, Any] | None, edited: dict[str, Any] | None, _page: Any = None,
           state: AppState | None = None) -> tuple[Any, str, Any]:  # fmt: skip
    """(form, loaded label, summary) for the session's scenario, keeping its valid edits."""
    base = base or served_base(state or app_state())
    data = base["scenario"]
    if edited and edited.get("id") == base["id"] and edited.get("valid"):
        data = edited["scenario"]
    summary = _summary(data)
    form = [
        html.Section(
            [
                html.H3("Demand"),
                demand_table(data),
                html.P(
                    "Volumes are mean contacts on an average day. Peak multipliers scale the "
                    "volume on each peak's dates, in date order (hover a box for the dates).",
                    className="panel-note",
                ),
            ],
            className="panel",
        ),  # fmt: skip
        *site_panels(data),
    ]
    return form, base["label"], summary


def edit(
    values: list[Any], ids: list[dict[str, str]], msg_ids: list[dict[str, str]],
    base: dict[str, Any] | None, state: AppState | None = None, current: Any = None,
) -> tuple[Any, list[str], Any]:  # fmt: skip
    """Validate the form: (session-scenario, a message per field, status line).

    Nothing before the form is drawn (no fields yet), and session-scenario is left as it is when
    the form gives what it already holds (`current`), as on every page load: what listens to it
    (the what-if copy, the summary, the context line) then does not redraw for nothing.
    """
    if not ids:
        raise PreventUpdate
    record, msgs, status = _edited(values, ids, msg_ids, base, state)
    return (dash.no_update if record == current else record), msgs, status


def _edited(
    values: list[Any], ids: list[dict[str, str]], msg_ids: list[dict[str, str]],
    base: dict[str, Any] | None, state: AppState | None,
) -> tuple[dict[str, Any], list[str], Any]:  # fmt: skip
    base = base or served_base(state or app_state())
    edits = {i["path"]: v for i, v in zip(ids, values, strict=True)}
    scenario, messages, others = apply_edits(base["scenario"], edits)
    msgs = [messages.get(m["path"], "") for m in msg_ids]
    if scenario is None:
        n = len(messages) + len(others)
        status = html.Div(
            [
                html.Strong(
                    f"{n} problem{'s' if n != 1 else ''}: fix the fields marked in red "
                    "before running or downloading"
                ),  # fmt: skip
                html.Ul([html.Li(o) for o in others]),
            ],
            className="error-box",
            id="scn-invalid",
        )
        record = {"id": base["id"], "label": base["label"], "valid": False, "scenario": None}
        return record, msgs, status
    record = {
        "id": base["id"],
        "label": base["label"] + (" (edited)" if edits and _changed(base, scenario) else ""),
        "valid": True,
        "scenario": scenario.model_dump(mode="json"),
    }
    status = html.Div(f"Valid scenario '{scenario.name}': ready to run on the Run page.",
                      className="ok-box", id="scn-valid")  # fmt: skip
    return record, msgs, status


def _changed(base: dict[str, Any], scenario: Any) -> bool:
    return scenario.model_dump(mode="json") != base["scenario"]


def download(n_clicks: int | None, edited: dict[str, Any] | None) -> dict[str, Any]:
    """The edited scenario as YAML (defaults left out, so it reads like a hand-written file)."""
    if not n_clicks or not edited or not edited.get("valid"):
        raise PreventUpdate
    return scenario_yaml(edited["scenario"], str(edited["scenario"].get("name") or "scenario"))


def live_summary(edited: dict[str, Any] | None, base: dict[str, Any] | None) -> Any:
    """The summary redrawn on every valid form edit (headcount, volumes), not only on a load."""
    base = base or served_base(app_state())
    if not edited or edited.get("id") != base["id"] or not edited.get("valid"):
        raise PreventUpdate
    return _summary(edited["scenario"])


def _summary(data: dict[str, Any]) -> html.Dl:
    return html.Dl(
        [item for k, v in scenario_summary(data).items() for item in (html.Dt(k), html.Dd(v))],
        className="facts",
    )


def layout(**_query: str) -> html.Div:
    state = app_state()
    options = [{"label": name, "value": name} for name in state.bundled]
    return html.Div([
        html.H1("Scenario", className="page-title"),
        html.Section([
            html.Div([
                html.Label("Bundled scenario", htmlFor="scn-bundled", className="control-label"),
                dcc.Dropdown(id="scn-bundled", options=options, value=state.scenario.name
                             if state.scenario.name in state.bundled else None,
                             clearable=False, className="control"),
                html.Button("Load", id="scn-load", className="button"),
            ], className="toolbar-inline"),
            dcc.Upload(id="scn-upload", children=html.Div(
                ["Drop a scenario YAML file here, or ", html.A("choose one"), " (up to 1 MB)"]),
                max_size=-1, className="upload"),
            dcc.Store(id="scn-upload-file"),
            html.Div(id="scn-upload-error", role="alert"),
            html.P(["Loaded: ", html.Strong(id="scn-loaded")], className="loaded"),
            html.Div(id="scn-summary"),
            html.Div(id="scn-status", role="status"),
            html.Button("Download YAML", id="scn-download-btn", className="button"),
            dcc.Download(id="scn-download"),
            html.A("What-if: scale, peaks, shift lines, versions, baseline vs what-if ↓",
                   href="#whatif", className="panel-note"),
        ], className="panel"),
        html.Div(id="scn-form"),
        whatif.layout(),
    ], id="scn-page")  # fmt: skip


def register_callbacks(app: Dash) -> None:
    """Wire the page on `app` (its state is read per request)."""
    app.callback(
        Output("session-base", "data", allow_duplicate=True),
        Output("scn-upload-error", "children", allow_duplicate=True),
        Input("scn-load", "n_clicks"),
        State("scn-bundled", "value"),
        State("session-base", "data"),
        prevent_initial_call=True,
    )(load_bundled)
    app.clientside_callback(
        UPLOAD_GUARD_JS,
        Output("scn-upload-file", "data"),
        Input("scn-upload", "contents"),
        State("scn-upload", "filename"),
        prevent_initial_call=True,
    )
    app.callback(
        Output("session-base", "data", allow_duplicate=True),
        Output("scn-upload-error", "children", allow_duplicate=True),
        Input("scn-upload-file", "data"),
        State("session-base", "data"),
        prevent_initial_call=True,
    )(load_upload_file)
    app.callback(
        Output("scn-form", "children"),
        Output("scn-loaded", "children"),
        Output("scn-summary", "children"),
        Input("session-base", "data"),
        State("session-scenario", "data"),
        Input("scn-page", "id"),
    )(render)
    app.callback(
        Output("session-scenario", "data"),
        Output({"type": MSG, "path": ALL}, "children"),
        Output("scn-status", "children"),
        Input({"type": FIELD, "path": ALL}, "value"),
        State({"type": FIELD, "path": ALL}, "id"),
        State({"type": MSG, "path": ALL}, "id"),
        State("session-base", "data"),
        State("session-scenario", "data"),
    )(lambda values, ids, msg_ids, base, current: edit(values, ids, msg_ids, base,
                                                       current=current))  # fmt: skip
    app.callback(
        Output("scn-download", "data"),
        Input("scn-download-btn", "n_clicks"),
        State("session-scenario", "data"),
        prevent_initial_call=True,
    )(download)
    app.callback(
        Output("scn-summary", "children", allow_duplicate=True),
        Input("session-scenario", "data"),
        State("session-base", "data"),
        prevent_initial_call=True,
    )(live_summary)
    whatif.register_callbacks(app)
