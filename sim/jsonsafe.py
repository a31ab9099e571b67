"""JSON without NaN: undefined values (a KPI with no contacts) become null, as JSON requires."""

from __future__ import annotations

import math
from typing import Any


def json_ready(value: Any) -> Any:
    """`value` with every NaN or infinite float replaced by None, through dicts and lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value
