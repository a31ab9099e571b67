"""Staffing benchmark: Erlang C for a week of half-hours x 24 queues, ccsim vs pyworkforce.

The same 336 x 24 = 8,064 staffing problems (a mid-size center: each queue peaks at 20-300
calls per half-hour, shaped by a weekday/intraday profile; AHT 3-9 min; 80% answered within
20 s) go through ccsim's vectorised ``erlang_c_staffing`` (the kernel ``ccsim staff`` uses)
and through pyworkforce's ``ErlangC.required_positions`` (a Python loop per problem), in the
same run, best of 5 each; the answers must agree. If pyworkforce is not installed
(``pip install pyworkforce``), a plain scalar loop implementation of the textbook Erlang C
search stands in for it, and the output says so.

pyworkforce's time grows with queue size (an O(n) Erlang B loop per candidate n), ccsim's
hardly does, so the ratio is larger for big queues and smaller for tiny ones.

Then it times simulation-based staffing (``ccsim staff --method simulation``) of a one-week
scenario: peak_season.yaml when it exists, else default.yaml.

Last line: JSON {"ccsim_s", "pyworkforce_s", "ratio", "reference", "problems", "agree",
"simulation_staffing_s", "simulation_scenario"}.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.analytic.erlang_c_staffing import erlang_c_staffing  # noqa: E402

INTERVAL_MIN = 30
AWT_S = 20.0
SL = 0.8
REPEATS = 5
SIM_BUDGET_S = 110.0  # the search's time budget (target: <= 2 minutes on 2 cores)


def workload(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Calls per half-hour (336 x 24) and AHT in minutes per queue (24,)."""
    rng = np.random.default_rng(seed)
    hours = np.arange(48) / 2
    intraday = np.exp(-0.5 * ((hours - 11) / 3.5) ** 2) + 0.6 * np.exp(
        -0.5 * ((hours - 16) / 2) ** 2
    )
    weekday = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.4])
    shape = np.outer(weekday, intraday).ravel()
    shape = shape / shape.max()
    peaks = rng.uniform(20, 300, size=24)  # calls per half-hour at the busiest interval
    calls = np.round(shape[:, None] * peaks[None, :], 1)
    aht_min = rng.uniform(3, 9, size=24)
    return calls, aht_min


def ccsim_staffing(calls: np.ndarray, aht_min: np.ndarray) -> np.ndarray:
    lam = calls / (INTERVAL_MIN * 60.0)
    mu = 1.0 / (aht_min * 60.0)
    return np.asarray(erlang_c_staffing(lam, mu[None, :], AWT_S, SL))


def pyworkforce_staffing(calls: np.ndarray, aht_min: np.ndarray) -> np.ndarray:
    from pyworkforce.queuing import ErlangC

    out = np.zeros(calls.shape, dtype=np.int64)
    for i in range(calls.shape[0]):
        for q in range(calls.shape[1]):
            if calls[i, q] <= 0:
                continue  # pyworkforce refuses zero volume; the answer is 0 agents
            erlang = ErlangC(transactions=float(calls[i, q]), aht=float(aht_min[q]),
                             asa=AWT_S / 60.0, interval=INTERVAL_MIN)  # fmt: skip
            out[i, q] = erlang.required_positions(service_level=SL)["raw_positions"]
    return out


def scalar_loop_staffing(calls: np.ndarray, aht_min: np.ndarray) -> np.ndarray:
    """Textbook Erlang C search, one problem at a time (the stand-in reference)."""
    out = np.zeros(calls.shape, dtype=np.int64)
    for i in range(calls.shape[0]):
        for q in range(calls.shape[1]):
            a = calls[i, q] / INTERVAL_MIN * aht_min[q]
            if a <= 0:
                continue
            n = math.floor(a) + 1
            while True:
                inv_b = 1.0
                for k in range(1, n + 1):
                    inv_b = 1.0 + inv_b * k / a
                b = 1.0 / inv_b
                c = n * b / (n - a * (1 - b))
                if 1 - c * math.exp(-(n - a) * AWT_S / (aht_min[q] * 60)) >= SL:
                    break
                n += 1
            out[i, q] = n
    return out


def simulation_staffing() -> tuple[float, str, dict]:
    from sim import api

    path = ROOT / "scenarios" / "peak_season.yaml"
    if not path.exists():
        path = ROOT / "scenarios" / "default.yaml"
    started = time.perf_counter()
    result = api.staff(str(path), method="simulation", replications=6, seed=1, workers=2,
                       time_budget_s=SIM_BUDGET_S)  # fmt: skip
    return time.perf_counter() - started, path.name, result.pooling or {}


def best_of(repeats: int, fn, *args):
    """Fastest wall time of `repeats` calls, and the last answer."""
    best, answer = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        answer = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, answer


def main() -> None:
    calls, aht = workload()
    problems = calls.size
    try:
        import pyworkforce.queuing  # noqa: F401  (imported before timing: it loads ortools)

        reference, ref_fn = "pyworkforce", pyworkforce_staffing
    except ImportError:
        reference, ref_fn = "scalar loop (pyworkforce not installed)", scalar_loop_staffing
    ccsim_s, ours = best_of(REPEATS, ccsim_staffing, calls, aht)
    ref_s, theirs = best_of(REPEATS, ref_fn, calls, aht)
    agree = bool(np.array_equal(ours, theirs))
    print(f"Erlang C staffing, {calls.shape[0]} half-hours x {calls.shape[1]} queues = "
          f"{problems:,} problems (peak {ours.max()} agents)")  # fmt: skip
    print(f"  ccsim (vectorised):  {ccsim_s * 1000:9.1f} ms")
    print(f"  {reference}: {ref_s * 1000:9.1f} ms")
    print(f"  ratio: {ref_s / ccsim_s:,.0f}x; answers identical: {agree}")
    if not agree:
        diff = np.argwhere(ours != theirs)
        print(f"  {len(diff)} differ, e.g. {[(int(i), int(q)) for i, q in diff[:5]]}")
    sim_s, sim_name, pooling = simulation_staffing()
    saving = pooling.get("hours_saving", float("nan"))
    print(f"simulation-based staffing of {sim_name}: {sim_s:.1f} s (budget {SIM_BUDGET_S:.0f} s;"
          f" vs Erlang {saving:+.1%} agent-hours saved)")  # fmt: skip
    print(json.dumps({
        "ccsim_s": round(ccsim_s, 6), "pyworkforce_s": round(ref_s, 6),
        "ratio": round(ref_s / ccsim_s, 1), "reference": reference, "problems": problems,
        "agree": agree, "simulation_staffing_s": round(sim_s, 2),
        "simulation_scenario": sim_name,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
