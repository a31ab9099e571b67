"""Workforce realism per agent group: off-phone time, absenteeism, tenure, learning, attrition.

Planned shrinkage is scheduled off-phone time inside each shift (breaks, lunch, training,
meetings); unplanned shrinkage is absenteeism (whole agent-days lost at random). New hires start
slower and resolve fewer issues, improving linearly to full proficiency.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat

from sim.scenario.base import Frozen, Probability


class OffPhone(Frozen):
    """An activity every agent of a shift does away from the phone, at a time after shift start."""

    name: str = "break"
    after_start_h: NonNegativeFloat
    duration_min: PositiveFloat
    stagger_min: NonNegativeFloat = Field(
        0.0, description="agents start it spread evenly over this window, not all at once"
    )


class LearningCurve(Frozen):
    """New hires' handle time and FCR factors, improving linearly until fully proficient."""

    initial_aht_factor: float = Field(1.3, ge=1.0)
    initial_fcr_factor: float = Field(0.85, gt=0.0, le=1.0)
    weeks_to_proficiency: PositiveFloat = 8.0


class Workforce(Frozen):
    off_phone: list[OffPhone] = Field(default_factory=list)
    absenteeism: Probability = Field(0.0, description="chance an agent misses a given shift")
    tenure_weeks: NonNegativeFloat = Field(52.0, description="agents' tenure at the start")
    learning_curve: LearningCurve | None = None
    attrition_per_month: Probability = Field(
        0.0, description="share of agents leaving per 30 days; each is replaced by a new hire"
    )
    hiring_delay_days: NonNegativeFloat = 14.0


class Pricing(Frozen):
    """What the client pays the vendor running a site (default: the site's own wage cost)."""

    model: Literal["per_productive_hour", "per_logged_hour", "per_handled_minute", "per_contact"]
    rate: NonNegativeFloat
