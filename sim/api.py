"""The public Python API: what the CLI and the dashboard call (never the engine directly).

>>> from sim import api
>>> result = api.run("scenarios/default.yaml", replications=5, seed=1)
>>> result.kpi("service_level", "queue", "en_voice_us")
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import nullcontext
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sim.errors import ScenarioError
from sim.experiments import run_replications
from sim.experiments.backends import Backend, auto_workers, make_backend
from sim.experiments.compare import Comparison, compare_results
from sim.experiments.overrides import override_scenario
from sim.experiments.replications import Progress
from sim.experiments.segments import run_segmented
from sim.experiments.sequential import Precision, run_until_precise
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


def load(
    source: str | Path | Scenario | None = None, overrides: Sequence[str] = ()
) -> tuple[Scenario, str]:
    """A validated scenario and a label of where it came from (the bundled default when None).

    `overrides` are `PATH=VALUE` edits (see `sim.experiments.overrides`), validated like the YAML.
    """
    if isinstance(source, Scenario):
        return override_scenario(source, overrides, "<in memory>"), "<in memory>"
    path = Path(source) if source is not None else DEFAULT_SCENARIO
    return override_scenario(load_scenario(path), overrides, str(path)), str(path)


def run(
    scenario: str | Path | Scenario | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    keep_logs: bool = False,
    *,
    overrides: Sequence[str] = (),
    workers: int | None = 1,
    dask: str | None = None,
    backend: Backend | None = None,
    precision: Precision | None = None,
    max_replications: int = 100,
    log_dir: Path | None = None,
    segment_days: int | None = None,
    overlap_days: int = 1,
) -> RunResult:
    """Simulate a scenario `replications` times and summarise every KPI with a 95% CI.

    Replications run on `backend`, or on `workers` local processes (None: 1 for small runs, else
    one per core), or on Dask (`dask` = scheduler address or "local"); results are identical on
    all of them. With `precision`, `replications` is the first stage and more follow until the
    chosen KPI's CI is narrow enough or `max_replications` is reached. With `segment_days`, each
    replication runs in overlapping segments (bounded memory; see `sim.experiments.segments`).
    """
    if replications < 1:
        raise ScenarioError(f"replications must be at least 1 (got {replications})")
    if seed < 0:
        raise ScenarioError(f"seed must be a non-negative integer (got {seed})")
    sc, source = load(scenario, overrides)
    model = compile_model(sc)
    if backend is not None:
        return run_model(model, replications, seed, progress, keep_logs, source, backend=backend,
                         precision=precision, max_replications=max_replications, log_dir=log_dir,
                         overrides=overrides, segment_days=segment_days,
                         overlap_days=overlap_days)  # fmt: skip
    if workers is None and not dask:
        tasks = max_replications if precision is not None else replications
        if segment_days:
            tasks *= max(1, round(sc.horizon.days / segment_days))
        workers = auto_workers(float(model.expected_arrivals().sum()), tasks)
    with make_backend(workers, dask) as owned:
        return run_model(model, replications, seed, progress, keep_logs, source, backend=owned,
                         precision=precision, max_replications=max_replications, log_dir=log_dir,
                         overrides=overrides, segment_days=segment_days,
                         overlap_days=overlap_days)  # fmt: skip


def run_model(
    model: Model,
    replications: int,
    seed: int,
    progress: Progress | None = None,
    keep_logs: bool = False,
    source: str | None = None,
    *,
    backend: Backend | None = None,
    precision: Precision | None = None,
    max_replications: int = 100,
    log_dir: Path | None = None,
    overrides: Sequence[str] = (),
    segment_days: int | None = None,
    overlap_days: int = 1,
) -> RunResult:
    """Replications of an already compiled model (used by verify and experiments)."""
    started = time.perf_counter()
    extra: dict = {"overrides": list(overrides)} if overrides else {}
    if segment_days:
        if precision is not None or keep_logs:
            raise ScenarioError(
                "--segment-days runs neither with --precision nor with --out contact logs "
                "(stream logs with --save --logs)"
            )
        reps = run_segmented(
            model, seed, replications, segment_days, overlap_days, backend, progress, log_dir
        )
        extra["segments"] = {"segment_days": segment_days, "overlap_days": overlap_days}
    elif precision is not None:
        if keep_logs:
            raise ScenarioError("--precision runs keep contact logs only in the run store (--save)")
        reps, extra["stopping"] = run_until_precise(
            model, seed, precision, max_replications, replications, backend, progress, log_dir
        )
        replications = len(reps.per_replication)
    else:
        reps = run_replications(
            model, seed, replications, progress, keep_logs=replications if keep_logs else 0,
            backend=backend, log_dir=log_dir,
        )  # fmt: skip
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
        extra=extra,
        replication_kpis=reps.per_replication_summary(),
    )


def compare(
    a: str | Path | Scenario | None,
    b: str | Path | Scenario | None = None,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    *,
    overrides: Sequence[str] = (),
    overrides_b: Sequence[str] = (),
    workers: int | None = 1,
    dask: str | None = None,
    backend: Backend | None = None,
) -> Comparison:
    """Paired comparison of B against A under common random numbers (B defaults to A).

    `overrides` apply to both scenarios, `overrides_b` to B only (a what-if on one scenario).
    """
    if replications < 2:
        raise ScenarioError(
            f"a paired comparison needs at least 2 replications (got {replications})"
        )
    sc_a, src_a = load(a, overrides)
    sc_b, src_b = load(a if b is None else b, [*overrides, *overrides_b])
    model_a, model_b = compile_model(sc_a), compile_model(sc_b)
    if workers is None and not dask:
        work = float(model_a.expected_arrivals().sum() + model_b.expected_arrivals().sum())
        workers = auto_workers(work / 2, 2 * replications)
    total = 2 * replications
    half_a = None if progress is None else (lambda done, _n: progress(done, total))
    half_b = None if progress is None else (lambda done, _n: progress(replications + done, total))
    with make_backend(workers, dask) if backend is None else nullcontext(backend) as be:
        res_a = run_model(model_a, replications, seed, half_a, source=src_a, backend=be,
                          overrides=overrides)  # fmt: skip
        res_b = run_model(model_b, replications, seed, half_b, source=src_b, backend=be,
                          overrides=[*overrides, *overrides_b])  # fmt: skip
    labels = ("", "")
    if sc_a.name == sc_b.name and b is not None and Path(src_a).stem != Path(src_b).stem:
        labels = (Path(src_a).stem, Path(src_b).stem)  # two files with the same scenario name
    return compare_results(res_a, res_b, *labels)


def staff(
    scenario: str | Path | Scenario | None = None,
    method: str = "erlang",
    targets: Sequence[str] = (),
    replications: int = 8,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    workers: int | None = 1,
    time_budget_s: float | None = None,
):
    """Agents needed per interval x site x group ("erlang" or "simulation"); a StaffingResult.

    `targets` are `[channel.]key=value` items (see `sim.staffing.targets`); `time_budget_s`
    bounds the simulation search (it then skips refining steps).
    """
    from sim.staffing import parse_targets, staff_erlang
    from sim.staffing.simulated import staff_simulation

    if method not in ("erlang", "simulation"):
        raise ScenarioError(f"--method {method!r}: use 'erlang' or 'simulation'")
    sc, _source = load(scenario)
    goals = parse_targets(sc, list(targets))
    model = compile_model(sc)
    if method == "erlang":
        return staff_erlang(model, goals)
    return staff_simulation(model, goals, replications, seed, progress=progress, workers=workers,
                            time_budget_s=time_budget_s)  # fmt: skip


def schedule(staffing, rules=None, progress: Progress | None = None):
    """Minimum-cost shifts covering a StaffingResult's requirement (a Schedule)."""
    from sim.staffing.schedule import schedule_shifts

    return schedule_shifts(staffing, rules, progress)
