"""Per-channel service cards: SL against each channel's own target, ASA in its unit, no blend."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard.shared.cards import (
    RESULT_CARDS,
    ChannelService,
    Estimate,
    build_cards,
    cards_row,
    channel_services,
)
from sim.results import RunResult


@pytest.fixture(scope="module")
def services(small_result: RunResult) -> dict[str, ChannelService]:
    return {s.channel: s for s in channel_services(small_result)}


def test_targets_come_from_the_scenario(small_result: RunResult, services) -> None:
    """Voice 80% in 20 s, chat in 60 s, email within its SLA hours, as the scenario sets them."""
    channels = small_result.model.scenario.channels
    assert list(services) == ["voice", "chat", "email"]
    assert (services["voice"].target, services["voice"].threshold_s) == (
        channels.voice.sl_target,
        channels.voice.sl_threshold_s,
    )
    assert services["chat"].threshold_s == channels.chat.sl_threshold_s
    assert services["email"].threshold_s == channels.email.sla_hours * 3600
    assert services["email"].target == channels.email.sla_target
    assert services["voice"].target_text == "80% in 20 s"
    assert services["email"].target_text == "90% within 24 h"


def test_cards_hold_each_channels_own_estimates(small_result: RunResult, services) -> None:
    """Each card's SL and ASA are that channel's means from the run, not a blend."""
    for channel, service in services.items():
        assert service.sl.mean == small_result.kpi("service_level", "channel", channel)["mean"]
        assert service.asa.mean == small_result.kpi("asa_s", "channel", channel)["mean"]
        assert 0.0 <= service.sl.low <= service.sl.mean <= service.sl.high <= 1.0


@pytest.mark.parametrize(
    ("low", "high", "status"),
    [(0.81, 0.85, "met"), (0.78, 0.83, "at-risk"), (0.70, 0.79, "missed"), (0.80, 0.9, "met")],
)
def test_status_compares_the_ci_with_the_target(low: float, high: float, status: str) -> None:
    """met when the CI clears the target, missed when it lies below, at risk when it straddles."""
    sl = Estimate((low + high) / 2, low, high)
    assert ChannelService("voice", sl, 0.8, 20.0, Estimate(None, None, None)).status == status


def test_rendered_cards_show_units_colours_and_no_blend(small_result: RunResult) -> None:
    """ASA reads in s for voice/chat and h for email; cards carry their status class; the page
    has no blended SL or ASA card."""
    page = json.dumps(cards_row(build_cards(small_result, RESULT_CARDS), "res-kpi"),
                      cls=PlotlyJSONEncoder)  # fmt: skip
    for channel, unit in (("voice", " s"), ("chat", " s"), ("email", " h")):
        card = json.loads(page)["props"]["children"][0]["props"]["children"]
        (props,) = [c["props"] for c in card if c["props"]["id"] == f"res-kpi-sl-{channel}"]
        asa = props["children"][-1]["props"]["children"]
        assert asa.startswith("ASA ") and asa.endswith(unit), (channel, asa)
        assert props["className"].split()[1] in ("kpi-met", "kpi-at-risk", "kpi-missed")
    assert '"res-kpi-asa_s"' not in page
    (aht,) = [c for c in build_cards(small_result, RESULT_CARDS) if c.metric == "aht_s"]
    assert aht.overall.mean is None and {key for key, _ in aht.breakdown} == set(
        ["voice", "chat", "email"]
    )
