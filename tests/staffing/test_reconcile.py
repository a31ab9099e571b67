"""Reconciling simulated staffing with Erlang: each effect against the formulas it stands for."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim import api
from sim.cli import app
from sim.model import compile_model
from sim.scenario import scenario_from_dict
from sim.staffing import staff_erlang
from sim.staffing.plan import build_result
from sim.staffing.reconcile import build_workload, effects, reconcile, skill_components

OPEN = [0] * 6 + [1] * 14 + [0] * 4  # 06:00-20:00 UTC, one-hour intervals
AHT_S, THRESHOLD_S, SL = 300.0, 20.0, 0.8


def _type(lang: str, channel: str = "voice", volume: float = 1400.0, patience: bool = False):
    return {
        "name": f"{lang}_{channel}", "channel": channel, "language": lang, "timezone": "UTC",
        "volume_per_day": volume, "intraday_profile": OPEN,
        "handle_time": {"dist": "exponential", "mean_s": AHT_S},
        "patience": {"dist": "exponential", "mean_s": 200} if patience else None,
    }  # fmt: skip


def _group(name: str, *skills: tuple[str, str]) -> dict[str, Any]:
    return {"name": name, "wage_per_hour": 10,
            "skills": [{"language": lang, "channel": ch} for lang, ch in skills],
            "shifts": [{"start": "06:00", "end": "20:00", "headcount": 10}]}  # fmt: skip


def scenario(demand: list[dict], sites: dict[str, list[dict]]):
    """One UTC day, hourly intervals, no shrinkage: the plan's hours are its agents x hours."""
    return compile_model(scenario_from_dict({
        "name": "reconcile", "horizon": {"start": "2026-09-14", "days": 1, "timezone": "UTC",
                                         "interval_minutes": 60},
        "channels": {"voice": {"sl_threshold_s": THRESHOLD_S, "sl_target": SL},
                     "email": {"sla_hours": 4, "sla_target": 0.9}},
        "demand": demand,
        "sites": [{"name": s, "timezone": "UTC", "location": "onshore", "groups": groups}
                  for s, groups in sites.items()],
    }))  # fmt: skip


def service_level(lam: float, patience_rate: float, n: int) -> float:
    """Exact Erlang C, or Erlang A SL under the scenario's default definition (answered within
    the threshold over all but abandons before it)."""
    if not patience_rate:
        return float(api.erlang_c(lam, 1 / AHT_S, n, THRESHOLD_S)["service_level"])
    m = api.erlang_a(lam, 1 / AHT_S, patience_rate, n, THRESHOLD_S)
    return float(m["p_served_within_t"] / (1 - m["p_abandon_within_t"]))


def min_agents(lam: float, patience_rate: float = 0.0) -> int:
    """Fewest agents meeting SL within the threshold, searched on the exact metrics."""
    n = int(lam * AHT_S) + 1
    while service_level(lam, patience_rate, n) < SL:
        n += 1
    return n


def open_rate(volume: float) -> float:
    return volume / (14 * 3600.0)


def test_site_pooling_is_split_teams_minus_one_team():
    """Two sites sharing a queue half and half: the effect is 14 h x (2 C(rate/2) - C(rate))."""
    model = scenario([_type("en")], {"a": [_group("g", ("en", "voice"))],
                                     "b": [_group("g", ("en", "voice"))]})  # fmt: skip
    fx = effects(staff_erlang(model)).totals()
    lam = open_rate(1400.0)
    expected = 14 * (2 * min_agents(lam / 2) - min_agents(lam))
    assert expected > 0
    assert fx["site_pooling_h"] == pytest.approx(expected)
    assert fx["skill_pooling_h"] == fx["blending_h"] == fx["abandonment_h"] == 0


def test_one_site_has_no_site_pooling():
    """A queue served by one group has nothing to pool across sites."""
    model = scenario([_type("en")], {"a": [_group("g", ("en", "voice"))]})
    assert effects(staff_erlang(model)).totals()["site_pooling_h"] == 0


def test_skill_pooling_is_separate_queues_minus_one_pool():
    """A bilingual team: the effect is 14 h x (C(r1) + C(r2) - C(r1 + r2)) (equal handle times,
    so the pooled queue is exactly M/M/n); dedicated teams pool nothing."""
    demand = [_type("en", volume=1400.0), _type("es", volume=700.0)]
    both = scenario(demand, {"a": [_group("bi", ("en", "voice"), ("es", "voice"))]})
    r1, r2 = open_rate(1400.0), open_rate(700.0)
    expected = 14 * (min_agents(r1) + min_agents(r2) - min_agents(r1 + r2))
    assert expected > 0
    assert effects(staff_erlang(both)).totals()["skill_pooling_h"] == pytest.approx(expected)
    assert skill_components(both, build_workload(both)) == [[0, 1]]
    apart = scenario(demand, {"a": [_group("en", ("en", "voice")), _group("es", ("es", "voice"))]})
    assert skill_components(apart, build_workload(apart)) == []
    assert effects(staff_erlang(apart)).totals()["skill_pooling_h"] == 0


