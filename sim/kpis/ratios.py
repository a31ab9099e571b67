"""Sums of per-contact flags -> KPI ratios: the one place where each ratio is defined."""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTS = [
    "offered", "queued", "answered", "completed", "abandoned", "blocked", "waiting_end",
    "in_service_end", "bot_sessions", "bot_resolved", "bot_escalated", "repeats", "redials",
    "callbacks_accepted", "callbacks_completed", "callbacks_on_time",
]  # fmt: skip
SUMMED = [
    *COUNTS, "within", "missed", "short_abandon", "wait_answered_s", "handle_s",
    "acw_s", "resolved_by_agent", "voice_minutes",
]  # fmt: skip
SITE_ONLY_DROPPED = [
    "offered", "queued", "abandoned", "blocked", "waiting_end", "missed", "short_abandon",
    "bot_sessions", "bot_resolved", "bot_escalated",
]  # fmt: skip
SL_VARIANTS = {
    "abandons_after_threshold": "sl_abandons_after_threshold",
    "offered": "sl_offered",
    "answered": "sl_answered",
}


def ratios(s: pd.DataFrame, sl_column: str) -> pd.DataFrame:
    """Turn per-group sums into the KPI ratios (nan where the denominator is zero)."""
    out = s[[c for c in COUNTS if c in s]].rename(columns={"completed": "handled"})
    with np.errstate(invalid="ignore", divide="ignore"):
        decided = s["within"] + s.get("missed", 0.0)
        if "offered" in s:
            out["sl_abandons_after_threshold"] = s["within"] / decided
            out["sl_offered"] = s["within"] / (decided + s["short_abandon"] + s["blocked"])
            out["abandon_rate"] = s["abandoned"] / s["queued"]
            out["bot_containment"] = s["bot_resolved"] / s["bot_sessions"]
            out["bot_escalation_rate"] = s["bot_escalated"] / s["bot_sessions"]
            out["deflection_rate"] = s["bot_resolved"] / s["offered"]
            out["repeat_rate"] = s["repeats"] / s["offered"]
        out["sl_answered"] = s["within"] / s["answered"]
        out["asa_s"] = s["wait_answered_s"] / s["answered"]
        out["talk_s"] = s["handle_s"] / s["completed"]
        out["acw_s"] = s["acw_s"] / s["completed"]
        out["aht_s"] = (s["handle_s"] + s["acw_s"]) / s["completed"]
        out["agent_fcr"] = s["resolved_by_agent"] / s["completed"]
    out["service_level"] = out[sl_column] if sl_column in out else out["sl_answered"]
    return out.replace([np.inf, -np.inf], np.nan)
