"""The center's structure for the calibrated scenario: agent pools, type priorities, the policy.

- Pools (`structure.scenario_pools`) become agent groups; the measured staffing of each slot is
  shared among them in proportion to each pool's own measured availability (largest remainder),
  so the total headcount stays the one-pool estimate.
- Priorities come from type-vs-type overtakes (`queue_order`): a type is ranked above another only
  when it wins a decisive share of their overtakes (Wilson 95% lower bound above `SURE`, 0.75):
  under one FCFS queue shares sit near 1/2 and separate pools alone move them only partly, so
  near-ties (the bank's NE vs PS, 46%) stay equal priority instead of becoming a strict ladder.
- Policy: strict priorities are what `longest_idle` does with priority levels; the evidence is the
  served-first type's share in the largest overtake pair of types sharing agents (strict priority
  predicts ~1, `priority_aging` predicts the other type winning once it has waited long), and,
  for the choice of agent, how often the agent answering a call at once was the longest idle of
  the agents idle and skilled for it, against the share a random choice would give.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.logs import NO_AGENT
from sim.calibrate.queue_order import overtakes, priority_levels
from sim.calibrate.staffing import estimate_staffing
from sim.calibrate.structure import scenario_pools

SURE, MIN_PAIRS = 0.75, 20


def type_priorities(calls: pd.DataFrame) -> dict[str, int]:
    """Scenario priority per call type (1 served first) from decisive type-vs-type overtakes."""
    levels = priority_levels(overtakes(calls, calls["type"].astype(str)), SURE, MIN_PAIRS)
    top = max(levels.values(), default=0)
    return {t: top - level + 1 for t, level in sorted(levels.items())}


def strict_priority_evidence(calls: pd.DataFrame, pools: list[dict[str, Any]]) -> dict[str, Any]:
    """The type pair with the most overtakes among types some pool serves both of, with the
    served-first type's share and its Wilson 95% interval."""
    result = overtakes(calls, calls["type"].astype(str))
    best: dict[str, Any] = {}
    for i, a in enumerate(result.classes):
        for b in result.classes[i + 1 :]:
            if not any(a in p["skills"] and b in p["skills"] for p in pools):
                continue
            share, low, high, n = result.share(a, b)
            if n and n > best.get("overtakes", 0):
                first, second = (a, b) if share >= 0.5 else (b, a)
                lo, hi = (low, high) if share >= 0.5 else (1 - high, 1 - low)
                best = {"first": first, "second": second, "overtakes": n,
                        "share_first": max(share, 1 - share),
                        "ci95": [float(lo), float(hi)]}  # fmt: skip
    return best


def longest_idle_check(
    calls: pd.DataFrame, pools: list[dict[str, Any]], max_idle_gap_s: float
) -> dict[str, Any]:
    """Calls answered at once: share whose agent was the longest idle of the idle skilled agents
    (idle = between two of their calls, gap under `max_idle_gap_s`), vs a random choice's share."""
    skills = {a: set(p["skills"]) for p in pools for a in p["members"]}
    talk = calls[calls["served"] & (calls["agent"] != NO_AGENT)]
    answer = (talk["arrival_s"] + talk["wait_s"]).to_numpy(float)
    end = answer + talk["service_s"].to_numpy(float)
    agent = talk["agent"].to_numpy()
    pick = (talk["wait_s"].to_numpy() == 0) & np.isin(agent, list(skills))
    t, chosen, ctype = answer[pick], agent[pick], talk["type"].astype(str).to_numpy()[pick]
    names = sorted(skills)
    since = np.full((len(t), len(names)), np.nan)
    for k, name in enumerate(names):
        mine = np.flatnonzero(agent == name)
        order = mine[np.argsort(answer[mine])]
        a_ans, a_end = answer[order], end[order]
        j = np.searchsorted(a_ans, t, side="left")  # the agent's next call answered at or after t
        ok = (j > 0) & (j < len(a_ans))
        jj = np.clip(j, 1, max(len(a_ans) - 1, 1))
        prev_end, next_ans = a_end[jj - 1], a_ans[np.minimum(jj, len(a_ans) - 1)]
        idle = ok & (prev_end <= t) & (next_ans - prev_end < max_idle_gap_s)
        since[idle, k] = prev_end[idle]
    hits, expected, n = 0, 0.0, 0
    col = {name: k for k, name in enumerate(names)}
    for i in range(len(t)):
        cand = [k for k, name in enumerate(names) if ctype[i] in skills[name]]
        s = since[i, cand]
        ok = ~np.isnan(s)
        me = since[i, col[chosen[i]]]
        if ok.sum() < 2 or np.isnan(me):
            continue
        n += 1
        hits += bool(me <= s[ok].min())
        expected += 1.0 / ok.sum()
    return {"calls_checked": n, "longest_idle_share": hits / n if n else float("nan"),
            "random_choice_share": float(expected / n) if n else float("nan")}  # fmt: skip


def pool_headcount(
    calls: pd.DataFrame,
    days: int,
    dates: pd.DatetimeIndex,
    slot_s: int,
    max_idle_gap_s: float,
    pools: list[dict[str, Any]],
    total: np.ndarray,
) -> list[np.ndarray]:
    """The (7, slots) headcount `total` shared among pools by their measured availability."""
    shares = np.stack(
        [
            estimate_staffing(
                calls, days, dates, slot_s, max_idle_gap_s, agents=p["members"]
            ).by_weekday  # fmt: skip
            for p in pools
        ]
    )
    weights = np.where(shares.sum(axis=0) > 0, shares, 0.0)
    biggest = int(np.argmax(shares.sum(axis=(1, 2))))
    weights[biggest] += (shares.sum(axis=0) == 0).astype(float)  # no pool measured: the largest
    quota = total[None] * weights / weights.sum(axis=0)
    out = np.floor(quota).astype(int)
    left = total - out.sum(axis=0)
    rank = np.argsort(-(quota - out), axis=0, kind="stable")  # largest remainder first
    for r in range(len(pools)):
        out[rank[r], *np.indices(total.shape)] += (left > r).astype(int)
    return list(out)


def infer_structure(calls: pd.DataFrame, max_idle_gap_s: float) -> dict[str, Any]:
    """Pools, priorities and policy the log supports, with the evidence (calibration.json)."""
    pools = scenario_pools(calls)
    priorities = type_priorities(calls)
    return {
        "policy": "longest_idle",
        "pools": pools,
        "priorities": priorities,
        "strict_priority": strict_priority_evidence(calls, pools),
        "agent_choice": longest_idle_check(calls, pools, max_idle_gap_s),
        "rule": f"priority above another type only at a Wilson lower bound > {SURE} of "
        f">= {MIN_PAIRS} overtakes; skills: >= 1% and >= 20 of an agent's answered calls",
    }
