"""Compile a plan into weekly arrays: volumes, handle-time factors, shrinkage and people rules.

Everything downstream (required FTE, headcount flow, MILP) reads these arrays, never the YAML.
Groups follow the scenario's order (`Model.group_names`). A window covering k of a week's 7
days moves that week by k/7 of its effect (multipliers and factors multiply per day first).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.model import Model, compile_model
from sim.planning.models import AttritionBand, Hiring, Overtime, Plan, Undertime
from sim.scenario import Scenario
from sim.scenario.workforce import LearningCurve
from sim.staffing.plan import hourly_rate
from sim.staffing.workload import shrinkage

TENURE_CAP = 260  # weeks; attrition and productivity are flat beyond this


@dataclass(frozen=True)
class GroupSetup:
    """People rules of one group, by tenure week k = 0..TENURE_CAP."""

    site: str
    group: str
    bands: list[tuple[int, float]]  # (tenure weeks, agents) at the start
    attrition: np.ndarray  # (TENURE_CAP + 1,) weekly leaving probability by tenure
    productivity: np.ndarray  # (TENURE_CAP + 1,) 1 / handle-time factor by tenure
    fcr_factor: np.ndarray  # (TENURE_CAP + 1,) learning-curve FCR factor by tenure
    learning_curve: LearningCurve | None
    hiring: Hiring | None
    wage_per_hour: float
    shrinkage: np.ndarray  # (weeks,)
    overtime: Overtime
    undertime: Undertime
    hiring_pool: str  # groups sharing a hiring block share its classes-per-month limit
    fixed: list[tuple[int, int]] = field(default_factory=list)  # (start week, size)


@dataclass(frozen=True)
class PlanSetup:
    plan: Plan
    scenario: Scenario
    base_dir: Path
    week_starts: list[dt.date]
    type_names: list[str]
    volumes: np.ndarray  # (types, weeks) contacts per week
    aht_factor: np.ndarray  # (types, weeks)
    groups: list[GroupSetup]
    month: np.ndarray  # (weeks,) calendar month index of each week's Monday

    @property
    def n_weeks(self) -> int:
        return len(self.week_starts)

    @property
    def site_names(self) -> list[str]:
        return list(dict.fromkeys(g.site for g in self.groups))


def day_range(plan: Plan) -> pd.DatetimeIndex:
    return pd.date_range(plan.horizon.start, periods=7 * plan.horizon.weeks, freq="D")


def _in(days: pd.DatetimeIndex, start: dt.date, end: dt.date) -> np.ndarray:
    return np.asarray((days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end)))


def weekly(daily: np.ndarray) -> np.ndarray:
    """(..., days) -> (..., weeks): sums over each week's 7 days."""
    return daily.reshape(*daily.shape[:-1], -1, 7).sum(axis=-1)


def scenario_volumes(plan: Plan, sc: Scenario, days: pd.DatetimeIndex) -> np.ndarray:
    """(types, days) volumes from the scenario's demand: weekday profile and (optionally) peaks."""
    out = np.zeros((len(sc.demand), len(days)))
    for c, ct in enumerate(sc.demand):
        weekday = np.asarray(ct.weekday_profile, float)
        daily = ct.volume_per_day * (weekday / weekday.mean())[days.day_of_week]
        if plan.volumes.scenario_peaks:
            for p in ct.peaks:
                daily = np.where(_in(days, p.start, p.end), daily * p.multiplier, daily)
        out[c] = daily
    return out


