"""The KPI registry is the one list: docs list every KPI, and no bound leaves a KPI's range."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import api
from sim.kpis.reference import markdown_table
from sim.kpis.registry import KPIS, REGISTRY

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
STATS = ("mean", "ci95_low", "ci95_high")


def test_docs_list_every_registered_kpi():
    """docs/kpis.md holds the registry table as generated, one row per registered KPI."""
    text = (ROOT / "docs" / "kpis.md").read_text()
    assert markdown_table() in text, "regenerate with sim.kpis.reference.markdown_table()"
    for entry in KPIS:
        assert f"| `{entry.name}` |" in text, entry.name


def _out_of_range(frame) -> list[str]:
    bad = []
    for metric in sorted({c[0] for c in frame.columns} & set(REGISTRY)):
        lo, hi = REGISTRY[metric].lo, REGISTRY[metric].hi
        for stat in STATS:
            values = frame[(metric, stat)].to_numpy(dtype=float)
            n = int(((values < lo) | (values > hi)).sum())  # NaN (no value) compares False
            if n:
                bad.append(f"{metric}.{stat}: {n} values outside [{lo}, {hi}]")
    return bad


@pytest.mark.slow
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bound_in_range_in_every_bundled_scenario(path):
    """Means and CI bounds of every KPI, overall and per interval, lie in the KPI's range."""
    result = api.run(path, replications=3, seed=1, overrides=["horizon.days=2"])
    assert len(result.intervals) > 0
    assert _out_of_range(result.summary) == []
    assert _out_of_range(result.intervals) == []
    # where nothing arrived, a share or a wait has no value (not 0%); sites have no arrivals
    # of their own (contacts are attributed to a site by the agent who answered)
    iv = result.intervals
    iv = iv[iv.index.get_level_values("dimension") != "site"]
    empty = iv[("offered", "mean")].to_numpy(dtype=float) == 0
    for metric in ("service_level", "abandon_rate", "asa_s"):
        if (metric, "mean") in iv.columns and empty.any():
            assert np.isnan(iv[(metric, "mean")].to_numpy(dtype=float)[empty]).all(), metric
