"""Writing a calibration: the scenario YAML (documented at its top) and the validation report.

Nothing is overwritten: the scenario is created exclusively, the report folder is built under a
temporary name and renamed at the end. The report holds `report.html` (plotly figures and tables),
`calibration.json`, `validation.json` and `hourly.csv`.
"""

from __future__ import annotations

import html
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import yaml

from sim.calibrate.build import Calibration
from sim.calibrate.busyness import log_busyness
from sim.calibrate.figures import (
    daily_figure,
    handle_figure,
    hourly_figure,
    patience_figure,
    sensitivity_figure,
    staffing_figure,
)
from sim.calibrate.queue_order import queue_order_json
from sim.calibrate.validate import Validation
from sim.errors import ScenarioError


class _FlowLists(yaml.SafeDumper):
    """Lists of plain numbers or short strings on one line (profiles, shift days)."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, int | float | str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_FlowLists.add_representer(list, _represent_list)


def scenario_yaml(cal: Calibration, header: list[str]) -> str:
    """The calibrated scenario as YAML text with a comment header."""
    body = yaml.dump(cal.scenario_dict(), Dumper=_FlowLists, sort_keys=False, width=100)
    return "".join(f"# {line}".rstrip() + "\n" for line in header) + body


def write_scenario(path: Path, text: str) -> None:
    """Create the scenario file; refuse to overwrite an existing one."""
    if not path.parent.exists():
        raise ScenarioError(f"--out {path}: folder {path.parent} does not exist")
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise ScenarioError(
            f"--out {path}: already exists; ccsim never overwrites a file, choose a new name"
        ) from None


def check_report_dir(path: Path) -> None:
    if path.exists():
        raise ScenarioError(f"--report {path}: already exists; choose a new folder")
    if not path.parent.exists():
        raise ScenarioError(f"--report {path}: parent folder {path.parent} does not exist")


def header_lines(cal: Calibration, v: Validation | None, factor_note: str) -> list[str]:
    """What the scenario is, how it was estimated, and (if run) how it validated."""
    log = cal.log
    lines = [
        f"{cal.scenario.name}: calibrated by `ccsim calibrate` from {Path(log.source).name}",
        f"({log.rows_read} rows, {len(log.calls)} calls kept, {log.days} days from "
        f"{log.start.date()}, {log.timezone}).",
        "Dropped rows: " + "; ".join(f"{n} {why}" for why, n in log.dropped.items()) + ".",
        "Demand: one contact type per call type and class of weekdays with the same opening "
        f"hours; weekday volumes, {cal.slot_s // 60}-min intraday profile, gamma day factor "
        "(day_factor_cv).",
        "Handle time: family by lowest AIC on genuine talk times, mean and CV of all answered "
        "calls. Patience: censored MLE (served waits are censored), lowest AIC.",
        f"Staffing per weekday and {cal.slot_s // 60}-min slot: agents available = talking, or "
        f"idle in a gap under {cal.staffing.max_idle_gap_s / 60:.0f} min while no caller waited "
        "(an ACD leaves no caller waiting while an agent is free); mean over dates, rounded.",
        factor_note,
        _structure_note(cal),
    ]
    if v is not None:
        c = v.checks
        lines.append(
            f"Validation ({v.replications} replications): abandonment of calls that waited "
            f"{c['abandon_rate']['simulated']:.1%} simulated vs {c['abandon_rate']['observed']:.1%}"
            f" observed; ASA {c['asa_s']['simulated']:.1f} s vs {c['asa_s']['observed']:.1f} s; "
            f"hourly abandonment inside the simulated 95% prediction interval in "
            f"{c['hourly_abandonment']['inside_pi_share']:.0%} of hours."
        )
    out: list[str] = []
    for line in lines:
        out.extend(_wrap(line, 96))
    return out


def _structure_note(cal: Calibration) -> str:
    """What the scenario's groups and priorities are, and where the inference is kept."""
    st = cal.structure
    if not cal.options.get("structure") or len(cal.scenario.sites[0].groups) == 1:
        return ("Single pool, FCFS: the log's priority field is a customer class; the inferred "
                "pools and type priorities are in calibration.json (`structure`).")  # fmt: skip
    prio = ", ".join(f"{t} {p}" for t, p in st["priorities"].items())
    return (
        f"Agent groups: the log's pools of agents serving the same types "
        f"({len(cal.scenario.sites[0].groups)} groups sharing the measured staffing); type "
        f"priorities from the log's queue order (1 first): {prio}; routing {st['policy']}."
    )


