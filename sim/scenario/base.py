"""Shared building blocks of the scenario models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class Frozen(BaseModel):
    """An immutable model that rejects unknown fields (misspelt keys are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
