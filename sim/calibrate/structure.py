"""Agent pools read from a log: which agents served which call types (a hook for group routing).

An agent has a skill for a type when that type is at least `min_share` of the calls the agent
answered and at least `min_calls` of them; agents with the same skill set form one pool. The
calibrated scenario still uses one pool (the engine's group-order routing is not on main yet);
this states what the log shows so the scenario can be split when it is.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.calibrate.logs import NO_AGENT


def agent_pools(
    calls: pd.DataFrame, min_share: float = 0.05, min_calls: int = 20
) -> list[dict[str, Any]]:
    """Pools of agents with the same skill set, largest first, with the calls each type got."""
    served = calls[calls["served"] & (calls["agent"] != NO_AGENT)]
    counts = served.groupby(["agent", "type"]).size().unstack(fill_value=0)
    share = counts.div(counts.sum(axis=1), axis=0)
    skilled = (share >= min_share) & (counts >= min_calls)
    skills = skilled.apply(lambda row: tuple(t for t in counts.columns if row[t]), axis=1)
    pools = []
    for skill_set, agents in skills.groupby(skills):
        members = list(agents.index)
        got = counts.loc[members].sum()
        calls_by_type = {str(t): int(n) for t, n in got.items() if n}
        pools.append({"skills": list(skill_set), "agents": len(members), "calls": calls_by_type})
    return sorted(pools, key=lambda p: (-p["agents"], p["skills"]))
