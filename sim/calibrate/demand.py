"""Arrival profiles from observed calls: weekday x interval rates and day-to-day overdispersion.

A day's volume is modelled as Poisson given a Gamma(mean 1, cv) day factor, so its variance is
m + cv^2 m^2 (negative binomial). cv^2 is estimated by the method of moments, pooling weekdays:
cv^2 = sum_w n_w (v_w - m_w) / sum_w n_w m_w^2, with m_w and v_w the mean and (unbiased) variance
of the daily counts of weekday w over its n_w dates; negative estimates (underdispersion) give 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY_S = 86_400


@dataclass(frozen=True)
class Overdispersion:
    """Day-to-day variability of daily volumes beyond Poisson."""

    cv: float  # of the gamma day factor
    dispersion_ratio: float  # observed variance / Poisson variance (pooled over weekdays)
    days: int

    def to_json(self) -> dict[str, float]:
        return {"day_factor_cv": self.cv, "variance_over_poisson": self.dispersion_ratio,
                "days": self.days}  # fmt: skip


def day_factor_cv(daily: pd.Series) -> Overdispersion:
    """Gamma day-factor CV from daily volumes indexed by date (weekday effects removed)."""
    daily = daily.astype(float)
    weekday = pd.DatetimeIndex(daily.index).day_of_week
    num = den = var_sum = mean_sum = 0.0
    for _, x in daily.groupby(weekday):
        if len(x) < 2 or x.mean() <= 0:
            continue
        m, v = float(x.mean()), float(x.var(ddof=1))
        num += len(x) * (v - m)
        den += len(x) * m * m
        var_sum += len(x) * v
        mean_sum += len(x) * m
    cv2 = max(num / den, 0.0) if den > 0 else 0.0
    ratio = var_sum / mean_sum if mean_sum > 0 else float("nan")
    return Overdispersion(float(np.sqrt(cv2)), ratio, len(daily))


def daily_counts(arrival_s: np.ndarray, dates: pd.DatetimeIndex) -> pd.Series:
    """Calls per local date (zero on dates without calls)."""
    day = (np.asarray(arrival_s) // DAY_S).astype(int)
    counts = np.bincount(day[(day >= 0) & (day < len(dates))], minlength=len(dates))
    return pd.Series(counts, index=dates)


def slot_counts(arrival_s: np.ndarray, days: int, slot_s: int) -> np.ndarray:
    """Calls per (date, slot of the day): shape (days, slots per day)."""
    slots = DAY_S // slot_s
    idx = (np.asarray(arrival_s) // slot_s).astype(int)
    idx = idx[(idx >= 0) & (idx < days * slots)]
    return np.bincount(idx, minlength=days * slots).reshape(days, slots)


def day_classes(open_slots: np.ndarray, min_jaccard: float = 0.8) -> list[list[int]]:
    """Group weekdays (rows 0=Mon..6=Sun of a boolean open-slot table) with similar hours.

    Weekdays whose open slots overlap with Jaccard similarity >= min_jaccard share one intraday
    profile; a center open 07-24 Sunday-Thursday, 07-14 Friday and 19-24 Saturday gets 3 classes.
    """
    classes: list[list[int]] = []
    for w in np.argsort(-open_slots.sum(axis=1), kind="stable"):
        if not open_slots[w].any():
            continue
        for cls in classes:
            ref = open_slots[cls[0]]
            union = (ref | open_slots[w]).sum()
            if union and (ref & open_slots[w]).sum() / union >= min_jaccard:
                cls.append(int(w))
                break
        else:
            classes.append([int(w)])
    return [sorted(c) for c in sorted(classes, key=min)]


@dataclass(frozen=True)
class TypeDemand:
    """One call type's demand on one class of weekdays, in scenario terms."""

    call_type: str
    weekdays: list[int]
    volume_per_day: float  # mean over all 7 weekdays (zero outside the class)
    weekday_profile: list[float]  # mean calls per date, Monday..Sunday
    intraday_profile: list[float]  # share of the day's calls per slot
    overdispersion: Overdispersion


def type_demand(
    arrival_s: np.ndarray,
    call_type: str,
    weekdays: list[int],
    dates: pd.DatetimeIndex,
    slot_s: int,
) -> TypeDemand | None:
    """Profiles of one call type on the dates whose weekday is in `weekdays` (None: no calls)."""
    counts = slot_counts(arrival_s, len(dates), slot_s)
    in_class = np.isin(dates.day_of_week, weekdays)
    if counts[in_class].sum() == 0:
        return None
    per_weekday = [
        float(counts[dates.day_of_week == w].sum(axis=1).mean()) if w in weekdays else 0.0
        for w in range(7)
    ]
    per_weekday = [0.0 if np.isnan(v) else v for v in per_weekday]
    shape = counts[in_class].sum(axis=0).astype(float)
    daily = pd.Series(counts.sum(axis=1), index=dates)[in_class]
    return TypeDemand(
        call_type=call_type,
        weekdays=weekdays,
        volume_per_day=float(np.mean(per_weekday)),
        weekday_profile=[round(v, 2) for v in per_weekday],
        intraday_profile=[round(float(v), 5) for v in shape / shape.sum()],
        overdispersion=day_factor_cv(daily),
    )
