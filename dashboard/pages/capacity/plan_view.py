"""The capacity page's model: edits to the bundled plan's mapping; the plan as JSON for the page.

`plan_job` is the background job (module-level so a worker can import it): it applies the edits,
runs `api.plan` (the MILP) and returns what the page draws, all JSON-serialisable.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

from sim import api
from sim.api import ScenarioError

PLAN_FILE = api.BUNDLED_DIR / "plans" / "retail_peak_plan.yaml"


def bundled_plan() -> tuple[dict[str, Any], str]:
    """The bundled plan's mapping (a fresh copy) and the folder its relative paths start from."""
    mapping, folder = api.plan_data(PLAN_FILE)
    return mapping, str(folder)


def site_settings(mapping: dict[str, Any], site: str) -> dict[str, float | None]:
    """A site's new-hire attrition per week, graduation rate and max class size (the inputs)."""
    s = next((s for s in mapping.get("sites", []) if s.get("name") == site), None)
    if s is None:
        raise ScenarioError(f"site: no site named {site!r} in the plan")
    bands = s.get("attrition") or []
    hiring = s.get("hiring") or {}
    return {
        "attrition": bands[0].get("per_week") if bands else None,
        "graduation": hiring.get("graduation_rate"),
        "max_class": hiring.get("max_class"),
    }


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{field}: enter a number")
    return value


def edited_plan(
    mapping: dict[str, Any], site: str, attrition: Any, graduation: Any, max_class: Any
) -> dict[str, Any]:
    """The mapping with the site's (and its groups' own) new-hire band, graduation and max class.

    The plan's own validation (run by `api.plan`) judges the values; here only the type.
    """
    out = copy.deepcopy(mapping)
    s = next((s for s in out.get("sites", []) if s.get("name") == site), None)
    if s is None:
        raise ScenarioError(f"site: no site named {site!r} in the plan")
    attrition = _number(attrition, "attrition per week (new-hire band)")
    graduation = _number(graduation, "graduation rate")
    max_class = _number(max_class, "max class size")
    for holder in [s, *(g for g in s.get("groups", []) if "attrition" in g or "hiring" in g)]:
        if holder.get("attrition"):
            holder["attrition"][0]["per_week"] = attrition
        elif holder is s:
            holder["attrition"] = [{"per_week": attrition}]
        if holder.get("hiring"):
            holder["hiring"]["graduation_rate"] = graduation
            holder["hiring"]["max_class"] = max_class
    return out


def plan_record(result: Any, origin: str) -> dict[str, Any]:
    """What the page shows: the chart (plotly JSON), the weekly table and the totals."""
    data = result.to_json(weeks=True)
    figure = json.loads(api.plan_figure(result).to_json())
    return {
        "origin": origin,
        "currency": data["plan"]["currency"],
        "figure": figure,
        "by_week": data["by_week"],
        "totals": data["totals"],
        "status": data["status"],
        "classes": data["classes"],
    }


def plan_job(
    progress: Any, mapping: dict[str, Any], base_dir: str, edits: list[Any] | None = None
) -> dict[str, Any]:
    """Background job: the optimised plan of `mapping` as the page's record.

    `edits` (site, attrition, graduation, max class) are kept in the record, so a week of the
    plan shown can be simulated later from the same mapping.
    """
    progress(0, 1)
    record = plan_record(api.plan(mapping, base_dir=base_dir), "Re-optimised")
    record["edits"] = edits
    progress(1, 1)
    return record


def shown_mapping(record: dict[str, Any] | None) -> dict[str, Any]:
    """The mapping of the plan a record shows: the bundled one with the record's edits."""
    mapping, _ = bundled_plan()
    edits = (record or {}).get("edits")
    return edited_plan(mapping, *edits) if edits else mapping


@lru_cache(maxsize=1)
def _bundled_record_json() -> str:
    mapping, folder = bundled_plan()
    return json.dumps(plan_record(api.plan(mapping, base_dir=folder), "Bundled"))


def bundled_record() -> dict[str, Any]:
    """The bundled plan's record, computed once per server (the page's first view)."""
    return json.loads(_bundled_record_json())
