"""Staffing targets: what every interval must achieve, per channel, and how to plan for it.

Defaults come from the scenario (``channels.voice.sl_target`` within ``sl_threshold_s``, chat
likewise, email/social ``sla_target`` within ``sla_hours``); ``--target`` options override them
with ``[channel.]key=value`` items, e.g. ``sl=0.9@30`` (90% within 30 s, every queue channel),
``voice.abandon=0.05``, ``chat.asa=45``, ``occupancy=0.85``, ``cv=0.1``, ``probability=0.9``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from sim.errors import ScenarioError
from sim.scenario.models import Scenario

QUEUE_CHANNELS = ("voice", "chat")
BACKLOG_CHANNELS = ("email", "social")
CHANNEL_KEYS = ("sl", "asa", "abandon")
GLOBAL_KEYS = {
    "occupancy": "max_occupancy",
    "cv": "forecast_cv",
    "probability": "probability",
    "confidence": "confidence",
    "chat_method": "chat_method",
    "backlog_hours": "backlog_hours",
    "min_contacts": "min_contacts",
    "fte_hours": "fte_hours_per_week",
}


@dataclass(frozen=True)
class ChannelTarget:
    """Service level ``sl`` within ``threshold_s``; optional ASA (s) and abandonment caps."""

    sl: float | None
    threshold_s: float
    asa_s: float | None = None
    abandon: float | None = None


@dataclass(frozen=True)
class Targets:
    """Per-channel targets plus planning options shared by every method."""

    channels: dict[str, ChannelTarget] = field(default_factory=dict)
    max_occupancy: float | None = None
    forecast_cv: float = 0.0  # day-factor uncertainty of the forecast (Erlang X)
    probability: float = 0.5  # chance each target must hold under that uncertainty
    confidence: float = 0.95  # simulation: one-sided confidence that a target holds
    chat_method: Literal["equivalent", "ctmc"] = "equivalent"
    backlog_hours: Literal["scenario", "always"] = "scenario"
    min_contacts: float = 5.0  # simulation: intervals with fewer expected contacts not checked
    fte_hours_per_week: float = 40.0

    def for_channel(self, channel: str) -> ChannelTarget:
        return self.channels[channel]

    def describe(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "channels": {k: vars(v) for k, v in self.channels.items()},
            "max_occupancy": self.max_occupancy,
            "forecast_cv": self.forecast_cv,
            "probability": self.probability,
            "confidence": self.confidence,
            "chat_method": self.chat_method,
            "backlog_hours": self.backlog_hours,
            "min_contacts": self.min_contacts,
            "fte_hours_per_week": self.fte_hours_per_week,
        }


def scenario_targets(sc: Scenario) -> Targets:
    """The scenario's own service targets."""
    ch = sc.channels
    return Targets(
        channels={
            "voice": ChannelTarget(ch.voice.sl_target, ch.voice.sl_threshold_s),
            "chat": ChannelTarget(ch.chat.sl_target, ch.chat.sl_threshold_s),
            "email": ChannelTarget(ch.email.sla_target, ch.email.sla_hours * 3600.0),
            "social": ChannelTarget(ch.social.sla_target, ch.social.sla_hours * 3600.0),
        }
    )


def parse_targets(sc: Scenario, items: list[str] | None = None) -> Targets:
    """Scenario targets overridden by ``[channel.]key=value`` items (ScenarioError if invalid)."""
    targets = scenario_targets(sc)
    for item in items or []:
        targets = _apply(targets, item)
    return targets


def _apply(targets: Targets, item: str) -> Targets:
    hint = (
        "use [channel.]key=value with key sl (e.g. sl=0.8@20), asa (seconds), abandon "
        f"(share), or one of {sorted(GLOBAL_KEYS)}"
    )
    if "=" not in item:
        raise ScenarioError(f"--target {item!r}: {hint}")
    key, value = (s.strip() for s in item.split("=", 1))
    if key in GLOBAL_KEYS:
        return replace(targets, **{GLOBAL_KEYS[key]: _global_value(key, value, item)})
    channel, _, name = key.rpartition(".")
    channels = [channel] if channel else list(QUEUE_CHANNELS)
    if name not in CHANNEL_KEYS or any(c not in targets.channels for c in channels):
        raise ScenarioError(f"--target {item!r}: {hint}; channels: {sorted(targets.channels)}")
    new = dict(targets.channels)
    for c in channels:
        new[c] = _channel_value(new[c], name, value, item, c in BACKLOG_CHANNELS)
    return replace(targets, channels=new)


def _number(text: str, item: str, lo: float, hi: float, what: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ScenarioError(f"--target {item!r}: {text!r} is not a number ({what})") from None
    if not lo < v < hi:
        raise ScenarioError(f"--target {item!r}: {what} must lie strictly between {lo} and {hi}")
    return v


def _channel_value(
    t: ChannelTarget, name: str, value: str, item: str, backlog: bool
) -> ChannelTarget:
    if name == "sl":
        share, at, threshold = value.partition("@")
        sl = _number(share, item, 0.0, 1.0, "service level share")
        if at and not threshold.strip():
            raise ScenarioError(
                f"--target {item!r}: '@' needs a threshold after it, e.g. sl={share}@20 "
                "(seconds; hours for email/social), or drop '@' to keep the scenario's"
            )
        if not threshold:
            return replace(t, sl=sl)
        unit = 3600.0 if backlog else 1.0
        thr = _number(threshold, item, 0.0, float("inf"), "threshold (hours for email/social)")
        return replace(t, sl=sl, threshold_s=thr * unit)
    if backlog:
        raise ScenarioError(f"--target {item!r}: email/social take only sl=share@hours")
    if name == "asa":
        return replace(t, asa_s=_number(value, item, 0.0, float("inf"), "ASA in seconds"))
    return replace(t, abandon=_number(value, item, 0.0, 1.0, "abandonment share"))


def _global_value(key: str, value: str, item: str) -> object:
    if key == "chat_method":
        if value not in ("equivalent", "ctmc"):
            raise ScenarioError(f"--target {item!r}: chat_method is 'equivalent' or 'ctmc'")
        return value
    if key == "backlog_hours":
        if value not in ("scenario", "always"):
            raise ScenarioError(f"--target {item!r}: backlog_hours is 'scenario' or 'always'")
        return value
    if key == "occupancy":
        v = _number(value, item, 0.0, 1.0 + 1e-12, "maximum occupancy")
        return min(v, 1.0)
    if key == "cv":
        return _number(value, item, -1e-300, 10.0, "forecast coefficient of variation")
    if key in ("probability", "confidence"):
        return _number(value, item, 0.0, 1.0, key)
    if key == "min_contacts":
        return _number(value, item, -1e-300, float("inf"), "minimum contacts per interval")
    return _number(value, item, 0.0, 168.0 + 1e-9, "hours per FTE week")
