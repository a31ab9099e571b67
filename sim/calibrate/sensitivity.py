"""How the validation KPIs move with the staffing estimate (the least certain input).

A call log shows agents only while they talk, so agent availability is inferred, not measured
(see `staffing.py`). Scaling the measured availability by a factor, or changing the idle gap taken
as a break, and re-simulating shows how much of a gap between simulated and observed KPIs one
staffing assumption explains; `matching_factor` is where simulated and observed overall
abandonment meet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.build import Calibration
from sim.calibrate.observed import call_sums, calls_from_contact_log, kpis
from sim.calibrate.validate import observed_kpis
from sim.engine import simulate
from sim.model import compile_model

FACTORS = (0.9, 0.95, 1.0, 1.05, 1.1)
IDLE_GAPS_S = (600.0, 1200.0)
SENSITIVITY_METRICS = ("abandon_rate", "asa_s", "service_level")


def availability_sensitivity(
    cal: Calibration,
    factors: tuple[float, ...] = FACTORS,
    replications: int = 5,
    seed: int = 1,
    idle_gaps_s: tuple[float, ...] = IDLE_GAPS_S,
) -> pd.DataFrame:
    """Overall KPIs (mean, 95% CI half-width) at each availability factor and idle-gap rule."""
    rows = []
    t = stats.t.ppf(0.975, replications - 1) if replications > 1 else np.nan
    variants = [(f, None) for f in factors] + [(1.0, g) for g in idle_gaps_s]
    for factor, gap in variants:
        variant = cal.restaffed(factor, gap)
        model = compile_model(variant.scenario)
        values = []
        for i in range(replications):
            calls = calls_from_contact_log(simulate(model, seed, i), model, cal.log.start)
            values.append(kpis(call_sums(calls, cal.sl_threshold_s).assign(talk_s=0.0,
                                                                           available_s=1.0),
                               cal.log.days).loc["all"])  # fmt: skip
        frame = pd.DataFrame(values)
        row: dict[str, float] = {
            "factor": factor,
            "max_idle_gap_s": variant.staffing.max_idle_gap_s,
            "agent_hours_per_week": _agent_hours(variant),
        }
        for metric in SENSITIVITY_METRICS:
            row[metric] = float(frame[metric].mean())
            row[f"{metric}_ci"] = float(t * frame[metric].std(ddof=1) / np.sqrt(len(frame)))
        rows.append(row)
    return pd.DataFrame(rows)


def _agent_hours(cal: Calibration) -> float:
    """Scheduled agent hours per week of a calibration's staffing."""
    return float(cal.staffing.headcount.sum() * cal.staffing.slot_s / 3600)


def matching_factor(cal: Calibration, table: pd.DataFrame) -> float | None:
    """Availability factor where simulated overall abandonment meets the observed (interpolated)."""
    _, observed = observed_kpis(cal)
    target = float(observed.loc["all", "abandon_rate"])
    base = table[table["max_idle_gap_s"] == cal.staffing.max_idle_gap_s]
    x = base["factor"].to_numpy()
    y = base["abandon_rate"].to_numpy()
    if not (y.min() <= target <= y.max()):
        return None
    order = np.argsort(y)
    return float(np.interp(target, y[order], x[order]))
