"""Validation: simulate the calibrated scenario and compare it with the log, hour by hour.

Every replication simulates the log's whole period once, so the spread of a KPI across
replications is the spread of "one month like the observed one". Two intervals are reported per
KPI: the 95% CI of the simulated mean (mean +- t s/sqrt(n)), which says what the model predicts on
average, and the 95% prediction interval for one period (mean +- t s sqrt(1 + 1/n)), which is the
fair yardstick for the single observed period: a perfect model puts the observed value outside
the CI of the mean more and more often as replications grow, but inside the prediction interval
95% of the time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.build import Calibration
from sim.calibrate.demand import DAY_S, daily_counts, day_factor_cv
from sim.calibrate.observed import (
    METRICS,
    agent_seconds,
    call_sums,
    calls_from_contact_log,
    kpis,
    simulated_agent_seconds,
)
from sim.engine import simulate
from sim.model import compile_model

MIN_WAITED = 30  # hours with fewer waiting calls (over the whole log) are not scored
TOLERANCE = 0.10  # overall abandonment and ASA within 10% of observed


@dataclass
class Validation:
    """Observed vs simulated KPIs per hour of day ('all' = whole day) and the done-when checks."""

    table: pd.DataFrame  # rows (metric, hour); observed, sim mean, CI and PI bounds, flags
    per_replication: pd.DataFrame  # rows (replication, hour), columns METRICS
    daily: dict[str, Any]
    checks: dict[str, Any]
    replications: int
    seed: int

    def overall(self, metric: str) -> dict[str, float]:
        row = self.table.loc[(metric, "all")]
        return {k: float(row[k]) for k in ("observed", "sim_mean", "ci_low", "ci_high")}


def observed_kpis(cal: Calibration) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-hour sums and KPIs of the cleaned log (available time = the staffing estimate)."""
    log, st = cal.log, cal.staffing
    calls = log.calls
    talk = calls[calls["served"] & (calls["agent"] != "")]
    answer = (talk["arrival_s"] + talk["wait_s"]).to_numpy()
    per_hour = st.by_date.reshape(log.days, 24, -1).sum(axis=(0, 2)) * st.slot_s
    agents = agent_seconds(answer, answer + talk["service_s"].to_numpy(), np.zeros(0),
                           np.zeros(0), log.days)  # fmt: skip
    agents["available_s"] = per_hour
    sums = call_sums(calls, cal.sl_threshold_s).join(agents)
    return sums, kpis(sums, log.days)


def validate(
    cal: Calibration,
    replications: int = 20,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Validation:
    """Simulate `replications` periods of the calibrated scenario and compare with the log."""
    log = cal.log
    model = compile_model(cal.scenario)
    _, observed = observed_kpis(cal)
    frames, daily_sim = [], []
    for i in range(replications):
        sim_log = simulate(model, seed, i)
        calls = calls_from_contact_log(sim_log, model, log.start)
        sums = call_sums(calls, cal.sl_threshold_s).join(
            simulated_agent_seconds(sim_log, model, log.start, log.days)
        )
        frames.append(kpis(sums, log.days))
        daily_sim.append(daily_counts(calls["arrival_s"].to_numpy(), log.dates()))
        if progress is not None:
            progress(i + 1, replications)
    per_rep = pd.concat(frames, keys=range(replications), names=["replication", "hour"])
    table = _compare(observed, per_rep, replications, _waited_by_hour(cal))
    daily = _daily(cal, daily_sim)
    return Validation(table, per_rep, daily, _checks(table), replications, seed)


def _waited_by_hour(cal: Calibration) -> pd.Series:
    calls = cal.log.calls
    hour = ((calls["arrival_s"] % DAY_S) // 3600).astype(int)
    waited = (calls["wait_s"] > 0).groupby(hour).sum().reindex(range(24), fill_value=0)
    return pd.concat([waited, pd.Series({"all": int(waited.sum())})])


def _compare(
    observed: pd.DataFrame, per_rep: pd.DataFrame, n: int, waited: pd.Series
) -> pd.DataFrame:
    t = stats.t.ppf(0.975, n - 1) if n > 1 else np.nan
    rows = []
    for metric in METRICS:
        wide = per_rep[metric].unstack("hour")
        for hour in observed.index:
            values = wide[hour].dropna() if hour in wide else pd.Series(dtype=float)
            mean = float(values.mean()) if len(values) else np.nan
            sd = float(values.std(ddof=1)) if len(values) > 1 else np.nan
            half_ci = t * sd / np.sqrt(len(values)) if len(values) > 1 else np.nan
            half_pi = t * sd * np.sqrt(1 + 1 / len(values)) if len(values) > 1 else np.nan
            obs = float(observed.loc[hour, metric])
            rows.append(
                {
                    "metric": metric,
                    "hour": hour,
                    "observed": obs,
                    "sim_mean": mean,
                    "ci_low": mean - half_ci,
                    "ci_high": mean + half_ci,
                    "pi_low": mean - half_pi,
                    "pi_high": mean + half_pi,
                    "waited_calls": int(waited.get(hour, 0)),
                    "in_ci": bool(abs(obs - mean) <= half_ci),
                    "in_pi": bool(abs(obs - mean) <= half_pi),
                    "rel_diff": (mean - obs) / obs if obs else np.nan,
                }
            )
    return pd.DataFrame(rows).set_index(["metric", "hour"])


def _checks(table: pd.DataFrame) -> dict[str, Any]:
    """The done-when criteria: overall abandonment and ASA within 10%, hourly abandonment."""
    out: dict[str, Any] = {}
    for metric in ("abandon_rate", "asa_s"):
        row = table.loc[(metric, "all")]
        out[metric] = {"observed": row["observed"], "simulated": row["sim_mean"],
                       "rel_diff": row["rel_diff"],
                       "within_10pct": bool(abs(row["rel_diff"]) <= TOLERANCE)}  # fmt: skip
    hourly = table.loc["abandon_rate"].drop("all")
    scored = hourly[(hourly["waited_calls"] >= MIN_WAITED) & hourly["sim_mean"].notna()]
    out["hourly_abandonment"] = {
        "hours_scored": len(scored),
        "rule": f"hours with at least {MIN_WAITED} waiting calls in the log",
        "inside_ci_share": float(scored["in_ci"].mean()) if len(scored) else np.nan,
        "inside_pi_share": float(scored["in_pi"].mean()) if len(scored) else np.nan,
        "hours_outside_pi": [int(h) for h in scored.index[~scored["in_pi"]]],
    }
    return out


def _daily(cal: Calibration, daily_sim: list[pd.Series]) -> dict[str, Any]:
    """Day-to-day variability: observed vs simulated variance/mean of daily volumes."""
    observed = daily_counts(cal.log.calls["arrival_s"].to_numpy(), cal.log.dates())
    obs = day_factor_cv(observed)
    sims = [day_factor_cv(d) for d in daily_sim]
    ratios = np.array([s.dispersion_ratio for s in sims])
    return {
        "observed_variance_over_poisson": obs.dispersion_ratio,
        "observed_day_factor_cv": obs.cv,
        "simulated_variance_over_poisson_mean": float(ratios.mean()),
        "simulated_variance_over_poisson_p025_p975": [float(np.quantile(ratios, 0.025)),
                                                      float(np.quantile(ratios, 0.975))],
        "observed_daily": [int(v) for v in observed.to_numpy()],
        "simulated_daily_mean": [float(v) for v in np.mean(daily_sim, axis=0)],
    }  # fmt: skip
