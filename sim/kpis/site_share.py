"""Each site's share of the contacts, per channel and interval: the site view of every contact KPI.

A contact an agent took belongs to that agent's site. One no agent took (abandoned, blocked, still
waiting, settled in the bot) reached no site, yet a site's abandonment and service level need it:
each interval's unserved contacts of a queue are shared among the sites in proportion to the
contacts of that queue each site took in that interval. Where no site took any (nobody staffed the
queue), they stay with no site, under the key `NO_SITE`, rather than charge a closed site. The
shares are fractions, so a site's counts are expected counts, and the sites' counts plus
`NO_SITE`'s add up to the overall ones exactly. Rows: dimension `site_channel`, key
`site/channel` (the registry keeps service level and ASA per channel).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.kpis.grouping import Cells
from sim.kpis.ratios import SUMMED
from sim.model import CHANNELS, Model

DIMENSION = "site_channel"
NO_SITE = "no_site"  # contacts of a queue in an interval in which no site took any


def site_key(site: str, channel: str) -> str:
    """The key of one site's contacts of one channel, e.g. 'manila/voice'."""
    return f"{site}/{channel}"


def site_share_sums(cells: Cells, model: Model) -> pd.DataFrame:
    """Summed contact flags per (site_channel, site/channel, interval), unserved ones shared."""
    served = cells.count[:, 1:, :].astype(float)  # (types, sites, intervals)
    taken = served.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(taken > 0, served / taken, 0.0)
    share = np.concatenate([share, (taken == 0).astype(float)], axis=1)  # last slot: NO_SITE
    channels = [CHANNELS[c] for c in model.type_channel]
    keys = list(dict.fromkeys(channels))
    onehot = np.zeros((len(keys), model.n_types))
    onehot[[keys.index(c) for c in channels], range(model.n_types)] = 1.0
    n_i = served.shape[2]
    columns = {}
    for c in SUMMED:
        v = cells.sums[c]
        own = np.concatenate([v[:, 1:, :], np.zeros_like(v[:, :1, :])], axis=1)
        attributed = own + v[:, :1, :] * share  # (types, sites + NO_SITE, intervals)
        by_channel = np.einsum("kt,tsi->ski", onehot, attributed)  # (sites, channels, intervals)
        columns[c] = by_channel.ravel()
    site_keys = [site_key(s, ch) for s in [*model.site_names, NO_SITE] for ch in keys]
    index = pd.MultiIndex.from_arrays(
        [
            np.full(len(site_keys) * n_i, DIMENSION, dtype=object),
            np.repeat(np.asarray(site_keys, dtype=object), n_i),
            np.tile(np.arange(n_i, dtype=np.int64) + cells.first, len(site_keys)),
        ],
        names=["dimension", "key", "interval"],
    )
    frame = pd.DataFrame(columns, index=index)
    return frame[frame["offered"].to_numpy() > 0]
