"""From a cleaned call log to a scenario: the calibration pipeline and its stated choices.

1. Staffing per weekday x slot from the agents seen working (`staffing.py`); calls arriving in a
   slot where that weekday has no staff are dropped as outside opening hours.
2. Weekdays with similar opening hours form day classes; each call type gets one contact type per
   class (its own intraday profile), with weekday volumes and a gamma day factor (`demand.py`);
   when the types' daily volumes share a significant busy-day factor (> 2 SE, `busyness.py`) the
   scenario gets `busyness: {cv}` and each type's `day_factor_cv` keeps only its own remainder.
3. Handle time per call type: the family (lognormal, gamma, exponential) with the lowest AIC on the
   genuine services (>= `short_service_s`, a named agent; very short services are mostly agents
   hanging up, Brown et al. 2005), with mean and CV matched to every answered call's talk time so
   the simulated workload equals the observed one.
4. Patience per call type: censored MLE (abandoned = event, served after waiting = censored); the
   lowest-AIC family the scenario can express; types with few abandonments use the pooled fit.
5. Structure (`routing_fit.py`): priorities from a `priority` column meaning "1 served first", else
   from the types' decisive overtakes in the log; agent groups from the pools of agents who served
   the same types, sharing the measured staffing; routing `longest_idle` (strict priorities).
   Inferred always (calibration.json); written into the scenario only with `structure=True`: on the
   bank log it moves per-type waits toward the log but the whole-center targets away (see
   docs/calibration.md), so the default stays the one-pool FCFS scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.busyness import log_busyness
from sim.calibrate.demand import DAY_S, TypeDemand, day_classes, type_demand
from sim.calibrate.durations import (
    Fit,
    KaplanMeier,
    best_scenario_fit,
    fit_handle_times,
    fit_patience,
    kaplan_meier,
)
from sim.calibrate.logs import CallLog
from sim.calibrate.routing_fit import infer_structure, pool_headcount
from sim.calibrate.staffing import WEEKDAY_NAMES, StaffingEstimate, estimate_staffing, shift_lines
from sim.errors import ScenarioError
from sim.scenario import Scenario, scenario_from_dict

MIN_ABANDONS = 20


@dataclass
class TypeFits:
    """Handle-time and patience estimates of one call type."""

    call_type: str
    calls: int
    handle_fits: list[Fit]  # on genuine services, best AIC first
    handle_mean_s: float  # all answered calls (the workload)
    handle_cv: float
    short_share: float  # answered calls with talk time < short_service_s
    patience_fits: list[Fit]
    patience_pooled: bool
    km: KaplanMeier | None
    abandon_share_waited: float
    naive_abandoner_wait_s: float

    @property
    def handle_dist(self) -> dict[str, Any]:
        family = self.handle_fits[0].family
        if family == "exponential":
            return {"dist": "exponential", "mean_s": round(self.handle_mean_s, 1)}
        return {"dist": family, "mean_s": round(self.handle_mean_s, 1),
                "cv": round(self.handle_cv, 3)}  # fmt: skip

    @property
    def patience_fit(self) -> Fit:
        return best_scenario_fit(self.patience_fits)


@dataclass
class Calibration:
    """Everything estimated from one log, and the scenario built from it."""

    log: CallLog
    slot_s: int
    staffing: StaffingEstimate
    classes: list[list[int]]
    demand: list[TypeDemand]
    types: dict[str, TypeFits]
    priorities: pd.DataFrame
    scenario: Scenario
    options: dict[str, Any]
    structure: dict[str, Any] = field(default_factory=dict)  # routing_fit.infer_structure

    @property
    def sl_threshold_s(self) -> float:
        return float(self.options["sl_threshold_s"])

    def scenario_dict(self) -> dict[str, Any]:
        return self.scenario.model_dump(mode="json", exclude_defaults=True)

    def restaffed(
        self, factor: float | None = None, max_idle_gap_s: float | None = None
    ) -> Calibration:
        """The same estimates with another availability factor or idle-gap rule for staffing."""
        factor = self.staffing.availability_factor if factor is None else factor
        _check_factor(factor)
        if max_idle_gap_s is None or max_idle_gap_s == self.staffing.max_idle_gap_s:
            staffing = replace(self.staffing, availability_factor=factor,
                               headcount=self.staffing.scaled_headcount(factor))  # fmt: skip
        else:
            staffing = estimate_staffing(self.log.calls, self.log.days, self.log.dates(),
                                         self.slot_s, max_idle_gap_s, factor)  # fmt: skip
        options = {**self.options, "availability_factor": factor,
                   "max_idle_gap_s": staffing.max_idle_gap_s}  # fmt: skip
        scenario = _scenario(self.log, staffing, self.classes, self.demand, self.types, options,
                             self.structure)  # fmt: skip
        return replace(self, staffing=staffing, scenario=scenario, options=options)


def _check_factor(factor: float) -> None:
    if not factor > 0:
        raise ScenarioError(f"availability factor must be positive (got {factor})")


def calibrate(
    log: CallLog,
    *,
    name: str = "calibrated",
    slot_minutes: int = 15,
    sl_threshold_s: float = 20.0,
    short_service_s: float = 10.0,
    languages: dict[str, str] | None = None,
    availability_factor: float = 1.0,
    max_idle_gap_s: float = 900.0,
    structure: bool = False,
) -> Calibration:
    """Estimate a scenario from a cleaned call log (see the module docstring for each choice).

    The log is copied: calls outside opening hours are dropped from the copy only.
    """
    _check_factor(availability_factor)
    if slot_minutes not in (15, 30, 60):
        raise ScenarioError(f"slot minutes must be 15, 30 or 60 (got {slot_minutes})")
    log = replace(log, calls=log.calls.copy(), dropped=dict(log.dropped))
    calls = log.calls
    if not (calls["agent"] != "").any():
        raise ScenarioError(
            f"{log.source}: no answered call names its agent; staffing is estimated from the "
            "agents seen working (csv: fill the 'agent' column)"
        )
    waited = calls["wait_s"] > 0
    if int((~calls["served"] & waited).sum()) < 2 or int(calls["served"].sum()) < 2:
        raise ScenarioError(
            f"{log.source}: too few calls to calibrate: need at least 2 answered calls and 2 "
            "abandoned calls that waited"
        )
    slot_s = slot_minutes * 60
    dates = log.dates()
    staffing = estimate_staffing(log.calls, log.days, dates, slot_s, max_idle_gap_s,
                                 availability_factor)  # fmt: skip
    _drop_outside_hours(log, staffing, dates)
    classes = day_classes(staffing.open_slots())
    calls = log.calls
    demand = []
    for call_type, group in calls.groupby("type", sort=True):
        for cls in classes:
            td = type_demand(group["arrival_s"].to_numpy(), str(call_type), cls, dates, slot_s)
            if td is not None:
                demand.append(td)
    pooled = _patience(calls)
    types = {
        str(t): _type_fits(str(t), g, short_service_s, pooled, calls)
        for t, g in calls.groupby("type")
    }
    options = {
        "name": name, "slot_minutes": slot_minutes, "sl_threshold_s": sl_threshold_s,
        "short_service_s": short_service_s, "languages": dict(languages or {}),
        "availability_factor": availability_factor, "max_idle_gap_s": max_idle_gap_s,
        "structure": structure,
    }  # fmt: skip
    inferred = infer_structure(calls, max_idle_gap_s)
    scenario = _scenario(log, staffing, classes, demand, types, options, inferred)
    return Calibration(log, slot_s, staffing, classes, demand, types, priority_table(calls),
                       scenario, options, inferred)  # fmt: skip


def _drop_outside_hours(log: CallLog, staffing: StaffingEstimate, dates: pd.DatetimeIndex) -> None:
    calls = log.calls
    day = (calls["arrival_s"] // DAY_S).astype(int).clip(0, log.days - 1)
    slot = ((calls["arrival_s"] % DAY_S) // staffing.slot_s).astype(int)
    weekday = dates.day_of_week.to_numpy()[day]
    closed = staffing.headcount[weekday, slot] == 0
    log.drop(closed, "arrived outside opening hours (a weekday slot with no agents seen working)")


def _patience(calls: pd.DataFrame) -> list[Fit]:
    waited = calls[calls["wait_s"] > 0]
    return fit_patience(waited["wait_s"].to_numpy(), ~waited["served"].to_numpy())


def _type_fits(
    call_type: str, g: pd.DataFrame, short_s: float, pooled: list[Fit], everything: pd.DataFrame
) -> TypeFits:
    """Fits of one call type; a type with fewer than 2 answered calls borrows all types' talk."""
    if int((g["served"] & (g["service_s"] > 0)).sum()) < 2:
        g_talk = everything
    else:
        g_talk = g
    answered = g_talk[g_talk["served"] & (g_talk["service_s"] > 0)]["service_s"]
    answered = answered.to_numpy(dtype=float)
    genuine = g_talk[g_talk["served"] & (g_talk["agent"] != "") & (g_talk["service_s"] >= short_s)]
    genuine = genuine["service_s"]
    fits = fit_handle_times(genuine.to_numpy(dtype=float) if len(genuine) >= 2 else answered)
    waited = g[g["wait_s"] > 0]
    abandons = int((~waited["served"]).sum())
    use_pooled = abandons < MIN_ABANDONS
    patience = pooled if use_pooled else _patience(g)
    km = (
        kaplan_meier(waited["wait_s"].to_numpy(), ~waited["served"].to_numpy())
        if abandons
        else None
    )
    return TypeFits(
        call_type=call_type,
        calls=len(g),
        handle_fits=fits,
        handle_mean_s=float(answered.mean()),
        handle_cv=float(answered.std() / answered.mean()),
        short_share=float(np.mean(answered < short_s)),
        patience_fits=patience,
        patience_pooled=use_pooled,
        km=km,
        abandon_share_waited=abandons / max(len(waited), 1),
        naive_abandoner_wait_s=float(waited.loc[~waited["served"], "wait_s"].mean())
        if abandons
        else float("nan"),
    )


