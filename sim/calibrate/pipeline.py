"""The whole `ccsim calibrate` run: read, estimate, (fit availability), validate, write.

Staffing is used as measured (availability 1.0) unless told otherwise: a number scales it, and
"auto" picks the scale at which simulated overall abandonment meets the observed one
(interpolated on a grid of factors, rounded to 0.01), which makes abandonment a fitted quantity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.calibrate.build import Calibration, calibrate
from sim.calibrate.explain import notes
from sim.calibrate.logs import read_log
from sim.calibrate.observed import calls_from_contact_log
from sim.calibrate.report import (
    check_report_dir,
    header_lines,
    scenario_yaml,
    write_report,
    write_scenario,
)
from sim.calibrate.sensitivity import availability_sensitivity, matching_factor
from sim.calibrate.validate import Validation, validate
from sim.engine import simulate
from sim.errors import ScenarioError
from sim.model import compile_model

BANK_LANGUAGES = {"PE": "en", "*": "he"}  # PE: regular calls in English; the rest in Hebrew
Progress = Callable[[str, int, int], None]


@dataclass
class CalibrationRun:
    calibration: Calibration
    validation: Validation | None
    sensitivity: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _availability(value: str) -> float | None:
    if value == "auto":
        return None
    try:
        factor = float(value)
    except ValueError:
        raise ScenarioError(
            f"--availability {value!r}: give 'auto' or a positive number such as 1.1"
        ) from None
    if not factor > 0:
        raise ScenarioError(f"--availability {value!r}: must be positive")
    return factor


def run_calibration(
    log_path: Path,
    fmt: str = "anonymous-bank",
    out: Path | None = None,
    report: Path | None = None,
    *,
    availability: str = "1.0",
    replications: int = 20,
    seed: int = 1,
    timezone: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    structure: bool = False,
) -> CalibrationRun:
    """Calibrate a log, validate the scenario by simulation and write scenario and report."""
    factor = _availability(availability)
    if out is not None and out.exists():
        raise ScenarioError(f"--out {out}: already exists; ccsim never overwrites a file")
    if report is not None:
        check_report_dir(report)
    if replications < 2:
        raise ScenarioError(f"--replications must be at least 2 (got {replications})")
    log = read_log(log_path, fmt, timezone)
    languages = BANK_LANGUAGES if fmt == "anonymous-bank" else {}
    label = name or (out.stem if out is not None else Path(log_path).stem)
    cal = calibrate(log, name=_safe_name(label), languages=languages, structure=structure)
    sens = None
    measured_row = None
    validate_now = report is not None or factor is None
    if validate_now:
        sens = availability_sensitivity(cal, replications=max(2, min(replications, 6)), seed=seed)
        base = sens[
            (sens["factor"] == 1.0) & (sens["max_idle_gap_s"] == cal.staffing.max_idle_gap_s)
        ]
        measured_row = base.iloc[0].to_dict()
        if factor is None:
            matched = matching_factor(cal, sens)
            factor = round(matched, 2) if matched is not None else 1.0
    if factor is not None and factor != 1.0:
        cal = cal.restaffed(factor)
    validation = None
    found: list[str] = []
    if validate_now:
        tick = None if progress is None else (lambda d, n: progress("validating", d, n))
        validation = validate(cal, replications, seed, tick)
        found = notes(cal, validation, sens, measured_row, _sim_type_waits(cal, seed))
    written: list[Path] = []
    factor_note = f"Agent availability: measured x {cal.staffing.availability_factor:.2f}" + (
        " (matched on overall abandonment; see the report)." if availability == "auto" else "."
    )
    if out is not None:
        write_scenario(out, scenario_yaml(cal, header_lines(cal, validation, factor_note)))
        written.append(out)
    if report is not None and validation is not None:
        written += write_report(report, cal, validation, sens, found)
    return CalibrationRun(cal, validation, sens, found, written)


def _sim_type_waits(cal: Calibration, seed: int) -> pd.Series:
    model = compile_model(cal.scenario)
    calls = calls_from_contact_log(simulate(model, seed, 0), model, cal.log.start)
    return calls[calls["served"]].groupby("type")["wait_s"].mean()


def _safe_name(label: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in label)
    return cleaned if cleaned[:1].isalpha() else f"c_{cleaned}"
