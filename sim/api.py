"""The public Python API: what the CLI and the dashboard call (never the engine directly).

>>> from sim import api
>>> result = api.run("scenarios/default.yaml", replications=5, seed=1)
>>> result.kpi("service_level", "queue", "en_voice_us")
"""

from __future__ import annotations

import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sim.errors import ScenarioError
from sim.experiments import run_replications
from sim.experiments.replications import Progress
from sim.model import Model, compile_model
from sim.results import RunResult
from sim.scenario import DEFAULT_SCENARIO, Scenario, load_scenario

DEFAULT_SEED = 20261125
DEFAULT_REPLICATIONS = 5


def ccsim_version() -> str:
    try:
        return version("ccsim")
    except PackageNotFoundError:
        return "0+unknown"


def load(source: str | Path | Scenario | None = None) -> tuple[Scenario, str]:
    """A validated scenario and a label of where it came from (the bundled default when None)."""
    if isinstance(source, Scenario):
        return source, "<in memory>"
    path = Path(source) if source is not None else DEFAULT_SCENARIO
    return load_scenario(path), str(path)


def run(
    scenario: str | Path | Scenario | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    keep_logs: bool = False,
) -> RunResult:
    """Simulate a scenario `replications` times and summarise every KPI with a 95% CI."""
    if replications < 1:
        raise ScenarioError(f"replications must be at least 1 (got {replications})")
    if seed < 0:
        raise ScenarioError(f"seed must be a non-negative integer (got {seed})")
    sc, source = load(scenario)
    model = compile_model(sc)
    return run_model(model, replications, seed, progress, keep_logs, source)


def run_model(
    model: Model,
    replications: int,
    seed: int,
    progress: Progress | None = None,
    keep_logs: bool = False,
    source: str | None = None,
) -> RunResult:
    """Replications of an already compiled model (used by verify and experiments)."""
    started = time.perf_counter()
    reps = run_replications(
        model, seed, replications, progress, keep_logs=replications if keep_logs else 0
    )
    return RunResult(
        model=model,
        seed=seed,
        replications=replications,
        summary=reps.summary(),
        intervals=reps.intervals(),
        conservation=reps.conservation,
        version=ccsim_version(),
        wall_time_s=time.perf_counter() - started,
        source=source,
        logs=reps.logs,
    )
