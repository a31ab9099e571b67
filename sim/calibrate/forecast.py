"""Forecast import: interval volumes -> intraday and weekday profiles and a gamma day factor.

Input: a CSV with `interval_start` (local clock time; a trailing `Z` is ignored, as in the 2003
bank file where it does not mean UTC) and `calls`, one row per interval of any whole number of
minutes that divides a day (longer ones are spread over the 15-minute slots). Output: one
scenario demand entry whose simulated daily volumes have the observed mean per weekday and the
observed day-to-day variance (Poisson given a Gamma(1, cv) day factor), checked by simulating
them with the engine; and a what-if on forecast error: Erlang C staffing for the mean day vs for
a quantile of the day factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim import analytic
from sim.calibrate.demand import DAY_S, Overdispersion, day_classes, day_factor_cv
from sim.errors import ScenarioError
from sim.model import compile_model
from sim.scenario import scenario_from_dict

SLOT_S = 900  # profiles on the engine's 15-minute grid
ACCEPTED_MINUTES = ", ".join(str(m) for m in range(1, 1440) if 1440 % m == 0)


@dataclass
class Forecast:
    """Profiles and overdispersion estimated from interval volumes."""

    counts: pd.DataFrame  # dates x 15-min slots (calls), zero where no data
    interval_s: int  # the input's interval length
    open_slots: np.ndarray  # (7, 96) weekday slots with calls
    demand: dict[str, Any]  # scenario demand entry
    overdispersion: Overdispersion
    interval_dispersion: float  # observed var/mean of input-interval counts, same weekday & time
    interval_dispersion_model: float  # what the day factor alone predicts: 1 + cv^2 m
    source_dates: tuple[str, str] = ("", "")  # first and last date of the whole file

    @property
    def days(self) -> int:
        return len(self.counts)


def read_volumes(path: str | Path) -> tuple[pd.Series, int]:
    """Calls per interval start (naive local time) and the interval length in seconds."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: no such file; give a CSV of interval volumes")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file in UTF-8; give a CSV of volumes") from None
    except pd.errors.EmptyDataError:
        raise ScenarioError(
            f"{path}: the file is empty; expected columns interval_start, calls"
        ) from None
    missing = [c for c in ("interval_start", "calls") if c not in df.columns]
    if missing:
        raise ScenarioError(f"{path}: missing column(s) {missing}; the format needs "
                            f"interval_start, calls (found {list(df.columns)})")  # fmt: skip
    if df.empty:
        raise ScenarioError(f"{path}: has a header but no intervals")
    text = df["interval_start"].str.strip().str.rstrip("Z")
    start = pd.to_datetime(text, errors="coerce", format="ISO8601")
    calls = pd.to_numeric(df["calls"].str.strip(), errors="coerce")
    for name, bad in (("interval_start", start.isna()), ("calls", calls.isna() | (calls < 0))):
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ScenarioError(f"{path}: column {name!r} row {row + 2}: "
                                f"{df[name].iloc[row]!r} is not valid")  # fmt: skip
    duplicated = start.duplicated(keep=False).to_numpy()
    if duplicated.any():
        first = int(np.flatnonzero(duplicated)[0])
        rows = np.flatnonzero((start == start.iloc[first]).to_numpy()) + 2
        text_first = df["interval_start"].iloc[first]
        raise ScenarioError(f"{path}: column 'interval_start': {text_first!r} "
                            f"appears on rows {', '.join(map(str, rows))}; keep one row per "
                            "interval (sum the calls of duplicates)")  # fmt: skip
    series = pd.Series(calls.to_numpy(dtype=float), index=pd.DatetimeIndex(start)).sort_index()
    steps = series.index.to_series().diff().dt.total_seconds().to_numpy()[1:]
    steps = steps[steps > 0]
    interval = int(pd.Series(steps).mode().iloc[0]) if len(steps) else SLOT_S
    if interval % 60 or DAY_S % interval or interval == DAY_S:
        raise ScenarioError(f"{path}: intervals of {interval / 60:g} min; the interval length "
                            f"must be a whole number of minutes that divides a day and is shorter "
                            f"than it: {ACCEPTED_MINUTES}")  # fmt: skip
    return series, interval


