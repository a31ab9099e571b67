"""Time of `ccsim verify tests/data/queueing_cases.json --simulate`: sized vs a baseline, one run.

Usage: python benchmarks/verify.py [--workers N] [--precision 0.05]
[--baseline plain|subset|full|none].
Runs the sized simulation (each case only as long as its checks need, control-variate estimates)
on the whole file, then `--baseline`: `plain` (the default) is the same sequential sizing with
plain means (`Sizing(controls=False)`, the verify before control variates) on the whole file;
`subset` is the fixed sizing (20 replications of the full window per case) on SUBSET, one to two
cases per family without the heaviest ones and without scenarios shared by two cases, timed sized
too; `full` runs the fixed sizing on the whole file (about 3-7x the sized run). Each run also
lists its five costliest cases (CPU seconds of their replications). The machine may be shared:
only ratios taken within one run compare. Prints figures, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from sim.verify.runner import run_verify
from sim.verify.sizing import REL_PRECISION, Sizing

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "queueing_cases.json"
SUBSET = ("erlang_b_n1_a1", "erlang_b_n132_a123", "erlang_c_360calls_55agents",
          "erlang_c_small_single_agent_MM1", "erlang_a_medium_30agents",
          "erlang_a_typical_250agents_seconds", "mmnk_n10_K15_lam10", "priority_mm1_ciw_literature",
          "retrial_mmc_c5_lam4_gamma0.5", "chat_equal_aht_reduces_to_erlang_c")  # fmt: skip


def _cpu() -> float:
    return sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )


def timed(path: Path, workers: int, sizing: Sizing) -> dict[str, Any]:
    """One verify --simulate run: wall and CPU seconds, counts, contacts, how cases stopped."""
    t0, c0 = time.perf_counter(), _cpu()
    per_case: dict[str, float] = {}
    report = run_verify(path, simulate=True, seed=1, workers=workers, sizing=sizing,
                        cpu_seconds=per_case)  # fmt: skip
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    slowest = sorted(per_case.items(), key=lambda kv: -kv[1])[:5]
    runs = [c["simulation"] for c in report["cases"] if "simulation" in c]
    stops: dict[str, int] = {}
    for run in runs:
        stops[run["stop"]] = stops.get(run["stop"], 0) + 1
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "cases": len(report["cases"]),
        "simulated_cases": len(runs),
        **report["summary"],
        "contacts": report["simulation"]["contacts"],
        "stops": stops,
        "failed": [c["id"] for c in report["cases"] if c["status"] == "fail"],
        "slowest_cpu_seconds": {case: round(sec, 2) for case, sec in slowest},
        "measured_needed": {  # per case: window fraction simulated and asked for (full = 1)
            c["id"]: [c["simulation"]["measured_fraction"], c["simulation"]["needed_fraction"]]
            for c in report["cases"]
            if "simulation" in c
        },
    }


def _line(name: str, r: dict[str, Any]) -> str:
    return (f"{name}: {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU, {r['cases']} cases "
            f"({r['simulated_cases']} simulated): pass {r['pass']}, fail {r['fail']}, "
            f"unsupported {r['unsupported']}; {r['contacts']:,} contacts simulated; "
            f"stops {r['stops']}; slowest (CPU s) {r['slowest_cpu_seconds']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--precision", type=float, default=REL_PRECISION)
    parser.add_argument("--baseline", choices=("plain", "subset", "full", "none"), default="plain")
    args = parser.parse_args()
    sized = Sizing(rel_precision=args.precision)
    figures: dict[str, Any] = {"workers": args.workers, "precision": args.precision}
    figures["sized"] = timed(CASES, args.workers, sized)
    print(_line(f"sized (precision {args.precision:g}), whole file", figures["sized"]))
    if args.baseline == "plain":
        plain = Sizing(rel_precision=args.precision, controls=False)
        figures["plain"] = timed(CASES, args.workers, plain)
        print(_line("plain means (before control variates), whole file", figures["plain"]))
        ratio = figures["plain"]["seconds"] / figures["sized"]["seconds"]
        cpu = figures["plain"]["cpu_seconds"] / figures["sized"]["cpu_seconds"]
        print(f"whole file: {ratio:.2f}x faster (wall), {cpu:.2f}x less CPU than plain means")
        figures["speedup"], figures["cpu_ratio"] = round(ratio, 2), round(cpu, 2)
    elif args.baseline == "full":
        figures["fixed"] = timed(CASES, args.workers, Sizing(fixed=True))
        print(_line("fixed sizing (before), whole file", figures["fixed"]))
        ratio = figures["fixed"]["seconds"] / figures["sized"]["seconds"]
        print(f"whole file: sized is {ratio:.2f}x faster than the fixed sizing")
        figures["speedup"] = round(ratio, 2)
    elif args.baseline == "subset":
        cases = json.loads(CASES.read_text())["cases"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "subset.json"
            path.write_text(json.dumps({"cases": [c for c in cases if c["id"] in SUBSET]}))
            figures["subset_fixed"] = timed(path, args.workers, Sizing(fixed=True))
            figures["subset_sized"] = timed(path, args.workers, sized)
        print(_line("subset, fixed sizing (before)", figures["subset_fixed"]))
        print(_line("subset, sized", figures["subset_sized"]))
        ratio = figures["subset_fixed"]["seconds"] / figures["subset_sized"]["seconds"]
        contacts = figures["subset_fixed"]["contacts"] / figures["subset_sized"]["contacts"]
        print(f"subset of {len(SUBSET)} cases (not the heaviest): sized is {ratio:.2f}x faster, "
              f"{contacts:.2f}x fewer contacts (whole file's fixed run not timed)")  # fmt: skip
        figures["subset_speedup"] = round(ratio, 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
