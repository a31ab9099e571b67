"""Pre-generated demand: a non-homogeneous Poisson process per contact type, drawn in bulk.

Per 15-minute rate bin the count is Poisson(rate x length) and the times are uniform inside the bin;
the streams of all contact types are merged into one time-ordered array. With `day_factor_cv` > 0
each local day's rates are first multiplied by a Gamma(mean 1, cv) day factor (a Poisson-gamma,
i.e. negative-binomial, daily volume: variance m + cv^2 m^2), drawn from its own stream; a
shared busy-day factor (`busyness`, see `sim.engine.busy_days`) multiplies on top. Each
contact's base handle time, after-call work and patience are drawn here too, from their own
streams, so they do not depend on routing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine.busy_days import shared_day_factors
from sim.model import Model
from sim.random_streams import stream


@dataclass(frozen=True)
class Demand:
    """All contacts of one replication, sorted by arrival time."""

    arrival_s: np.ndarray
    type_idx: np.ndarray
    base_handle_s: np.ndarray
    patience_s: np.ndarray  # inf where the contact never abandons
    acw_s: np.ndarray  # after-call work, 0 where the type has none

    def __len__(self) -> int:
        return len(self.arrival_s)


def generate_demand(model: Model, seed: int, replication: int) -> Demand:
    """Draw one replication's arrivals, handle times and patience for every contact type."""
    edges = model.rate_edges_s
    widths = np.diff(edges)
    times, types, handles, patiences, acws = [], [], [], [], []
    shared = shared_day_factors(model, seed, replication)
    for c, name in enumerate(model.type_names):
        rng = stream(seed, replication, "arrivals", name)
        cv = model.day_factor_cv[c]
        factor = day_factors(model, c, cv, stream(seed, replication, "day_factor", name))
        if c in shared:
            factor = factor * shared[c]
        counts = rng.poisson(model.rates_per_s[c] * widths * factor)
        total = int(counts.sum())
        t = np.repeat(edges[:-1], counts) + rng.random(total) * np.repeat(widths, counts)
        t.sort()
        times.append(t)
        types.append(np.full(total, c, dtype=np.int64))
        handles.append(
            model.handle_dists[c].sample(stream(seed, replication, "handle", name), total)
        )
        dist = model.patience_dists[c]
        patiences.append(
            np.full(total, np.inf)
            if dist is None
            else dist.sample(stream(seed, replication, "patience", name), total)
        )
        acw = model.acw_dists[c]
        acws.append(
            np.zeros(total)
            if acw is None
            else acw.sample(stream(seed, replication, "acw", name), total)
        )
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    return Demand(
        arrival_s=t_all[order],
        type_idx=np.concatenate(types)[order],
        base_handle_s=np.concatenate(handles)[order],
        patience_s=np.concatenate(patiences)[order],
        acw_s=np.concatenate(acws)[order],
    )


def day_factors(model: Model, c: int, cv: float, rng: np.random.Generator) -> np.ndarray | float:
    """Per rate bin, the Gamma(mean 1, cv) factor of the customers' local day it falls in."""
    if cv <= 0:
        return 1.0
    edges = model.rate_edges_s
    mids = model.t0_utc + pd.to_timedelta((edges[:-1] + edges[1:]) / 2, unit="s")
    local_day = mids.tz_convert(model.type_timezone[c]).normalize()
    codes, days = pd.factorize(local_day, sort=True)
    shape = 1.0 / cv**2
    return rng.gamma(shape, 1.0 / shape, len(days))[codes]
