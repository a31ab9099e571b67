"""Sweeps: full-factorial grids of overrides, a tidy table, plots, common random numbers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from helpers import small_queue
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.errors import ScenarioError
from sim.experiments.sweep import grid_from_dict, run_sweep
from sim.scenario import scenario_from_dict

runner = CliRunner()
HEADCOUNT = "sites.site.groups.g.shifts[0].headcount"


def test_grid_points_full_factorial():
    """Every combination of values is a point, the last path varying fastest."""
    grid = grid_from_dict({"grid": {"a.b": [1, 2], "c": ["*1.0", "+10%", "x"]}})
    points = grid.points()
    assert len(points) == 6
    assert points[:2] == [{"a.b": "1", "c": "*1.0"}, {"a.b": "1", "c": "+10%"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [([1, 2], "expected a mapping"), ({"a": []}, "non-empty list"), ({"a..b": [1]}, "not a path")],
)
def test_bad_grid_is_a_clear_error(data, message):
    """A grid that is not {path: [values]} raises ScenarioError saying what is expected."""
    with pytest.raises(ScenarioError, match=message):
        grid_from_dict(data)


def test_sweep_point_equals_plain_run():
    """A point is exactly the run of its overridden scenario (same seed, same customers)."""
    base = scenario_from_dict(small_queue())
    grid = grid_from_dict({HEADCOUNT: [16, "+2"]})
    result = run_sweep(base, grid, replications=2, seed=8)
    plain = api.run(base, replications=2, seed=8, overrides=[f"{HEADCOUNT}=+2"])
    sl = result.overall("service_level").set_index("point")
    assert sl.loc[1, "mean"] == plain.kpi("service_level")["mean"]
    assert sl.loc[1, "ci95_low"] == plain.kpi("service_level")["ci95_low"]
    assert sl.loc[0, "mean"] < sl.loc[1, "mean"]  # 16 agents serve worse than 20
    assert result.conservation_holds


def test_cli_sweep_writes_table_and_plots(small_yaml, tmp_path):
    """`ccsim sweep --grid --out` writes sweep.parquet (tidy) and a self-contained plots.html."""
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        yaml.safe_dump({HEADCOUNT: [16, 18, 20], "demand.q.volume_per_day": ["*1.0", "*1.1"]})
    )
    out = tmp_path / "sweep"
    res = runner.invoke(app, ["sweep", str(small_yaml), "--grid", str(grid), "--replications", "2",
                              "--out", str(out), "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["grid.yaml", "plots.html", "scenario.yaml",
                                                     "summary.json", "sweep.parquet"]  # fmt: skip
    table = pd.read_parquet(out / "sweep.parquet")
    assert set(table["point"]) == set(range(6))
    assert table[HEADCOUNT].dtype.kind == "f"
    assert pd.api.types.is_string_dtype(table["demand.q.volume_per_day"])
    assert {"dimension", "key", "metric", "mean", "ci95_low", "ci95_high", "n"} <= set(table)
    html = (out / "plots.html").read_text()
    assert "service level" in html and "plotly" in html
    data = json.loads(res.stdout)
    assert len(data["points"]) == 6 and data["points"][0]["set"] == {
        HEADCOUNT: "16", "demand.q.volume_per_day": "*1.0"}  # fmt: skip
    again = runner.invoke(app, ["sweep", str(small_yaml), "--grid", str(grid), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_cli_sweep_invalid_point_exits_2_before_running(small_yaml, tmp_path):
    """A grid value that makes an invalid scenario is reported (exit 2), naming the path."""
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump({HEADCOUNT: [10, -3]}))
    res = runner.invoke(app, ["sweep", str(small_yaml), "--grid", str(grid),
                              "--store", str(tmp_path / "runs")])  # fmt: skip
    assert res.exit_code == 2
    assert "sites[0].groups[0].shifts[0].headcount" in res.stderr
    assert not (tmp_path / "runs").exists()


def test_sweep_tables_fit_80_columns():
    """The sweep's table at 80 columns: every point's values in the key column, KPI columns folded
    into a continued table rather than squeezed, the grid's full paths in the caption."""
    from rich.console import Console

    from sim.commands.sweep import sweep_tables

    base = scenario_from_dict(small_queue())
    grid = grid_from_dict({HEADCOUNT: [16, "+2"], "demand.q.volume_per_day": ["*1.0", "*1.1"]})
    tables = sweep_tables(run_sweep(base, grid, replications=2, seed=8), width=80)
    console = Console(width=80, record=True)
    for table in tables:
        console.print(table)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80 and "…" not in text
    assert "headcount, volume_per_day" in text and "+2, *1.1" in text
    assert f"grid: {HEADCOUNT}, demand.q.volume_per_day" in " ".join(text.split())
    assert " SL voice " in text and " ASA voice " in text and " cost USD " in text
    assert " SL " not in text.replace(" SL voice ", "")  # service level never blended


def test_sweep_json_keeps_service_level_and_asa_per_channel():
    """Each point of the sweep's JSON lists SL and ASA per channel beside the overall headline,
    equal to the tidy table's channel rows."""
    base = scenario_from_dict(small_queue())
    result = run_sweep(base, grid_from_dict({HEADCOUNT: [14, 16]}), replications=2, seed=3)
    for point in result.to_json()["points"]:
        voice = point["kpis_by_channel"]["voice"]
        row = result.by_channel("asa_s").set_index("point").loc[point["point"]]
        assert voice["asa_s"]["mean"] == row["mean"] and set(voice) == {"service_level", "asa_s"}


def test_cli_sweep_defaults_to_the_bundled_scenario(tmp_path):
    """Like `ccsim run`, `ccsim sweep --grid FILE` without a scenario sweeps the bundled default
    (here a grid whose only point is invalid, so it stops at validation, before simulating)."""
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump({"sites.manila.groups.en_voice.headcont": ["+10%"]}))
    res = runner.invoke(app, ["sweep", "--grid", str(grid), "--out", str(tmp_path / "s")])
    assert res.exit_code == 2
    assert "did you mean sites.manila.groups.en_voice.headcount?" in res.stderr


def test_sweep_plots_service_level_and_asa_per_channel():
    """The sweep's plots draw SL and ASA in one panel per channel (email's ASA in hours), the
    other headline KPIs overall, each point's mean on its line."""
    from sim.experiments.sweep_plots import sweep_figure

    data = small_queue()
    data["demand"].append(dict(data["demand"][0], name="mail", channel="email",
                               volume_per_day=200, patience=None))  # fmt: skip
    data["sites"][0]["groups"][0]["skills"].append({"language": "en", "channel": "email"})
    result = run_sweep(scenario_from_dict(data), grid_from_dict({HEADCOUNT: [14, 16]}),
                       replications=2, seed=3)  # fmt: skip
    fig = sweep_figure(result)
    titles = [a.text for a in fig.layout.annotations]
    assert "service level, voice" in titles and "service level, email" in titles
    asa = "average speed of answer"
    assert f"{asa} (s), voice" in titles and f"{asa} (h), email" in titles
    assert "service level" not in titles and f"{asa} (s)" not in titles
    email_asa = result.by_channel("asa_s").query("key == 'email'")["mean"].to_numpy() / 3600
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert any(list(t.y) == list(email_asa) for t in lines)
