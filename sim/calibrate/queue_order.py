"""Queue order read from a call log: which classes of calls were answered ahead of others waiting.

A call of class A *overtakes* a call of class B when A is answered while B, which entered the queue
earlier, is still waiting. Under one FCFS queue overtakes are rare and symmetric; a class served
first overtakes far more often than it is overtaken. The shares give the priority order the log
shows and how sure it is (a Wilson 95% interval on the share of overtakes won).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY_S = 86_400.0
Z95 = 1.959964


@dataclass(frozen=True)
class Overtakes:
    """Pairwise overtake counts (`wins[a][b]`: a answered while an earlier b still waited)."""

    classes: tuple[str, ...]
    wins: dict[str, dict[str, int]]

    def share(self, a: str, b: str) -> tuple[float, float, float, int]:
        """Share of a-vs-b overtakes won by a, with its Wilson 95% interval and the pair count."""
        won, lost = self.wins[a][b], self.wins[b][a]
        n = won + lost
        if n == 0:
            return float("nan"), 0.0, 1.0, 0
        p = won / n
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        return p, max(0.0, centre - half), min(1.0, centre + half), n

    def order(self) -> list[str]:
        """Classes from served-first to served-last, ranked by the share of overtakes they win."""

        def score(c: str) -> float:
            won = sum(self.wins[c][o] for o in self.classes if o != c)
            lost = sum(self.wins[o][c] for o in self.classes if o != c)
            return won / (won + lost) if won + lost else 0.5

        return sorted(self.classes, key=lambda c: (-score(c), c))


def class_labels(calls: pd.DataFrame) -> pd.Series:
    """One label per call from what the log records: call type and customer priority."""
    return calls["type"].astype(str) + "/p" + calls["priority"].astype(str)


def overtakes(calls: pd.DataFrame, labels: pd.Series | None = None) -> Overtakes:
    """Count overtakes between classes, day by day (calls do not wait across midnight here)."""
    labels = class_labels(calls) if labels is None else labels
    classes = tuple(sorted(labels.unique()))
    index = {c: i for i, c in enumerate(classes)}
    counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
    arrival = calls["arrival_s"].to_numpy(float)
    leave = arrival + calls["wait_s"].to_numpy(float)
    served = calls["served"].to_numpy(bool)
    code = labels.map(index).to_numpy(int)
    day = np.floor(arrival / DAY_S).astype(int)
    for d in np.unique(day):
        sel = day == d
        a, lv, sv, cd = arrival[sel], leave[sel], served[sel], code[sel]
        answered = np.flatnonzero(sv)  # answered at once or after waiting
        if answered.size == 0:
            continue
        # pair (i answered, j waiting): j entered before i and was still queued when i was answered
        waiting = (a[None, :] < a[answered, None]) & (lv[None, :] > lv[answered, None])
        rows, cols = np.nonzero(waiting)
        np.add.at(counts, (cd[answered][rows], cd[cols]), 1)
    wins = {c: {o: int(counts[index[c], index[o]]) for o in classes} for c in classes}
    return Overtakes(classes, wins)


def priority_levels(result: Overtakes, sure: float = 0.5, min_pairs: int = 20) -> dict[str, int]:
    """Priority level per class (higher served first): one above the highest class it surely
    beats (>= `min_pairs` overtakes, Wilson lower bound of the share won above `sure`)."""
    ranked = result.order()
    levels: dict[str, int] = {}
    for i in range(len(ranked) - 1, -1, -1):
        c = ranked[i]
        beaten = [
            levels[o]
            for o in ranked[i + 1 :]
            if result.share(c, o)[3] >= min_pairs and result.share(c, o)[1] > sure
        ]
        levels[c] = 1 + max(beaten) if beaten else 0
    return {c: levels[c] for c in ranked}


def queue_order_json(calls: pd.DataFrame, min_pairs: int = 20) -> dict[str, object]:
    """The queue order the log shows: classes served-first to last, levels, and each pair with at
    least `min_pairs` overtakes (share won by the first class, Wilson 95% interval)."""
    result = overtakes(calls)
    pairs = []
    for i, a in enumerate(result.classes):
        for b in result.classes[i + 1 :]:
            share, low, high, n = result.share(a, b)
            if n >= min_pairs:
                pairs.append({"first": a, "second": b, "overtakes": n, "share_first": share,
                              "ci95": [low, high]})  # fmt: skip
    return {"order": result.order(), "levels": priority_levels(result), "pairs": pairs}
