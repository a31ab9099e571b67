"""Evaluate the reference queueing cases (tests/data/queueing_cases.json) analytically.

Each case names a model family in its "model" string, gives inputs, expected values
and a tolerance. ``analytic_values`` computes our value for every expected metric,
``expected_values`` flattens the expected side the same way (table cases become
"R=100,n=105:erlang_c_exact" style keys) and ``tolerance_ok`` applies the case's
tolerance, so ``ccsim verify`` and the tests share one comparison.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from sim.analytic.chat import chat_metrics
from sim.analytic.erlang import (
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    erlang_c_min_agents,
    erlang_c_min_agents_pwait,
    littles_law_mmn,
)
from sim.analytic.erlang_a import erlang_a_metrics
from sim.analytic.finite import mmnk_metrics
from sim.analytic.priority import priority_mmc_metrics
from sim.analytic.qed import (
    garnett_pabandon,
    garnett_pwait,
    halfin_whitt_pwait,
    sqrt_staffing_agents,
    sqrt_staffing_beta,
)
from sim.analytic.retrial import retrial_mm1_metrics, retrial_mmc_metrics

Values = dict[str, float | int]

_PREFIXES = (
    ("erlang_b", "erlang_b"),
    ("erlang_c staffing", "erlang_c_staffing"),
    ("erlang_c", "erlang_c"),
    ("erlang_a", "erlang_a"),
    ("M/M/n/K", "mmnk"),
    ("QED", "qed"),
    ("square-root", "sqrt_staffing"),
    ("M/M/1 retrial", "retrial_mm1"),
    ("M/M/c retrial", "retrial_mmc"),
    ("chat:", "chat"),
    ("Little's law", "littles"),
)
_AGENT_METRICS = ("agents", "n_sqrt_rule", "n_exact", "diff")
_DEFAULT_REL = 1e-9


def family(case: dict) -> str | None:
    """Short family name of a reference case, or None when the model is unknown."""
    model = str(case.get("model", ""))
    if "priority" in model and model.startswith("M/M/"):
        return "priority"
    for prefix, name in _PREFIXES:
        if model.startswith(prefix):
            return name
    return None


def _row_prefix(fam: str, row: dict) -> str:
    if fam == "qed":
        return f"R={row['R']:g},n={row['n']:g}:"
    return f"R={row['R']:g},target={row['target_pwait']:g}:"


_ROW_INPUTS = {"qed": ("R", "n"), "sqrt_staffing": ("R", "target_pwait")}


def expected_values(case: dict) -> dict[str, float]:
    """Expected metrics of a case, with table rows flattened to "row-label:column" keys."""
    fam = family(case)
    exp = case["expected"]
    if fam not in _ROW_INPUTS:
        return {k: float(v) for k, v in exp.items()}
    flat = {}
    for row in exp["table"]:
        prefix = _row_prefix(fam, row)
        for col, v in row.items():
            if col not in _ROW_INPUTS[fam]:
                flat[prefix + col] = float(v)
    return flat


def _qed_row(row: dict) -> dict[str, float]:
    big_r, n = float(row["R"]), float(row["n"])
    beta = (n - big_r) / math.sqrt(big_r)
    exact = float(erlang_c(n, big_r))
    hw = float(halfin_whitt_pwait(beta))
    res = {
        "beta_effective": beta,
        "erlang_c_exact": exact,
        "halfin_whitt": hw,
        "rel_err_hw": abs(exact - hw) / exact,
    }
    for col in row:
        match = re.search(r"theta/mu=([0-9.eE+-]+)$", col)
        if not match:
            continue
        tm = float(match.group(1))
        if col.startswith("erlang_a_exact"):
            m = erlang_a_metrics(big_r, 1.0, tm, n, 0.0)
            res[col] = float(m["p_wait"] if "_pwait_" in col else m["p_abandon"])
        elif col.startswith("garnett_pwait"):
            res[col] = float(garnett_pwait(beta, tm))
        elif col.startswith("garnett_pab"):
            res[col] = float(garnett_pabandon(beta, tm, n))
    return res


def _sqrt_row(row: dict) -> dict[str, float]:
    big_r, target = float(row["R"]), float(row["target_pwait"])
    n_rule = int(sqrt_staffing_agents(big_r, target))
    n_exact = int(erlang_c_min_agents_pwait(big_r, 1.0, target))
    return {
        "beta*": float(sqrt_staffing_beta(target)),
        "n_sqrt_rule": n_rule,
        "n_exact": n_exact,
        "diff": n_rule - n_exact,
    }


def _table(case: dict, row_fn: Callable[[dict], dict]) -> Values:
    fam = family(case)
    flat: Values = {}
    for row in case["expected"]["table"]:
        prefix = _row_prefix(fam, row)
        flat.update({prefix + k: v for k, v in row_fn(row).items()})
    return flat


def _staffing(i: dict) -> Values:
    lam, mu, awt = i["arrival_rate"], i["service_rate"], i["awt"]
    n = int(erlang_c_min_agents(lam, mu, awt, i["sl_target"]))
    sl = erlang_c_metrics(lam, mu, [n, max(n - 1, 0)], awt)["service_level"]
    return {"agents": n, "sl_at_n": float(sl[0]), "sl_at_n_minus_1": float(sl[1])}


def _priority(i: dict) -> Values:
    m = priority_mmc_metrics(i["arrival_rates"], i["service_rate"], i["agents"])
    res: Values = {}
    for k in range(len(i["arrival_rates"])):
        res[f"wq_class{k + 1}"] = float(m["wq"][k])
        res[f"sojourn_class{k + 1}"] = float(m["sojourn"][k])
        res[f"wq_preemptive_class{k + 1}"] = float(m["wq_preemptive"][k])
        res[f"sojourn_preemptive_class{k + 1}"] = float(m["sojourn_preemptive"][k])
    return res


def _compute(case: dict) -> Values | None:
    fam, i = family(case), case.get("inputs", {})
    if fam == "erlang_b":
        return {"blocking": float(erlang_b(i["agents"], i["offered_load_erlangs"]))}
    if fam == "erlang_c":
        return erlang_c_metrics(i["arrival_rate"], i["service_rate"], i["agents"], i["awt"])
    if fam == "erlang_c_staffing":
        return _staffing(i)
    if fam == "erlang_a":
        args = ("arrival_rate", "service_rate", "abandon_rate", "agents", "awt")
        return erlang_a_metrics(*(i[a] for a in args))
    if fam == "mmnk":
        return mmnk_metrics(i["arrival_rate"], i["service_rate"], i["agents"], i["lines_K"])
    if fam == "qed":
        return _table(case, _qed_row)
    if fam == "sqrt_staffing":
        return _table(case, _sqrt_row)
    if fam == "priority":
        return _priority(i)
    if fam == "retrial_mm1":
        args = (i["arrival_rate"], i["service_rate"], i["retrial_rate_per_orbit_customer"])
        return retrial_mm1_metrics(*args)
    if fam == "retrial_mmc":
        args = (i["arrival_rate"], i["service_rate"], i["retrial_rate_per_orbit_customer"])
        return retrial_mmc_metrics(*args, i["agents"])
    if fam == "chat":
        args = (i["arrival_rate"], i["aht_by_concurrency"], i["agents"])
        return chat_metrics(*args, i.get("max_concurrency"))
    if fam == "littles":
        return littles_law_mmn(i["arrival_rate"], i["service_rate"], i["agents"])
    return None


def analytic_values(case: dict) -> Values | None:
    """Our analytic value for every expected metric of ``case`` (None for unknown models).

    Raises KeyError if the case expects a metric this layer does not compute.
    """
    values = _compute(case)
    if values is None:
        return None
    res: Values = {}
    for key in expected_values(case):
        if key not in values:
            raise KeyError(f"{case.get('id')}: no analytic value for {key!r}")
        v = values[key]
        res[key] = int(v) if isinstance(v, int | np.integer) else float(v)
    return res


def tolerance_ok(case: dict, metric: str, expected: float, value: float) -> bool:
    """Whether ``value`` matches ``expected`` under the case's tolerance.

    Agent counts use ``abs_agents`` (default 0); everything else a relative tolerance
    (``rel``, default 1e-9, which also covers the deterministic QED approximation columns).
    """
    tol = case.get("tolerance", {})
    if metric.rsplit(":", 1)[-1] in _AGENT_METRICS:
        return abs(float(value) - float(expected)) <= float(tol.get("abs_agents", 0))
    rel = float(tol.get("rel", _DEFAULT_REL))
    expected, value = float(expected), float(value)
    if math.isinf(expected) or math.isinf(value):
        return expected == value
    return abs(value - expected) <= rel * abs(expected) + 1e-300
