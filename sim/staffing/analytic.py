"""Analytic staffing: agents each contact type needs in each interval, all intervals at once.

Each queue is treated as its own dedicated team, stationary within the interval (the usual
"SIPP" practice of Erlang calculators):

* voice and chat without patience, redials or forecast uncertainty: Erlang C;
* with patience: Erlang A; with redials or forecast uncertainty (the ``cv`` target and the
  scenario's shared busy days, ``uncertainty.py``): Erlang X (``sim.analytic.erlang_x``);
  the service level follows the scenario's SL definition;
* chat: n agents x m slots by equivalent servers (vectorised, conservative) or the exact CTMC;
* email/social: the fluid backlog plan (``sim.analytic.backlog``) within the SLA window and
  the hours the scenario has agents for the type (or always, with ``backlog_hours=always``).

Zero volume gives zero agents. ``plan.py`` turns these into agents per site and group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analytic.backlog import backlog_agents
from sim.analytic.chat_staffing import chat_ctmc_min_agents, chat_equivalent_min_agents
from sim.analytic.erlang_c_staffing import erlang_c_staffing
from sim.analytic.erlang_x import erlang_x_min_agents, forecast_factor
from sim.model import CHANNELS, Model
from sim.staffing.targets import ChannelTarget, Targets
from sim.staffing.uncertainty import type_forecast_cv
from sim.staffing.workload import Workload


def _queue_kwargs(model: Model, cv: float, t: ChannelTarget, targets: Targets) -> dict[str, object]:
    return {
        "sl_target": t.sl,
        "abandon_target": t.abandon,
        "asa_target": t.asa_s,
        "forecast_cv": cv,
        "probability": targets.probability,
        "sl_definition": model.scenario.reporting.sl_definition,
        "max_occupancy": targets.max_occupancy,
    }


def _queue_method(theta: float, redial: float, forecast_cv: float) -> str:
    if redial > 0 or forecast_cv > 0:
        return "erlang_x"
    if theta > 0:
        return "erlang_a"
    return "erlang_c"


def type_requirements(model: Model, wl: Workload, targets: Targets) -> pd.DataFrame:
    """Long table: one row per (contact type, interval) with load and required agents."""
    frames = []
    dt = np.diff(wl.interval_edges_s)
    for c, name in enumerate(model.type_names):
        channel = CHANNELS[model.type_channel[c]]
        t = targets.for_channel(channel)
        lam = wl.rate_per_s[c]
        aht = float(wl.aht_s[c])
        if channel == "voice":
            req, method = _voice(model, wl, c, t, targets)
        elif channel == "chat":
            req, method = _chat(model, wl, c, t, targets)
        else:
            cv = type_forecast_cv(model, c, targets)
            factor = float(forecast_factor(cv, targets.probability))
            work = lam * dt * aht * factor
            plan = backlog_agents(work, wl.open_share[c], float(model.interval_s), t.threshold_s)
            req, method = plan.agents, "backlog"
        frames.append(
            pd.DataFrame(
                {
                    "interval": np.arange(len(lam)),
                    "type": name,
                    "channel": channel,
                    "method": method,
                    "contacts": lam * dt,
                    "aht_s": aht,
                    "load_erlangs": lam * aht,
                    "required": np.asarray(req, dtype=float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _voice(model: Model, wl: Workload, c: int, t: ChannelTarget, targets: Targets):
    q = Queue(wl.rate_per_s[c], float(wl.aht_s[c]), float(wl.abandon_rate[c]),
              float(wl.redial_probability[c]), type_forecast_cv(model, c, targets))  # fmt: skip
    return queue_requirement(model, "voice", q, t, targets)


def _chat(model: Model, wl: Workload, c: int, t: ChannelTarget, targets: Targets):
    q = Queue(wl.rate_per_s[c], float(wl.aht_s[c]), float(wl.abandon_rate[c]), 0.0,
              type_forecast_cv(model, c, targets))  # fmt: skip
    return queue_requirement(model, "chat", q, t, targets)


@dataclass(frozen=True)
class Queue:
    """One voice or chat queue as the formulas see it: rate per interval, handle time, patience
    rate, redial probability and forecast cv (`reconcile` also prices pooled or split queues)."""

    rate_per_s: np.ndarray
    aht_s: float
    abandon_rate: float
    redial_probability: float
    forecast_cv: float


def queue_requirement(
    model: Model, channel: str, q: Queue, t: ChannelTarget, targets: Targets
) -> tuple[np.ndarray, str]:
    """(agents per interval, method) a voice or chat queue needs, by the plan's formulas."""
    lam, aht, theta = q.rate_per_s, q.aht_s, q.abandon_rate
    if channel == "chat":
        return _chat_agents(model, q, t, targets)
    method = _queue_method(theta, q.redial_probability, q.forecast_cv)
    if method == "erlang_c" and t.sl is not None and t.asa_s is None and t.abandon is None:
        req = erlang_c_staffing(lam, 1.0 / aht, t.threshold_s, t.sl, targets.max_occupancy)
        return req, method
    kwargs = _queue_kwargs(model, q.forecast_cv, t, targets)
    req = erlang_x_min_agents(lam, 1.0 / aht, theta, t.threshold_s,
                              redial_probability=q.redial_probability, **kwargs)  # fmt: skip
    return req, method


def _chat_agents(model: Model, q: Queue, t: ChannelTarget, targets: Targets):
    lam, theta = q.rate_per_s, q.abandon_rate
    aht_by_c = q.aht_s * np.asarray(model.chat_factors, dtype=float)
    if targets.chat_method == "ctmc" and t.sl is not None:
        factor = float(forecast_factor(q.forecast_cv, targets.probability))
        req = np.zeros(len(lam), dtype=np.int64)
        for i, rate in enumerate(lam * factor):
            try:
                req[i] = chat_ctmc_min_agents(float(rate), aht_by_c, t.threshold_s, t.sl)
            except ValueError:  # state space too large: fall back to equivalent servers
                req[i] = chat_equivalent_min_agents(rate, aht_by_c, t.threshold_s, t.sl)
        return req, "chat_ctmc"
    kwargs = _queue_kwargs(model, q.forecast_cv, t, targets)
    kwargs.pop("sl_target")
    req = chat_equivalent_min_agents(lam, aht_by_c, t.threshold_s, t.sl, abandon_rate=theta,
                                     **kwargs)  # fmt: skip
    return req, "chat_equivalent"
