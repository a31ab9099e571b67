"""Analytic queueing formulas: exact benchmarks and staffing rules for the simulator.

Pure, vectorised functions (numpy broadcasting; scalars in, numpy scalars out):
Erlang B/C and Little's law (``erlang``), Erlang A / M/M/n+M (``erlang_a``), M/M/n/K
(``finite``), priority classes (``priority``), chat concurrency (``chat``), retrial
queues (``retrial``), QED approximations and square-root staffing (``qed``), and the
reference-case evaluator used by ``ccsim verify`` (``cases``). Rates share one time unit.
"""

from __future__ import annotations

from sim.analytic.cases import analytic_values, expected_values, family, tolerance_ok
from sim.analytic.chat import chat_metrics
from sim.analytic.erlang import (
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    erlang_c_min_agents,
    erlang_c_min_agents_asa,
    erlang_c_min_agents_pwait,
    littles_law_mmn,
)
from sim.analytic.erlang_a import erlang_a_metrics, erlang_a_min_agents
from sim.analytic.finite import mmnk_metrics
from sim.analytic.priority import priority_mmc_metrics
from sim.analytic.qed import (
    garnett_pabandon,
    garnett_pwait,
    halfin_whitt_pwait,
    normal_hazard,
    sqrt_staffing_agents,
    sqrt_staffing_beta,
)
from sim.analytic.retrial import retrial_mm1_metrics, retrial_mmc_metrics

__all__ = [
    "analytic_values",
    "chat_metrics",
    "erlang_a_metrics",
    "erlang_a_min_agents",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "erlang_c_min_agents",
    "erlang_c_min_agents_asa",
    "erlang_c_min_agents_pwait",
    "expected_values",
    "family",
    "garnett_pabandon",
    "garnett_pwait",
    "halfin_whitt_pwait",
    "littles_law_mmn",
    "mmnk_metrics",
    "normal_hazard",
    "priority_mmc_metrics",
    "retrial_mm1_metrics",
    "retrial_mmc_metrics",
    "sqrt_staffing_agents",
    "sqrt_staffing_beta",
    "tolerance_ok",
]