def priority_table(calls: pd.DataFrame) -> pd.DataFrame:
    """Per type and priority value: calls, share that waited, mean wait if waited, abandonment."""
    waited = calls["wait_s"] > 0
    frame = calls.assign(waited=waited, abandoned=~calls["served"])
    g = frame.groupby(["type", "priority"])
    table = pd.DataFrame(
        {
            "calls": g.size(),
            "waited_share": g["waited"].mean(),
            "mean_wait_if_waited_s": frame[waited].groupby(["type", "priority"])["wait_s"].mean(),
            "abandon_share_waited": frame[waited].groupby(["type", "priority"])["abandoned"].mean(),
        }
    )
    return table.reset_index()


def class_label(weekdays: list[int]) -> str:
    """'sun_thu' for a cyclic run of weekdays, 'fri' for one day, else the days joined."""
    days = sorted(weekdays)
    for first in days:
        run = [(first + i) % 7 for i in range(len(days))]
        if sorted(run) == days:
            return "_".join(WEEKDAY_NAMES[d] for d in dict.fromkeys((run[0], run[-1])))
    return "_".join(WEEKDAY_NAMES[d] for d in days)


def _scenario_priority(
    calls: pd.DataFrame, call_type: str, by_column: bool, inferred: dict[str, int]
) -> int:
    if not by_column:
        return inferred.get(call_type, 1)
    p = calls.loc[(calls["type"] == call_type) & (calls["priority"] > 0), "priority"]
    return int(p.median()) if len(p) else 1


