"""Paired comparison under common random numbers: exact zeros for a scenario against itself."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import small_queue
from scipy import stats
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.experiments.compare import paired_differences
from sim.scenario import scenario_from_dict

runner = CliRunner()


def test_scenario_against_itself_is_exactly_zero():
    """Every KPI difference and CI bound is exactly 0 and the verdict says identical."""
    sc = scenario_from_dict(small_queue())
    cmp = api.compare(sc, sc, replications=3, seed=4)
    d = cmp.differences
    assert len(d) > 100
    for col in ("diff", "diff_ci95_low", "diff_ci95_high", "rel", "rel_ci95_low"):
        values = d[col].dropna()
        assert (values == 0.0).all(), col
    assert cmp.identical()
    assert "identical" in cmp.verdict()


def test_cli_compare_with_itself(small_yaml):
    """`ccsim compare A A --json` exits 0 with zero differences and the CRN block."""
    res = runner.invoke(app, ["compare", str(small_yaml), str(small_yaml), "--replications", "2",
                              "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["differences"]["overall"]["service_level"]["diff"] == 0.0
    assert data["common_random_numbers"]["shared_contact_types"] == ["q"]
    assert "identical" in data["verdict"]


def test_paired_ci_is_t_on_differences():
    """diff, its CI and the ratio estimate follow the t formula on per-replication differences."""
    idx = pd.MultiIndex.from_tuples([("overall", "all", r) for r in range(4)],
                                    names=["dimension", "key", "replication"])  # fmt: skip
    a = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=idx)
    b = pd.DataFrame({"x": [1.5, 2.0, 3.9, 4.4]}, index=idx)
    row = paired_differences(a, b).loc[("overall", "all", "x")]
    d = b["x"].to_numpy() - a["x"].to_numpy()
    half = stats.t.ppf(0.975, 3) * d.std(ddof=1) / 2
    assert row["diff"] == pytest.approx(d.mean())
    assert row["diff_ci95_high"] - row["diff"] == pytest.approx(half)
    ratio = b["x"].mean() / a["x"].mean()
    se_r = np.std(b["x"] - ratio * a["x"], ddof=1) / (2 * a["x"].mean())
    assert row["rel"] == pytest.approx(ratio - 1)
    assert row["rel_ci95_high"] - row["rel"] == pytest.approx(stats.t.ppf(0.975, 3) * se_r)


def test_more_agents_verdict_and_crn_variance_reduction():
    """More agents: SL rises significantly, and the paired CI is narrower than unpaired ones."""
    a = scenario_from_dict(small_queue())
    cmp = api.compare(a, None, replications=6, seed=3,
                      overrides=["sites.site.groups.g.wage_per_hour=10"],
                      overrides_b=["sites.site.groups.g.shifts[0].headcount=+3"])  # fmt: skip
    sl = cmp.diff("service_level")
    assert sl["diff_ci95_low"] > 0
    verdict = cmp.verdict()
    assert "voice service level rises" in verdict and "B costs 16.7% ± 0.0% more than A" in verdict
    n = 6
    se_a = cmp.a.kpi("service_level")["ci95_high"] - cmp.a.kpi("service_level")["mean"]
    se_b = cmp.b.kpi("service_level")["ci95_high"] - cmp.b.kpi("service_level")["mean"]
    unpaired_half = np.hypot(se_a, se_b)  # both already t x se with the same n
    assert sl["diff_ci95_high"] - sl["diff"] < unpaired_half
    assert cmp.a.replications == cmp.b.replications == n
    offered = cmp.diff("offered")
    assert offered["diff"] == 0.0  # the same customers in both


def test_types_only_in_one_scenario_are_reported(tmp_path):
    """Contact types present in one scenario only are listed (their customers are not shared)."""
    data_b = small_queue()
    data_b["demand"][0]["name"] = "other"
    pa, pb = tmp_path / "a.yaml", tmp_path / "b.yaml"
    pa.write_text(yaml.safe_dump(small_queue()))
    pb.write_text(yaml.safe_dump(data_b))
    res = runner.invoke(app, ["compare", str(pa), str(pb), "--replications", "2", "--json"])
    assert res.exit_code == 0, res.output
    crn = json.loads(res.stdout)["common_random_numbers"]
    assert crn == {"shared_contact_types": [], "only_a": ["q"], "only_b": ["other"]}


def test_compare_bad_input_exits_2(small_yaml, tmp_path):
    """A missing scenario or bad --set-b is a user error (exit 2)."""
    res = runner.invoke(app, ["compare", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2
    res = runner.invoke(app, ["compare", str(small_yaml), "--set-b", "sites.x.y=1"])
    assert res.exit_code == 2 and "no item named 'x'" in res.stderr


def test_comparison_tables_say_what_they_show():
    """Each comparison table has a title, the first names B, A and the replications, and the last
    carries the caption explaining the columns (paired difference, relative change, points)."""
    from sim.render.compare_report import comparison_tables

    sc = scenario_from_dict(small_queue())
    cmp = api.compare(sc, None, replications=2, seed=1, overrides_b=["horizon.days=*1"])
    tables = comparison_tables(cmp, width=80)
    assert all(t.title for t in tables)
    assert tables[0].title.startswith("B (B) vs A (A), 2 paired replications: ")
    caption = str(tables[-1].caption)
    assert "mean paired difference ± 95% CI half-width" in caption and "B/A - 1" in caption
    assert "seed 1" in caption and all(t.caption is None for t in tables[:-1])
