"""Bit-identical results whatever runs the replications: in process, local processes, Dask."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import small_queue
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.experiments.sequential import parse_precision
from sim.scenario import scenario_from_dict

SEED = 11


def _json(result) -> dict:
    data = result.to_json()
    data.pop("wall_time_s")
    return data


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict(small_queue())


@pytest.fixture(scope="module")
def serial(scenario):
    return api.run(scenario, replications=4, seed=SEED, workers=1)


@pytest.mark.parametrize(
    "backend",
    [
        {"workers": 2},
        {"dask": "local", "workers": 2},
        {"backend": api.forked_backend()},
        {"backend": api.forked_backend(3)},
    ],
    ids=["processes", "dask", "forked", "forked-3-lanes"],
)
def test_same_numbers_on_every_backend(scenario, serial, backend):
    """--workers 2, --dask local and forked copies of this process (one lane per replication or
    fewer lanes than replications) give exactly the KPIs, intervals and JSON of --workers 1."""
    other = api.run(scenario, replications=4, seed=SEED, **backend)
    pd.testing.assert_frame_equal(serial.summary, other.summary, check_exact=True)
    pd.testing.assert_frame_equal(serial.intervals, other.intervals, check_exact=True)
    pd.testing.assert_frame_equal(serial.replication_kpis, other.replication_kpis, check_exact=True)
    assert json.dumps(_json(serial)) == json.dumps(_json(other))


def test_replication_does_not_depend_on_run_size(scenario, serial):
    """Replication i is the same whether 2 or 4 replications run (streams spawned per index)."""
    two = api.run(scenario, replications=2, seed=SEED)
    first_two = serial.replication_kpis.xs(slice(0, 1), level="replication", drop_level=False)
    pd.testing.assert_frame_equal(
        two.replication_kpis, first_two.loc[two.replication_kpis.index], check_exact=True
    )


def test_precision_run_identical_across_workers(scenario):
    """Sequential stopping takes the same stages and numbers with 1 or 2 workers."""
    stop = parse_precision("1%", "asa_s")
    one = api.run(scenario, 3, SEED, workers=1, precision=stop, max_replications=12)
    two = api.run(scenario, 3, SEED, workers=2, precision=stop, max_replications=12)
    assert one.extra["stopping"] == two.extra["stopping"]
    assert json.dumps(_json(one)) == json.dumps(_json(two))


def test_cli_workers_flag_gives_identical_json(small_yaml):
    """`ccsim run --json` prints the same KPIs with --workers 1 and --workers 2."""
    runner = CliRunner()
    outs = []
    for workers in ("1", "2"):
        res = runner.invoke(
            app, ["run", str(small_yaml), "--replications", "3", "--json", "--workers", workers]
        )
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        data.pop("wall_time_s")
        outs.append(data)
    assert outs[0] == outs[1]


def test_unreachable_dask_scheduler_exits_2(monkeypatch):
    """--dask with an address where no scheduler listens is a user error naming the address."""
    from sim.experiments.backends import DaskBackend

    monkeypatch.setattr(DaskBackend, "connect_timeout", "1s")
    res = CliRunner().invoke(app, ["run", "--dask", "tcp://127.0.0.1:1", "--replications", "2"])
    assert res.exit_code == 2
    assert "cannot reach a Dask scheduler" in res.stderr


@pytest.mark.parametrize("backend", [None, api.forked_backend()], ids=["serial", "forked"])
def test_journeys_counted_where_replications_run(scenario, serial, backend):
    """journeys=True gives the flows of the kept logs, with no log sent back and the KPIs of the
    plain run, here and in forked children alike."""
    with_logs = api.run(scenario, replications=4, seed=SEED, workers=1, keep_logs=True)
    counted = api.run(scenario, replications=4, seed=SEED, backend=backend, journeys=True)
    assert counted.logs == {}
    assert counted.journeys == api.journey_flows(with_logs.logs, with_logs.model)
    assert counted.journeys["replications"] == 4 and counted.journeys["flows"]
    pd.testing.assert_frame_equal(serial.summary, counted.summary, check_exact=True)
    assert json.dumps(_json(serial)) == json.dumps(_json(counted))