def csv_volumes(plan: Plan, sc: Scenario, base_dir: Path, days: pd.DatetimeIndex) -> np.ndarray:
    """(types, weeks) volumes from the plan's CSV (weekly rows by Monday, or daily rows)."""
    path = base_dir / str(plan.volumes.csv)
    if not path.is_file():
        raise ScenarioError(f"volumes.csv: {plan.volumes.csv} not found (looked for {path})")
    frame = pd.read_csv(path)
    names = [ct.name for ct in sc.demand]
    key = "week" if "week" in frame.columns else "date" if "date" in frame.columns else None
    if key is None:
        raise ScenarioError(f"volumes.csv: {path.name} needs a `week` or `date` column")
    unknown = [c for c in frame.columns if c != key and c not in names]
    if unknown:
        raise ScenarioError(f"volumes.csv: columns {unknown} are not contact types "
                            f"({', '.join(names)})")  # fmt: skip
    try:
        when = pd.to_datetime(frame[key]).dt.normalize()
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"volumes.csv: column {key}: not dates ({exc})") from None
    if key == "week":
        week_idx = ((when - days[0]).dt.days // 7).to_numpy()
        if ((when - days[0]).dt.days % 7 != 0).any():
            raise ScenarioError("volumes.csv: column week: every week is given by its Monday")
    else:
        week_idx = ((when - days[0]).dt.days // 7).to_numpy()
    n_weeks = len(days) // 7
    inside = (week_idx >= 0) & (week_idx < n_weeks)
    out = np.zeros((len(names), n_weeks))
    for c, name in enumerate(names):
        if name in frame.columns:
            values = pd.to_numeric(frame[name], errors="coerce").to_numpy(float)
            if np.isnan(values).any() or (values < 0).any():
                raise ScenarioError(f"volumes.csv: column {name}: volumes must be numbers >= 0")
            np.add.at(out[c], week_idx[inside], values[inside])
    covered = np.zeros(n_weeks, bool)
    covered[week_idx[inside]] = True
    if not covered.all():
        first = days[7 * int(np.flatnonzero(~covered)[0])].date()
        raise ScenarioError(f"volumes.csv: no volumes for the week of {first}; the CSV must "
                            "cover every week of the horizon")  # fmt: skip
    return out


def plan_volumes(plan: Plan, sc: Scenario, base_dir: Path) -> np.ndarray:
    """(types, weeks) contacts per week, with the plan's multipliers."""
    days = day_range(plan)
    names = [ct.name for ct in sc.demand]
    mult = np.ones((len(names), len(days)))
    for m in plan.volumes.multipliers:
        rows = [names.index(t) for t in m.types] if m.types else list(range(len(names)))
        mult[np.ix_(rows, np.flatnonzero(_in(days, m.start, m.end)))] *= m.multiplier
    if plan.volumes.csv is None:
        return weekly(scenario_volumes(plan, sc, days) * mult)
    base = csv_volumes(plan, sc, base_dir, days)
    return base * weekly(mult) / 7.0


def aht_factors(plan: Plan, names: list[str]) -> np.ndarray:
    days = day_range(plan)
    f = np.ones((len(names), len(days)))
    for a in plan.aht:
        rows = [names.index(t) for t in a.types] if a.types else list(range(len(names)))
        f[np.ix_(rows, np.flatnonzero(_in(days, a.start, a.end)))] *= a.factor
    return weekly(f) / 7.0


def attrition_by_tenure(bands: list[AttritionBand], where: str) -> np.ndarray:
    """Weekly attrition for tenure weeks 0..TENURE_CAP from ordered bands."""
    out = np.full(TENURE_CAP + 1, np.nan)
    lo = 0.0
    for i, b in enumerate(bands):
        hi = b.up_to_tenure_weeks
        if hi is None and i != len(bands) - 1:
            raise ScenarioError(f"{where}[{i}].up_to_tenure_weeks: only the last band may omit it")
        if hi is not None and hi <= lo:
            raise ScenarioError(f"{where}[{i}].up_to_tenure_weeks: bands must increase "
                                f"(got {hi} after {lo})")  # fmt: skip
        k = np.arange(TENURE_CAP + 1)
        inside = (k >= lo) & (k < (np.inf if hi is None else hi))
        out[inside & np.isnan(out)] = b.per_week
        lo = hi if hi is not None else lo
    if np.isnan(out).any():
        out[np.isnan(out)] = bands[-1].per_week
    return out


def curve(lc: LearningCurve | None) -> tuple[np.ndarray, np.ndarray]:
    """(productivity, FCR factor) by tenure week, linear as in the simulator's learning curve."""
    k = np.arange(TENURE_CAP + 1, dtype=float)
    if lc is None:
        return np.ones_like(k), np.ones_like(k)
    progress = np.minimum(k / lc.weeks_to_proficiency, 1.0)
    aht = lc.initial_aht_factor - (lc.initial_aht_factor - 1.0) * progress
    fcr = lc.initial_fcr_factor + (1.0 - lc.initial_fcr_factor) * progress
    return 1.0 / aht, fcr


def _week_of(plan: Plan, day: dt.date, where: str) -> int:
    w = (day - plan.horizon.start).days // 7
    if not 0 <= w < plan.horizon.weeks:
        raise ScenarioError(f"{where}: {day} is outside the plan's {plan.horizon.weeks} weeks "
                            f"from {plan.horizon.start}")  # fmt: skip
    return w


def _shrinkage_weeks(plan: Plan, site: str, base: float) -> np.ndarray:
    days = day_range(plan)
    extra = np.zeros(len(days))
    for s in plan.shrinkage:
        if s.sites is None or site in s.sites:
            extra[_in(days, s.start, s.end)] += s.add
    out = base + weekly(extra) / 7.0
    return np.clip(out, 0.0, 0.95)


def check_hiring(plan: Plan, hiring: Hiring, where: str) -> None:
    """Training that cannot end inside the horizon is a user error, not an empty plan."""
    weeks = plan.horizon.weeks
    if hiring.training_weeks >= weeks:
        raise ScenarioError(f"{where}.training_weeks: {hiring.training_weeks} weeks of training "
                            f"do not fit the {weeks}-week horizon; shorten the training or "
                            "lengthen horizon.weeks")  # fmt: skip
    if hiring.lead_time_weeks + hiring.training_weeks >= weeks:
        raise ScenarioError(f"{where}.lead_time_weeks: a class starting after "
                            f"{hiring.lead_time_weeks} weeks of lead time graduates after the "
                            f"{weeks}-week horizon (training {hiring.training_weeks} weeks); "
                            "no class could help")  # fmt: skip
    if hiring.max_class == 0 or hiring.max_classes_per_month == 0:
        raise ScenarioError(f"{where}: max_class and max_classes_per_month must be at least 1 "
                            "(omit hiring for a site that does not hire)")  # fmt: skip


def compile_plan(plan: Plan, sc: Scenario, base_dir: Path) -> PlanSetup:
    """Weekly arrays of a validated plan over its scenario."""
    model: Model = compile_model(sc)
    names = [ct.name for ct in sc.demand]
    off, absent = shrinkage(model)
    plans = {(s.name, g.name): (i, j, s, g) for i, s in enumerate(plan.sites)
             for j, g in enumerate(s.groups)}  # fmt: skip
    groups = []
    for gi, full in enumerate(model.group_names):
        site, group = full.split("/", 1)
        i, j, sp, gp = plans[(site, group)]
        where = f"sites[{i}].groups[{j}]"
        wf = model.group_workforce[gi]
        bands = gp.attrition or sp.attrition
        if bands:
            attr = attrition_by_tenure(bands, f"{where}.attrition" if gp.attrition else
                                       f"sites[{i}].attrition")  # fmt: skip
        else:
            attr = np.full(TENURE_CAP + 1, 1.0 - math.exp(-wf.attrition_per_month * 7 / 30))
        lc = gp.learning_curve or sp.learning_curve or wf.learning_curve
        prod, fcr = curve(lc)
        hiring = gp.hiring or sp.hiring
        if hiring is not None:
            check_hiring(plan, hiring, f"{where}.hiring" if gp.hiring else f"sites[{i}].hiring")
        base = gp.shrinkage if gp.shrinkage is not None else 1 - (1 - off[gi]) * (1 - absent[gi])
        fixed = [(_week_of(plan, c.start, f"{where}.classes[{k}].start"), c.size)
                 for k, c in enumerate(gp.classes) if c.size > 0]  # fmt: skip
        if fixed and hiring is None:
            raise ScenarioError(f"{where}.classes: classes need hiring rules (training weeks, "
                                f"graduation) at sites[{i}].hiring or {where}.hiring")  # fmt: skip
        wage = gp.wage_per_hour if gp.wage_per_hour is not None else hourly_rate(model, gi)
        groups.append(GroupSetup(
            site=site, group=group,
            bands=[(b.tenure_weeks, b.agents) for b in gp.headcount if b.agents > 0],
            attrition=attr, productivity=prod, fcr_factor=fcr, learning_curve=lc,
            hiring=hiring, wage_per_hour=float(wage),
            shrinkage=_shrinkage_weeks(plan, site, float(base)),
            overtime=sp.overtime, undertime=sp.undertime, fixed=fixed,
            hiring_pool=full if gp.hiring else site,
        ))  # fmt: skip
    starts = [plan.horizon.start + dt.timedelta(weeks=w) for w in range(plan.horizon.weeks)]
    month = np.array([(d.year - starts[0].year) * 12 + d.month for d in starts])
    return PlanSetup(
        plan=plan, scenario=sc, base_dir=base_dir, week_starts=starts, type_names=names,
        volumes=plan_volumes(plan, sc, base_dir), aht_factor=aht_factors(plan, names),
        groups=groups, month=month - month.min(),
    )  # fmt: skip
