"""Wall time of `ccsim verify tests/data/queueing_cases.json --simulate` (the reference cases).

Usage: python benchmarks/verify.py [--workers N]. Prints the time, pass/fail counts and, last,
one JSON line. The machine may be shared: compare before/after figures taken in one session.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import time
from pathlib import Path

from sim.verify.runner import run_verify

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "queueing_cases.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    kwargs = (
        {"workers": args.workers} if "workers" in inspect.signature(run_verify).parameters else {}
    )
    t0 = time.perf_counter()
    report = run_verify(CASES, simulate=True, seed=1, **kwargs)
    seconds = time.perf_counter() - t0
    cpu = sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )
    s = report["summary"]
    print(f"verify --simulate: {seconds:.1f} s wall, {cpu:.1f} s CPU ({kwargs or 'serial'}); "
          f"pass {s['pass']}, "
          f"fail {s['fail']}, unsupported {s['unsupported']}")  # fmt: skip
    failed = [c["id"] for c in report["cases"] if c["status"] == "fail"]
    figures = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), **kwargs, **s}
    print(json.dumps(figures | {"failed": failed}))


if __name__ == "__main__":
    main()
