"""Back-test a plan: simulate a scenario over the period a call log covers and compare interval by
interval and per queue (call type, or the scenario's segment) with what happened, with simulated
95% prediction intervals for one period.

The miss is decomposed per interval into its inputs: volume (actual offered / simulated offered),
handle time (actual AHT / simulated AHT) and staffing (agents seen answering / simulated agents
answering), so a planner sees which input was wrong. Metrics use `targets`' definitions.
"""

from __future__ import annotations

from collections.abc import Callable
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

METRICS = ("offered", "abandon_share", "asa_s", "service_level", "aht_s", "agents")
QUEUE_METRICS = ("offered", "abandon_share", "asa_s", "service_level", "aht_s")
COUNTS = ("offered", "agents")  # a missing interval or queue is zero, not unknown
SHARES = ("abandon_share", "service_level")  # their prediction intervals stay within [0, 1]


def _frame(calls: pd.DataFrame, sl_threshold_s: float) -> pd.DataFrame:
    """Per call: the indicators the back-test metrics are means of (NaN where not defined)."""
    served, wait = calls["served"], calls["wait_s"]
    counted = served | (wait > sl_threshold_s)  # SL: answered + abandoned after T
    return calls.assign(abandoned=~served,
                        wait_served=np.where(served, wait, np.nan),
                        within=np.where(counted, served & (wait <= sl_threshold_s), np.nan),
                        aht=np.where(served, calls["service_s"], np.nan),
                        agent_seen=np.where(served, calls["agent"], NO_AGENT))  # fmt: skip


def _metrics(g: Any, with_agents: bool) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "offered": g.size(),
            "abandon_share": g["abandoned"].mean(),
            "asa_s": g["wait_served"].mean(),
            "service_level": g["within"].mean(),
            "aht_s": g["aht"].mean(),
        }
    )
    if with_agents:
        out["agents"] = g["agent_seen"].apply(lambda a: len(set(a) - {NO_AGENT}))
    return out


def interval_table(calls: pd.DataFrame, slot_s: int, sl_threshold_s: float = 20.0) -> pd.DataFrame:
    """Per interval (index from the log's first midnight): the back-test metrics of all calls;
    service level = answered within T / (answered + abandoned after T), as in `targets`."""
    frame = _frame(calls, sl_threshold_s).assign(slot=(calls["arrival_s"] // slot_s).astype(int))
    return _metrics(frame.groupby("slot"), with_agents=True)


def queue_table(calls: pd.DataFrame, sl_threshold_s: float = 20.0) -> pd.DataFrame:
    """Per queue (call type) over the whole period: offered, abandonment, ASA, SL and AHT."""
    frame = _frame(calls, sl_threshold_s).assign(queue=calls["type"].astype(str))
    return _metrics(frame.groupby("queue"), with_agents=False)


def _rows(
    key: str, actual: pd.DataFrame, sims: list[pd.DataFrame], metrics: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Actual vs simulated mean and 95% PI for one period, per index value and metric.

    Every metric is non-negative and shares are at most 1, so the t interval is cut to that range
    (a bound outside it is no prediction); whether the actual lies outside is unchanged by the cut.
    """
    n = len(sims)
    t = stats.t.ppf(0.975, n - 1)
    rows = []
    for metric in metrics:
        wide = pd.concat([s[metric].reindex(actual.index) for s in sims], axis=1)
        if metric in COUNTS:
            wide = wide.fillna(0)
        mean, sd = wide.mean(axis=1), wide.std(axis=1, ddof=1)
        half = t * sd * np.sqrt(1 + 1 / n)
        for i in actual.index:
            a = float(actual.loc[i, metric])
            low, high = max(float(mean[i] - half[i]), 0.0), float(mean[i] + half[i])
            rows.append({key: i, "metric": metric, "actual": a, "sim_mean": float(mean[i]),
                         "pi_low": low, "pi_high": min(high, 1.0) if metric in SHARES else high,
                         "outside": bool(abs(a - mean[i]) > half[i])})  # fmt: skip
    return rows


def _check_period(scenario: Scenario, log: CallLog) -> None:
    start = pd.Timestamp(scenario.horizon.start).date()
    if start != log.start.date() or scenario.horizon.days < log.days:
        raise ScenarioError(
            f"scenario horizon (start {start}, {scenario.horizon.days} days) does not cover the "
            f"log ({log.start.date()}, {log.days} days): set horizon.start and horizon.days"
        )


def backtest(
    scenario: Scenario,
    log: CallLog,
    replications: int = 10,
    seed: int = 1,
    slot_s: int = 3600,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Actual vs simulated per interval with 95% PIs, outside flags and the miss decomposition."""
    if replications < 2:
        raise ScenarioError(f"--replications must be at least 2 (got {replications})")
    _check_period(scenario, log)
    model = compile_model(scenario)
    sl_s = float(scenario.channels.voice.sl_threshold_s)
    end = log.days * DAY_S
    sims, sim_queues = [], []
    for i in range(replications):
        calls = calls_from_contact_log(simulate(model, seed, i), model, log.start)
        calls = calls[calls["arrival_s"] < end]
        sims.append(interval_table(calls, slot_s, sl_s))
        sim_queues.append(queue_table(calls, sl_s))
        if progress is not None:
            progress(i + 1, replications)
    actual = interval_table(log.calls, slot_s, sl_s)
    rows = _rows("interval", actual, sims, METRICS)
    for r in rows:
        r["interval"] = int(r["interval"])
    queues = _queues(queue_table(log.calls, sl_s), sim_queues)
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
            "start": str(log.start.date()), "days": log.days, "sl_threshold_s": sl_s,
            "outside_share": {m: float(outside[m]) for m in METRICS},
            "intervals": table.to_dict(orient="records"),
            "decomposition": parts, "queues": queues}  # fmt: skip


def _queues(actual: pd.DataFrame, sims: list[pd.DataFrame]) -> list[dict[str, Any]]:
    """Per-queue rows: queues of the log and of the plan (a queue only one side has is a row with
    zero offered on the other side and undefined ratios)."""
    names = sorted(set(actual.index).union(*(s.index for s in sims)))
    actual = actual.reindex(names)
    actual["offered"] = actual["offered"].fillna(0)
    return [{**r, "queue": str(r["queue"])} for r in _rows("queue", actual, sims, QUEUE_METRICS)]
