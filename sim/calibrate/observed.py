"""The same KPI definitions for a real log and a simulated one, by hour of day and in total.

Both sides are tables of calls (`logs.CALL_COLUMNS`: arrival at the queue in local wall-clock
seconds from the first midnight, wait, served or abandoned, talk time, agent) plus agent time
(talking, and available). Definitions, identical on both sides:
- offered: calls reaching the agent queue, per day;
- abandon_rate: abandoned / calls that waited (wait > 0) -- "share of queued calls" in the data;
  abandon_share: abandoned / offered;
- asa_s: mean wait of answered calls (zeros included);
- service_level: answered within T / (answered + abandoned after T);
- occupancy: talk time / available agent time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate.demand import DAY_S
from sim.calibrate.logs import CALL_COLUMNS, NO_AGENT
from sim.engine import ContactLog
from sim.engine.log import ABANDONED, COMPLETED
from sim.model import Model

METRICS = ("offered", "abandon_rate", "abandon_share", "asa_s", "service_level", "occupancy")
SUMS = ("offered", "waited", "abandoned", "answered", "wait_answered_s", "within", "missed",
        "talk_s", "available_s")  # fmt: skip


def call_sums(calls: pd.DataFrame, sl_threshold_s: float) -> pd.DataFrame:
    """Per hour of day (0..23): the counts and sums every KPI is a ratio of (no agent time)."""
    hour = ((calls["arrival_s"] % DAY_S) // 3600).astype(int)
    served = calls["served"]
    wait = calls["wait_s"]
    frame = pd.DataFrame(
        {
            "hour": hour,
            "offered": 1,
            "waited": wait > 0,
            "abandoned": ~served,
            "answered": served,
            "wait_answered_s": np.where(served, wait, 0.0),
            "within": served & (wait <= sl_threshold_s),
            "missed": wait > sl_threshold_s,
        }
    )
    return frame.groupby("hour").sum().reindex(range(24), fill_value=0).astype(float)


def agent_seconds(
    talk_start: np.ndarray,
    talk_end: np.ndarray,
    avail_start: np.ndarray,
    avail_end: np.ndarray,
    days: int,
) -> pd.DataFrame:
    """Per hour of day: talk seconds and available agent-seconds (local wall-clock seconds)."""
    total = days * DAY_S

    def per_hour(start: np.ndarray, end: np.ndarray) -> np.ndarray:
        delta = np.zeros(total + 1)
        np.add.at(delta, np.clip(np.round(start).astype(np.int64), 0, total), 1)
        np.add.at(delta, np.clip(np.round(end).astype(np.int64), 0, total), -1)
        level = np.cumsum(delta)[:total]
        return level.reshape(days, 24, 3600).sum(axis=(0, 2))

    return pd.DataFrame(
        {"talk_s": per_hour(talk_start, talk_end), "available_s": per_hour(avail_start, avail_end)},
        index=pd.RangeIndex(24, name="hour"),
    )


def kpis(sums: pd.DataFrame, days: int) -> pd.DataFrame:
    """KPI ratios from per-hour sums, with an 'all' row for the whole day."""
    total = sums.sum().to_frame("all").T
    s = pd.concat([sums, total])
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "offered": s["offered"] / days,
                "abandon_rate": s["abandoned"] / s["waited"],
                "abandon_share": s["abandoned"] / s["offered"],
                "asa_s": s["wait_answered_s"] / s["answered"],
                "service_level": s["within"] / (s["within"] + s["missed"]),
                "occupancy": s["talk_s"] / s["available_s"],
            }
        )
    return out.replace([np.inf, -np.inf], np.nan)


def local_seconds(model: Model, t: np.ndarray, start_local: pd.Timestamp) -> np.ndarray:
    """Engine seconds (UTC from horizon start) -> local wall-clock seconds from `start_local`."""
    t = np.asarray(t, dtype=float)
    finite = np.isfinite(t)
    out = np.full(len(t), np.nan)
    stamps = model.t0_utc + pd.to_timedelta(t[finite], unit="s")
    wall = stamps.tz_convert(model.scenario.horizon.timezone).tz_localize(None)
    out[finite] = (wall - start_local).total_seconds()
    return out


def calls_from_contact_log(
    log: ContactLog, model: Model, start_local: pd.Timestamp
) -> pd.DataFrame:
    """A simulated replication as a table of calls (contacts open at the end are left out)."""
    done = (log.status == COMPLETED) | (log.status == ABANDONED)
    served = log.status[done] == COMPLETED
    queued, answer, end = log.queued_s[done], log.answer_s[done], log.end_s[done]
    kinds = [c.segment if c.segment != "general" else c.name for c in model.scenario.demand]
    wait = np.where(served, answer - queued, end - queued)
    return pd.DataFrame(
        {
            "call_id": np.flatnonzero(done).astype(str),
            "type": np.asarray(kinds, dtype=object)[log.type_idx[done]],
            "priority": model.type_priority[log.type_idx[done]],
            "arrival_s": local_seconds(model, queued, start_local),
            "wait_s": wait,
            "served": served,
            "service_s": np.where(served, end - answer, 0.0),
            "agent": np.where(served, log.agent[done].astype(str), NO_AGENT),
        }
    )[list(CALL_COLUMNS)]


def simulated_agent_seconds(
    log: ContactLog, model: Model, start_local: pd.Timestamp, days: int
) -> pd.DataFrame:
    """Talk and logged-in agent time of a simulated replication, per hour of day."""
    done = np.isfinite(log.answer_s)
    talk_end = np.minimum(log.end_s[done], log.end_time_s)
    return agent_seconds(
        local_seconds(model, log.answer_s[done], start_local),
        local_seconds(model, talk_end, start_local),
        local_seconds(model, log.session_start_s, start_local),
        local_seconds(model, log.session_end_s, start_local),
        days,
    )
