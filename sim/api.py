"""The public Python API: what the CLI and the dashboard call (never the engine directly).

>>> from sim import api
>>> result = api.run("scenarios/default.yaml", replications=5, seed=1)
>>> result.kpi("service_level", "queue", "en_voice_us")
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sim.errors import ScenarioError
from sim.experiments import run_replications
from sim.experiments.backends import Backend, auto_workers, make_backend
from sim.experiments.compare import Comparison, compare_results
from sim.experiments.overrides import Override, override_scenario, parse_override
from sim.experiments.replications import Progress
from sim.experiments.segments import run_segmented
from sim.experiments.sequential import Precision, run_until_precise
from sim.experiments.sweep import SweepResult
from sim.jsonsafe import json_ready
from sim.kpis.journeys import mean_flows
from sim.model import CHANNELS, Model, compile_model
from sim.results import RunResult
from sim.scenario import BUNDLED_DIR, DEFAULT_SCENARIO, Scenario, load_scenario
from sim.scenario.edits import (
    add_shift,
    headcount_by_site,
    horizon_dates,
    peak_table,
    remove_peak,
    remove_shift,
    scale_headcount,
    set_peak,
)
from sim.staffing import StaffingResult

__all__ = [  # the public names, including what the dashboard uses from deeper packages
    "BUNDLED_DIR", "CHANNELS", "DEFAULT_REPLICATIONS", "DEFAULT_SEED", "Comparison", "Model",
    "Progress", "RunResult", "Scenario", "ScenarioError", "StaffingResult", "SweepResult",
    "backtest", "bundled_scenarios",
    "calibrate_log", "ccsim_version", "compare", "compare_runs", "default_store", "erlang_a",
    "erlang_c", "forked_backend", "from_dict", "journey_flows", "list_results", "load",
    "open_result", "parse", "reconcile", "roster_presence", "run", "run_currency", "run_model",
    "save_result", "schedule", "staff", "sweep", "understaffed", "json_ready",
]  # fmt: skip
__all__ += [  # what-if edits on scenario dicts (sim.scenario.edits)
    "add_shift", "headcount_by_site", "horizon_dates", "peak_table", "remove_peak", "remove_shift",
    "scale_headcount", "set_peak",
]  # fmt: skip

DEFAULT_SEED = 20261125
DEFAULT_REPLICATIONS = 5


def ccsim_version() -> str:
    try:
        return version("ccsim")
    except PackageNotFoundError:
        return "0+unknown"


def load(
    source: str | Path | Scenario | None = None, overrides: Sequence[str | Override] = ()
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
    journeys: bool = False,
) -> RunResult:
    """Simulate a scenario `replications` times and summarise every KPI with a 95% CI.

    Replications run on `backend`, or on `workers` local processes (None: 1 for small runs, else
    one per core), or on Dask (`dask` = scheduler address or "local"); results are identical on
    all of them. With `precision`, `replications` is the first stage and more follow until the
    chosen KPI's CI is narrow enough or `max_replications` is reached. With `segment_days`, each
    replication runs in overlapping segments (bounded memory; see `sim.experiments.segments`).
    With `journeys`, the result carries the mean customer journey flows (`journey_flows`),
    counted where each replication ran, without keeping its contact log.
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
                         overlap_days=overlap_days, journeys=journeys)  # fmt: skip
    if workers is None and not dask:
        tasks = max_replications if precision is not None else replications
        if segment_days:
            tasks *= max(1, round(sc.horizon.days / segment_days))
        workers = auto_workers(float(model.expected_arrivals().sum()), tasks)
    with make_backend(workers, dask) as owned:
        return run_model(model, replications, seed, progress, keep_logs, source, backend=owned,
                         precision=precision, max_replications=max_replications, log_dir=log_dir,
                         overrides=overrides, segment_days=segment_days,
                         overlap_days=overlap_days, journeys=journeys)  # fmt: skip


def forked_backend(lanes: int | None = None) -> Backend:
    """Replications in forked copies of this process (`sim.experiments.forked`): no start-up
    cost, for a warm single-threaded process that runs short runs (the dashboard's job workers).
    """
    from sim.experiments.forked import ForkBackend

    return ForkBackend(lanes)


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
    journeys: bool = False,
) -> RunResult:
    """Replications of an already compiled model (used by verify and experiments)."""
    started = time.perf_counter()
    extra: dict = {"overrides": list(overrides)} if overrides else {}
    if journeys and (segment_days or precision is not None):
        raise ScenarioError("journey flows are counted only for a fixed number of whole "
                            "replications (not with segments or a precision target)")  # fmt: skip
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
            backend=backend, log_dir=log_dir, journeys=journeys,
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
        journeys=mean_flows(reps.journeys) if journeys else None,
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
    only_b = [parse_override(text, "--set-b") for text in overrides_b]  # errors name --set-b
    sc_b, src_b = load(a if b is None else b, [*overrides, *only_b])
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


