"""What the What-if section draws from its stores: the live summary against the baseline, the
shift lines with their Remove buttons, the peaks (dates beside each type's value), the versions.

Plain functions of store data, so the section redraws on every edit without simulating.
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.pages.scenario.forms import scenario_summary, shift_label
from dashboard.pages.scenario.whatif_edits import SESSION, WORKING
from sim import api

RM_SHIFT, DOWNLOAD, USE = "whatif-rm-shift", "whatif-dl", "whatif-use"


def target_options(data: dict[str, Any]) -> list[dict[str, str]]:
    """What headcount scaling can apply to: everything, a site, a group or one shift line."""
    options = [{"label": "All sites", "value": "all"}]
    for site in data["sites"]:
        s = site["name"]
        options.append({"label": f"Site {s}", "value": f"site/{s}"})
        for group in site["groups"]:
            g = group["name"]
            options.append({"label": f"Group {s}/{g}", "value": f"group/{s}/{g}"})
            for k, line in enumerate(group.get("shifts", [])):
                options.append({"label": f"Shift line {s}/{g} {k + 1}: {shift_label(line)}",
                                "value": f"shift/{s}/{g}/{k}"})  # fmt: skip
    return options


def group_options(data: dict[str, Any]) -> list[dict[str, str]]:
    """Every site/group, to pick where a new shift line goes."""
    return [
        {"label": f"{s['name']}/{g['name']}", "value": f"{s['name']}/{g['name']}"}
        for s in data["sites"]
        for g in s["groups"]
    ]


def summary_view(work: dict[str, Any], baseline: dict[str, Any] | None) -> html.Div:
    """The working copy's facts, headcount per site against the baseline, and its edits."""
    data = work["scenario"]
    facts = html.Dl(
        [item for k, v in scenario_summary(data).items() for item in (html.Dt(k), html.Dd(v))],
        className="facts",
    )
    after = api.headcount_by_site(data)
    before = api.headcount_by_site(baseline) if baseline else {}
    rows = []
    for site, n in after.items():
        old = before.get(site)
        rows.append(html.Tr([html.Td(site), html.Td("–" if old is None else f"{old:,}"),
                             html.Td(f"{n:,}"), html.Td(_change(old, n))]))  # fmt: skip
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in ("Site", "Baseline agents", "What-if agents",
                                                  "Change")])),  # fmt: skip
         html.Tbody(rows)],
        className="table table-narrow", id="whatif-headcount",
    )  # fmt: skip
    edits = work.get("edits") or []
    log = (html.Ol([html.Li(e) for e in edits], id="whatif-edit-log") if edits
           else html.P("No edits yet.", className="muted"))  # fmt: skip
    return html.Div([
        html.P(["Working copy of ", html.Strong(work.get("label", "")),
                " — agents on shift lines are counted once per line, whatever its days."],
               className="panel-note"),
        facts, table, html.H4("Edits"), log,
    ])  # fmt: skip


def _change(old: int | None, new: int) -> str:
    """'+10 (+11.6%)', '0', or '–' for a site the baseline does not have."""
    if old is None:
        return "–"
    if new == old:
        return "0"
    return f"{new - old:+d}" + (f" ({(new - old) / old:+.1%})" if old else "")


def shift_table(data: dict[str, Any]) -> html.Div:
    """Every shift line with its headcount and a Remove button (scrolls past ~10 lines)."""
    rows = []
    for site in data["sites"]:
        for group in site["groups"]:
            for k, line in enumerate(group.get("shifts", [])):
                button = html.Button("Remove", className="button", n_clicks=0, id={
                    "type": RM_SHIFT, "site": site["name"], "group": group["name"], "index": k,
                })  # fmt: skip
                rows.append(html.Tr([html.Td(site["name"]), html.Td(group["name"]),
                                     html.Td(shift_label(line)), html.Td(line["headcount"]),
                                     html.Td(button)]))  # fmt: skip
    head = ("Site", "Group", "Shift (site local time)", "Headcount", "")
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                       className="table", id="whatif-shifts")  # fmt: skip
    return html.Div(table, style={"maxHeight": "460px", "overflowY": "auto"})


def peak_view(data: dict[str, Any]) -> Any:
    """The peaks, one row per date range, each contact type's multiplier beside the dates."""
    peaks = api.peak_table(data)
    first, last = api.horizon_dates(data)
    note = html.P(f"Horizon: {first} to {last}. Dates are the customers' local dates, both "
                  "included.", className="panel-note")  # fmt: skip
    if not peaks:
        return html.Div([note, html.P("No peaks: every day is an ordinary day.",
                                      className="muted", id="whatif-peaks")])  # fmt: skip
    names = [ct["name"] for ct in data["demand"]]
    head = ["Dates (customers' local)", *names]
    rows = [
        html.Tr([html.Td(f"{r['start']} to {r['end']}" if r["start"] != r["end"] else r["start"]),
                 *[html.Td("–" if r["multipliers"][n] is None else f"×{r['multipliers'][n]:g}")
                   for n in names]])
        for r in peaks
    ]  # fmt: skip
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                       className="table", id="whatif-peaks")  # fmt: skip
    return html.Div([note, table])


def versions_view(versions: dict[str, Any] | None) -> Any:
    """The session's saved versions, each with its edits and a YAML download button."""
    items = (versions or {}).get("versions", [])
    if not items:
        return html.P("No versions yet: name the working copy and press Save version.",
                      className="muted")  # fmt: skip
    rows = []
    for i, v in enumerate(items):
        agents = sum(api.headcount_by_site(v["scenario"]).values())
        edits = "; ".join(v.get("edits") or []) or "no edits"
        buttons = [
            html.Button("Download YAML", className="button", n_clicks=0,
                        id={"type": DOWNLOAD, "index": i}),
            html.Button("Use on all pages", className="button", n_clicks=0,
                        id={"type": USE, "index": i},
                        title="load this version as the session's scenario (Run, Compare, ...)"),
        ]  # fmt: skip
        rows.append(html.Tr([html.Td(html.Strong(v["name"])), html.Td(f"{agents:,}"),
                             html.Td(edits), html.Td(buttons)]))  # fmt: skip
    head = ("Version", "Agents on shift lines", "Edits", "")
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      className="table", id="whatif-versions-table")  # fmt: skip


def side_options(versions: dict[str, Any] | None) -> tuple[list[dict], list[dict]]:
    """(baseline options, what-if options): the session's scenario or the working copy, and
    every saved version on both sides."""
    saved = [{"label": f"Version: {v['name']}", "value": f"v:{i}"}
             for i, v in enumerate((versions or {}).get("versions", []))]  # fmt: skip
    baseline = [{"label": "Session scenario", "value": SESSION}, *saved]
    whatif = [{"label": "Working copy (what-if edits)", "value": WORKING}, *saved]
    return baseline, whatif
