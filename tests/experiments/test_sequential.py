"""Sequential stopping: replications until the chosen KPI's CI half-width meets the target."""

from __future__ import annotations

import json
import math

import pytest
from helpers import small_queue
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.errors import ScenarioError
from sim.experiments.sequential import next_total, parse_precision
from sim.scenario import scenario_from_dict

runner = CliRunner()


def test_parse_precision_forms():
    """0.01 is absolute, 2% relative; the KPI may name a dimension and key."""
    p = parse_precision("0.01")
    assert (p.target, p.relative, p.metric, p.dimension) == (0.01, False, "service_level",
                                                             "overall")  # fmt: skip
    p = parse_precision("2%", "queue:q:asa_s")
    assert (p.target, p.relative, p.metric, p.dimension, p.key) == (0.02, True, "asa_s",
                                                                    "queue", "q")  # fmt: skip
    for bad, kpi in (("abc", "service_level"), ("-1", "service_level"), ("0.1", "nowhere:x:y")):
        with pytest.raises(ScenarioError):
            parse_precision(bad, kpi)


def test_stage_sizes_are_bounded():
    """The next stage aims at n(h/target)^2 replications, at least n+1, at most 2n and the cap."""
    assert next_total(5, 0.02, 0.01, 100) == 10  # wants 20, at most doubles
    assert next_total(5, 0.0105, 0.01, 100) == 6  # wants 5.5 -> 6
    assert next_total(50, 0.02, 0.01, 60) == 60  # cap
    assert next_total(5, math.inf, 0.01, 100) == 6


def test_stops_when_reached_and_ci_meets_target():
    """The run stops with the reported half-width at most the target, which its CI confirms."""
    sc = scenario_from_dict(small_queue())
    res = api.run(sc, 3, 5, precision=parse_precision("0.02"), max_replications=40)
    stop = res.extra["stopping"]
    assert stop["reached"] and stop["half_width"] <= 0.02
    assert stop["replications"] == res.replications == stop["stages"][-1]
    ci = res.kpi("service_level")
    assert (ci["ci95_high"] - ci["ci95_low"]) / 2 == pytest.approx(stop["half_width"])
    assert len(stop["stages"]) >= 2  # 3 replications were not enough


def test_cap_is_respected_and_reported():
    """An unreachable precision stops at --max-replications and says it was not reached."""
    args = ["run", "--set", "horizon.days=0.5", "--precision", "0.00001",
            "--max-replications", "4", "--replications", "2", "--json"]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    stop = json.loads(res.stdout)["stopping"]
    assert stop["reached"] is False and stop["replications"] == 4 and stop["stages"] == [2, 4]


def test_bad_precision_kpi_exits_2():
    """An unknown queue or KPI for --precision-kpi is a user error."""
    res = runner.invoke(app, ["run", "--precision", "0.01", "--precision-kpi", "queue:zz:asa_s"])
    assert res.exit_code == 2 and "no queue named 'zz'" in res.stderr
    res = runner.invoke(app, ["run", "--set", "horizon.days=0.5", "--precision", "0.01",
                              "--precision-kpi", "nonsense"])  # fmt: skip
    assert res.exit_code == 2 and "unknown KPI 'nonsense'" in res.stderr