def _scenario(
    log: CallLog,
    staffing: StaffingEstimate,
    classes: list[list[int]],
    demand: list[TypeDemand],
    types: dict[str, TypeFits],
    options: dict[str, Any],
    structure: dict[str, Any],
) -> Scenario:
    languages = options["languages"]
    if not options.get("structure"):
        structure = {}
    pools = structure.get("pools", [])
    split = len(pools) > 1 or any(set(p["skills"]) != set(types) for p in pools)
    by_column = log.priority_is_order and bool((log.calls["priority"] > 0).any())
    class_name = {tuple(c): class_label(c) for c in classes}
    busy = log_busyness(log.calls, log.dates())
    items = []
    for td in demand:
        fits = types[td.call_type]
        suffix = "" if len(classes) == 1 else "_" + class_name[tuple(td.weekdays)]
        items.append(
            {
                "name": f"{td.call_type}{suffix}",
                "channel": "voice",
                "language": _language(languages, td.call_type, split),
                "segment": td.call_type,
                "timezone": log.timezone,
                "volume_per_day": round(td.volume_per_day, 3),
                "intraday_profile": td.intraday_profile,
                "weekday_profile": td.weekday_profile,
                "day_factor_cv": round(
                    busy.types[td.call_type].residual_cv
                    if busy.significant
                    else td.overdispersion.cv,
                    4,
                ),  # fmt: skip
                "handle_time": fits.handle_dist,
                "patience": fits.patience_fit.scenario_dist(),
                "priority": _scenario_priority(
                    log.calls, td.call_type, by_column, structure.get("priorities", {})
                ),  # fmt: skip
            }
        )
    groups = _groups(log, staffing, options, pools, languages, split, items)
    data = {
        "name": options["name"],
        "description": f"calibrated from {Path(log.source).name} ({log.days} days)",
        "horizon": {
            "start": log.start.date().isoformat(),
            "days": log.days,
            "timezone": log.timezone,
            "interval_minutes": options["slot_minutes"],
        },
        "channels": {"voice": {"sl_threshold_s": options["sl_threshold_s"]}},
        "reporting": {"timezone": log.timezone},
        "demand": items,
        "sites": [
            {
                "name": "center",
                "timezone": log.timezone,
                "location": "onshore",
                "groups": groups,
            }
        ],
    }
    if split:
        data["routing"] = {"policy": structure["policy"]}
    if busy.significant:  # shared busy days; the per-type factor keeps only the remainder
        data["busyness"] = busy.scenario_field()
    return scenario_from_dict(data, f"calibration of {log.source}")


