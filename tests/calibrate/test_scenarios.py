"""Library scenarios of the calibration work: documented at their top, valid, and behaving."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import api
from sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
MINE = ("bank_1999", "teaching_mmc", "pooling_separate", "pooling_pooled", "follow_the_sun",
        "chatbot_before", "chatbot_after")  # fmt: skip


@pytest.mark.parametrize("name", MINE)
def test_documented_and_valid(name):
    """Each file opens with a comment block of at least 5 lines and validates."""
    text = (SCENARIOS / f"{name}.yaml").read_text()
    header = [line for line in text.splitlines()[:12] if line.startswith("#")]
    assert len(header) >= 5
    assert load_scenario(SCENARIOS / f"{name}.yaml").name == name


def test_bank_1999_reproduces_the_log_volume():
    """The calibrated bank expects the month's 31,033 queue calls, simulates them (within 4 SE)
    and conserves every contact."""
    from scipy import stats

    from sim.model import compile_model

    expected = compile_model(load_scenario(SCENARIOS / "bank_1999.yaml")).expected_arrivals()
    assert expected.sum() == pytest.approx(31_033, rel=0.005)
    r = api.run(SCENARIOS / "bank_1999.yaml", replications=4, seed=2)
    offered = r.kpi("offered")
    se = (offered["ci95_high"] - offered["mean"]) / stats.t.ppf(0.975, 3)
    assert abs(offered["mean"] - expected.sum()) < 4 * se
    assert r.conservation_block()["holds"]


def test_follow_the_sun_serves_all_day_from_three_sites():
    """All three sites answer contacts, and voice service stays near 80/20 around the clock."""
    r = api.run(SCENARIOS / "follow_the_sun.yaml", replications=2, seed=2)
    for site in ("manila", "krakow", "austin"):
        assert r.kpi("handled", "site", site)["mean"] > 5_000
    assert r.kpi("service_level", "channel", "voice")["mean"] > 0.75
    table = r.interval_table("UTC")
    voice = table[(table["dimension"] == "channel") & (table["key"] == "voice")]
    by_hour = voice.groupby(voice["interval_start_utc"].dt.hour)["offered"].sum()
    assert (by_hour > 0).all()  # contacts every hour of the day


def test_chatbot_contains_a_third_with_a_smaller_team():
    """After the roll-out the bot contains ~35% of chats and chat service holds."""
    before = api.run(SCENARIOS / "chatbot_before.yaml", replications=2, seed=2)
    after = api.run(SCENARIOS / "chatbot_after.yaml", replications=2, seed=2)
    assert after.kpi("bot_containment", "queue", "chat")["mean"] == pytest.approx(0.35, abs=0.02)
    assert after.kpi("service_level", "queue", "chat")["mean"] >= 0.8
    assert before.kpi("service_level", "queue", "chat")["mean"] >= 0.8
    assert after.kpi("agent_hours")["mean"] < before.kpi("agent_hours")["mean"]
