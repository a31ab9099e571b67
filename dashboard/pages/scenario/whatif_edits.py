"""The What-if section's edits: a working copy of the session's scenario, changed by `sim.api`'s
what-if functions, and named versions of it kept in this browser session.

The working copy (`whatif-work` store) is `{"base_id", "label", "scenario", "edits"}`: the id and
label of what it started from, the scenario dict, and one line per edit made. Every edit is
validated like a YAML file before it is kept; a refused edit leaves the copy as it was and says
why. Versions (`whatif-versions` store) are named snapshots of the copy, each downloadable as YAML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import dash
import yaml
from dash import html
from dash.exceptions import PreventUpdate

from dashboard.pages.scenario.forms import shift_label
from dashboard.shared.session import SERVED, base_record, edited_scenario, served_base
from dashboard.shared.state import AppState, app_state
from sim import api
from sim.api import ScenarioError

MAX_VERSIONS = 12
WORKING = "working"  # the what-if choice "the working copy" (versions are named by index)
SESSION = "session"  # the baseline choice "the session's scenario (Scenario page)"


def session_scenario_dict(
    base: dict[str, Any] | None, session_scenario: dict[str, Any] | None, state: AppState
) -> tuple[dict[str, Any], str]:
    """(scenario dict, label) the session works on: the Scenario page's edits of its loaded
    scenario when they are valid and belong to it, else the loaded scenario; raises if invalid."""
    base = base or served_base(state)
    if isinstance(session_scenario, dict) and session_scenario.get("id") == base["id"]:
        scenario, label = edited_scenario(session_scenario, state)
        return scenario.model_dump(mode="json"), label
    return base["scenario"], str(base["label"])


def start_work(
    _page: Any, n_reset: Any, base: dict[str, Any] | None,
    session_scenario: dict[str, Any] | None, work: dict[str, Any] | None,
    triggered: Any = None, state: AppState | None = None,
) -> tuple[Any, Any]:  # fmt: skip
    """(working copy, message): a copy of the session's scenario that follows the Scenario page
    until the first what-if edit; then kept until 'Start again' or another scenario is loaded."""
    state = state or app_state()
    base_id = (base or {}).get("id", SERVED)
    reset = triggered == "whatif-reset" and bool(n_reset)
    if (
        isinstance(work, dict)
        and work.get("base_id") == base_id
        and work.get("edits")
        and not reset
    ):
        raise PreventUpdate
    try:
        data, label = session_scenario_dict(base, session_scenario, state)
    except ScenarioError as exc:
        return dash.no_update, message(f"Waiting for a valid scenario: {exc}", "error")
    if isinstance(work, dict) and work.get("scenario") == data and not reset:
        raise PreventUpdate
    record = {"base_id": base_id, "label": label, "scenario": data, "edits": []}
    return record, message(f"Working copy of {label}: no edits yet.", "info")


def message(text: str, kind: str) -> html.Div:
    return html.Div(text, className=f"{kind}-box", id=f"whatif-msg-{kind}")


def apply(
    work: dict[str, Any] | None, edit: Callable[..., dict[str, Any]], what: str, *args: Any
) -> tuple[Any, html.Div]:
    """(new working copy, message) after `edit(scenario, *args)`, or (no change, why not)."""
    if not work or not isinstance(work.get("scenario"), dict):
        return dash.no_update, message("Not applied: the working copy is still loading", "error")
    try:
        changed = edit(work["scenario"], *args)
        api.from_dict(changed, "what-if scenario")  # validated like a YAML file
    except ScenarioError as exc:
        text = "; ".join([str(exc).splitlines()[0], *exc.described])
        return dash.no_update, message(f"Not applied: {text}", "error")
    record = {**work, "scenario": changed, "edits": [*work.get("edits", []), what]}
    return record, message(f"Applied: {what}.", "ok")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_target(target: str | None) -> tuple[str | None, str | None, int | None, str]:
    """'all', 'site/S', 'group/S/G' or 'shift/S/G/k' -> (site, group, line index, words)."""
    kind, *rest = (target or "all").split("/")
    if kind == "all" and not rest:
        return None, None, None, "all sites"
    if kind == "site" and len(rest) == 1:
        return rest[0], None, None, f"site {rest[0]}"
    if kind == "group" and len(rest) == 2:
        return rest[0], rest[1], None, f"group {rest[0]}/{rest[1]}"
    if kind == "shift" and len(rest) == 3 and rest[2].isdigit():
        k = int(rest[2])
        return rest[0], rest[1], k, f"shift line {k + 1} of {rest[0]}/{rest[1]}"
    raise ValueError(target)


def scale(n_clicks: Any, work: dict[str, Any] | None, target: str | None, percent: Any):
    """Scale the chosen site / group / shift line (or all) by the percent in the box."""
    if not n_clicks:
        raise PreventUpdate
    pct = _number(percent)
    if pct is None:
        return dash.no_update, message("Not applied: percent: enter a number, e.g. 10", "error")
    try:
        site, group, shift, where = parse_target(target)
    except ValueError:
        return dash.no_update, message("Not applied: scale: pick what to scale", "error")
    what = f"headcount {pct:+g}% on {where}"
    record, note = apply(work, api.scale_headcount, what, pct, site, group, shift)
    if not isinstance(record, dict) or not isinstance(work, dict):
        return record, note
    before, after = (sum(api.headcount_by_site(d["scenario"]).values()) for d in (work, record))
    if before == after:
        return dash.no_update, message(f"No change: {what} rounds to the same {before:,} "
                                       "agents; try a larger percentage", "info")  # fmt: skip
    return record, message(f"Applied: {what} ({before:,} -> {after:,} agents in all).", "ok")


def set_peak(n_clicks: Any, work: dict[str, Any] | None, start: Any, end: Any, value: Any):
    """Set the peak with these dates to this multiplier on every contact type."""
    if not n_clicks:
        raise PreventUpdate
    what = f"peak {start} to {end} ×{value} on every contact type"
    return apply(work, api.set_peak, what, start, end, _number(value) or value)


def remove_peak(n_clicks: Any, work: dict[str, Any] | None, start: Any, end: Any):
    """Remove the peak with these dates from every contact type."""
    if not n_clicks:
        raise PreventUpdate
    return apply(work, api.remove_peak, f"peak {start} to {end} removed", start, end)


def add_shift(
    n_clicks: Any, work: dict[str, Any] | None, group: str | None, start: Any, end: Any,
    days: list[str] | None, headcount: Any,
) -> tuple[Any, html.Div]:  # fmt: skip
    """Add a shift line to the chosen group."""
    if not n_clicks:
        raise PreventUpdate
    if not group or "/" not in group:
        return dash.no_update, message(
            "Not applied: group: pick the group to add a line to", "error"
        )
    if not days:
        return dash.no_update, message("Not applied: shift days: tick at least one day", "error")
    site, name = group.split("/", 1)
    label = shift_label({"start": start or "", "end": end or "", "days": days})
    what = f"shift line {label} ({headcount} agents) added to {site}/{name}"
    return apply(work, api.add_shift, what, site, name, start or "", end or "", days, headcount)


def remove_shift(clicks: list[Any], work: dict[str, Any] | None, triggered: Any):
    """Remove the shift line whose Remove button was clicked (its id names site, group, index)."""
    if not isinstance(triggered, dict) or not any(clicks or []):
        raise PreventUpdate
    site, group, index = triggered["site"], triggered["group"], int(triggered["index"])
    what = f"shift line {index + 1} of {site}/{group} removed"
    return apply(work, api.remove_shift, what, site, group, index)


def save_version(
    n_clicks: Any, name: Any, work: dict[str, Any] | None, versions: dict[str, Any] | None
) -> tuple[Any, html.Div]:
    """Keep the working copy under a name (the same name again replaces that version)."""
    if not n_clicks:
        raise PreventUpdate
    name = str(name or "").strip()
    if not 1 <= len(name) <= 40 or not name.isprintable():
        return dash.no_update, message("Not saved: version name: give 1 to 40 characters, "
                                       "e.g. manila +10%", "error")  # fmt: skip
    if not work or not isinstance(work.get("scenario"), dict):
        return dash.no_update, message("Not saved: the working copy is still loading", "error")
    kept = [v for v in (versions or {}).get("versions", []) if v["name"] != name]
    if len(kept) >= MAX_VERSIONS:
        return dash.no_update, message(f"Not saved: a session keeps {MAX_VERSIONS} versions; "
                                       "start again to clear them", "error")  # fmt: skip
    replaced = len(kept) < len((versions or {}).get("versions", []))
    entry = {"name": name, "scenario": work["scenario"], "edits": list(work.get("edits", [])),
             "from": work.get("label", "")}  # fmt: skip
    word = "Replaced" if replaced else "Saved"
    return {"versions": [*kept, entry]}, message(f"{word} version '{name}'.", "ok")


def scenario_yaml(data: dict[str, Any], stem: str) -> dict[str, Any]:
    """A scenario dict as a YAML download (defaults left out: it reads like a hand-written file)."""
    scenario = api.from_dict(data, stem)
    text = yaml.safe_dump(scenario.model_dump(mode="json", exclude_defaults=True),
                          sort_keys=False, allow_unicode=True)  # fmt: skip
    name = re.sub(r"[^A-Za-z0-9_\-]", "_", stem) or "scenario"
    return dict(content=text, filename=f"{name}.yaml", type="application/x-yaml")


def download_version(clicks: list[Any], versions: dict[str, Any] | None, triggered: Any):
    """The clicked version as YAML, named after the scenario and the version."""
    if not isinstance(triggered, dict) or not any(clicks or []):
        raise PreventUpdate
    items = (versions or {}).get("versions", [])
    index = int(triggered["index"])
    if not 0 <= index < len(items):
        raise PreventUpdate
    version = items[index]
    return scenario_yaml(version["scenario"], f"{version['scenario']['name']}_{version['name']}")


def use_version(clicks: list[Any], versions: dict[str, Any] | None, triggered: Any):
    """(session-base, message): the clicked version becomes the session's loaded scenario, so
    the Run, Results and Compare pages work on it."""
    if not isinstance(triggered, dict) or not any(clicks or []):
        raise PreventUpdate
    items = (versions or {}).get("versions", [])
    index = int(triggered["index"])
    if not 0 <= index < len(items):
        raise PreventUpdate
    v = items[index]
    label = f"{v['scenario']['name']} (what-if version {v['name']})"
    text = f"Now using {label} on every page; the working copy starts again from it."
    return base_record(v["scenario"], label), message(text, "ok")


def pick(
    choice: str | None, work: dict[str, Any] | None, versions: dict[str, Any] | None,
    base: dict[str, Any] | None, session_scenario: dict[str, Any] | None, state: AppState,
) -> tuple[Any, str]:  # fmt: skip
    """(Scenario, label) of a comparison side: the session's scenario, the working copy or a
    version; ScenarioError for a choice that is gone or invalid."""
    if choice == SESSION:
        data, label = session_scenario_dict(base, session_scenario, state)
        return api.from_dict(data, "session scenario"), f"baseline: {label}"
    if choice == WORKING and isinstance(work, dict) and isinstance(work.get("scenario"), dict):
        return api.from_dict(work["scenario"], "what-if working copy"), "what-if: working copy"
    if isinstance(choice, str) and choice.startswith("v:") and choice[2:].isdigit():
        items = (versions or {}).get("versions", [])
        index = int(choice[2:])
        if 0 <= index < len(items):
            v = items[index]
            return api.from_dict(v["scenario"], f"version {v['name']}"), f"version: {v['name']}"
    raise ScenarioError("pick a baseline and a what-if (a version may have been replaced)")