def test_abandonment_is_erlang_c_minus_erlang_a():
    """With patience the effect is 14 h x (C(rate) - A(rate)); without patience it is 0."""
    model = scenario([_type("en", patience=True)], {"a": [_group("g", ("en", "voice"))]})
    lam = open_rate(1400.0)
    expected = 14 * (min_agents(lam) - min_agents(lam, 1 / 200))
    assert expected > 0
    erl = staff_erlang(model)
    assert erl.by_type.loc[erl.by_type["contacts"] > 0, "required"].iloc[0] == min_agents(
        lam, 1 / 200
    )
    assert effects(erl).totals()["abandonment_h"] == pytest.approx(expected)


def test_blending_fills_idle_voice_time_with_email_only_in_the_same_group():
    """Email handled by the voice team fits in its idle agents, min(email agents, n - load)
    per interval; handled by another team, nothing blends."""
    demand = [_type("en"), _type("en", "email", volume=300.0)]
    mixed = scenario(demand, {"a": [_group("g", ("en", "voice"), ("en", "email"))]})
    erl = staff_erlang(mixed)
    bt = erl.by_type
    voice, email = bt[bt["channel"] == "voice"], bt[bt["channel"] == "email"]
    idle = voice["required"].to_numpy() - voice["load_erlangs"].to_numpy()
    expected = np.minimum(email["required"].to_numpy(), np.clip(idle, 0, None)).sum()
    assert expected > 0
    assert effects(erl).totals()["blending_h"] == pytest.approx(expected)
    apart = scenario(demand, {"a": [_group("v", ("en", "voice")), _group("e", ("en", "email"))]})
    assert effects(staff_erlang(apart)).totals()["blending_h"] == 0


def _simulated(erl, delta: float):
    """A stand-in simulated answer: the Erlang staffing with `delta` agents where it has any."""
    x = erl.scheduled_matrix()
    x = np.where(x > 0, x + delta, 0.0)
    wl = build_workload(erl.model)
    return build_result(erl.model, wl, erl.targets, "simulation", erl.by_type,
                        net_override=x, scheduled_override=x)  # fmt: skip


def test_reconciliation_adds_up_and_names_the_main_cause():
    """The remainder is the difference less the simulation-only effects; sites add to the total;
    the line gives the figures and the cause pointing the way of the difference."""
    demand = [_type("en"), _type("es", volume=700.0), _type("en", "email", volume=300.0)]
    model = scenario(demand, {"a": [_group("bi", ("en", "voice"), ("es", "voice"),
                                           ("en", "email"))],
                              "b": [_group("en", ("en", "voice"))]})  # fmt: skip
    erl = staff_erlang(model)
    fewer = reconcile(erl, _simulated(erl, -1.0))
    assert fewer.difference_h == pytest.approx(-14 * 2)  # one agent less per group and hour
    assert fewer.residual_h == pytest.approx(
        fewer.difference_h + fewer.skill_pooling_h + fewer.blending_h
    )
    for key in ("erlang_hours", "simulation_hours", "site_pooling_h", "blending_h"):
        assert sum(s[key] for s in fewer.by_site.values()) == pytest.approx(getattr(fewer, key))
    line = fewer.sentence()
    assert "(-28 h)" in line and f"up to {fewer.blending_h:,.0f} h" in line
    assert f"mainly {fewer.main_cause()}" in line
    more = reconcile(erl, _simulated(erl, 3.0))
    assert more.main_cause() == "what only the simulation sees" and "(+84 h)" in more.sentence()
    same = reconcile(erl, _simulated(erl, 0.0))
    assert not same.differs() and same.sentence().startswith("simulation and Erlang agree")
    assert same.to_json()["line"] == same.sentence()


def test_staff_cli_prints_the_reconciliation_line(tmp_path, make_small):
    """`ccsim staff --method simulation` prints the line and --json carries the same numbers."""
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(make_small()))
    runner = CliRunner()
    args = ["staff", str(path), "--method", "simulation", "--replications", "2", "--summary-only"]
    shown = runner.invoke(app, args, catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    data = api.staff(path, "simulation", replications=2).to_json(intervals=False)
    line = data["reconciliation"]["line"]
    assert line.startswith("simulation vs Erlang") and line in " ".join(shown.stdout.split())
