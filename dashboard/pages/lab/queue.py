"""The queueing lab's numbers: Erlang C/A formulas and the small simulations that check them.

One queue: Poisson arrivals at `rate_per_h`, exponential handle times of mean `aht_min`, `agents`
agents each holding up to `concurrency` contacts (chat; with no slowdown n agents act as n x m
servers, exactly), customers abandoning after an exponential patience of mean `patience_min`
(0: they wait forever, Erlang C; otherwise Erlang A). Service level is the share answered within
`THRESHOLD_S`, abandons before the threshold left out (the simulator's default definition).
The simulations build a one-site scenario from the same numbers and run it through `sim.api`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from sim import api
from sim.api import Scenario

THRESHOLD_S = 20.0
SIM_DAYS = 1
WARMUP_H = 1.0
LOGNORMAL_CV = 1.5
REFERENCE_PATIENCE_MIN = 2.0  # Erlang A's patience on the chart while the slider says 0
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LabParams:
    """The sliders' values."""

    rate_per_h: float
    aht_min: float
    agents: int
    patience_min: float
    concurrency: int

    @property
    def load(self) -> float:
        """Offered load in Erlangs (busy servers needed on average)."""
        return self.rate_per_h * self.aht_min / 60.0

    def key(self) -> dict[str, Any]:
        return asdict(self)


def metrics(p: LabParams, agents: np.ndarray | int, rate_per_h: float | None = None) -> dict:
    """Service level, ASA (s, of answered contacts), P(wait), abandonment for agent counts."""
    lam = (p.rate_per_h if rate_per_h is None else rate_per_h) / 3600.0
    mu = 1.0 / (p.aht_min * 60.0)
    servers = np.asarray(agents, dtype=float) * p.concurrency
    if p.patience_min <= 0:
        m = api.erlang_c(lam, mu, servers, THRESHOLD_S)
        return {
            "service_level": np.asarray(m["service_level"], dtype=float),
            "asa_s": np.asarray(m["asa"], dtype=float),
            "p_wait": np.asarray(m["p_wait"], dtype=float),
            "abandon_rate": np.zeros_like(servers),
        }
    m = api.erlang_a(lam, mu, 1.0 / (p.patience_min * 60.0), servers, THRESHOLD_S)
    within = np.asarray(m["p_served_within_t"], dtype=float)
    short = np.asarray(m["p_abandon_within_t"], dtype=float)
    return {
        "service_level": within / np.maximum(1.0 - short, 1e-300),
        "asa_s": np.asarray(m["asa_served"], dtype=float),
        "p_wait": np.asarray(m["p_wait"], dtype=float),
        "abandon_rate": np.asarray(m["p_abandon"], dtype=float),
    }


def unstable(p: LabParams, agents: int | None = None) -> bool:
    """Erlang C has no steady state: the servers (agents x chats) do not exceed the load."""
    n = p.agents if agents is None else agents
    return n * p.concurrency <= p.load


def model_curves(p: LabParams, n: np.ndarray) -> dict[str, dict[str, Any]]:
    """Erlang C (None where unstable) and Erlang A side by side for the agent counts `n`.

    Erlang A uses the slider's patience, or REFERENCE_PATIENCE_MIN while it is 0 (then the
    curve is a what-if, flagged by `reference`), so switching models never hides the other one.
    """
    patience = p.patience_min if p.patience_min > 0 else REFERENCE_PATIENCE_MIN
    c = metrics(replace(p, patience_min=0.0), n)
    stable = np.asarray(n, dtype=float) * p.concurrency > p.load
    for key in ("service_level", "asa_s", "p_wait"):
        c[key] = np.where(stable, c[key], np.nan)
    a = metrics(replace(p, patience_min=patience), n)
    return {
        "erlang_c": {"metrics": c, "stable": stable},
        "erlang_a": {"metrics": a, "patience_min": patience, "reference": p.patience_min <= 0},
    }


def agent_range(p: LabParams) -> np.ndarray:
    """Agent counts worth plotting: from about the load to well past the slider's value."""
    per_agent = p.load / p.concurrency
    lo = max(1, math.floor(per_agent * 0.8))
    hi = max(p.agents + 4, math.ceil(per_agent * 1.5) + 4, lo + 8)
    return np.arange(lo, hi + 1)


def pooling(p: LabParams) -> dict[str, np.ndarray]:
    """SL and ASA vs total agents: two queues with half the traffic and agents each, or one
    (NaN where a queue is unstable under Erlang C, so the chart draws only stable points)."""
    total = agent_range(p)
    total = total[total >= 2]
    pooled = metrics(p, total)
    first, second = total // 2, total - total // 2
    a, b = metrics(p, first, p.rate_per_h / 2), metrics(p, second, p.rate_per_h / 2)
    if p.patience_min > 0:  # Erlang A is always stable
        one = two = np.ones(len(total), dtype=bool)
    else:  # Erlang C: no value where a queue's servers do not exceed its load
        one = total * p.concurrency > p.load
        two = np.minimum(first, second) * p.concurrency > p.load / 2
    return {
        "agents": total,
        "pooled_sl": np.where(one, pooled["service_level"], np.nan),
        "pooled_asa": np.where(one, pooled["asa_s"], np.nan),
        "separate_sl": np.where(two, (a["service_level"] + b["service_level"]) / 2, np.nan),
        "separate_asa": np.where(two, (a["asa_s"] + b["asa_s"]) / 2, np.nan),
    }


