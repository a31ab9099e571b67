"""Where simulated and observed KPIs differ, and the evidence in the log for why.

Each note is computed from the data, not written by hand: the staffing factor that closes the
abandonment gap, calls answered at once while others waited (the real center is not one FCFS
pool), waits by call type, agents joining when queues grow, and the hours outside the interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate.build import Calibration
from sim.calibrate.demand import DAY_S
from sim.calibrate.staffing import _occupancy_seconds
from sim.calibrate.validate import MIN_WAITED, Validation


def queue_evidence(cal: Calibration) -> dict[str, float]:
    """Calls answered without waiting while others waited; agents talking vs queue length."""
    calls = cal.log.calls
    total = cal.log.days * DAY_S
    waited = calls[calls["wait_s"] > 0]
    start = waited["arrival_s"].to_numpy()
    queue = _occupancy_seconds(start, start + waited["wait_s"].to_numpy(), total)
    at_once = calls[calls["served"] & (calls["wait_s"] == 0)]
    t = np.clip(at_once["arrival_s"].to_numpy().astype(np.int64), 0, total - 1)
    jumped = int((queue[t] > 0).sum())
    talk = calls[calls["served"] & (calls["agent"] != "")]
    answer = (talk["arrival_s"] + talk["wait_s"]).to_numpy()
    busy = _occupancy_seconds(answer, answer + talk["service_s"].to_numpy(), total)
    frame = pd.DataFrame({"slot": np.arange(total) // cal.slot_s, "q": np.minimum(queue, 4),
                          "busy": busy})  # fmt: skip
    frame = frame[frame["q"] > 0]
    by = frame.groupby(["slot", "q"])["busy"].mean().unstack()
    rise = (by[4] - by[1]).dropna().mean() if 4 in by and 1 in by else np.nan
    return {"answered_at_once": len(at_once), "answered_at_once_while_others_waited": jumped,
            "busy_rise_queue4_vs_1": float(rise)}  # fmt: skip


def type_waits(calls: pd.DataFrame) -> pd.Series:
    """Mean wait of answered calls by call type."""
    return calls[calls["served"]].groupby("type")["wait_s"].mean()


def notes(
    cal: Calibration,
    v: Validation,
    sensitivity: pd.DataFrame | None,
    measured_factor_row: dict[str, float] | None,
    simulated_type_waits: pd.Series | None = None,
) -> list[str]:
    """Plain-language findings for the report and the closing summary."""
    out = []
    c = v.checks
    factor = cal.staffing.availability_factor
    ab, asa = c["abandon_rate"], c["asa_s"]
    out.append(
        f"Overall: abandonment {ab['simulated']:.1%} simulated vs {ab['observed']:.1%} observed "
        f"({ab['rel_diff']:+.0%}); ASA {asa['simulated']:.1f} s vs {asa['observed']:.1f} s "
        f"({asa['rel_diff']:+.0%}); staffing = measured availability x {factor:.2f}."
    )
    gap_min = cal.staffing.max_idle_gap_s / 60
    if measured_factor_row is not None and factor != 1.0:
        out.append(
            f"Staffing is measured availability x {factor:.2f}. As measured (x 1.00) the "
            f"simulation gives abandonment {measured_factor_row['abandon_rate']:.1%} and ASA "
            f"{measured_factor_row['asa_s']:.1f} s. A factor fitted on overall abandonment makes "
            "abandonment a fitted quantity; ASA, the hourly pattern, service level and occupancy "
            "remain checks."
        )
    else:
        out.append(
            "Staffing is inferred, not read, since the log shows agents only while they talk: "
            f"agents count as available while talking or idle in a gap under {gap_min:.0f} min "
            "with no caller waiting. No KPI was fitted: abandonment, ASA, service level and "
            "occupancy are all predictions of the estimates."
        )
    ev = queue_evidence(cal)
    if ev["answered_at_once"]:
        rise = ev["busy_rise_queue4_vs_1"]
        adapt = (
            f"; agents talking rise by {rise:.2f} on average when 4+ rather than 1 caller wait "
            f"in the same {cal.slot_s // 60}-min slot (agents join when queues grow)"
            if rise >= 0.1
            else ""
        )
        out.append(
            f"The real center is not one FCFS pool: {ev['answered_at_once_while_others_waited']} "
            f"of {ev['answered_at_once']} calls answered without waiting arrived while other "
            f"callers were waiting (skill-based routing / priorities){adapt}. The simulated "
            "single FCFS pool with fixed staffing per slot cannot do that."
        )
    if cal.structure:
        out.append(structure_note(cal))
    shares = v.table.xs("all", level="hour")
    waited_obs = shares.loc["abandon_share", "observed"] / shares.loc["abandon_rate", "observed"]
    waited_sim = shares.loc["abandon_share", "sim_mean"] / shares.loc["abandon_rate", "sim_mean"]
    out.append(
        f"Calls that had to wait: {waited_obs:.0%} observed vs {waited_sim:.0%} simulated, so "
        "abandonment of all queue calls and the service level differ more than abandonment of "
        "those who waited and ASA: the real center spreads waiting over more callers."
    )
    waits = type_waits(cal.log.calls).round(0)
    text = ", ".join(f"{k} {val:.0f} s" for k, val in waits.items())
    if simulated_type_waits is not None:
        sim = ", ".join(f"{k} {val:.0f} s" for k, val in simulated_type_waits.round(0).items())
        label = "simulated" if cal.options.get("structure") else "simulated FCFS"
        text += f" ({label}: {sim})"
    out.append(f"Mean wait of answered calls by type, observed: {text}.")
    hourly = v.table.loc["abandon_rate"].drop("all")
    scored = hourly[hourly["waited_calls"] >= MIN_WAITED]
    outside = scored[~scored["in_pi"]]
    if len(outside):
        parts = [f"{int(h)}h ({r.sim_mean:.0%} sim vs {r.observed:.0%})"
                 for h, r in outside.iterrows()]  # fmt: skip
        out.append("Hours where observed abandonment is outside the simulated 95% prediction "
                   "interval: " + ", ".join(parts) + ".")  # fmt: skip
    out.append(
        f"Hourly abandonment inside the CI of the simulated mean in "
        f"{c['hourly_abandonment']['inside_ci_share']:.0%} of scored hours, inside the 95% "
        f"prediction interval for one period in {c['hourly_abandonment']['inside_pi_share']:.0%}."
        " The CI of the mean shrinks with replications while the observed month keeps its own "
        "sampling noise, so the prediction interval is the fair yardstick."
    )
    d = v.daily
    out.append(
        f"Day-to-day volume: variance/mean {d['observed_variance_over_poisson']:.1f} observed vs "
        f"{d['simulated_variance_over_poisson_mean']:.1f} simulated (Poisson would be 1); "
        "day factors are drawn per contact type, so shared busy days are only partly reproduced."
    )
    if sensitivity is not None:
        parts = []
        for _, r in sensitivity.iterrows():
            what = (
                f"availability x{r['factor']:.2f}"
                if r["max_idle_gap_s"] == cal.staffing.max_idle_gap_s
                else f"idle gap {r['max_idle_gap_s'] / 60:.0f} min"
            )
            parts.append(f"{what}: {r['abandon_rate']:.1%}, {r['asa_s']:.0f} s")
        out.append("Sensitivity of simulated abandonment and ASA to the staffing estimate ("
                   + "; ".join(parts) + ").")  # fmt: skip
    return out


def structure_note(cal: Calibration) -> str:
    """What the log says about pools, priorities and routing, how sure, and whether it is used."""
    st = cal.structure
    used = (
        "written into the scenario (--structure)"
        if cal.options.get("structure")
        else "not used: the scenario is one FCFS pool (--structure writes it)"
    )
    prio = ", ".join(f"{t} {p}" for t, p in st["priorities"].items())
    text = (f"Structure inferred, {used}: {len(st['pools'])} agent pools by the types each agent "
            f"served; type priorities from decisive overtakes (1 first): {prio}.")  # fmt: skip
    sp = st["strict_priority"]
    if sp:
        text += (f" Strict priority ({st['policy']}): {sp['first']} answered ahead of "
                 f"{sp['second']} in {sp['share_first']:.1%} [{sp['ci95'][0]:.1%}, "
                 f"{sp['ci95'][1]:.1%}] of {sp['overtakes']} overtakes.")  # fmt: skip
    ch = st["agent_choice"]
    if ch["calls_checked"]:
        text += (f" Choice of agent not identifiable: the longest-idle agent answered "
                 f"{ch['longest_idle_share']:.1%} of {ch['calls_checked']} calls answered at once "
                 f"(a random choice: {ch['random_choice_share']:.1%}).")  # fmt: skip
    return text
