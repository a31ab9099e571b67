"""Staffing: how many agents are needed, where and when, and which shifts should they work.

* ``analytic``: per interval x contact type with Erlang C/A/X, chat concurrency and email
  backlog formulas, vectorised over all intervals; ``plan`` splits that over sites and groups
  and adds shrinkage, FTE and cost.
* ``simulated``: starting from the analytic answer, the smallest staffing per site x group x
  interval that the simulator confirms meets every target (common random numbers).
* ``reconcile``: why the simulated answer differs from Erlang's (pooling across sites and
  skills, blending, abandonment), each effect priced with the plan's formulas.
* ``schedule``: shifts covering a requirement at minimum cost (MILP, HiGHS), written back into
  a scenario that can be simulated.
"""

from __future__ import annotations

from sim.staffing.plan import StaffingResult
from sim.staffing.staff import staff_erlang
from sim.staffing.targets import ChannelTarget, Targets, parse_targets, scenario_targets

__all__ = [
    "ChannelTarget",
    "StaffingResult",
    "Targets",
    "parse_targets",
    "scenario_targets",
    "staff_erlang",
]
