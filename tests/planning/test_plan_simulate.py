"""Plan vs simulation of a week: every KPI beside its simulated CI, labour cost on one basis."""

from __future__ import annotations

import pandas as pd
import pytest
from plan_cases import SCENARIOS, mmc_plan
from scipy import stats

from sim import api
from sim.planning.predict import QUEUE_BASIS

REPS = 4


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """Week 2 of a 3-week M/M/c plan with 20% shrinkage (absences in the week scenario)."""
    plan = mmc_plan(weeks=3, agents=60.0, shrinkage=0.2)
    result = api.plan(plan, base_dir=SCENARIOS, simulate_weeks=[2], replications=REPS)
    return result


def test_every_kpi_of_the_week_is_set_beside_its_simulated_ci(simulated) -> None:
    """SL, ASA, abandonment (voice), FCR and labour each have a row with a 95% CI and a basis."""
    sim = simulated.simulation
    assert list(sim["metric"]) == ["service_level_voice", "asa_s_voice", "abandon_rate_voice",
                                   "fcr", "labour_cost"]  # fmt: skip
    assert (sim["sim_ci95_low"] <= sim["sim_mean"]).all()
    assert (sim["sim_mean"] <= sim["sim_ci95_high"]).all()
    assert sim["plan_basis"].str.len().gt(0).all()
    sl = sim.set_index("metric").loc["service_level_voice"]
    assert sl["target"] == simulated.requirement.targets.for_channel("voice").sl
    assert sl["plan_basis"] == QUEUE_BASIS and 0 < sl["plan"] < 1  # a prediction, not the target
    asa = sim.set_index("metric").loc["asa_s_voice"]
    assert pd.isna(asa["target"]) and asa["plan"] > 0  # no ASA target, yet an ASA predicted
    assert sim["outside_ci"].map(lambda v: isinstance(v, bool)).all()


@pytest.fixture(scope="module")
def flat_m_m_n() -> pd.DataFrame:
    """Week 2 of a 3-week M/M/c plan without shrinkage: a constant roster of whole agents."""
    plan = mmc_plan(weeks=3, agents=60.0)
    return api.plan(plan, base_dir=SCENARIOS, simulate_weeks=[2], replications=REPS).simulation


@pytest.mark.parametrize("metric", ["service_level_voice", "asa_s_voice"])
def test_predicted_sl_and_asa_match_the_simulated_m_m_n_week(flat_m_m_n, metric) -> None:
    """At a constant whole roster the Erlang C prediction lies within 4 SE of the simulation."""
    row = flat_m_m_n.set_index("metric").loc[metric]
    se = (row["sim_ci95_high"] - row["sim_ci95_low"]) / (2 * stats.t.ppf(0.975, REPS - 1))
    assert abs(row["plan"] - row["sim_mean"]) <= 4 * se


def test_plan_labour_is_the_simulators_labour_in_expectation(simulated) -> None:
    """The roster priced as the simulator prices labour lies within 4 SE of the simulated cost."""
    row = simulated.simulation.set_index("metric").loc["labour_cost"]
    se = (row["sim_ci95_high"] - row["sim_ci95_low"]) / (2 * stats.t.ppf(0.975, REPS - 1))
    assert abs(row["plan"] - row["sim_mean"]) <= 4 * se
    payroll = simulated.weeks.loc[simulated.weeks["week"] == 2, "cost"].sum()
    assert row["plan"] < payroll  # payroll also pays the absent (20% shrinkage): another basis


def test_rows_read_in_the_registry_formats_and_payroll_is_stated_apart(simulated) -> None:
    """Display rows: percent SL, seconds ASA, money labour; the payroll line names its basis."""
    data = simulated.to_json()
    rows = {r["metric"]: r for r in api.plan_simulation_rows(data["simulation"], "USD")}
    assert set(rows) == {"SL voice", "ASA voice", "aband. voice", "FCR", "labour (USD)"}
    assert rows["SL voice"]["target"] == "80.0%" and rows["SL voice"]["simulation"].endswith("%")
    assert rows["SL voice"]["plan"].endswith("%") and rows["SL voice"]["agrees"] in ("yes", "no")
    assert rows["ASA voice"]["target"] == "–" and rows["ASA voice"]["plan"].endswith(" s")
    assert rows["ASA voice"]["simulation"].endswith(" s")
    assert "–" in rows["labour (USD)"]["ci95"] and "," in rows["labour (USD)"]["simulation"]
    week = next(r for r in data["by_week"] if r["week"] == 2)
    line = api.plan_payroll_line(week, "USD", 40.0)
    assert "payroll basis (not simulated)" in line and f"{week['cost']:,.0f}" in line