def variability(p: LabParams) -> dict[str, float]:
    """ASA by handle-time distribution, Allen-Cunneen: W(G) ~ W(M) (1 + cv^2) / 2."""
    base = float(metrics(p, p.agents)["asa_s"])
    return {name: base * (1 + cv**2) / 2 for name, cv in DISTRIBUTIONS.items()}


DISTRIBUTIONS = {
    "deterministic": 0.0,
    "exponential": 1.0,
    f"lognormal (cv {LOGNORMAL_CV:g})": LOGNORMAL_CV,
}


def _handle(name: str, aht_s: float) -> dict[str, Any]:
    if name.startswith("lognormal"):
        return {"dist": "lognormal", "mean_s": aht_s, "cv": LOGNORMAL_CV}
    return {"dist": name, "mean_s": aht_s}


def lab_scenario(
    p: LabParams, agents: int, handle: str = "exponential", pooled: bool | None = None
) -> Scenario:
    """A one-day, one-site scenario of the lab queue (or of the pooling pair when `pooled`)."""
    channel = "chat" if p.concurrency > 1 else "voice"
    aht_s = p.aht_min * 60.0
    patience = {"dist": "exponential", "mean_s": p.patience_min * 60.0}

    def demand(name: str, language: str, rate_per_h: float) -> dict[str, Any]:
        ct = {
            "name": name,
            "channel": channel,
            "language": language,
            "timezone": "UTC",
            "volume_per_day": rate_per_h * 24,
            "handle_time": _handle(handle, aht_s),
        }
        return ct | ({"patience": patience} if p.patience_min > 0 else {})

    def group(name: str, languages: list[str], headcount: int) -> dict[str, Any]:
        return {
            "name": name,
            "skills": [{"language": lg, "channel": channel} for lg in languages],
            "shifts": [{"start": "00:00", "end": "24:00", "headcount": headcount}],
        }

    if pooled is None:
        types = [demand("queue", "en", p.rate_per_h)]
        groups = [group("agents", ["en"], agents)]
    else:
        types = [
            demand("queue_en", "en", p.rate_per_h / 2),
            demand("queue_es", "es", p.rate_per_h / 2),
        ]
        groups = (
            [group("agents", ["en", "es"], agents)]
            if pooled
            else [
                group("team_en", ["en"], agents // 2),
                group("team_es", ["es"], agents - agents // 2),
            ]
        )
    return api.from_dict(
        {
            "name": "lab",
            "horizon": {
                "start": "2026-01-05",
                "days": SIM_DAYS,
                "interval_minutes": 60,
                "warmup_hours": WARMUP_H,
            },
            "channels": {
                "voice": {"sl_threshold_s": THRESHOLD_S},
                "chat": {"sl_threshold_s": THRESHOLD_S, "max_concurrency": p.concurrency},
            },
            "demand": types,
            "sites": [{"name": "lab", "timezone": "UTC", "location": "onshore", "groups": groups}],
        },
        "lab",
    )


def _kpis(scenario: Scenario, replications: int, seed: int) -> dict[str, list[float | None]]:
    result = api.run(scenario, replications=replications, seed=seed)
    out = {}
    for metric in ("service_level", "asa_s", "abandon_rate"):
        k = result.kpi(metric)
        out[metric] = [k["mean"], k["ci95_low"], k["ci95_high"]]
    return out


def simulate_lab(
    p: LabParams, replications: int = 5, seed: int = 1, progress: Progress | None = None
) -> dict[str, Any]:
    """Simulated KPIs with 95% CIs: around the slider's agents, pooled vs separate, by HT law."""

    def stable(n: int) -> bool:
        return p.patience_min > 0 or not unstable(p, n)

    counts = [n for n in (p.agents - 2, p.agents, p.agents + 2) if n >= 1 and stable(n)]
    jobs: list[tuple[str, Any, Scenario]] = [("agents", n, lab_scenario(p, n)) for n in counts]
    if p.agents >= 2:
        jobs += [
            ("pooling", mode, lab_scenario(p, p.agents, pooled=mode == "pooled"))
            for mode in ("separate", "pooled")
        ]
    if stable(p.agents):
        jobs += [
            ("variability", name, lab_scenario(p, p.agents, handle=name)) for name in DISTRIBUTIONS
        ]
    out: dict[str, Any] = {
        "params": p.key(),
        "replications": replications,
        "agents": {},
        "pooling": {},
        "variability": {},
    }
    for i, (kind, key, scenario) in enumerate(jobs):
        out[kind][str(key)] = _kpis(scenario, replications, seed)
        if progress is not None:
            progress(i + 1, len(jobs))
    return out


def lab_job(progress: Progress, p: LabParams) -> dict[str, Any]:
    """The worker's entry point: `simulate_lab` with the page's five replications."""
    return simulate_lab(p, 5, 1, progress)
