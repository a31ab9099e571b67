"""Where the time of a dashboard Run goes: worker start, simulation, journeys, storing, cards.

Times each phase of the Run page's job in this process (as a warmed worker runs it): the
simulation serially (keeping the logs, journeys counted from them after) and spread over forked
copies of this process (as the job worker runs it: journeys counted in the children, no log sent
back; the results must be identical), then the spawn of a fresh worker until it reports ready.
Prints one line per phase and a JSON last line.
Usage: PYTHONPATH=$PWD python benchmarks/dashboard_run.py [--replications N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import tempfile
import time
from pathlib import Path


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (forked replications)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(results: dict[str, float], name: str, fn, *args, **kwargs):
    """Run fn, record its wall seconds as `name` and its CPU seconds as `name` + `_cpu`."""
    start, cpu = time.perf_counter(), _cpu_s()
    value = fn(*args, **kwargs)
    results[name] = round(time.perf_counter() - start, 3)
    results[f"{name}_cpu"] = round(_cpu_s() - cpu, 3)
    print(f"{name:<28} {results[name]:7.3f} s  (CPU {results[f'{name}_cpu']:.3f} s)")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=None)
    args = parser.parse_args()
    t: dict[str, float] = {}
    start = time.perf_counter()
    from sim import api

    t["import_sim_api_s"] = round(time.perf_counter() - start, 3)
    from dashboard.pages.run.job import run_entry  # noqa: F401 - what the worker imports too
    from dashboard.shared.cards import RESULT_CARDS, build_cards, cards_row
    from dashboard.shared.jobs import JobManager
    from dashboard.shared.state import SessionRun, put_run, results_cache

    def get_run(work: Path, token: str) -> SessionRun:
        with results_cache(work) as cache:
            return cache.get(token)

    reps = args.replications or api.DEFAULT_REPLICATIONS
    scenario = api.load(None)[0]
    result = _timed(t, "simulate_s", api.run, scenario, replications=reps, keep_logs=True)
    forked = _timed(t, "simulate_forked_s", api.run, scenario, replications=reps,
                    journeys=True, backend=api.forked_backend())  # fmt: skip
    if not forked.summary.equals(result.summary) or not forked.intervals.equals(result.intervals):
        raise SystemExit("the forked run's KPIs differ from the serial run's")
    journey = _timed(t, "journey_flows_s", api.journey_flows, result.logs, result.model)
    if journey != forked.journeys:
        raise SystemExit("the forked run's journeys differ from the serial run's logs'")
    run = SessionRun(dataclasses.replace(result, logs={}), "bench", journey)
    with tempfile.TemporaryDirectory() as work:
        token = _timed(t, "store_result_s", put_run, Path(work), run)
        back = _timed(t, "load_result_s", get_run, Path(work), token)
    cards = _timed(t, "build_cards_s", build_cards, back.result, RESULT_CARDS)
    _timed(t, "render_cards_s", cards_row, cards, "run-kpi")
    manager = JobManager(size=1)
    start = time.perf_counter()
    manager.warm()
    while not manager.ready_workers():
        time.sleep(0.02)
    t["worker_spawn_ready_s"] = round(time.perf_counter() - start, 3)
    print(f"{'worker_spawn_ready_s':<28} {t['worker_spawn_ready_s']:7.3f} s")
    manager.shutdown()
    t["replications"] = reps
    t["job_total_warm_s"] = round(
        sum(t[k] for k in ("simulate_s", "journey_flows_s", "store_result_s")), 3
    )
    t["job_total_forked_s"] = round(sum(t[k] for k in ("simulate_forked_s", "store_result_s")), 3)
    t["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(t))


if __name__ == "__main__":
    main()
