"""A computed capacity plan: the weekly table per site x group, the classes, short weeks, JSON.

Weeks are numbered from 1 in every output; FTE are `hours_per_week` paid hours. "required" is
scheduled FTE (shrinkage included), "available" is effective FTE (headcount times learning-curve
productivity) plus overtime less undertime; cost is spend (wages of floor agents and trainees,
hiring, training, overtime, less undertime savings), the shortage penalty shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.planning.diagnose import max_reachable, reason
from sim.planning.flow import Flow, totals
from sim.planning.optimise import Decisions
from sim.planning.required import Requirement
from sim.planning.setup import PlanSetup

WEEK_COLUMNS = [
    "week", "week_start", "site", "group", "required_fte", "productive_fte", "headcount",
    "effective_fte", "overtime_fte", "undertime_fte", "available_fte", "gap_fte", "short_fte",
    "coverable", "hires", "in_training", "graduates", "attrition", "dropouts", "shrinkage",
    "cost_wages", "cost_hiring", "cost_training", "cost_overtime", "cost", "penalty", "reason",
]  # fmt: skip


@dataclass
class PlanResult:
    setup: PlanSetup
    requirement: Requirement
    flows: list[Flow]
    decisions: Decisions
    weeks: pd.DataFrame  # one row per week x site x group (WEEK_COLUMNS)
    classes: pd.DataFrame
    wall_time_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    source: str | None = None
    simulation: pd.DataFrame | None = None  # plan vs simulation, per simulated week

    def by_week(self) -> pd.DataFrame:
        """All groups together, one row per week."""
        sums = ["required_fte", "productive_fte", "headcount", "effective_fte", "overtime_fte",
                "undertime_fte", "available_fte", "gap_fte", "short_fte", "hires", "in_training",
                "graduates", "attrition", "dropouts", "cost_wages", "cost_hiring",
                "cost_training", "cost_overtime", "cost", "penalty"]  # fmt: skip
        out = self.weeks.groupby(["week", "week_start"], sort=True)[sums].sum().reset_index()
        short = self.weeks[self.weeks["short_fte"] > 0]
        out["short_groups"] = out["week"].map(short.groupby("week").size()).fillna(0).astype(int)
        return out

    def short_weeks(self) -> pd.DataFrame:
        return self.weeks.loc[self.weeks["short_fte"] > 0,
                              ["week", "week_start", "site", "group", "required_fte",
                               "available_fte", "short_fte", "coverable", "reason"]]  # fmt: skip

    def peak_weeks(self, count: int = 2) -> list[int]:
        """Weeks (1-based) with the highest total required FTE."""
        req = self.by_week().set_index("week")["required_fte"]
        return sorted(int(w) for w in req.nlargest(count).index)

    def to_json(self, weeks: bool = True) -> dict[str, Any]:
        plan = self.setup.plan
        t = self.weeks
        out: dict[str, Any] = {
            "plan": {"name": plan.name, "source": self.source, "weeks": self.setup.n_weeks,
                     "start": str(plan.horizon.start), "scenario": plan.scenario,
                     "coverage": plan.solver.coverage, "hours_per_week": plan.hours_per_week,
                     "currency": self.setup.scenario.costs.currency},
            "status": self.decisions.status,
            "wall_time_s": round(self.wall_time_s, 3),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "totals": {
                "cost": float(t["cost"].sum()),
                "hires": float(t["hires"].sum()),
                "classes": int(len(self.classes)),
                "short_fte_weeks": float(t["short_fte"].sum()),
                "short_group_weeks": int((t["short_fte"] > 0).sum()),
                "coverable_short_group_weeks": int(((t["short_fte"] > 0) & t["coverable"]).sum()),
                "peak_required_fte": float(self.by_week()["required_fte"].max()),
            },
            "classes": _records(self.classes),
            "short_weeks": _records(self.short_weeks()),
        }  # fmt: skip
        if weeks:
            out["by_week"] = _records(self.by_week())
            out["weeks"] = _records(t)
        if self.simulation is not None:
            out["simulation"] = _records(self.simulation)
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.to_dict(orient="records")
    clean = []
    for r in rows:
        item = {}
        for k, v in r.items():
            v = v.item() if hasattr(v, "item") else v
            if isinstance(v, float) and not np.isfinite(v):
                v = None
            item[k] = str(v) if hasattr(v, "isoformat") else v
        clean.append(item)
    return clean


def build_result(setup: PlanSetup, req: Requirement, flows: list[Flow], dec: Decisions,
                 ) -> PlanResult:  # fmt: skip
    """The weekly table, classes and reasons from the requirement, flows and decisions."""
    n = setup.n_weeks
    hours = setup.plan.hours_per_week
    frames, classes = [], []
    for gi, g in enumerate(setup.groups):
        f, hires = flows[gi], dec.hires[gi]
        grad = g.hiring.graduation_rate if g.hiring else 1.0
        t_train = g.hiring.training_weeks if g.hiring else 0
        tot = totals(f, hires, grad, t_train)
        required = req.scheduled_fte[gi]
        available = tot.effective + dec.overtime[gi] - dec.undertime[gi]
        short = dec.short[gi]
        coverable = np.array([max_reachable(setup, g, f, t) + 1e-6 >= required[t]
                              for t in range(n)])  # fmt: skip
        reasons = ["" if short[t] <= 0 else reason(setup, g, f, t, required[t]) for t in range(n)]
        week_wage = g.wage_per_hour * hours
        cost_h = (g.hiring.cost_per_hire if g.hiring else 0.0) * hires
        cost_t = (g.hiring.training_cost_per_week if g.hiring else 0.0) * tot.trainees
        wages = (tot.heads + tot.trainees) * week_wage
        overtime = dec.overtime[gi] * g.overtime.premium * week_wage
        saved = dec.undertime[gi] * (1.0 - g.undertime.pay_share) * week_wage
        frames.append(pd.DataFrame({
            "week": np.arange(1, n + 1), "week_start": setup.week_starts, "site": g.site,
            "group": g.group, "required_fte": required,
            "productive_fte": req.productive_fte[gi], "headcount": tot.heads,
            "effective_fte": tot.effective, "overtime_fte": dec.overtime[gi],
            "undertime_fte": dec.undertime[gi], "available_fte": available,
            "gap_fte": available - required, "short_fte": short, "coverable": coverable,
            "hires": hires, "in_training": tot.trainees, "graduates": tot.graduates,
            "attrition": tot.leavers, "dropouts": tot.dropouts, "shrinkage": g.shrinkage,
            "cost_wages": wages - saved, "cost_hiring": cost_h, "cost_training": cost_t,
            "cost_overtime": overtime, "cost": wages - saved + cost_h + cost_t + overtime,
            "penalty": short * setup.plan.penalty_per_fte_week, "reason": reasons,
        }))  # fmt: skip
        fixed = {w for w, _ in g.fixed}
        for w in np.flatnonzero(hires > 0):
            done = w + t_train
            classes.append({
                "site": g.site, "group": g.group, "start_week": int(w) + 1,
                "start": setup.week_starts[w], "size": int(hires[w]),
                "graduation_week": int(done) + 1 if done < n else None,
                "graduates": grad * float(hires[w]), "committed": bool(w in fixed),
            })  # fmt: skip
    cols = ["site", "group", "start_week", "start", "size", "graduation_week", "graduates",
            "committed"]  # fmt: skip
    return PlanResult(setup, req, flows, dec, pd.concat(frames, ignore_index=True)[WEEK_COLUMNS],
                      pd.DataFrame(classes, columns=cols))  # fmt: skip
