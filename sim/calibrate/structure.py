"""Agent pools read from a log: which agents served which call types (the scenario's groups).

An agent has a skill for a type when that type is at least `min_share` of the calls the agent
answered and at least `min_calls` of them; agents with the same skill set form one pool. The
report lists pools by the 5% rule; the calibrated scenario uses a 1% rule (`SCENARIO_MIN_SHARE`),
since a small type (the bank's TT, 3% of calls) is answered by most agents but is 5% of few
agents' calls, and a pool structure that leaves it to those few would not be the center's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.calibrate.logs import NO_AGENT

SCENARIO_MIN_SHARE, SCENARIO_MIN_CALLS = 0.01, 20


def agent_pools(
    calls: pd.DataFrame, min_share: float = 0.05, min_calls: int = 20
) -> list[dict[str, Any]]:
    """Pools of agents with the same skill set, largest first, with their members and the calls
    each type got from them."""
    served = calls[calls["served"] & (calls["agent"] != NO_AGENT)]
    counts = served.groupby(["agent", "type"]).size().unstack(fill_value=0)
    share = counts.div(counts.sum(axis=1), axis=0)
    skilled = (share >= min_share) & (counts >= min_calls)
    skills = skilled.apply(lambda row: tuple(t for t in counts.columns if row[t]), axis=1)
    pools = []
    for skill_set, agents in skills.groupby(skills):
        members = sorted(str(a) for a in agents.index)
        got = counts.loc[members].sum()
        calls_by_type = {str(t): int(n) for t, n in got.items() if n}
        pools.append({"skills": list(skill_set), "agents": len(members), "calls": calls_by_type,
                      "members": members})  # fmt: skip
    return sorted(pools, key=lambda p: (-p["agents"], p["skills"]))


def scenario_pools(calls: pd.DataFrame) -> list[dict[str, Any]]:
    """Pools for the scenario (1% rule); a type no pool has as a skill is added to the pool that
    answered most of its calls, so every type is served."""
    pools = [p for p in agent_pools(calls, SCENARIO_MIN_SHARE, SCENARIO_MIN_CALLS) if p["skills"]]
    for t in sorted(calls["type"].astype(str).unique()):
        if pools and not any(t in p["skills"] for p in pools):
            best = max(pools, key=lambda p: (p["calls"].get(t, 0), p["agents"]))
            best["skills"] = sorted([*best["skills"], t])
    return pools
