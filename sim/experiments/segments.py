"""Long horizons in segments: memory bounded by a segment, and one long run spread over workers.

A replication keeps every contact of its horizon in memory (~450 bytes each while it runs), so a
month of a large operation does not fit. `--segment-days 7` cuts the horizon into weeks and
simulates each as its own run over [start - overlap, end + overlap]: the overlap before is a
warm-up (the system fills up from empty, as in a steady-state study) and the overlap after lets the
contacts that arrived before the segment's end be served as they would be in one long run. Only
contacts arriving inside the segment, and agent time inside it, are counted. Segments run as
independent tasks, in parallel, and their results are combined into one replication:

- per-interval KPIs: the segments' intervals, placed end to end (they do not overlap);
- contact KPIs (SL, ASA, abandonment, AHT, counts...): recomputed from the summed per-interval
  sums of the contact flags, exactly as for an unsegmented run;
- agent hours, issues and costs: summed; occupancy, FCR and the other issue ratios: weighted by
  their denominators (exact); cost per contact and per resolved issue: recomputed;
- shrinkage (weighted by scheduled hours), chat concurrency (by handled chats) and any other KPI
  (by offered contacts): weighted means, a close approximation.

What a segment cannot see: state older than its overlap (a backlog of emails older than the overlap,
attrition and learning curves that span segments restart in each). Use an overlap longer than the
slowest queue's memory (a day covers voice and chat; email backlogs may need two). Each segment has
its own random streams (seed spawned per segment), so replications stay reproducible on any backend.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.experiments.backends import Backend, SerialBackend
from sim.experiments.overrides import override_scenario
from sim.experiments.replications import Replications
from sim.experiments.tasks import RepOutcome, RepTask, run_task
from sim.kpis.compute import ReplicationKpis
from sim.kpis.ratios import SL_VARIANTS, ratios
from sim.kpis.registry import REGISTRY, SUM, by_segments
from sim.kpis.registry import WEIGHTED as WEIGHTED_RULE
from sim.model import Model, compile_model
from sim.model.calendar import horizon_start_utc

ADDITIVE = tuple(by_segments(SUM))
WEIGHTED = {k: REGISTRY[k].weight for k in by_segments(WEIGHTED_RULE) if k != "chat_concurrency"}


@dataclass(frozen=True)
class Segment:
    """One piece of the horizon: simulated days from `start_day`, measured up to `measure_end_s`."""

    index: int
    start_day: int
    days: float
    warmup_hours: float
    measure_end_s: float  # seconds from the segment's own start; inf for the last segment
    drain: bool


def plan_segments(model: Model, segment_days: int, overlap_days: int = 1) -> list[Segment]:
    """Consecutive segments of `segment_days` (the last takes the rest), overlapping as above."""
    if segment_days < 1 or overlap_days < 0:
        raise ScenarioError("--segment-days must be at least 1 and the overlap at least 0 days")
    horizon = model.scenario.horizon
    total = horizon.days
    count = max(1, math.ceil(total / segment_days - 1e-9))
    if model.warmup_s > segment_days * 86_400:
        raise ScenarioError("horizon.warmup_hours must end inside the first segment")
    segments = []
    for k in range(count):
        start = k * segment_days - (overlap_days if k else 0)
        end = min((k + 1) * segment_days, total)
        last = k == count - 1
        days = (end if last else end + overlap_days) - start
        measure_end = math.inf if last else (end - start) * 86_400.0
        warmup = horizon.warmup_hours if k == 0 else overlap_days * 24.0
        segments.append(Segment(k, start, days, warmup, measure_end, horizon.drain and last))
    return segments


def segment_models(model: Model, segments: list[Segment]) -> tuple[list[Model], list[int]]:
    """A compiled model per segment and its first interval's index in the whole run."""
    sc, h = model.scenario, model.scenario.horizon
    models, offsets = [], []
    for seg in segments:
        start = h.start + dt.timedelta(days=seg.start_day)
        part = override_scenario(sc, [
            f"horizon.start={start.isoformat()}", f"horizon.days={seg.days}",
            f"horizon.warmup_hours={seg.warmup_hours}", f"horizon.drain={str(seg.drain).lower()}",
        ])  # fmt: skip
        offset_s = (horizon_start_utc(start, h.timezone) - model.t0_utc).total_seconds()
        if offset_s % model.interval_s:
            raise ScenarioError(
                f"segment {seg.index} starts {offset_s / 3600:g} h after the horizon start (a "
                f"clock change in {h.timezone}?): segments need horizon.timezone without one, "
                "e.g. UTC"
            )
        compiled = compile_model(part)
        models.append(dataclasses.replace(compiled, measure_end_s=seg.measure_end_s))
        offsets.append(int(offset_s // model.interval_s))
    return models, offsets


def segment_seed(seed: int, segment: int) -> int:
    """Independent seed of one segment (segments must not reuse each other's random numbers)."""
    state = np.random.SeedSequence([seed, 0x5E6, segment]).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def _run_piece(models: list[Model], item: tuple[int, RepTask]) -> tuple[int, RepOutcome]:
    k, task = item
    return k, run_task(models[k], task)


def run_segmented(
    model: Model,
    seed: int,
    replications: int,
    segment_days: int,
    overlap_days: int = 1,
    backend: Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
    log_dir: Path | None = None,
) -> Replications:
    """Replications of a long horizon, each simulated segment by segment and combined."""
    segments = plan_segments(model, segment_days, overlap_days)
    models, offsets = segment_models(model, segments)
    items = []
    for rep in range(replications):
        for seg in segments:
            sub = None if log_dir is None else str(log_dir / f"segment={seg.index}")
            items.append((seg.index, RepTask(segment_seed(seed, seg.index), rep, log_dir=sub)))
    done = None if progress is None else (lambda n: progress(n, len(items)))
    results = (backend or SerialBackend()).map(_run_piece, models, items, done)
    outcomes = []
    sl_column = SL_VARIANTS[model.scenario.reporting.sl_definition]
    for rep in range(replications):
        parts = results[rep * len(segments) : (rep + 1) * len(segments)]
        kpis = combine([o.kpis for _, o in parts], offsets, sl_column)
        conservation: dict[str, int] = {}
        for _, o in parts:
            for key, value in o.conservation.items():
                conservation[key] = conservation.get(key, 0) + value
        outcomes.append(RepOutcome(
            replication=rep, kpis=kpis, conservation=conservation,
            contacts=sum(o.contacts for _, o in parts),
            simulate_s=sum(o.simulate_s for _, o in parts), kpis_s=sum(o.kpis_s for _, o in parts),
        ))  # fmt: skip
    return Replications.from_outcomes(outcomes)


def combine(parts: list[ReplicationKpis], offsets: list[int], sl_column: str) -> ReplicationKpis:
    """One replication's KPIs from its segments' (see the module docstring for the rules)."""
    intervals = pd.concat([_shift(p.intervals, off) for p, off in zip(parts, offsets, strict=True)])
    sums = pd.concat([_shift(p.sums, off) for p, off in zip(parts, offsets, strict=True)])
    contact = ratios(sums.groupby(level=["dimension", "key"]).sum(min_count=1), sl_column)
    stacked = pd.concat({k: p.summary for k, p in enumerate(parts)}, names=["segment"])
    by = ["dimension", "key"]
    rest = {}
    for col in stacked.columns:
        if col in contact.columns:
            continue
        values = stacked[col]
        if col in ADDITIVE:
            rest[col] = values.groupby(level=by).sum(min_count=1)
        elif col in ("cost_per_contact", "cost_per_resolved_issue"):
            continue  # recomputed below
        else:
            weight = _weights(stacked, col)
            rest[col] = _weighted(values, weight, by)
    summary = contact.join(pd.DataFrame(rest), how="outer")
    resolved = sums.groupby(level=["dimension", "key"]).sum(min_count=1)["resolved_by_agent"]
    _costs_per_unit(summary, resolved)
    summary = summary.replace([np.inf, -np.inf], np.nan)
    return ReplicationKpis(summary.sort_index(), intervals.sort_index(), sums.sort_index())


def _shift(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
    idx = frame.index
    level = idx.names.index("interval")
    shifted = idx.set_levels(idx.levels[level] + offset, level=level, verify_integrity=False)
    return frame.set_axis(shifted, axis=0)


def _weights(stacked: pd.DataFrame, col: str) -> pd.Series:
    if col in WEIGHTED and WEIGHTED[col] in stacked:
        return stacked[WEIGHTED[col]]
    if col == "chat_concurrency" and "handled" in stacked:
        try:
            chat = stacked.xs(("channel", "chat"), level=["dimension", "key"], drop_level=True)
        except KeyError:
            return pd.Series(np.nan, index=stacked.index)
        per_segment = chat["handled"]
        segs = stacked.index.get_level_values("segment")
        return pd.Series(per_segment.reindex(segs).to_numpy(), index=stacked.index)
    return stacked["offered"] if "offered" in stacked else pd.Series(1.0, index=stacked.index)


def _weighted(values: pd.Series, weight: pd.Series, by: list[str]) -> pd.Series:
    ok = values.notna() & weight.notna() & (weight > 0)
    num = (values.where(ok, 0.0) * weight.where(ok, 0.0)).groupby(level=by).sum()
    den = weight.where(ok, 0.0).groupby(level=by).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (num / den).where(den > 0)


def _costs_per_unit(summary: pd.DataFrame, resolved_by_agent: pd.Series) -> None:
    if "labour_cost" not in summary:
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        per_contact = summary["labour_cost"] / summary["handled"]
        overall = ("overall", "all")
        if overall in summary.index:
            handled_all = summary.loc[overall, "handled"] + np.nan_to_num(
                summary.loc[overall].get("bot_resolved", 0.0)
            )
            per_contact.loc[overall] = summary.loc[overall, "cost_total"] / handled_all
        summary["cost_per_contact"] = per_contact.where(summary["labour_cost"].notna())
        if "issues_resolved" in summary:
            per_site = summary["labour_cost"] / resolved_by_agent.reindex(summary.index)
            overall = summary["cost_total"] / summary["issues_resolved"]
            is_site = summary.index.get_level_values("dimension") == "site"
            summary["cost_per_resolved_issue"] = overall.where(~is_site, per_site)
