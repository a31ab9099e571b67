"""Common random numbers for journeys: paired against unpaired CI half-widths of a difference.

Scenario A is a scenario with journeys (bundled `default.yaml` unless `--scenario`: chatbot,
first-contact resolution, repeats that switch channel); scenario B is the same with every shift's
headcount raised by 10% (rounded). Both run the same replications with the same seed, so
replication r of A and of B see the same customers. For FCR, contacts per issue and cost per
resolved issue this prints the 95% CI half-width of the mean difference B - A computed from the
paired differences (what `ccsim compare` reports) and from the two samples as if independent
(Welch). Target: paired <= 1/4 of unpaired for FCR and contacts per issue.

Why paired differences remain at all: it then counts, per replication, the issues whose FCR
outcome differs between A and B, by reason: the first contact abandoned in one run only (the
queue is shorter in B), or it took a callback offered in one run only (offers depend on the
expected wait; a missed callback is not a resolution), or the issue is still open at the horizon
in one run only, or its first contact was handled by another agent group (other proficiency and
FCR), or none of these (a customer's decision changed: common random numbers would be broken;
expected 0).

Usage::

    python benchmarks/crn.py                  # default scenario, 10 replications
    python benchmarks/crn.py --replications 20 --scenario scenarios/peak_season.yaml

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
from scipy import stats

from sim.api import DEFAULT_SEED, run
from sim.engine.log import ABANDONED, ISSUE_OPEN, ISSUE_RESOLVED, ContactLog
from sim.model import Model
from sim.scenario import DEFAULT_SCENARIO, load_scenario
from sim.scenario.loading import scenario_from_dict

KPIS = ("fcr", "contacts_per_issue", "cost_per_resolved_issue")


def more_headcount(data: dict, factor: float) -> dict:
    """The scenario dict with every shift's headcount scaled by `factor` (rounded)."""
    for site in data["sites"]:
        for group in site["groups"]:
            for shift in group.get("shifts") or []:
                shift["headcount"] = int(round(shift["headcount"] * factor))
    return data


def per_replication(result, kpi: str) -> np.ndarray:
    """One KPI's overall value in each replication, in replication order."""
    frame = result.replication_kpis.sort_index().loc[("overall", "all")]
    return frame[kpi].sort_index().to_numpy(dtype=float)


def fcr_flips(log_a: ContactLog, log_b: ContactLog, model: Model) -> dict[str, int]:
    """Issues (first contact in the measured window) whose FCR outcome differs, by reason."""
    n = len(log_a.issue_status)
    fcr_a = (log_a.issue_status == ISSUE_RESOLVED) & (log_a.issue_contacts == 1)
    fcr_b = (log_b.issue_status == ISSUE_RESOLVED) & (log_b.issue_contacts == 1)
    first = log_a.arrival_s[:n]
    flipped = (fcr_a != fcr_b) & (first >= model.warmup_s) & (first < model.measure_end_s)
    abandoned = (log_a.status[:n] == ABANDONED) != (log_b.status[:n] == ABANDONED)
    group_a = np.where(log_a.agent[:n] >= 0, log_a.agent_group[log_a.agent[:n]], -1)
    group_b = np.where(log_b.agent[:n] >= 0, log_b.agent_group[log_b.agent[:n]], -1)
    # a callback is offered when the expected wait is long: in one run only, if queues differ
    callback = ~abandoned & (log_a.callback[:n] != log_b.callback[:n])
    still_open = (
        ~abandoned
        & ~callback
        & ((log_a.issue_status == ISSUE_OPEN) != (log_b.issue_status == ISSUE_OPEN))
    )
    other_group = ~abandoned & ~callback & ~still_open & (group_a != group_b)
    explained = abandoned | callback | still_open | other_group
    return {
        "flipped": int(flipped.sum()),
        "abandoned_in_one_run": int((flipped & abandoned).sum()),
        "callback_in_one_run": int((flipped & callback).sum()),
        "open_at_end_in_one_run": int((flipped & still_open).sum()),
        "other_agent_group": int((flipped & other_group).sum()),
        "decision_changed": int((flipped & ~explained).sum()),
    }


def half_widths(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """95% CI half-width of mean(b - a): paired, and unpaired (Welch)."""
    n = len(a)
    d = b - a
    paired = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
    va, vb = a.var(ddof=1) / n, b.var(ddof=1) / n
    dof = (va + vb) ** 2 / (va**2 / (n - 1) + vb**2 / (n - 1))
    unpaired = stats.t.ppf(0.975, dof) * math.sqrt(va + vb)
    return float(paired), float(unpaired)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--factor", type=float, default=1.1, help="headcount factor of B")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    base = load_scenario(args.scenario)
    more = scenario_from_dict(more_headcount(base.model_dump(mode="json"), args.factor))
    t0 = time.perf_counter()
    res_a = run(base, args.replications, args.seed, keep_logs=True, workers=args.workers)
    res_b = run(more, args.replications, args.seed, keep_logs=True, workers=args.workers)
    wall = time.perf_counter() - t0

    print(f"scenario {args.scenario}, B = headcount x {args.factor}, "
          f"{args.replications} replications, seed {args.seed} ({wall:.1f} s)")  # fmt: skip
    print(f"{'KPI':<26}{'mean A':>12}{'mean B':>12}{'B - A':>12}"
          f"{'paired hw':>12}{'unpaired hw':>13}{'ratio':>8}")  # fmt: skip
    out: dict[str, dict[str, float]] = {}
    for kpi in KPIS:
        a, b = per_replication(res_a, kpi), per_replication(res_b, kpi)
        paired, unpaired = half_widths(a, b)
        ratio = paired / unpaired if unpaired > 0 else float("nan")
        out[kpi] = {
            "mean_a": float(a.mean()),
            "mean_b": float(b.mean()),
            "difference": float((b - a).mean()),
            "paired_half_width": paired,
            "unpaired_half_width": unpaired,
            "ratio": ratio,
        }
        print(f"{kpi:<26}{a.mean():>12.4f}{b.mean():>12.4f}{(b - a).mean():>12.4f}"
              f"{paired:>12.5f}{unpaired:>13.5f}{ratio:>8.3f}")  # fmt: skip
    flips = [fcr_flips(res_a.logs[r], res_b.logs[r], res_a.model) for r in sorted(res_a.logs)]
    why = {k: float(np.mean([f[k] for f in flips])) for k in flips[0]}
    print(f"issues whose FCR outcome differs, per replication: {why['flipped']:.0f} "
          f"(first contact abandoned in one run only {why['abandoned_in_one_run']:.0f}, "
          f"took a callback offered in one run only {why['callback_in_one_run']:.0f}, "
          f"still open at the end in one run only {why['open_at_end_in_one_run']:.0f}, "
          f"handled by another agent group {why['other_agent_group']:.0f}, "
          f"a customer's decision changed {why['decision_changed']:.0f})")  # fmt: skip
    target = all(out[k]["ratio"] <= 0.25 for k in ("fcr", "contacts_per_issue"))
    print(f"target paired <= 1/4 unpaired for fcr and contacts_per_issue: "
          f"{'met' if target else 'NOT met'}")  # fmt: skip
    print(json.dumps({"scenario": args.scenario, "replications": args.replications,
                      "seed": args.seed, "factor": args.factor, "kpis": out,
                      "target_met": target, "fcr_flips": why,
                      "wall_s": round(wall, 2)}))  # fmt: skip


if __name__ == "__main__":
    main()
