"""Scale: a peak-season week of ≥ 1M contacts, replicated, on one and on two cores.

The workload is generated here (not a bundled file): 6 languages (en, es, fr, de, pt, it) x 4
channels (voice, chat, email, social) = 24 contact types, customers on their own clocks (New York,
Madrid, Paris, Berlin, São Paulo, Rome), served by 3 sites (New York onshore, Lisbon nearshore,
Manila offshore) with a voice and a digital group per language each site serves. The week is Black
Friday week (Mon 23 - Sun 29 Nov 2026: Friday x1.6, Saturday x1.3 on top of a weekday profile),
and staffing follows the forecast hour by hour and day by day (square-root staffing, 8-hour shifts
every 4 hours, local clock), so queues and occupancy look like a real operation, not an idle one;
the forecast foresaw only 3/4 of the peaks' extra volume, so Friday and Saturday run short.

Figures, each measured in a fresh subprocess so its peak RSS (`ru_maxrss`) is its own:
  1. one replication on one core: contacts, simulate and KPI time (wall and CPU: on a shared
     machine the CPU time is the fair measure of one core), contacts per CPU-second (target
     ≥ 100k/s for simulate + KPIs), peak RSS (target ≤ 1.5 GB);
  2. 20 replications on 2 worker processes (`--workers 2`): wall time (target ≤ 5 min), peak RSS
     of the coordinator and of each worker;
  3. with `--long`: 4 weeks (~5M contacts), one replication run in 4-day segments (`ccsim run
     --segment-days 4`) on the workers, its contact log streamed to Parquet: time and peak RSS
     per process, which a segment bounds whatever the horizon. Not run by default (minutes).

Usage::

    python benchmarks/scale.py                 # figures 1 and 2 (~3-5 minutes on 2 cores)
    python benchmarks/scale.py --quick         # a ~100k-contact week, 4 replications (smoke)
    python benchmarks/scale.py --long          # also the 4-week 5M-contact run

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = dt.date(2026, 11, 23)  # Monday of Black Friday week (no DST change in the US or EU)
WEEK_CONTACTS = 1_050_000
QUICK_CONTACTS = 100_000
LONG_WEEKS, LONG_CONTACTS = 4, 5_000_000
SEGMENT_DAYS = 4  # the long run's segments: ~0.9M contacts each with their one-day overlaps
LANGUAGES = {  # language: (customers' zone, share of volume, {site: share of this language})
    "en": ("America/New_York", 0.40, {"new_york": 0.4, "manila": 0.6}),
    "es": ("Europe/Madrid", 0.18, {"new_york": 0.3, "lisbon": 0.7}),
    "fr": ("Europe/Paris", 0.12, {"lisbon": 1.0}),
    "de": ("Europe/Berlin", 0.12, {"lisbon": 1.0}),
    "pt": ("America/Sao_Paulo", 0.10, {"lisbon": 1.0}),
    "it": ("Europe/Rome", 0.08, {"lisbon": 1.0}),
}
SITES = {  # name: (zone, location, wage per hour)
    "new_york": ("America/New_York", "onshore", 28.0),
    "lisbon": ("Europe/Lisbon", "nearshore", 17.0),
    "manila": ("Asia/Manila", "offshore", 9.0),
}
CHANNELS = {  # channel: (share, handle time, patience mean or None)
    "voice": (0.50, {"dist": "lognormal", "mean_s": 360, "cv": 0.8}, 240),
    "chat": (0.30, {"dist": "lognormal", "mean_s": 480, "cv": 0.9}, 300),
    "email": (0.15, {"dist": "lognormal", "mean_s": 420, "cv": 1.0}, None),
    "social": (0.05, {"dist": "lognormal", "mean_s": 300, "cv": 1.0}, None),
}
CHAT_CONCURRENCY = 3
CHAT_FACTORS = [1.0, 1.25, 1.6]
INTRADAY = [0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.5, 6, 8, 8.5, 8.5, 8, 7.5, 7.5, 7, 6.5, 6, 5.5,
            5, 4.5, 3.5, 2, 1]  # fmt: skip
WEEKDAY = [1.1, 1.05, 1.0, 1.0, 1.05, 0.95, 0.85]
PEAKS = {4: 1.6, 5: 1.3}  # day offset from START: Black Friday, the Saturday after
PLANNED_PEAK = 0.75  # the plan foresaw 3/4 of each peak's extra volume: peak days run short
DAY_S = 86_400


def scenario_dict(contacts: int = WEEK_CONTACTS, weeks: int = 1) -> dict[str, Any]:
    """The generated peak-season scenario with about `contacts` contacts over `weeks` weeks."""
    days = 7 * weeks
    day_weight = [_day_weight(d) for d in range(days)]
    per_day = contacts / sum(day_weight)  # volume on an average (weight 1) day
    demand = []
    for lang, (zone, share, _) in LANGUAGES.items():
        for channel, (ch_share, handle, patience) in CHANNELS.items():
            ct: dict[str, Any] = {
                "name": f"{lang}_{channel}",
                "channel": channel,
                "language": lang,
                "timezone": zone,
                "volume_per_day": round(per_day * share * ch_share, 1),
                "intraday_profile": INTRADAY,
                "weekday_profile": WEEKDAY,
                "peaks": [
                    {
                        "start": str(START + dt.timedelta(days=7 * w + d)),
                        "end": str(START + dt.timedelta(days=7 * w + d)),
                        "multiplier": m,
                    }
                    for w in range(weeks)
                    for d, m in PEAKS.items()
                ],  # fmt: skip
                "handle_time": handle,
            }
            if patience:
                ct["patience"] = {"dist": "exponential", "mean_s": patience}
            demand.append(ct)
    sites = [
        {
            "name": site,
            "timezone": zone,
            "location": where,
            "groups": _groups(site, per_day, days),
        }  # fmt: skip
        for site, (zone, where, _) in SITES.items()
    ]
    return {
        "name": "scale_peak_season",
        "description": f"generated by benchmarks/scale.py: ~{contacts:,} contacts, {weeks} week(s)",
        "horizon": {"start": str(START), "days": days, "timezone": "UTC", "interval_minutes": 30},
        "channels": {
            "voice": {"sl_threshold_s": 20, "sl_target": 0.8},
            "chat": {
                "sl_threshold_s": 60,
                "max_concurrency": CHAT_CONCURRENCY,
                "aht_factor_by_concurrency": CHAT_FACTORS,
            },  # fmt: skip
            "email": {"sla_hours": 24},
            "social": {"sla_hours": 4},
        },
        "reporting": {"timezone": "America/New_York"},
        "demand": demand,
        "sites": sites,
    }


def _day_weight(day: int) -> float:
    return WEEKDAY[day % 7] / (sum(WEEKDAY) / 7) * PEAKS.get(day % 7, 1.0)


def _groups(site: str, per_day: float, days: int) -> list[dict[str, Any]]:
    """A voice and a digital group per language served, staffed to the hourly load."""
    site_zone = ZoneInfo(SITES[site][0])
    groups = []
    for lang, (zone, share, split) in LANGUAGES.items():
        if site not in split:
            continue
        for kind, channels in (("voice", ["voice"]), ("digital", ["chat", "email", "social"])):
            need = _required(per_day * share * split[site], channels, ZoneInfo(zone), site_zone)
            shifts = []
            for slot, head in enumerate(_cover(need)):
                wd, start = divmod(slot * 4, 24)
                if head:
                    shifts.append({
                        "start": f"{start:02d}:00", "end": f"{(start + 8) % 24:02d}:00",
                        "days": [("mon", "tue", "wed", "thu", "fri", "sat", "sun")[wd]],
                        "headcount": head,
                    })  # fmt: skip
            groups.append({
                "name": f"{kind}_{lang}",
                "wage_per_hour": SITES[site][2],
                "skills": [{"language": lang, "channel": c} for c in channels],
                "shifts": shifts,
            })  # fmt: skip
    return groups


def _cover(need: list[list[float]]) -> list[int]:
    """Headcounts of 8-hour shifts starting every 4 hours of the week (42 slots) covering `need`.

    Each 4-hour block is covered by the shift starting at it and the one started 4 hours before;
    two passes round the week let Monday's first shift see Sunday's last.
    """
    hours = [h for day in need for h in day]
    heads = [0] * 42
    for _ in range(2):
        for slot in range(42):
            block = max(hours[slot * 4 : slot * 4 + 4])
            heads[slot] = max(0, math.ceil(block - heads[slot - 1]))
    return heads


def _required(volume: float, channels: list[str], cust: ZoneInfo, site: ZoneInfo) -> list[list]:
    """Agents needed per site-local weekday and hour (square-root staffing on the hour's load)."""
    total = sum(INTRADAY)
    out = [[0.0] * 24 for _ in range(7)]
    for wd in range(7):
        day = START + dt.timedelta(days=wd)
        weight = _day_weight(wd) / PEAKS.get(wd, 1.0) * (1 + PLANNED_PEAK * (PEAKS.get(wd, 1) - 1))
        for h in range(24):
            local = dt.datetime.combine(day, dt.time(h), cust).astimezone(site)
            erlangs = 0.0
            for c in channels:
                ch_share, handle, _ = CHANNELS[c]
                rate = volume * weight * ch_share * INTRADAY[h] / total / 3600
                load = rate * handle["mean_s"]
                erlangs += load / 2.2 if c == "chat" else load
            out[local.weekday()][local.hour] += erlangs
    return [[a + 0.5 * math.sqrt(a) if a > 0.05 else 0.0 for a in day] for day in out]


# --------------------------------------------------------------------------- measurements
def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child_single(contacts: int, seed: int) -> dict[str, Any]:
    """One replication on one core: simulate and KPIs, timed apart."""
    from sim.engine import simulate
    from sim.experiments.tasks import _cyclic_gc_paused
    from sim.kpis.compute import compute_kpis
    from sim.model import compile_model
    from sim.scenario import scenario_from_dict

    t0 = time.perf_counter()
    model = compile_model(scenario_from_dict(scenario_dict(contacts)))
    with _cyclic_gc_paused():  # as replications run (sim.experiments.tasks)
        t1, c1 = time.perf_counter(), time.process_time()
        log = simulate(model, seed, 0)
        gc.collect()  # as run_task: free the engine before the KPIs
        t2, c2 = time.perf_counter(), time.process_time()
        kpis = compute_kpis(log, model)
        t3, c3 = time.perf_counter(), time.process_time()
    overall = kpis.summary.loc[("overall", "all")]
    n = len(log)
    return {
        "contacts": n,
        "contact_types": model.n_types,
        "sites": len(model.site_names),
        "languages": len(set(model.type_language)),
        "agents": model.n_agents,
        "compile_s": round(t1 - t0, 2),
        "simulate_s": round(t2 - t1, 2),
        "kpis_s": round(t3 - t2, 2),
        "simulate_cpu_s": round(c2 - c1, 2),
        "kpis_cpu_s": round(c3 - c2, 2),
        "contacts_per_s_simulate": round(n / (t2 - t1)),
        "contacts_per_s_with_kpis": round(n / (t3 - t1)),
        "contacts_per_cpu_s_with_kpis": round(n / (c3 - c1)),
        "service_level": round(float(overall["service_level"]), 4),
        "abandon_rate": round(float(overall["abandon_rate"]), 4),
        "occupancy": round(float(overall["occupancy"]), 4),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def _rep_with_rss(model, task):
    """A replication plus the worker's peak RSS so far (MiB) and the CPU seconds it took."""
    from sim.experiments.tasks import run_task

    cpu = time.process_time()
    outcome = run_task(model, task)
    return outcome, (peak_rss_mb(), time.process_time() - cpu)


def child_replications(contacts: int, seed: int, reps: int, workers: int) -> dict[str, Any]:
    """`reps` replications on `workers` local processes, as `ccsim run --workers` runs them."""
    from sim.experiments.backends import make_backend
    from sim.experiments.replications import Replications
    from sim.experiments.tasks import RepTask
    from sim.model import compile_model
    from sim.scenario import scenario_from_dict

    t0 = time.perf_counter()
    model = compile_model(scenario_from_dict(scenario_dict(contacts)))
    with make_backend(workers) as backend:
        out = backend.map(_rep_with_rss, model, [RepTask(seed, i) for i in range(reps)], None)
    summary = Replications.from_outcomes([o for o, _ in out]).summary()
    wall = time.perf_counter() - t0
    sl = summary.loc[("overall", "all"), "service_level"]
    return {
        "replications": reps,
        "workers": workers,
        "contacts_total": sum(o.contacts for o, _ in out),
        "wall_s": round(wall, 1),
        "service_level_mean": round(float(sl["mean"]), 4),
        "service_level_ci95_half": round(float(sl["ci95_high"] - sl["mean"]), 4),
        "peak_rss_mb_coordinator": round(peak_rss_mb()),
        "peak_rss_mb_worker_max": round(max(r for _, (r, _) in out)),
        "cpu_s_total": round(sum(c for _, (_, c) in out), 1),  # / workers: wall on idle cores
    }


class _RssBackend:
    """A backend that also collects each task's worker peak RSS."""

    def __init__(self, inner) -> None:
        self.inner, self.workers, self.label, self.rss = inner, inner.workers, inner.label, []

    def map(self, fn, shared, items, done=None):
        out = self.inner.map(_with_rss, (fn, shared), items, done)
        self.rss += [r for _, r in out]
        return [x for x, _ in out]

    def close(self) -> None:
        self.inner.close()


def _with_rss(pair, item):
    fn, shared = pair
    return fn(shared, item), peak_rss_mb()


def child_long(contacts: int, weeks: int, seed: int, workers: int, segment_days: int):
    """One long replication in segments, its contact log streamed to Parquet (`--save --logs`)."""
    from sim.experiments.backends import make_backend
    from sim.experiments.segments import run_segmented
    from sim.model import compile_model
    from sim.scenario import scenario_from_dict

    t0 = time.perf_counter()
    model = compile_model(scenario_from_dict(scenario_dict(contacts, weeks)))
    backend = _RssBackend(make_backend(workers))
    with tempfile.TemporaryDirectory() as tmp:
        reps = run_segmented(model, seed, 1, segment_days, 1, backend, log_dir=Path(tmp))
        log_mb = sum(f.stat().st_size for f in Path(tmp).rglob("*.parquet")) / 2**20
    backend.close()
    sl = reps.summary().loc[("overall", "all"), ("service_level", "mean")]
    return {
        "weeks": weeks,
        "segment_days": segment_days,
        "workers": workers,
        "contacts_simulated": reps.contacts[0],
        "contacts_measured": int(reps.values("offered")[0]),
        "wall_s": round(time.perf_counter() - t0, 1),
        "service_level": round(float(sl), 4),
        "log_parquet_mb": round(log_mb),
        "peak_rss_mb_coordinator": round(peak_rss_mb()),
        "peak_rss_mb_worker_max": round(max(backend.rss)),
    }


def _in_child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~100k contacts, 4 replications")
    parser.add_argument("--long", action="store_true", help="also the 4-week ~5M-contact run")
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", choices=["single", "reps", "long"], help=argparse.SUPPRESS)
    parser.add_argument("--contacts", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    contacts = args.contacts or (QUICK_CONTACTS if args.quick else WEEK_CONTACTS)
    if args.child == "single":
        print(json.dumps(child_single(contacts, args.seed)))
        return
    if args.child == "reps":
        print(json.dumps(child_replications(contacts, args.seed, args.replications, args.workers)))
        return
    if args.child == "long":
        print(json.dumps(child_long(contacts, LONG_WEEKS, args.seed, args.workers, SEGMENT_DAYS)))
        return

    reps = 4 if args.quick else args.replications
    common = ["--contacts", str(contacts), "--seed", str(args.seed)]
    single = _in_child(["--child", "single", *common])
    print(f"workload: {single['contacts']:,} contacts in one week, {single['contact_types']} "
          f"contact types, {single['languages']} languages, {single['sites']} sites, "
          f"{single['agents']:,} agents")  # fmt: skip
    print(f"outcome:  SL {single['service_level']:.1%}, abandonment {single['abandon_rate']:.1%},"
          f" occupancy {single['occupancy']:.1%}")  # fmt: skip
    print(f"one core: simulate {single['simulate_s']} s wall / {single['simulate_cpu_s']} s CPU, "
          f"KPIs {single['kpis_s']} s wall / {single['kpis_cpu_s']} s CPU -> "
          f"{single['contacts_per_cpu_s_with_kpis']:,} contacts per CPU-second end to end "
          f"({single['contacts_per_s_with_kpis']:,}/s of wall time on this machine's load); "
          f"peak RSS {single['peak_rss_mb']:,} MiB")  # fmt: skip
    many = _in_child(["--child", "reps", *common, "--replications", str(reps),
                      "--workers", str(args.workers)])  # fmt: skip
    print(
        f"{reps} replications on {args.workers} workers: {many['wall_s']} s wall, "
        f"{many['cpu_s_total']} CPU-s in the workers ({many['contacts_total']:,} contacts); "
        f"SL {many['service_level_mean']:.2%} ± "
        f"{many['service_level_ci95_half']:.2%}; peak RSS coordinator "
        f"{many['peak_rss_mb_coordinator']:,} MiB, worker {many['peak_rss_mb_worker_max']:,} MiB"
    )
    long = None
    if args.long:
        long = _in_child(["--child", "long", "--contacts", str(LONG_CONTACTS),
                          "--seed", str(args.seed), "--workers", str(args.workers)])  # fmt: skip
        print(
            f"{LONG_WEEKS} weeks: {long['contacts_measured']:,} contacts in {long['wall_s']} s "
            f"on {long['workers']} workers, in {SEGMENT_DAYS}-day segments "
            f"({long['contacts_simulated']:,} simulated with the overlaps); log streamed to "
            f"{long['log_parquet_mb']} MiB of Parquet; peak RSS coordinator "
            f"{long['peak_rss_mb_coordinator']:,} MiB, worker {long['peak_rss_mb_worker_max']:,}"
            " MiB"
        )
    targets = {
        "contacts_per_cpu_s_ge_100k": single["contacts_per_cpu_s_with_kpis"] >= 100_000,
        "replications_20_on_2_cores_le_300s": many["wall_s"] <= 300 if reps == 20 else None,
        "peak_rss_le_1536mb": max(single["peak_rss_mb"], many["peak_rss_mb_worker_max"]) <= 1536,
    }
    print(json.dumps({"single": single, "replications": many, "long": long, "targets": targets}))


if __name__ == "__main__":
    main()
