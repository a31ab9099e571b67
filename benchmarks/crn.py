"""Common random numbers for journeys: paired against unpaired CI half-widths of a difference.

Scenario A is a scenario with journeys (bundled `default.yaml` unless `--scenario`: chatbot,
first-contact resolution, repeats that switch channel); scenario B is the same with every shift's
headcount raised by 10% (rounded). Both run the same replications with the same seed, so
replication r of A and of B see the same customers. For FCR, contacts per issue and cost per
resolved issue this prints the 95% CI half-width of the mean difference B - A computed from the
paired differences (what `ccsim compare` reports) and from the two samples as if independent
(Welch). Target: paired <= 1/4 of unpaired for FCR and contacts per issue.

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
    res_a = run(base, args.replications, args.seed, workers=args.workers)
    res_b = run(more, args.replications, args.seed, workers=args.workers)
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
    target = all(out[k]["ratio"] <= 0.25 for k in ("fcr", "contacts_per_issue"))
    print(f"target paired <= 1/4 unpaired for fcr and contacts_per_issue: "
          f"{'met' if target else 'NOT met'}")  # fmt: skip
    print(json.dumps({"scenario": args.scenario, "replications": args.replications,
                      "seed": args.seed, "factor": args.factor, "kpis": out,
                      "target_met": target, "wall_s": round(wall, 2)}))  # fmt: skip


if __name__ == "__main__":
    main()
