"""The volume part of a back-test: a plan's expected calls against the interval volumes that came.

When only volumes are known (no call-by-call log, as in the 2003 bank file), the miss can still be
split into its volume part: per interval and per day, actual calls / the plan's expected calls
(`volume_ratio`). The plan's expectation is exact, from the compiled model's rates (voice types,
intervals keyed by the horizon's local clock). A day's 95% prediction interval is a negative
binomial with the day total's exact mean and variance under the scenario's arrival model
(Poisson given the per-type `day_factor_cv` and any shared `busyness` factor), which is the exact
law for one type with a gamma day factor. No simulation: deterministic and fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.demand import DAY_S
from sim.errors import ScenarioError
from sim.model import compile_model
from sim.model.compile import VOICE
from sim.scenario import Scenario


def planned_by_slot(scenario: Scenario, slot_s: int) -> pd.DataFrame:
    """Expected calls per (local date, slot of `slot_s`) and voice type: rate x bin width."""
    model = compile_model(scenario)
    voice = [c for c in range(model.n_types) if model.type_channel[c] == VOICE]
    if not voice:
        raise ScenarioError("the plan has no voice contact type to compare call volumes with")
    edges = model.rate_edges_s
    width = np.diff(edges)
    local = (model.t0_utc + pd.to_timedelta(edges[:-1], unit="s")).tz_convert(
        scenario.horizon.timezone
    )
    wall = local.tz_localize(None)
    date = wall.normalize()
    slot = ((wall - date).total_seconds() // slot_s).astype(int)
    frame = pd.DataFrame({model.type_names[c]: model.rates_per_s[c] * width for c in voice})
    frame["date"], frame["slot"] = date, slot
    return frame.groupby(["date", "slot"]).sum()


def _day_variance(means: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Exact variance of each day's total: Poisson + per-type gamma + shared busyness factors."""
    cv = {c.name: c.day_factor_cv for c in scenario.demand}
    shared = {name: 0.0 for name in means.columns}
    group = {name: -1 for name in means.columns}
    for k, g in enumerate(scenario.busyness or []):
        for name in g.types or list(means.columns):
            if name in shared:
                shared[name], group[name] = g.cv, k
    var = means.sum(axis=1).astype(float)
    for a in means.columns:
        own = (1 + shared[a] ** 2) * (1 + cv[a] ** 2) - 1
        var += means[a] ** 2 * own
        for b in means.columns:
            if b != a and group[a] >= 0 and group[a] == group[b]:
                var += means[a] * means[b] * shared[a] ** 2
    return var


def _pi(mean: float, var: float) -> tuple[float, float]:
    if mean <= 0:
        return 0.0, 0.0
    if var <= mean * (1 + 1e-12):
        return float(stats.poisson.ppf(0.025, mean)), float(stats.poisson.ppf(0.975, mean))
    n, p = mean**2 / (var - mean), mean / var
    return float(stats.nbinom.ppf(0.025, n, p)), float(stats.nbinom.ppf(0.975, n, p))


def volume_backtest(
    scenario: Scenario, volumes: pd.Series, interval_s: int, slot_s: int = 3600
) -> dict[str, Any]:
    """Actual vs planned calls per day (with the 95% PI) and per interval, on the dates both the
    plan's horizon and the volumes cover; `volumes` is calls per interval start (local clock)."""
    if slot_s % interval_s:
        raise ScenarioError(f"{interval_s // 60}-min volumes do not fit {slot_s // 60}-min slots")
    planned = planned_by_slot(scenario, slot_s)
    day = volumes.index.normalize()
    slot = ((volumes.index - day).total_seconds() // slot_s).astype(int)
    actual = volumes.groupby([day, slot]).sum()
    dates = sorted(set(actual.index.get_level_values(0)) & set(planned.index.get_level_values(0)))
    if not dates:
        raise ScenarioError(
            f"the volumes ({day.min().date()} to {day.max().date()}) and the plan's horizon "
            f"(start {scenario.horizon.start}, {scenario.horizon.days:g} days) share no date: "
            "set horizon.start and horizon.days"
        )
    planned = planned[planned.index.get_level_values(0).isin(dates)]
    actual = actual[actual.index.get_level_values(0).isin(dates)]
    plan_total = planned.sum(axis=1)
    by_day_plan = planned.groupby(level=0).sum()
    mean_day, var_day = by_day_plan.sum(axis=1), _day_variance(by_day_plan, scenario)
    actual_day = actual.groupby(level=0).sum().reindex(mean_day.index, fill_value=0.0)
    days = []
    for d in mean_day.index:
        low, high = _pi(float(mean_day[d]), float(var_day[d]))
        a, m = float(actual_day[d]), float(mean_day[d])
        days.append({"date": str(d.date()), "actual": a, "planned": m, "pi_low": low,
                     "pi_high": high, "outside": bool(a < low or a > high),
                     "volume_ratio": a / m if m > 0 else float("nan")})  # fmt: skip
    start = pd.Timestamp(dates[0])
    both = pd.DataFrame({"actual": actual, "planned": plan_total}).fillna(0.0)
    both = both[(both["actual"] > 0) | (both["planned"] > 0)]
    intervals = []
    for (d, s), r in both.iterrows():
        index = int((pd.Timestamp(d) - start).days * (DAY_S // slot_s) + s)
        ratio = r["actual"] / r["planned"] if r["planned"] > 0 else float("nan")
        intervals.append({"interval": index, "actual": float(r["actual"]),
                          "planned": float(r["planned"]),
                          "volume_ratio": float(ratio)})  # fmt: skip
    by_slot = both.groupby(level=1).sum()
    frame = pd.DataFrame(days)
    return {
        "kind": "volumes", "slot_s": slot_s, "start": str(start.date()), "days": len(dates),
        "actual_calls": float(frame["actual"].sum()),
        "planned_calls": float(frame["planned"].sum()),
        "volume_ratio": float(frame["actual"].sum() / frame["planned"].sum()),
        "daily_mape": float((frame["actual"] / frame["planned"] - 1).abs().mean()),
        "days_outside_pi": float(frame["outside"].mean()),
        "slot_of_day_ratio": {int(s): float(r["actual"] / r["planned"])
                              for s, r in by_slot.iterrows() if r["planned"] > 0},
        "days_detail": days, "decomposition": intervals,
    }  # fmt: skip
