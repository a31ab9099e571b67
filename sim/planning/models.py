"""Capacity plan format: pydantic models of a plan YAML (validated like scenarios, JSON Schema).

A plan is a weekly horizon (up to 78 weeks from a Monday) over a base scenario, which gives the
contact types, their intraday and weekday profiles, targets, sites, groups and skills. The plan
adds what changes from week to week: volumes, handle times, shrinkage, and the people: headcount
by tenure, attrition by tenure, hiring classes (lead time, training, graduation, class limits)
and the learning curve of new hires. Dates are on the customers' calendar; a window applies to
the share of a week's days it covers.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, model_validator

from sim.scenario.base import Frozen, Probability
from sim.scenario.workforce import LearningCurve

MAX_WEEKS = 78


class PlanHorizon(Frozen):
    """Weeks of the plan: `weeks` weeks, each Monday to Sunday, from `start` (a Monday)."""

    start: dt.date = Field(description="the Monday of the first week")
    weeks: int = Field(ge=1, le=MAX_WEEKS, description=f"number of weeks (at most {MAX_WEEKS})")

    @model_validator(mode="after")
    def _monday(self) -> PlanHorizon:
        if self.start.weekday() != 0:
            monday = self.start - dt.timedelta(days=self.start.weekday())
            raise ValueError(
                f"start {self.start} is a {self.start:%A}; plan weeks run Monday to Sunday "
                f"(use {monday})"
            )
        return self


class Window(Frozen):
    """Dates from `start` to `end` (inclusive) on the customers' calendar."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class VolumeMultiplier(Window):
    """Volume multiplier on the days of the window (on top of the scenario's own peaks)."""

    multiplier: PositiveFloat
    types: list[str] | None = Field(None, description="contact types (default: all)")


class Volumes(Frozen):
    """Weekly volume per contact type: from a CSV, or derived from the scenario's demand."""

    csv: str | None = Field(
        None,
        description="CSV (path relative to the plan) with a `week` (Monday) or `date` (daily) "
        "column and one column of volumes per contact type; replaces the scenario's volumes",
    )
    scenario_peaks: bool = Field(
        True, description="derived volumes keep the scenario's peaks (ignored with csv)"
    )
    multipliers: list[VolumeMultiplier] = Field(default_factory=list)


class AhtChange(Window):
    """Handle-time factor on the days of the window (1.1 = 10% longer)."""

    factor: PositiveFloat
    types: list[str] | None = Field(None, description="contact types (default: all)")


class ShrinkageChange(Window):
    """Extra shrinkage (share of paid time) on the days of the window: holidays, training."""

    add: float = Field(ge=-0.5, le=0.8, description="added to the group's base shrinkage")
    sites: list[str] | None = Field(None, description="sites (default: all)")


class TenureBand(Frozen):
    """Agents of a group with the same tenure at the start of the plan."""

    tenure_weeks: NonNegativeInt
    agents: NonNegativeFloat


class AttritionBand(Frozen):
    """Weekly attrition of agents up to a tenure (the last band, without a limit: the rest)."""

    up_to_tenure_weeks: PositiveFloat | None = Field(
        None, description="band covers tenures below this (weeks); omit for the last band"
    )
    per_week: Probability = Field(description="share of the band's agents leaving each week")


class Hiring(Frozen):
    """Hiring classes: recruiting lead time, training, graduation, class limits and cost."""

    lead_time_weeks: NonNegativeInt = Field(
        4, description="weeks from the plan start before the first class can start"
    )
    training_weeks: NonNegativeInt = Field(4, description="paid, not on the phones")
    graduation_rate: float = Field(
        0.85, description="share of a class that graduates (0 < g <= 1); the rest leave"
    )
    min_class: NonNegativeInt = 8
    max_class: NonNegativeInt = 25
    max_classes_per_month: NonNegativeInt = Field(
        2, description="classes starting per calendar month at the site (all groups)"
    )
    cost_per_hire: NonNegativeFloat = Field(2500.0, description="recruiting and onboarding")
    training_cost_per_week: NonNegativeFloat = Field(
        400.0, description="per trainee and week, besides the wage"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Hiring:
        if not 0.0 < self.graduation_rate <= 1.0:
            raise ValueError(
                f"graduation_rate {self.graduation_rate} must be above 0 and at most 1 "
                "(a class with no graduates adds nobody)"
            )
        if self.min_class > self.max_class:
            raise ValueError(f"min_class {self.min_class} exceeds max_class {self.max_class}")
        return self


class Overtime(Frozen):
    """Extra paid hours of agents on the floor (a share of their hours), at a premium."""

    max_share: Probability = 0.1
    premium: float = Field(1.5, ge=1.0, description="pay factor of an overtime hour")


class Undertime(Frozen):
    """Hours sent home when over-staffed (voluntary time off), paid at `pay_share`."""

    max_share: Probability = 0.0
    pay_share: Probability = 0.0


class FixedClass(Frozen):
    """A class already decided: `size` hires of a group starting training on `start`."""

    start: dt.date
    size: NonNegativeInt


class GroupPlan(Frozen):
    """One agent group of the scenario: today's people and how they change."""

    name: str
    headcount: list[TenureBand] = Field(min_length=1)
    attrition: list[AttritionBand] | None = Field(None, description="default: the site's")
    hiring: Hiring | None = Field(None, description="default: the site's")
    learning_curve: LearningCurve | None = Field(
        None, description="new hires' curve (default: the site's, then the scenario group's)"
    )
    wage_per_hour: NonNegativeFloat | None = Field(
        None, description="default: the scenario's wage, or the site's hourly vendor price"
    )
    shrinkage: Probability | None = Field(
        None, description="base shrinkage (default: the scenario's off-phone + absenteeism)"
    )
    classes: list[FixedClass] = Field(default_factory=list)


class SitePlan(Frozen):
    name: str
    groups: list[GroupPlan] = Field(min_length=1)
    attrition: list[AttritionBand] | None = Field(
        None, description="default: the scenario groups' attrition_per_month, flat by tenure"
    )
    hiring: Hiring | None = Field(None, description="no hiring at the site when omitted")
    learning_curve: LearningCurve | None = None
    overtime: Overtime = Overtime()
    undertime: Undertime = Undertime()


class Solver(Frozen):
    coverage: str = Field(
        "strict",
        pattern="^(strict|economic)$",
        description="strict: cover every week it can, then the cheapest such plan; economic: "
        "trade shortage against cost at penalty_per_fte_week",
    )
    time_limit_s: PositiveFloat = 20.0
    mip_gap: float = Field(0.005, ge=0.0, le=0.5)


class Plan(Frozen):
    """A capacity plan (see the module docstring and docs/guide_planner.md)."""

    name: str = "plan"
    description: str = ""
    scenario: str = Field(description="base scenario YAML, relative to the plan file")
    horizon: PlanHorizon
    volumes: Volumes = Volumes()
    aht: list[AhtChange] = Field(default_factory=list)
    shrinkage: list[ShrinkageChange] = Field(default_factory=list)
    targets: list[str] = Field(
        default_factory=list, description="staffing targets as in `ccsim staff --target`"
    )
    hours_per_week: PositiveFloat = Field(40.0, description="paid hours of one FTE")
    penalty_per_fte_week: NonNegativeFloat = Field(
        5000.0, description="cost of one FTE missing for a week (economic coverage)"
    )
    sites: list[SitePlan] = Field(min_length=1)
    solver: Solver = Solver()