def _on_slots(series: pd.Series, interval_s: int) -> pd.Series:
    """Calls per 15-minute slot start: an interval's calls shared by overlap with the slots
    it spans (a 60-min interval puts a quarter in each), so any interval that divides a day
    lands on the engine's grid."""
    if SLOT_S % interval_s == 0:
        return series.groupby(series.index.floor(f"{SLOT_S}s")).sum()
    start = ((series.index - pd.Timestamp(0)) // pd.Timedelta(seconds=1)).to_numpy()
    first = start // SLOT_S * SLOT_S
    parts = []
    for k in range(-(-interval_s // SLOT_S) + 1):
        lo = first + k * SLOT_S
        overlap = np.minimum(lo + SLOT_S, start + interval_s) - np.maximum(lo, start)
        keep = overlap > 0
        parts.append(pd.Series(series.to_numpy()[keep] * overlap[keep] / interval_s,
                               index=pd.to_datetime(lo[keep], unit="s")))  # fmt: skip
    spread = pd.concat(parts)
    return spread.groupby(spread.index).sum()


def import_forecast(path: str | Path, name: str = "forecast", timezone: str = "UTC",
                    handle_time: dict[str, Any] | None = None,
                    until: str | None = None) -> Forecast:  # fmt: skip
    """Profiles, volume and day factor of one stream of calls (see module docstring); `until`
    (a date) keeps only the intervals before it, to forecast a later period out of sample."""
    series, interval = read_volumes(path)
    source_dates = (str(series.index.min().date()), str(series.index.max().date()))
    if until is not None:
        cut = pd.to_datetime(until, errors="coerce", format="ISO8601")
        if pd.isna(cut):
            raise ScenarioError(f"--until {until!r}: not a date; use YYYY-MM-DD")
        series = series[series.index < cut]
        if series.empty:
            raise ScenarioError(f"--until {until}: no interval of {path} is before that date")
    slots = _on_slots(series, interval)
    day = slots.index.normalize()
    slot = (slots.index.hour * 3600 + slots.index.minute * 60) // SLOT_S
    counts = slots.groupby([day, slot]).sum().unstack(fill_value=0.0)
    counts = counts.reindex(columns=range(DAY_S // SLOT_S), fill_value=0.0)
    weekday = counts.index.day_of_week
    open_slots = np.zeros((7, DAY_S // SLOT_S), dtype=bool)
    for w in range(7):
        if (weekday == w).any():
            open_slots[w] = (counts[weekday == w] > 0).mean(axis=0).to_numpy() >= 0.5
    classes = day_classes(open_slots)
    if len(classes) > 1:
        biggest = max(classes, key=lambda c: counts[np.isin(weekday, c)].sum().sum())
    else:
        biggest = classes[0]
    daily = counts.sum(axis=1)
    per_weekday = [float(daily[weekday == w].mean()) if (weekday == w).any() else 0.0
                   for w in range(7)]  # fmt: skip
    shape = counts[np.isin(weekday, biggest)].sum(axis=0).to_numpy()
    od = day_factor_cv(daily)
    demand = {
        "name": name,
        "channel": "voice",
        "language": "local",
        "timezone": timezone,
        "volume_per_day": round(float(np.mean(per_weekday)), 3),
        "intraday_profile": [round(float(v), 6) for v in shape / shape.sum()],
        "weekday_profile": [round(v, 2) for v in per_weekday],
        "day_factor_cv": round(od.cv, 4),
        "handle_time": handle_time or {"dist": "exponential", "mean_s": 300.0},
    }
    observed, model = _interval_dispersion(series, od.cv)
    return Forecast(counts, interval, open_slots, demand, od, observed, model, source_dates)


def _interval_dispersion(series: pd.Series, cv: float) -> tuple[float, float]:
    """Mean var/mean of the input-interval counts across dates with the same weekday and clock
    time (intervals averaging >= 5 calls), and the 1 + cv^2 m the day factor alone implies."""
    idx = series.index
    frame = pd.DataFrame({"w": idx.day_of_week, "t": idx.hour * 60 + idx.minute, "n": series})
    g = frame.groupby(["w", "t"])["n"]
    m, v, k = g.mean(), g.var(ddof=1), g.size()
    ok = (m >= 5) & (k >= 2)
    if not ok.any():
        return float("nan"), float("nan")
    return float((v[ok] / m[ok]).mean()), float((1 + cv**2 * m[ok]).mean())


def forecast_scenario(fc: Forecast, days: int | None = None, start: str = "2026-01-05") -> dict:
    """A minimal scenario around the imported demand (one 24/7 pool), for simulation checks."""
    return {
        "name": "forecast-check",
        "horizon": {"start": start, "days": days or fc.days, "timezone": fc.demand["timezone"]},
        "demand": [fc.demand],
        "sites": [{"name": "s", "timezone": fc.demand["timezone"], "location": "onshore",
                   "groups": [{"name": "g", "skills": [{"language": "local", "channel": "voice"}],
                               "shifts": [{"start": "00:00", "end": "24:00", "headcount": 1}]}]}],
    }  # fmt: skip


def plan_scenario(
    fc: Forecast, start: str, days: int, aht_s: float = 300.0, sl_threshold_s: float = 20.0
) -> dict[str, Any]:
    """A plan over `days` from `start`: the forecast's demand, staffed per weekday and 15-min slot
    by Erlang C for 80/20 at the weekday's mean volume (exponential handle time `aht_s`)."""
    from sim.calibrate.staffing import shift_lines

    intraday = np.asarray(fc.demand["intraday_profile"])
    headcount = np.zeros((7, DAY_S // SLOT_S), dtype=int)
    for w, volume in enumerate(fc.demand["weekday_profile"]):
        lam = volume * intraday / SLOT_S
        headcount[w] = analytic.erlang_c_min_agents(lam, 1.0 / aht_s, sl_threshold_s, 0.8)
    zone = fc.demand["timezone"]
    demand = {**fc.demand, "handle_time": {"dist": "exponential", "mean_s": aht_s}}
    return {
        "name": f"{fc.demand['name']}_plan",
        "description": f"forecast of {fc.days} days of volumes, planned for {days} days from "
                       f"{start}",
        "horizon": {"start": start, "days": days, "timezone": zone},
        "channels": {"voice": {"sl_threshold_s": sl_threshold_s}},
        "demand": [demand],
        "sites": [{"name": "center", "timezone": zone, "location": "onshore",
                   "groups": [{"name": "agents",
                               "skills": [{"language": demand["language"], "channel": "voice"}],
                               "shifts": shift_lines(headcount, SLOT_S)}]}],
    }  # fmt: skip


def simulated_dispersion(fc: Forecast, replications: int = 20, seed: int = 1) -> dict[str, Any]:
    """Day-to-day variance/mean of daily volumes simulated by the engine, vs the observed."""
    from sim.calibrate.demand import daily_counts
    from sim.engine.arrivals import generate_demand

    weeks = max(4, int(np.ceil(fc.days / 5)))
    model = compile_model(scenario_from_dict(forecast_scenario(fc, days=7 * weeks)))
    dates = pd.date_range(model.scenario.horizon.start, periods=7 * weeks, freq="D")
    ratios, cvs = [], []
    for r in range(replications):
        arrivals = generate_demand(model, seed, r).arrival_s
        daily = daily_counts(arrivals, dates)
        od = day_factor_cv(daily[daily > 0])
        ratios.append(od.dispersion_ratio)
        cvs.append(od.cv)
    ratios_a = np.array(ratios)
    half = stats.t.ppf(0.975, len(ratios_a) - 1) * ratios_a.std(ddof=1) / np.sqrt(len(ratios_a))
    return {
        "observed_variance_over_poisson": fc.overdispersion.dispersion_ratio,
        "simulated_variance_over_poisson": float(ratios_a.mean()),
        "simulated_ci95": [float(ratios_a.mean() - half), float(ratios_a.mean() + half)],
        "simulated_p025_p975": [
            float(np.quantile(ratios_a, 0.025)),
            float(np.quantile(ratios_a, 0.975)),
        ],  # fmt: skip
        "simulated_day_factor_cv": float(np.mean(cvs)),
        "replications": replications,
        "weeks_per_replication": weeks,
    }


def staffing_what_if(
    fc: Forecast, aht_s: float, quantile: float = 0.9, sl_target: float = 0.8,
    sl_threshold_s: float = 20.0,
) -> dict[str, Any]:  # fmt: skip
    """Erlang C agents per 15-min slot of the busiest weekday: for the mean, for a quantile.

    With a Gamma(1, cv) day factor G, staffing for the mean meets the target only on days with
    G <= ~1; staffing for the q-quantile of G costs more hours and meets it on a share q of days.
    The expected service level over days is averaged over G by quadrature.
    """
    if not 0 < quantile < 1:
        raise ScenarioError(f"--quantile must lie between 0 and 1 (got {quantile})")
    weekday = int(np.argmax(fc.demand["weekday_profile"]))
    day_volume = fc.demand["weekday_profile"][weekday]
    lam = day_volume * np.asarray(fc.demand["intraday_profile"]) / SLOT_S
    cv = fc.overdispersion.cv
    shape = 1 / cv**2 if cv > 0 else np.inf
    g_q = float(stats.gamma.ppf(quantile, shape, scale=1 / shape)) if cv > 0 else 1.0
    mu = 1.0 / aht_s
    n_mean = analytic.erlang_c_min_agents(lam, mu, sl_threshold_s, sl_target)
    n_q = analytic.erlang_c_min_agents(lam * g_q, mu, sl_threshold_s, sl_target)
    probs = (np.arange(64) + 0.5) / 64
    g = stats.gamma.ppf(probs, shape, scale=1 / shape) if cv > 0 else np.ones(64)

    def expected_sl(n: np.ndarray) -> float:
        busy = lam > 0
        sl = analytic.erlang_c_metrics(lam[busy][None, :] * g[:, None], mu, n[busy][None, :],
                                       sl_threshold_s)["service_level"]  # fmt: skip
        w = lam[busy] / lam[busy].sum()
        return float((sl @ w).mean())

    return {
        "weekday": ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday],
        "aht_s": aht_s, "quantile": quantile, "day_factor_quantile": g_q,
        "agent_hours_for_mean": float(n_mean.sum() * SLOT_S / 3600),
        "agent_hours_for_quantile": float(n_q.sum() * SLOT_S / 3600),
        "expected_sl_staffed_for_mean": expected_sl(n_mean),
        "expected_sl_staffed_for_quantile": expected_sl(n_q),
        "share_of_days_meeting_target_staffed_for_mean": _share_meeting(lam, mu, n_mean, g,
                                                                         sl_threshold_s, sl_target),
        "share_of_days_meeting_target_staffed_for_quantile": _share_meeting(
            lam, mu, n_q, g, sl_threshold_s, sl_target),
        "agents_by_slot_mean": [int(x) for x in n_mean],
        "agents_by_slot_quantile": [int(x) for x in n_q],
    }  # fmt: skip


def _share_meeting(lam: np.ndarray, mu: float, n: np.ndarray, g: np.ndarray, t: float,
                   target: float) -> float:  # fmt: skip
    """Share of day-factor draws whose daily (volume-weighted) service level meets the target."""
    busy = lam > 0
    sl = analytic.erlang_c_metrics(lam[busy][None, :] * g[:, None], mu, n[busy][None, :],
                                   t)["service_level"]  # fmt: skip
    daily = sl @ (lam[busy] / lam[busy].sum())
    return float(np.mean(daily >= target))
