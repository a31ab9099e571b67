"""KPIs of one replication, in total and per reporting interval, by queue, channel, language, site.

Definitions (with formulas) are in docs/kpis.md; the per-contact flags they sum are in
`contacts.py`. Everything here is sums and ratios of those flags, grouped by a dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine.log import ContactLog
from sim.kpis.agents import busy_periods, chat_busy_time, time_in_intervals
from sim.kpis.contacts import contact_frame
from sim.kpis.costs import cost_kpis
from sim.kpis.grouping import contact_cells, contact_sums
from sim.kpis.issues import issue_kpis
from sim.kpis.ratios import SL_VARIANTS, ratios
from sim.kpis.site_share import site_share_sums
from sim.model import CHANNELS, CHAT, Model


@dataclass(frozen=True)
class ReplicationKpis:
    """KPIs of one replication: `summary` rows are (dimension, key), `intervals` add `interval`."""

    summary: pd.DataFrame
    intervals: pd.DataFrame
    sums: pd.DataFrame | None = None  # per-interval sums of the contact flags (to combine runs)


def compute_kpis(log: ContactLog, model: Model) -> ReplicationKpis:
    """All KPIs of one simulated replication."""
    contacts = contact_frame(log, model)
    sl_column = SL_VARIANTS[model.scenario.reporting.sl_definition]
    cells = contact_cells(contacts, model)
    summary_sums, interval_sums = contact_sums(cells, model)
    summary_sums = _with_every_key(summary_sums, model)
    summary, intervals = ratios(summary_sums, sl_column), ratios(interval_sums, sl_column)
    agent_summary, agent_intervals, busy_by_site = _agent_kpis(log, model)
    issues = issue_kpis(log, model)
    resolved = float(issues.loc[("overall", "all"), "issues_resolved"])
    costs = cost_kpis(log, model, contacts, resolved, busy_by_site)
    summary = summary.join(agent_summary, how="outer").join(issues, how="outer")
    summary = summary.join(costs, how="outer")
    intervals = intervals.join(agent_intervals, how="outer")
    intervals = pd.concat([intervals, ratios(site_share_sums(cells, model), sl_column)])
    intervals = intervals.join(_backlog_by_interval(log, model), how="left")
    overall = ("overall", "all")
    summary.loc[overall, "chat_concurrency"] = _chat_concurrency(log, model)
    summary.loc[overall, "callbacks_offered"] = float(log.callbacks_offered)
    return ReplicationKpis(
        summary=summary.sort_index(), intervals=intervals.sort_index(), sums=interval_sums
    )


def _with_every_key(sums: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Rows for every queue, channel and language of the scenario, zero where nothing arrived."""
    channels = np.asarray(CHANNELS)[model.type_channel]
    keys = [("overall", "all")] + [("queue", n) for n in model.type_names]
    keys += [("channel", c) for c in dict.fromkeys(channels)]
    keys += [("language", lang) for lang in dict.fromkeys(model.type_language)]
    wanted = pd.MultiIndex.from_tuples(keys, names=sums.index.names)
    return sums.reindex(sums.index.union(wanted, sort=False), fill_value=0.0)


def _agent_kpis(log: ContactLog, model: Model) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Occupancy and logged-in hours by site and overall, in total and per interval."""
    edges = _interval_edges(model, log.end_time_s)
    site_of_agent = model.group_site[log.agent_group]
    n_sites = len(model.site_names)
    staffed = time_in_intervals(
        log.session_start_s, log.session_end_s, site_of_agent[log.session_agent], n_sites, edges
    )
    starts, ends, agents = busy_periods(log, model)
    busy = time_in_intervals(starts, ends, site_of_agent[agents], n_sites, edges)
    keys = [("site", name) for name in model.site_names] + [("overall", "all")]
    staffed = np.vstack([staffed, staffed.sum(axis=0)])
    busy = np.vstack([busy, busy.sum(axis=0)])
    index = pd.MultiIndex.from_tuples(keys, names=["dimension", "key"])
    with np.errstate(invalid="ignore", divide="ignore"):
        summary = pd.DataFrame(
            {
                "occupancy": busy.sum(axis=1) / staffed.sum(axis=1),
                "agent_hours": staffed.sum(axis=1) / 3600.0,
            },
            index=index,
        )
        n_int, first = staffed.shape[1], int(edges[0] // model.interval_s)
        rows = pd.MultiIndex.from_tuples(
            [(d, k, first + i) for d, k in keys for i in range(n_int)],
            names=["dimension", "key", "interval"],
        )
        intervals = pd.DataFrame(
            {
                "occupancy": (busy / staffed).ravel(),
                "agents_staffed": (staffed / np.diff(edges)).ravel(),
            },
            index=rows,
        )
    clean = [
        summary.replace([np.inf, -np.inf], np.nan),
        intervals.replace([np.inf, -np.inf], np.nan),
    ]
    return clean[0], clean[1], busy[:-1].sum(axis=1)


def _interval_edges(model: Model, end_time_s: float) -> np.ndarray:
    """Reporting-interval edges from the end of the warm-up to the end of the run.

    A warm-up ending inside an interval cuts that interval short: agent time before the warm-up's
    end is left out, as are the contacts that arrived before it.
    """
    first = int(model.warmup_s // model.interval_s)
    last = int(np.ceil(max(end_time_s, model.horizon_s) / model.interval_s))
    if np.isfinite(model.measure_end_s):
        last = min(last, int(np.ceil(model.measure_end_s / model.interval_s)))
    edges = np.arange(first, last + 1) * float(model.interval_s)
    edges[0] = max(edges[0], model.warmup_s)
    edges[-1] = min(edges[-1], model.measure_end_s)
    return edges


def _backlog_by_interval(log: ContactLog, model: Model) -> pd.DataFrame:
    """Contacts waiting in each queue at the end of each interval (the email/social backlog)."""
    edges = _interval_edges(model, log.end_time_s)
    ends = edges[1:]
    first = int(edges[0] // model.interval_s)
    left_queue = np.where(np.isfinite(log.answer_s), log.answer_s, log.end_s)
    rows, values = [], []
    total = np.zeros(len(ends))
    for c, name in enumerate(model.type_names):
        sel = log.type_idx == c
        arrived = np.searchsorted(np.sort(log.arrival_s[sel]), ends, side="right")
        left = np.searchsorted(np.sort(left_queue[sel]), ends, side="right")
        queued = (arrived - left).astype(float)
        total += queued
        rows += [("queue", name, first + i) for i in range(len(ends))]
        values.append(queued)
    rows += [("overall", "all", first + i) for i in range(len(ends))]
    values.append(total)
    index = pd.MultiIndex.from_tuples(rows, names=["dimension", "key", "interval"])
    return pd.DataFrame({"queue_len_end": np.concatenate(values)}, index=index)


def _chat_concurrency(log: ContactLog, model: Model) -> float:
    """Mean number of chats an agent holds while holding at least one (after the warm-up)."""
    end_all = np.minimum(np.minimum(log.end_s, log.end_time_s), model.measure_end_s)
    chat = (model.type_channel[log.type_idx] == CHAT) & np.isfinite(log.answer_s)
    chat &= (end_all > model.warmup_s) & (log.answer_s < model.measure_end_s)
    if not chat.any():
        return float("nan")
    start = np.maximum(log.answer_s[chat], model.warmup_s)
    end = end_all[chat]
    union = chat_busy_time(log.agent[chat], start, end)
    return float(np.sum(end - start) / union) if union > 0 else float("nan")
