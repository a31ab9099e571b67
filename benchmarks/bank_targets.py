"""Issue-15 targets on the bundled bank log: observed vs simulated vs met, JSON last line.

Usage: PYTHONPATH=. python benchmarks/bank_targets.py [--replications 20] [--seed 1] [--structure]
The scenario is the one `ccsim calibrate ... --format anonymous-bank` writes (availability 1.0);
`--structure` writes the inferred agent pools and type priorities into it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.calibrate.build import calibrate
from sim.calibrate.logs import read_log
from sim.calibrate.pipeline import BANK_LANGUAGES
from sim.calibrate.targets import targets

LOG = Path(__file__).resolve().parents[1] / "scenarios/data/anonymous_bank_february_1999.tsv"


def main() -> None:
    """Calibrate the bank log, simulate, print the targets table and the JSON."""
    p = argparse.ArgumentParser()
    p.add_argument("--replications", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--structure", action="store_true",
                   help="write the inferred pools and priorities into the scenario")  # fmt: skip
    a = p.parse_args()
    cal = calibrate(read_log(LOG, "anonymous-bank"), name="bank", languages=BANK_LANGUAGES,
                    structure=a.structure)  # fmt: skip
    result = targets(cal, a.replications, a.seed)
    print(f"{'target':32} {'observed':>10} {'simulated':>10} {'diff':>8} {'tol':>5}  met")
    for r in result["rows"]:
        sim = "" if r["simulated"] is None else f"{r['simulated']:.4g}"
        diff = "" if r["rel_diff"] is None else f"{r['rel_diff']:+.1%}"
        print(f"{r['target']:32} {r['observed']:10.4g} {sim:>10} {diff:>8} "
              f"{r['tolerance']:5.0%}  {'yes' if r['met'] else 'NO'}")  # fmt: skip
    print("abandonment definitions in the log:")
    for k, v in result["abandonment_definitions"].items():
        print(f"  {k:42} {v['num']:>6}/{v['den']:<6} = {v['value']:.1%}")
    print("type vs type overtakes in the log (share won by the first, Wilson 95% CI):")
    for r in result["type_queue_order"]:
        print(
            f"  {r['a']:>3} vs {r['b']:<3} {r['a_wins']:6.1%} [{r['ci_low']:.1%}, "
            f"{r['ci_high']:.1%}] of {r['pairs']} overtakes"
        )
    print("agent pools seen in the log (skill = >= 5% and >= 20 of an agent's calls):")
    for pool in result["agent_pools"]:
        print(f"  {'+'.join(pool['skills']):12} {pool['agents']:>3} agents  calls {pool['calls']}")
    st = cal.structure
    used = "written into the scenario" if a.structure else "inferred, not used (--structure)"
    print(
        f"structure {used}: routing {st['policy']}, priorities (1 = served first) "
        f"{st['priorities']}"
    )
    sp, ch = st["strict_priority"], st["agent_choice"]
    print(
        f"  strict priority: {sp['first']} ahead of {sp['second']} in {sp['share_first']:.1%} "
        f"[{sp['ci95'][0]:.1%}, {sp['ci95'][1]:.1%}] of {sp['overtakes']} overtakes"
    )
    print(
        f"  agent choice: longest idle in {ch['longest_idle_share']:.1%} of "
        f"{ch['calls_checked']} calls answered at once (random choice: "
        f"{ch['random_choice_share']:.1%})"
    )
    for g in cal.scenario.sites[0].groups:
        hours = sum(s.headcount for s in g.shifts)
        print(f"  group {g.name:16} {hours:>3} shift lines x agents")
    result["structure"] = st
    print(json.dumps(result, default=float))


if __name__ == "__main__":
    main()
