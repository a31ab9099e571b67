"""Duration distributions for handle times and patience, all parameterised by their mean in seconds.

Each family knows how to draw a block of variates from a numpy Generator and its exact mean, so the
engine can draw in bulk and the analytic layer can use the same parameters.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError


class Exponential(_Dist):
    """Memoryless durations (the M in M/M/n): coefficient of variation 1."""

    dist: Literal["exponential"]
    mean_s: PositiveFloat

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_s, size)

    @property
    def mean(self) -> float:
        return self.mean_s


class Lognormal(_Dist):
    """Right-skewed durations, typical of real handle times; given by mean and CV."""

    dist: Literal["lognormal"]
    mean_s: PositiveFloat
    cv: PositiveFloat = Field(description="standard deviation / mean")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean_s) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)

    @property
    def mean(self) -> float:
        return self.mean_s


class Gamma(_Dist):
    """Gamma durations given by mean and coefficient of variation (cv=1 is exponential)."""

    dist: Literal["gamma"]
    mean_s: PositiveFloat
    cv: PositiveFloat = Field(description="standard deviation / mean")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_s / shape, size)

    @property
    def mean(self) -> float:
        return self.mean_s


class Deterministic(_Dist):
    """A fixed duration (the D in M/D/n): no variability at all."""

    dist: Literal["deterministic"]
    mean_s: PositiveFloat

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, float(self.mean_s))

    @property
    def mean(self) -> float:
        return self.mean_s


class Empirical(_Dist):
    """Resample observed durations (seconds) with replacement, e.g. from a real call log."""

    dist: Literal["empirical"]
    values_s: list[Annotated[float, Field(ge=0)]] = Field(min_length=1)

    @model_validator(mode="after")
    def _positive_mean(self) -> Empirical:
        if sum(self.values_s) <= 0:
            raise ValueError("values_s must contain at least one positive duration")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values_s, dtype=float), size=size, replace=True)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values_s))


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Deterministic | Empirical, Field(discriminator="dist")
]
