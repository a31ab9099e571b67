"""Back-test a plan: simulate a scenario over the period a call log covers and compare interval by
interval (and per queue) with what happened, with simulated 95% prediction intervals.

The miss is decomposed per interval into its inputs: volume (actual offered / simulated offered),
handle time (actual AHT / simulated AHT) and staffing (agents seen answering / simulated agents
answering), so a planner sees which input was wrong. Metrics use `targets`' definitions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibrate.demand import DAY_S
from sim.calibrate.logs import NO_AGENT, CallLog
from sim.calibrate.observed import calls_from_contact_log
from sim.engine import simulate
from sim.errors import ScenarioError
from sim.model import compile_model
from sim.scenario import Scenario

METRICS = ("offered", "abandon_share", "asa_s", "aht_s", "agents")


def interval_table(calls: pd.DataFrame, slot_s: int) -> pd.DataFrame:
    """Per interval (index from the log's first midnight): the back-test metrics of all calls."""
    slot = (calls["arrival_s"] // slot_s).astype(int)
    served = calls["served"]
    frame = calls.assign(slot=slot, abandoned=~served,
                         wait_served=np.where(served, calls["wait_s"], np.nan),
                         aht=np.where(served, calls["service_s"], np.nan),
                         agent_seen=np.where(served, calls["agent"], NO_AGENT))  # fmt: skip
    g = frame.groupby("slot")
    return pd.DataFrame(
        {
            "offered": g.size(),
            "abandon_share": g["abandoned"].mean(),
            "asa_s": g["wait_served"].mean(),
            "aht_s": g["aht"].mean(),
            "agents": g["agent_seen"].apply(lambda a: len(set(a) - {NO_AGENT})),
        }
    )


def _check_period(scenario: Scenario, log: CallLog) -> None:
    start = pd.Timestamp(scenario.horizon.start).date()
    if start != log.start.date() or scenario.horizon.days < log.days:
        raise ScenarioError(
            f"scenario horizon (start {start}, {scenario.horizon.days} days) does not cover the "
            f"log ({log.start.date()}, {log.days} days): set horizon.start and horizon.days"
        )


def backtest(
    scenario: Scenario, log: CallLog, replications: int = 10, seed: int = 1, slot_s: int = 3600
) -> dict[str, Any]:
    """Actual vs simulated per interval with 95% PIs, outside flags and the miss decomposition."""
    if replications < 2:
        raise ScenarioError(f"--replications must be at least 2 (got {replications})")
    _check_period(scenario, log)
    model = compile_model(scenario)
    end = log.days * DAY_S
    sims = []
    for i in range(replications):
        calls = calls_from_contact_log(simulate(model, seed, i), model, log.start)
        sims.append(interval_table(calls[calls["arrival_s"] < end], slot_s))
    actual = interval_table(log.calls, slot_s)
    slots = actual.index
    t = stats.t.ppf(0.975, replications - 1)
    rows = []
    for metric in METRICS:
        wide = pd.concat([s[metric].reindex(slots) for s in sims], axis=1)
        if metric in ("offered", "agents"):
            wide = wide.fillna(0)
        mean, sd = wide.mean(axis=1), wide.std(axis=1, ddof=1)
        half = t * sd * np.sqrt(1 + 1 / replications)
        for s in slots:
            a = float(actual.loc[s, metric])
            rows.append({"interval": int(s), "metric": metric, "actual": a,
                         "sim_mean": float(mean[s]), "pi_low": float(mean[s] - half[s]),
                         "pi_high": float(mean[s] + half[s]),
                         "outside": bool(abs(a - mean[s]) > half[s])})  # fmt: skip
    table = pd.DataFrame(rows)
    wide_mean = table.pivot(index="interval", columns="metric", values="sim_mean")
    with np.errstate(divide="ignore", invalid="ignore"):
        decomposition = pd.DataFrame({
            "volume_ratio": actual["offered"] / wide_mean["offered"],
            "aht_ratio": actual["aht_s"] / wide_mean["aht_s"],
            "staffing_ratio": actual["agents"] / wide_mean["agents"],
        }).replace([np.inf, -np.inf], np.nan)  # fmt: skip
    outside = table.groupby("metric")["outside"].mean()
    parts = decomposition.reset_index(names="interval").to_dict("records")
    return {"slot_s": slot_s, "replications": replications, "seed": seed,
            "start": str(log.start.date()), "days": log.days,
            "outside_share": {m: float(outside[m]) for m in METRICS},
            "intervals": table.to_dict(orient="records"),
            "decomposition": parts}  # fmt: skip
