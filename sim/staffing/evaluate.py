"""Simulating a candidate staffing and checking every target in every interval, with CIs.

A candidate is agents per group and interval. ``staffed_model`` turns it into login windows:
agent k of a group works every interval where the group has more than k agents, cut into
shifts of at most ``max_shift_h`` (so absenteeism and breaks apply per shift, as in the
roster). Replication r of every candidate uses the same random streams (seed, r), and agent k
of a group draws its absences and leaving from the same streams in every candidate: common
random numbers, so candidates differ only by their staffing.

Per contact type and interval, over R replications, each KPI is a ratio of sums
``p = sum Y_r / sum X_r`` (e.g. answered within the threshold / decided contacts) with the
replication as the independent unit: ``se = sqrt(sum (Y_r - p X_r)^2 / (R (R-1))) / mean X``.
A target holds with confidence ``q`` when the one-sided Student-t bound clears it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from sim.engine import simulate
from sim.kpis.contacts import contact_frame
from sim.model import CHANNELS, Model
from sim.staffing.targets import Targets

STATS = ("offered", "within", "decided", "answered", "abandoned", "queued", "wait_answered_s")


def staffed_model(
    model: Model, agents: np.ndarray, edges: np.ndarray, max_shift_h: float = 9.0
) -> Model:
    """The model with login windows giving ``agents[g, i]`` agents of group g in interval i."""
    groups, windows, stagger, lines = [], [], [], []
    max_len = max_shift_h * 3600.0
    for g in range(agents.shape[0]):
        top = int(np.max(agents[g], initial=0))
        for k in range(top):
            on = np.concatenate([[False], agents[g] > k, [False]])
            flips = np.flatnonzero(on[1:] != on[:-1])
            runs = []
            for a, b in zip(flips[::2], flips[1::2], strict=True):
                t0, t1 = float(edges[a]), float(edges[b])
                n = max(int(np.ceil((t1 - t0) / max_len - 1e-9)), 1)
                cuts = np.linspace(t0, t1, n + 1)
                runs += list(zip(cuts[:-1], cuts[1:], strict=True))
            groups.append(g)
            windows.append([(float(a), float(b)) for a, b in runs])
            stagger.append(k / top)
            lines.append(("layer", str(k)))  # the same agent whatever its windows: paired draws
    return dataclasses.replace(
        model,
        agent_group=np.asarray(groups, dtype=np.int64),
        agent_windows=windows,
        agent_stagger=np.asarray(stagger, dtype=float),
        agent_line=lines,
    )


def rep_sums(model: Model, task: tuple[int, int]) -> np.ndarray:
    """(stats, types, intervals) sums of one replication (module-level: runs in workers)."""
    seed, rep = task
    log = simulate(model, seed, rep)
    cf = contact_frame(log, model)
    n_int = int(np.ceil(model.horizon_s / model.interval_s - 1e-9))
    keep = (cf["interval"] < n_int).to_numpy()
    cf = cf[keep]
    idx = cf["type_idx"].to_numpy() * n_int + cf["interval"].to_numpy()
    size = model.n_types * n_int
    definition = model.scenario.reporting.sl_definition
    within = cf["within"].to_numpy(float)
    missed = cf["missed"].to_numpy(float)
    if definition == "answered":
        decided = cf["answered"].to_numpy(float)
    elif definition == "offered":
        decided = within + missed + cf["short_abandon"].to_numpy(float) + cf["blocked"]
    else:
        decided = within + missed
    cols = {
        "offered": np.ones(len(cf)),
        "within": within,
        "decided": np.asarray(decided, dtype=float),
        "answered": cf["answered"].to_numpy(float),
        "abandoned": cf["abandoned"].to_numpy(float),
        "queued": cf["queued"].to_numpy(float),
        "wait_answered_s": cf["wait_answered_s"].to_numpy(float),
    }
    out = np.stack([np.bincount(idx, weights=cols[s], minlength=size) for s in STATS])
    return out.reshape(len(STATS), model.n_types, n_int)


def _ratio(y: np.ndarray, x: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio-of-sums estimate over replications (axis 0) and its lower/upper t bounds."""
    r = y.shape[0]
    sx = x.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = y.sum(axis=0) / sx
        resid = y - np.nan_to_num(p)[None] * x
        se = np.sqrt((resid**2).sum(axis=0) / (r * (r - 1))) / (sx / r) if r > 1 else np.inf * p
    return p, p - t * se, p + t * se


def check_targets(sums: np.ndarray, model: Model, targets: Targets) -> pd.DataFrame:
    """Per (type, interval): KPI estimates, confidence bounds and whether every target holds.

    ``sums`` is (replications, stats, types, intervals).
    """
    reps = sums.shape[0]
    t = float(stats.t.ppf(targets.confidence, max(reps - 1, 1)))
    s = {name: sums[:, k] for k, name in enumerate(STATS)}
    sl, sl_low, _ = _ratio(s["within"], s["decided"], t)
    ab, _, ab_high = _ratio(s["abandoned"], s["queued"], t)
    asa, _, asa_high = _ratio(s["wait_answered_s"], s["answered"], t)
    contacts = s["offered"].mean(axis=0)
    n_types, n_int = contacts.shape
    first = int(model.warmup_s // model.interval_s)
    checked = (contacts >= targets.min_contacts) & (np.arange(n_int) >= first)[None, :]
    ok = np.ones_like(checked)
    for c in range(n_types):
        goal = targets.for_channel(CHANNELS[model.type_channel[c]])
        if goal.sl is not None:
            ok[c] &= ~(s["decided"][:, c].sum(axis=0) > 0) | (sl_low[c] >= goal.sl - 1e-12)
        if goal.abandon is not None:
            ok[c] &= ~(s["queued"][:, c].sum(axis=0) > 0) | (ab_high[c] <= goal.abandon)
        if goal.asa_s is not None:
            ok[c] &= ~(s["answered"][:, c].sum(axis=0) > 0) | (asa_high[c] <= goal.asa_s)
    ok |= ~checked
    return pd.DataFrame(
        {
            "type": np.repeat(np.asarray(model.type_names, dtype=object), n_int),
            "type_idx": np.repeat(np.arange(n_types), n_int),
            "interval": np.tile(np.arange(n_int), n_types),
            "contacts": contacts.ravel(),
            "service_level": sl.ravel(),
            "service_level_low": sl_low.ravel(),
            "abandon_rate": ab.ravel(),
            "abandon_rate_high": ab_high.ravel(),
            "asa_s": asa.ravel(),
            "asa_s_high": asa_high.ravel(),
            "checked": checked.ravel(),
            "ok": ok.ravel(),
        }
    )