def _wrap(text: str, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    return [*lines, cur] if cur else lines


def calibration_json(cal: Calibration) -> dict[str, Any]:
    """The estimates behind the scenario, as plain JSON."""
    log = cal.log
    types = {}
    for name, f in cal.types.items():
        types[name] = {
            "calls": f.calls,
            "handle_time_fits": [x.to_json() for x in f.handle_fits],
            "handle_time_scenario": f.handle_dist,
            "short_service_share": f.short_share,
            "patience_fits": [x.to_json() for x in f.patience_fits],
            "patience_scenario": f.patience_fit.scenario_dist(),
            "patience_pooled": f.patience_pooled,
            "patience_km_median_s": f.km.median() if f.km else None,
            "abandon_share_of_waited": f.abandon_share_waited,
            "naive_mean_wait_of_abandoners_s": f.naive_abandoner_wait_s,
        }
    return _clean({
        "source": log.source, "rows_read": log.rows_read, "calls_kept": len(log.calls),
        "dropped": log.dropped, "days": log.days, "start": str(log.start.date()),
        "timezone": log.timezone, "options": cal.options,
        "day_classes": [[int(w) for w in c] for c in cal.classes],
        "demand": [{"call_type": d.call_type, "weekdays": d.weekdays,
                    "volume_per_day": d.volume_per_day, **d.overdispersion.to_json()}
                   for d in cal.demand],
        "types": types,
        "priorities": cal.priorities.to_dict(orient="records"),
        "queue_order": queue_order_json(log.calls),
        "structure": cal.structure,
        "busyness": log_busyness(log.calls, log.dates()).to_json(),
    })  # fmt: skip


def _clean(x: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN to None."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _table(df: pd.DataFrame, digits: int = 3) -> str:
    return df.round(digits).to_html(border=0, classes="t", na_rep="", escape=True)


def write_report(
    out: Path,
    cal: Calibration,
    v: Validation,
    sensitivity: pd.DataFrame | None,
    notes: list[str],
) -> list[Path]:
    """Build the report folder atomically (never over an existing one)."""
    check_report_dir(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (tmp / "calibration.json").write_text(json.dumps(calibration_json(cal), indent=2))
        validation = {"replications": v.replications, "seed": v.seed, "checks": v.checks,
                      "daily": v.daily, "notes": notes,
                      "sensitivity": None if sensitivity is None
                      else sensitivity.to_dict(orient="records")}  # fmt: skip
        (tmp / "validation.json").write_text(json.dumps(_clean(validation), indent=2))
        v.table.reset_index().to_csv(tmp / "hourly.csv", index=False)
        (tmp / "report.html").write_text(_html(cal, v, sensitivity, notes), encoding="utf-8")
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out.iterdir())


def _html(cal: Calibration, v: Validation, sens: pd.DataFrame | None, notes: list[str]) -> str:
    figures: list[go.Figure] = [
        hourly_figure(v, m)
        for m in ("abandon_rate", "asa_s", "service_level", "occupancy", "offered")
    ]
    figures += [daily_figure(cal, v), staffing_figure(cal), patience_figure(cal)]
    if sens is not None:
        observed = {
            m: float(v.table.loc[(m, "all"), "observed"]) for m in ("abandon_rate", "asa_s")
        }
        by_factor = sens[sens["max_idle_gap_s"] == cal.staffing.max_idle_gap_s]
        figures.append(sensitivity_figure(by_factor, observed))
    figures += [handle_figure(cal, t) for t in sorted(cal.types)]
    parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0))
             for i, fig in enumerate(figures)]  # fmt: skip
    overall = v.table.xs("all", level="hour")[["observed", "sim_mean", "ci_low", "ci_high",
                                                "pi_low", "pi_high", "rel_diff"]]  # fmt: skip
    dropped = pd.DataFrame({"rows": cal.log.dropped}).rename_axis("reason")
    fits = pd.DataFrame([
        {"type": n, "calls": f.calls, "talk mean (all answered) s": f.handle_mean_s,
         "talk CV": f.handle_cv, "short share": f.short_share,
         "best family (AIC)": f.handle_fits[0].family,
         "fit mean s": f.handle_fits[0].mean_s, "KS": f.handle_fits[0].ks,
         "patience family": f.patience_fit.family, "patience mean s": f.patience_fit.mean_s,
         "exponential patience s": next(x.mean_s for x in f.patience_fits
                                        if x.family == "exponential"),
         "KM median s": f.km.median() if f.km else None,
         "naive abandoners' wait s": f.naive_abandoner_wait_s,
         "pooled patience": f.patience_pooled}
        for n, f in sorted(cal.types.items())]).set_index("type")  # fmt: skip
    esc = html.escape
    body = [
        f"<h1>Calibration of {esc(Path(cal.log.source).name)}</h1>",
        "<h2>What differs and why</h2><ul>"
        + "".join(f"<li>{esc(n)}</li>" for n in notes)
        + "</ul>",
        "<h2>Overall: observed vs simulated</h2>",
        _table(overall),
        f"<p>Checks: <code>{esc(json.dumps(_clean(v.checks)))}</code></p>",
        "<h2>Cleaning</h2>",
        _table(dropped),
        "<h2>Handle time and patience by call type</h2>",
        _table(fits, 2),
        "<h2>Priorities in the log</h2>",
        _table(cal.priorities.set_index(["type", "priority"])),
    ]
    if sens is not None:
        body += ["<h2>Sensitivity to agent availability</h2>", _table(sens.set_index("factor"))]
    body += ["<h2>Figures</h2>", *parts]
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:auto} table.t{border-collapse:"
        "collapse;font-size:13px} .t td,.t th{padding:2px 8px;border-bottom:1px solid #ddd}"
    )
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>ccsim calibration</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>")  # fmt: skip