def _language(languages: dict[str, str], call_type: str, split: bool) -> str:
    """The type's language; with agent pools, language and type (a skill per call type)."""
    lang = languages.get(call_type, languages.get("*", "local"))
    return f"{lang}_{call_type}" if split else lang


def _groups(
    log: CallLog,
    staffing: StaffingEstimate,
    options: dict[str, Any],
    pools: list[dict[str, Any]],
    languages: dict[str, str],
    split: bool,
    items: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """One group of every agent (one pool), or a group per pool sharing the measured staffing."""
    if not split:
        skills = sorted({it["language"] for it in items})
        return [{"name": "agents", "skills": [{"language": x, "channel": "voice"} for x in skills],
                 "shifts": shift_lines(staffing.headcount, staffing.slot_s)}]  # fmt: skip
    counts = pool_headcount(log.calls, log.days, log.dates(), staffing.slot_s,
                            options["max_idle_gap_s"], pools, staffing.headcount)  # fmt: skip
    groups = []
    for pool, headcount in zip(pools, counts, strict=True):
        if not headcount.any():
            continue
        skills = [{"language": _language(languages, t, True), "channel": "voice"}
                  for t in pool["skills"]]  # fmt: skip
        name = "_".join(pool["skills"])
        name += "" if all(g["name"] != name for g in groups) else f"_{len(groups) + 1}"
        groups.append({"name": name, "skills": skills,
                       "shifts": shift_lines(headcount, staffing.slot_s)})  # fmt: skip
    return groups
