"""Write a schedule back into a scenario: the same center, with the chosen shifts.

Every group's ``shifts`` are replaced by the schedule's tours (start, end, days, headcount in
the site's local time); with explicit break rules, its ``workforce.off_phone`` becomes those
breaks, so the simulator applies exactly what the scheduler planned. The file is new: an
existing file is never overwritten unless the caller says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError
from sim.scenario.loading import scenario_from_dict
from sim.scenario.models import Scenario
from sim.staffing.schedule import Schedule


def scheduled_scenario(schedule: Schedule) -> Scenario:
    """The schedule's scenario with its shifts in place of the original ones."""
    data = schedule.model.scenario.model_dump(mode="json")
    shifts = schedule.shifts
    for site in data["sites"]:
        for group in site["groups"]:
            mine = shifts[(shifts["site"] == site["name"]) & (shifts["group"] == group["name"])]
            group["shifts"] = [
                {
                    "start": r.start,
                    "end": r.end,
                    "days": list(r.days),
                    "headcount": int(r.headcount),
                }
                for r in mine.itertuples()
            ]
            if schedule.rules.breaks is not None:
                name = f"{site['name']}/{group['name']}"
                group.setdefault("workforce", {})["off_phone"] = schedule.breaks[name]
    data["description"] = (data.get("description") or "") + " (shifts by ccsim schedule)"
    return scenario_from_dict(data, "<scheduled scenario>")


def write_scenario(
    scenario: Scenario, path: Path, header: str = "", overwrite: bool = False
) -> Path:
    """Write a scenario as YAML to a new file (ScenarioError if it exists and not overwrite)."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise ScenarioError(f"{path}: already exists; choose a new file name (or --force)")
    if not path.parent.exists():
        raise ScenarioError(f"{path}: folder {path.parent} does not exist")
    body: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    body.setdefault("horizon", {})["start"] = str(scenario.horizon.start)
    lines = "".join(f"# {line}\n" for line in header.splitlines())
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(lines + yaml.safe_dump(body, sort_keys=False, allow_unicode=True))
    tmp.replace(path)
    return path