def reconcile(erlang: StaffingResult, simulation: StaffingResult):
    """Why a simulated staffing differs from the Erlang plan (a `Reconciliation`: agent-hours of
    pooling across sites and skills, blending and abandonment, and the line that says it)."""
    from sim.staffing.reconcile import reconcile as reconcile_staffing

    return reconcile_staffing(erlang, simulation)


def understaffed(required, covered):
    """Intervals whose coverage, rounded as tables show agents, is below the requirement (the
    rule `ccsim schedule` uses): a boolean array."""
    from sim.staffing.schedule import understaffed as rule

    return rule(required, covered)


def plan_data(path: str | Path) -> tuple[dict, Path]:
    """A plan file's raw YAML mapping and its folder, to edit and pass back to `plan`."""
    import yaml

    from sim.planning.loading import load_plan

    load_plan(path)  # validates (and names the field) before anyone edits it
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")), Path(path).resolve().parent


def check_plan(mapping: dict, base_dir: str | Path) -> None:
    """Validate a plan mapping and its base scenario without solving; ScenarioError if bad."""
    from sim.planning.loading import plan_from_dict, plan_scenario
    from sim.planning.setup import compile_plan

    spec = plan_from_dict(mapping)
    compile_plan(spec, plan_scenario(spec, Path(base_dir)), Path(base_dir))


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
        simulate_plan_weeks(result, simulate_weeks, replications, seed, progress, workers)
    return result


def simulate_plan_weeks(
    result,
    weeks: Sequence[int] | str,
    replications: int = 3,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    workers: int | None = 1,
):
    """Simulate weeks of a computed plan ("peak": the two busiest) into `result.simulation`.

    Returns `result`; ScenarioError for a week outside the plan or fewer than 1 replication.
    """
    from sim.planning.simulate import simulate_weeks as simulate

    if replications < 1:
        raise ScenarioError(f"replications must be at least 1 (got {replications})")
    chosen = list(result.peak_weeks(2)) if weeks == "peak" else [int(w) for w in weeks]
    for w in chosen:
        if not 1 <= w <= result.setup.n_weeks:
            raise ScenarioError(f"--simulate-weeks {w}: the plan has weeks 1 to "
                                f"{result.setup.n_weeks}")  # fmt: skip
    result.simulation = simulate(result, chosen, replications, seed, progress=progress,
                                 workers=workers)  # fmt: skip
    return result


def plan_peak_week(result) -> int:
    """The plan's busiest week (1-based): the highest total required FTE."""
    return int(result.peak_weeks(1)[0])


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


def plan_simulation_rows(records: Sequence[dict], currency: str = "") -> list[dict]:
    """Plan vs simulation records (`PlanResult.to_json()["simulation"]`) as display text."""
    from sim.planning.sim_table import simulation_rows

    return simulation_rows(records, currency)


def plan_basis_note() -> str:
    """What each plan value beside a simulation is (the table's caption)."""
    from sim.planning.sim_table import BASIS_NOTE

    return BASIS_NOTE


def plan_payroll_line(week: dict, currency: str, hours_per_week: float) -> str:
    """The plan's own cost of a week (a `by_week` record), its payroll basis stated."""
    from sim.planning.sim_table import payroll_line

    return payroll_line(week, currency, hours_per_week)


def plan_figure(result, site: str | None = None, group: str | None = None):
    """Plotly figure of a plan: required vs available FTE per week, classes drawn on it."""
    from sim.planning.figures import plan_figure as figure

    return figure(result, site, group)


# Thin entry points for the dashboard (and scripts): parse, store, sweep, formulas. The dashboard
# imports only this module, `sim.results` and the KPI registry; what it needs from deeper packages
# is named here (functions and the re-exported names in __all__), so refactoring inside `sim`
# never breaks a page.


def parse(text: str, source: str) -> Scenario:
    """A validated scenario from YAML text (`source` names it in error messages)."""
    from sim.scenario import parse_scenario

    return parse_scenario(text, source=source)


def from_dict(data: dict, label: str) -> Scenario:
    """A validated scenario from a plain dict (e.g. one edited in a form); ScenarioError if not."""
    from sim.scenario import scenario_from_dict

    return scenario_from_dict(data, label)


def bundled_scenarios() -> dict[str, Path]:
    """The bundled scenario files by name."""
    return {path.stem: path for path in sorted(BUNDLED_DIR.glob("*.yaml"))}


def default_store() -> Path:
    """The run store folder used when none is given (./runs, or $CCSIM_RUNS)."""
    from sim.experiments.store import default_store as store_root

    return store_root()


def save_result(
    result: RunResult, root: Path, command: str, extra_files: Mapping[str, str] | None = None
) -> str:
    """Save a run into the run store at `root`; returns its id (see `sim.experiments.stored`)."""
    from sim.experiments.stored import save_result as save

    return save(result, root, command, extra_files or {})


