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


def plan_data(path: str | Path) -> tuple[dict, Path]:
    """A plan file's raw YAML mapping and its folder, to edit and pass back to `plan`."""
    import yaml

    from sim.planning.loading import load_plan

    load_plan(path)  # validates (and names the field) before anyone edits it
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")), Path(path).resolve().parent


def plan(
    source: str | Path | dict,
    *,
    base_dir: str | Path | None = None,
    optimised: bool = True,
    classes: Sequence[dict] | None = None,
    simulate_weeks: Sequence[int] | str | None = None,
    replications: int = 3,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    workers: int | None = 1,
):
    """A capacity plan (a PlanResult): required vs available FTE per week and hiring classes.

    `source` is a plan YAML path or its mapping (relative paths read from `base_dir`). Classes
    are optimised (MILP) unless `optimised` is False or `classes` are given
    (``{"site", "group", "start_week" (1-based), "size"}``), which are then evaluated as they
    are. `simulate_weeks` ("peak" for the two busiest weeks, or week numbers) simulates those
    weeks' scenarios (`replications` each) and sets plan vs simulation in `result.simulation`.
    """
    from sim.planning import compute_plan
    from sim.planning.loading import load_plan, plan_from_dict, plan_scenario
    from sim.planning.setup import compile_plan
    from sim.planning.simulate import simulate_weeks as simulate

    if replications < 1:
        raise ScenarioError(f"replications must be at least 1 (got {replications})")
    if isinstance(source, dict):
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        spec = plan_from_dict(source)
        setup = compile_plan(spec, plan_scenario(spec, base), base)
        label = "<in memory>"
    else:
        spec, sc, base = load_plan(source)
        setup = compile_plan(spec, sc, base)
        label = str(source)
    hires = None if classes is None else _class_hires(setup, classes)
    result = compute_plan(setup, optimised=optimised, hires=hires)
    result.source = label
    if simulate_weeks:
        weeks = result.peak_weeks(2) if simulate_weeks == "peak" else list(simulate_weeks)
        for w in weeks:
            if not 1 <= int(w) <= setup.n_weeks:
                raise ScenarioError(f"--simulate-weeks {w}: the plan has weeks 1 to {setup.n_weeks}")
        result.simulation = simulate(result, [int(w) for w in weeks], replications, seed,
                                     progress=progress, workers=workers)  # fmt: skip
    return result


def _class_hires(setup, classes: Sequence[dict]) -> list:
    """Class sizes per group and start week from class records (ScenarioError if unknown)."""
    import numpy as np

    names = [(g.site, g.group) for g in setup.groups]
    hires = [np.zeros(setup.n_weeks) for _ in names]
    for i, c in enumerate(classes):
        key = (c.get("site"), c.get("group"))
        if key not in names:
            raise ScenarioError(f"classes[{i}]: {key[0]}/{key[1]} is not a planned group")
        week, size = int(c.get("start_week", 0)), int(c.get("size", 0))
        if not 1 <= week <= setup.n_weeks or size < 0:
            raise ScenarioError(f"classes[{i}]: start_week must be 1..{setup.n_weeks} and size "
                                f">= 0 (got week {week}, size {size})")  # fmt: skip
        g = setup.groups[names.index(key)]
        if size and g.hiring is None:
            raise ScenarioError(f"classes[{i}]: {key[0]}/{key[1]} has no hiring rules")
        hires[names.index(key)][week - 1] += size
    return hires


def plan_week_scenario(result, week: int) -> Scenario:
    """Week `week` (1-based) of a plan as a scenario that `run` simulates."""
    from sim.planning.weeks import week_scenario

    return week_scenario(result, week)


def plan_figure(result, site: str | None = None, group: str | None = None):
    """Plotly figure of a plan: required vs available FTE per week, classes drawn on it."""
    from sim.planning.figures import plan_figure as figure

    return figure(result, site, group)
