"""Pre-generated demand: a non-homogeneous Poisson process per contact type, drawn in bulk.

Per 15-minute rate bin the count is Poisson(rate x length) and the times are uniform inside the bin;
the streams of all contact types are merged into one time-ordered array. Each contact's base handle
time and patience are drawn here too, from their own streams, so they do not depend on routing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import Model
from sim.random_streams import stream


@dataclass(frozen=True)
class Demand:
    """All contacts of one replication, sorted by arrival time."""

    arrival_s: np.ndarray
    type_idx: np.ndarray
    base_handle_s: np.ndarray
    patience_s: np.ndarray  # inf where the contact never abandons

    def __len__(self) -> int:
        return len(self.arrival_s)


def generate_demand(model: Model, seed: int, replication: int) -> Demand:
    """Draw one replication's arrivals, handle times and patience for every contact type."""
    edges = model.rate_edges_s
    widths = np.diff(edges)
    times, types, handles, patiences = [], [], [], []
    for c, name in enumerate(model.type_names):
        rng = stream(seed, replication, "arrivals", name)
        counts = rng.poisson(model.rates_per_s[c] * widths)
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
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    return Demand(
        arrival_s=t_all[order],
        type_idx=np.concatenate(types)[order],
        base_handle_s=np.concatenate(handles)[order],
        patience_s=np.concatenate(patiences)[order],
    )
