"""Steady-state estimates from one replication's log, named as the reference cases name them.

Only contacts arriving after the warm-up count; time averages (queue length, number in system,
busy agents) are taken over the window from the end of the warm-up to the last arrival.
"""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Demand
from sim.engine.log import ABANDONED, BLOCKED, ContactLog
from sim.model import Model

CONTROLS = ("arrivals", "handle_time", "patience")  # the input control variates, in this order


def estimate(log: ContactLog, model: Model, awt: float, class_idx: int | None = None) -> dict:
    """Customer- and time-average statistics of one replication (optionally of one class)."""
    start, stop = model.warmup_s, model.horizon_s
    keep = (log.arrival_s >= start) & (log.arrival_s < stop)
    if class_idx is not None:
        keep &= log.type_idx == class_idx
    arrival, answer, end = log.arrival_s[keep], log.answer_s[keep], log.end_s[keep]
    status = log.status[keep]
    n = len(arrival)
    blocked = status == BLOCKED
    abandoned = status == ABANDONED
    served = np.isfinite(answer)
    admitted = ~blocked
    wait = np.where(served, answer - arrival, np.where(abandoned, end - arrival, 0.0))
    waited = (wait > 0) & admitted
    window = stop - start
    # time averages from all contacts (any arrival time) overlapping the window
    mine = np.ones(len(log), bool) if class_idx is None else log.type_idx == class_idx
    was_served = np.isfinite(log.answer_s[mine])
    arrived = log.arrival_s[mine]
    left_queue = np.where(was_served, log.answer_s[mine], log.end_s[mine])
    queue_area = _overlap(arrived, left_queue, start, stop)
    system_area = _overlap(arrived, np.where(was_served, log.end_s[mine], left_queue), start, stop)
    service_area = _overlap(
        log.answer_s[mine][was_served], log.end_s[mine][was_served], start, stop
    )
    agents = model.n_agents * model.chat_max_concurrency
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "arrivals": float(n),
            "blocking": blocked.mean(),
            "p_block": blocked.mean(),
            "p_wait": (waited & ~blocked).sum() / n,
            "p_wait_arriving": waited.sum() / n,
            "p_abandon": abandoned.mean(),
            "p_abandon_given_wait": abandoned.sum() / waited.sum(),
            "asa": _mean(wait[served]),
            "asa_served": _mean(wait[served]),
            "mean_wait_given_wait": _mean(wait[served & (wait > 0)]),
            "mean_wait_all": _mean(wait[admitted]),
            "mean_wait_admitted": _mean(wait[admitted]),
            "mean_wait_abandoned": _mean(wait[abandoned]),
            "service_level": (served & (wait <= awt)).sum() / served.sum(),
            "sl_answered": (served & (wait <= awt)).sum() / served.sum(),
            "p_served_within_t": (served & (wait <= awt)).sum() / n,
            "p_abandon_within_t": (abandoned & (wait <= awt)).sum() / n,
            "mean_queue_len": queue_area / window,
            "Lq": queue_area / window,
            "mean_in_system": system_area / window,
            "L": system_area / window,
            "Wq": _mean(wait[admitted]),
            "W": _mean((np.where(served, end, arrival + wait) - arrival)[admitted]),
            "occupancy": service_area / window / agents,
            "sojourn": _mean((end - arrival)[served]),
            "wq": _mean(wait[served]),
        }


def _overlap(s: np.ndarray, e: np.ndarray, lo: float, hi: float) -> float:
    """Total length of the intervals [s, e) inside [lo, hi)."""
    e = np.where(np.isfinite(e), e, hi)
    return float(np.sum(np.clip(np.minimum(e, hi) - np.maximum(s, lo), 0.0, None)))


def _mean(values: np.ndarray) -> float:
    """Mean that is nan (without a warning) when there is nothing to average."""
    return float(values.mean()) if len(values) else float("nan")


def retrial_estimate(log: ContactLog, model: Model) -> dict[str, float]:
    """Orbit and server statistics of a retrial queue (blocked callers redial until served)."""
    start, stop = model.warmup_s, model.horizon_s
    window = stop - start
    order = np.lexsort((log.attempt, log.issue))
    issue, arrival, end = log.issue[order], log.arrival_s[order], log.end_s[order]
    retry = np.flatnonzero(issue[1:] == issue[:-1]) + 1  # a redial and its previous attempt
    gap_start, gap_end = end[retry - 1], arrival[retry]
    first = (log.attempt == 1) & (log.arrival_s >= start) & (log.arrival_s < stop)
    measured = np.isin(issue[retry], np.flatnonzero(first))
    served = np.isfinite(log.answer_s)
    busy_s, busy_e = log.answer_s[served], log.end_s[served]
    agents = model.n_agents
    return {
        "mean_orbit": _overlap(gap_start, gap_end, start, stop) / window,
        "mean_orbit_time": float(np.sum(gap_end[measured] - gap_start[measured]) / first.sum()),
        "p_first_attempt_blocked": float(np.mean(log.status[first] == BLOCKED)),
        "p_busy": _overlap(busy_s, busy_e, start, stop) / window / agents,
        "mean_busy_agents": _overlap(busy_s, busy_e, start, stop) / window,
        "p_all_busy_time_avg": _time_at_level(busy_s, busy_e, agents, start, stop) / window,
    }


def _time_at_level(s: np.ndarray, e: np.ndarray, level: int, lo: float, hi: float) -> float:
    """Time within [lo, hi) during which exactly `level` of the intervals [s, e) are open."""
    times = np.concatenate([s, e, [lo, hi]])
    deltas = np.concatenate([np.ones(len(s)), -np.ones(len(e)), [0, 0]])
    order = np.argsort(times, kind="stable")
    times, count = times[order], np.cumsum(deltas[order])
    lengths = np.diff(np.clip(times, lo, hi))
    return float(np.sum(lengths[count[:-1] == level]))


def input_controls(demand: Demand, model: Model) -> list[float]:
    """Relative deviations of one replication's inputs in the measured window from their means.

    The window's arrival count, its contacts' mean drawn handle time and (where contacts abandon)
    mean drawn patience, each as observed / expected - 1: zero-mean control variates known from
    the model alone, never from a case's expected values. Handle times and patience are the
    engine's pre-drawn ones, for every arrival whatever its outcome (blocked, abandoned, served).
    """
    start, stop = model.warmup_s, model.horizon_s
    keep = (demand.arrival_s >= start) & (demand.arrival_s < stop)
    types = demand.type_idx[keep]
    edges = model.rate_edges_s
    overlap = np.clip(np.minimum(edges[1:], stop) - np.maximum(edges[:-1], start), 0.0, None)
    controls = [keep.sum() / float(np.sum(model.rates_per_s @ overlap)) - 1.0]
    handle_mean = np.array([d.mean for d in model.handle_dists])
    controls.append(float(np.mean(demand.base_handle_s[keep] / handle_mean[types])) - 1.0)
    if all(d is not None for d in model.patience_dists):
        patience_mean = np.array([d.mean for d in model.patience_dists if d is not None])
        controls.append(float(np.mean(demand.patience_s[keep] / patience_mean[types])) - 1.0)
    return controls
