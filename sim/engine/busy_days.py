"""Shared busy-day factors per contact type: one Gamma(mean 1, cv) draw per local date and group.

Each group (`scenario.busyness`, compiled into `Model.busy_groups`) draws from its own stream,
over the sorted union of the local dates its types' rate bins fall on, so a type's date d gets the
same factor as every other type of the group on its own date d. Without `busyness` nothing is
drawn (runs stay bit-identical).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import Model
from sim.random_streams import stream


def local_dates(model: Model, c: int) -> pd.DatetimeIndex:
    """The local date (midnight, naive) of the customers of type `c` for each rate bin."""
    edges = model.rate_edges_s
    mids = model.t0_utc + pd.to_timedelta((edges[:-1] + edges[1:]) / 2, unit="s")
    return mids.tz_convert(model.type_timezone[c]).normalize().tz_localize(None)


def shared_day_factors(model: Model, seed: int, replication: int) -> dict[int, np.ndarray]:
    """Per contact type index, the shared factor of each rate bin (types in no group: absent)."""
    out: dict[int, np.ndarray] = {}
    for g, (cv, members) in enumerate(model.busy_groups):
        if cv <= 0:
            continue
        dates = {c: local_dates(model, c) for c in members}
        union = pd.DatetimeIndex(sorted(set().union(*(set(d) for d in dates.values()))))
        shape = 1.0 / cv**2
        rng = stream(seed, replication, "busyness", str(g))
        factor = rng.gamma(shape, 1.0 / shape, len(union))
        for c, d in dates.items():
            out[c] = factor[union.get_indexer(d)]
    return out
