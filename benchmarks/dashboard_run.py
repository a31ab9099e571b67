"""Where the time of a dashboard Run goes: worker start, simulation, journeys, storing, cards.

Times each phase of the Run page's job in this process (as a warmed worker runs it), then the
spawn of a fresh worker until it reports ready. Prints one line per phase and a JSON last line.
Usage: PYTHONPATH=$PWD python benchmarks/dashboard_run.py [--replications N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from pathlib import Path


def _timed(results: dict[str, float], name: str, fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    results[name] = round(time.perf_counter() - start, 3)
    print(f"{name:<28} {results[name]:7.3f} s")
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
    journey = _timed(t, "journey_flows_s", api.journey_flows, result.logs, result.model)
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
    print(json.dumps(t))


if __name__ == "__main__":
    main()