def list_results(root: Path, limit: int = 100) -> list[dict]:
    """Single runs in the store at `root`, newest first (index entries)."""
    from sim.experiments.stored import list_results as listing

    return listing(root, limit)


def run_currency(row: dict) -> str:
    """The currency a stored run's costs are in (from its index entry's folder)."""
    from sim.experiments.stored import run_currency as currency

    return currency(row)


def open_result(root: Path, run_id: str) -> tuple[RunResult, dict, Path]:
    """A stored run rebuilt as a RunResult, with its index entry and folder."""
    from sim.experiments.stored import open_result as opener

    return opener(root, run_id)


def compare_runs(a: RunResult, b: RunResult, label_a: str = "", label_b: str = "") -> Comparison:
    """Paired comparison of two finished runs (same seed and replications: CRN pairs)."""
    return compare_results(a, b, label_a, label_b)


def sweep(
    base: Scenario,
    paths: Sequence[str],
    values: Sequence[Sequence[str]],
    replications: int,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    source: str = "<scenario>",
) -> SweepResult:
    """Replicate `base` at every grid point (`paths` x `values` overrides); a SweepResult."""
    from sim.experiments.sweep import Grid, run_sweep

    grid = Grid(list(paths), [list(v) for v in values])
    return run_sweep(base, grid, replications, seed, progress=progress, source=source)


def erlang_c(lam: float, mu: float, servers, threshold_s: float) -> dict:
    """Erlang C (M/M/c) service level, ASA, P(wait) for arrival rate `lam`, service rate `mu`."""
    from sim.analytic import erlang_c_metrics

    return erlang_c_metrics(lam, mu, servers, threshold_s)


def erlang_a(lam: float, mu: float, theta: float, servers, threshold_s: float) -> dict:
    """Erlang A (M/M/c+M) metrics with abandonment rate `theta` (1 / mean patience)."""
    from sim.analytic import erlang_a_metrics

    return erlang_a_metrics(lam, mu, theta, servers, threshold_s)


def roster_presence(model: Model):
    """(interval edges in s, agents each group's shifts log in per interval, before shrinkage)."""
    from sim.staffing.workload import group_presence, interval_edges

    edges = interval_edges(model)
    return edges, group_presence(model, edges)


def journey_flows(logs: dict, model: Model) -> dict | None:
    """Mean contact flows origin -> bot/queue -> outcome over a run's logs (None without logs).

    `run(..., journeys=True)` gives the same in `RunResult.journeys` without keeping the logs.
    """
    from sim.kpis.journeys import journey_flows as flows

    return flows(logs, model)


def calibrate_log(
    path: Path,
    fmt: str = "anonymous-bank",
    name: str = "calibrated",
    languages: dict[str, str] | None = None,
    replications: int = 10,
    seed: int = 1,
    progress: Progress | None = None,
):
    """Calibrate a scenario from a call log and validate it by simulation: (log, cal, validation).

    `languages` maps call types to languages (None: the bank log's own mapping).
    """
    from sim.calibrate.build import calibrate
    from sim.calibrate.logs import read_log
    from sim.calibrate.pipeline import BANK_LANGUAGES
    from sim.calibrate.validate import validate

    log = read_log(path, fmt, None)
    cal = calibrate(log, name=name, languages=BANK_LANGUAGES if languages is None else languages)
    return log, cal, validate(cal, replications, seed, progress)


def backtest(
    scenario_path: str | Path | Scenario,
    calls_path: Path,
    fmt: str = "anonymous-bank",
    *,
    replications: int = 10,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    days: int | None = None,
) -> dict:
    """Back-test a scenario against a call log of the period it planned (sim.calibrate.backtest),
    or, with fmt "volumes", its expected calls against interval volumes (volume_backtest).

    `days` keeps only the log's first days and shortens the horizon to them (a quick look).
    """
    import dataclasses

    from sim.calibrate.backtest import backtest as run_backtest
    from sim.calibrate.demand import DAY_S
    from sim.calibrate.logs import FORMATS, read_log

    if fmt not in (*FORMATS, "volumes"):
        raise ScenarioError(f"--format {fmt!r}: unknown; use one of {[*FORMATS, 'volumes']}")
    if days is not None and days < 1:
        raise ScenarioError(f"days must be at least 1 (got {days})")
    scenario, _ = load(scenario_path)
    if fmt == "volumes":
        from sim.calibrate.forecast import read_volumes
        from sim.calibrate.volume_backtest import volume_backtest

        series, interval_s = read_volumes(calls_path)
        return volume_backtest(scenario, series, interval_s)
    log = read_log(calls_path, fmt, scenario.horizon.timezone)
    if days is not None and days < log.days:
        calls = log.calls[log.calls["arrival_s"] < days * DAY_S].reset_index(drop=True)
        log = dataclasses.replace(log, calls=calls, days=days)
    if days is not None and days < scenario.horizon.days:
        scenario, _ = load(scenario, [f"horizon.days={days}"])
    return run_backtest(scenario, log, replications, seed, progress=progress)
