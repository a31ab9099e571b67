"""Engine throughput: ccsim's full scenario path against Ciw on one M/M/100+M workload.

The workload is a single voice queue with Poisson arrivals at 0.3/s, exponential handle time with
mean 300 s (90 erlangs offered), exponential patience with mean 180 s and 100 agents logged in
around the clock. By default about 1,000,000 contacts arrive (38.6 days); `--quick` runs ~100k.

Each engine runs in its own subprocess (this script re-invoked with `--engine ccsim|ciw`), so the
peak resident set size reported for it (`getrusage(RUSAGE_SELF).ru_maxrss`) is that engine's alone.
Both simulate the same horizon from an empty system, so they see the same expected number of
contacts. Timed for ccsim: scenario validation and compilation, demand generation, the simulation
and the build of the contact log (`simulate` returns a `ContactLog`). Timed for Ciw: network
creation, the simulation and `get_all_records()`. Imports are not timed for either.

Beside the timings, each engine's estimates of P(wait), P(abandon) and the mean wait of all
finished contacts are printed next to Erlang A theory (an exact birth-death sum computed here,
independent of ccsim's own analytic module), with 95% batch-means half-widths (20 batches by
arrival time), so a reader can see that both simulate the same system.

Usage::

    python benchmarks/engine_throughput.py                      # ~1M contacts, both engines
    python benchmarks/engine_throughput.py --quick              # ~100k contacts smoke run
    python benchmarks/engine_throughput.py --ciw-contacts 200000   # Ciw on a smaller slice

A second workload, with journeys on (`--engine journeys`: 6 languages over 3 sites, bot, FCR
repeats, redials, callbacks; each language homed at one site, those of s0 and s1 also served by
the next site's agents, as a secondary skill, after 30 s of waiting (overflow s0 -> s1 -> s2);
after-call work: talk 270 s plus ACW 30 s keeps the plain workload's 300 s per handled contact),
runs through ccsim only; its throughput is printed beside the plain one's, per wall second and per
CPU second of the child process (the latter is steadier when other jobs share the machine).

The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ARRIVAL_RATE = 0.3  # contacts per second
MEAN_AHT_S = 300.0
MEAN_PATIENCE_S = 180.0
AGENTS = 100
DEFAULT_CONTACTS = 1_000_000
QUICK_CONTACTS = 100_000
BATCHES = 20
T_975_19 = 2.093  # Student t quantile, 0.975, 19 degrees of freedom (BATCHES - 1)
DAY_S = 86_400.0


# --------------------------------------------------------------------------- workload
def horizon_s(contacts: int) -> float:
    """Length of the horizon in which `contacts` arrivals are expected."""
    return contacts / ARRIVAL_RATE


def scenario_dict(contacts: int) -> dict[str, Any]:
    """The M/M/100+M workload as a ccsim scenario."""
    return {
        "horizon": {"start": "2026-01-05", "days": horizon_s(contacts) / DAY_S},
        "demand": [
            {
                "name": "q",
                "channel": "voice",
                "language": "en",
                "timezone": "UTC",
                "volume_per_day": ARRIVAL_RATE * DAY_S,
                "handle_time": {"dist": "exponential", "mean_s": MEAN_AHT_S},
                "patience": {"dist": "exponential", "mean_s": MEAN_PATIENCE_S},
            }
        ],
        "sites": [
            {
                "name": "s",
                "timezone": "UTC",
                "location": "onshore",
                "groups": [
                    {
                        "name": "g",
                        "skills": [{"language": "en", "channel": "voice"}],
                        "shifts": [{"start": "00:00", "end": "24:00", "headcount": AGENTS}],
                    }
                ],
            }
        ],
    }


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024.0 * 1024.0) if sys.platform == "darwin" else rss / 1024.0


class _Batches:
    """Per-batch sums (by arrival time) of finished, waited, abandoned contacts and waits."""

    def __init__(self, horizon: float) -> None:
        self.scale = BATCHES / horizon
        self.finished = [0] * BATCHES
        self.waited = [0] * BATCHES
        self.abandoned = [0] * BATCHES
        self.wait_s = [0.0] * BATCHES

    def add(self, arrival: float, wait: float, abandoned: bool) -> None:
        b = min(int(arrival * self.scale), BATCHES - 1)
        self.finished[b] += 1
        self.wait_s[b] += wait
        if wait > 0.0 or abandoned:
            self.waited[b] += 1
        if abandoned:
            self.abandoned[b] += 1

    def as_dict(self) -> dict[str, list[float]]:
        return {
            "finished": self.finished,
            "waited": self.waited,
            "abandoned": self.abandoned,
            "wait_s": self.wait_s,
        }


LANGUAGES = ("en", "es", "fr", "de", "pt", "it")
SITES = 3
ACW_S = 30.0  # mean after-call work of the journeys workload (part of its 300 s per contact)


def journeys_scenario_dict(contacts: int) -> dict[str, Any]:
    """The same offered load with journeys on: 6 languages, 3 sites, bot, FCR repeats, redials,
    callbacks, secondary skills, overflow between sites and after-call work."""
    per_type = ARRIVAL_RATE / len(LANGUAGES)
    per_site = len(LANGUAGES) // SITES
    delay = {"dist": "exponential", "mean_s": 3600}
    demand = [
        {
            "name": f"{lang}_voice",
            "channel": "voice",
            "language": lang,
            "timezone": "UTC",
            "home_sites": [f"s{i // per_site}"],
            "volume_per_day": per_type * DAY_S,
            "handle_time": {"dist": "exponential", "mean_s": MEAN_AHT_S - ACW_S},
            "acw": {"dist": "exponential", "mean_s": ACW_S},
            "patience": {"dist": "exponential", "mean_s": MEAN_PATIENCE_S},
            "bot": {
                "share": 0.2,
                "time": {"dist": "exponential", "mean_s": 60},
                "outcomes": {
                    "resolved": 0.3,
                    "escalated": 0.5,
                    "abandoned": 0.1,
                    "retry_later": 0.1,
                },
                "retry": {"delay": delay},
            },
            "repeat": {"delay": delay, "max_attempts": 3},
            "redial": {"probability": 0.3, "delay": {"dist": "exponential", "mean_s": 300}},
            "callback": {"offer_when_expected_wait_s": 60, "accept_probability": 0.5},
        }
        for i, lang in enumerate(LANGUAGES)
    ]
    sites = []
    for k in range(SITES):
        own = LANGUAGES[k * per_site : (k + 1) * per_site]
        prev = LANGUAGES[(k - 1) * per_site : k * per_site] if k else ()
        skills = [{"language": lang, "channel": "voice", "fcr": 0.8} for lang in own]
        # the previous site's languages, reached by overflow only (their home is that site)
        skills += [{"language": lang, "channel": "voice", "fcr": 0.75, "proficiency": 1.1,
                    "level": "secondary"} for lang in prev]  # fmt: skip
        sites.append(
            {
                "name": f"s{k}",
                "timezone": "UTC",
                "location": "onshore",
                "groups": [
                    {
                        "name": f"g{k}",
                        "skills": skills,
                        "shifts": [{"start": "00:00", "end": "24:00", "headcount": 36}],
                    }
                ],
            }
        )
    return {
        "horizon": {"start": "2026-01-05", "days": horizon_s(contacts) / DAY_S},
        "demand": demand,
        "sites": sites,
        "routing": {
            "overflow": [
                {"from_site": f"s{k}", "to_site": f"s{(k + 1) % SITES}", "after_s": 30}
                for k in range(SITES - 1)
            ]
        },
    }


# --------------------------------------------------------------------------- engines (children)
def run_ccsim(contacts: int, seed: int, journeys: bool = False) -> dict[str, Any]:
    """Scenario dict -> compiled model -> `simulate`, timed as a whole; then the estimates."""
    import numpy as np

    from sim.engine import simulate
    from sim.engine.log import ABANDONED, COMPLETED
    from sim.model import compile_model
    from sim.scenario import scenario_from_dict

    data = (journeys_scenario_dict if journeys else scenario_dict)(contacts)
    rss_before = peak_rss_mb()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    model = compile_model(scenario_from_dict(data))
    t1 = time.perf_counter()
    log = simulate(model, seed, 0)
    t2 = time.perf_counter()
    cpu_s = time.process_time() - cpu0
    rss = peak_rss_mb()

    finished = (log.status == COMPLETED) | (log.status == ABANDONED)
    abandoned = log.status[finished] == ABANDONED
    arrival = log.arrival_s[finished]
    wait = np.minimum(log.answer_s, log.end_s)[finished] - arrival
    waited = (wait > 0.0) | abandoned
    b = np.minimum((arrival * (BATCHES / horizon_s(contacts))).astype(np.int64), BATCHES - 1)
    batches = {
        "finished": np.bincount(b, minlength=BATCHES).tolist(),
        "waited": np.bincount(b, weights=waited, minlength=BATCHES).astype(int).tolist(),
        "abandoned": np.bincount(b, weights=abandoned, minlength=BATCHES).astype(int).tolist(),
        "wait_s": np.bincount(b, weights=wait, minlength=BATCHES).tolist(),
    }
    return {
        "engine": "journeys" if journeys else "ccsim",
        "contacts": len(log),
        "wall_s": t2 - t0,
        "cpu_s": cpu_s,
        "phases_s": {"compile": t1 - t0, "simulate": t2 - t1},
        "peak_rss_mb": rss,
        "import_rss_mb": rss_before,
        "batches": batches,
    }


def run_ciw(contacts: int, seed: int) -> dict[str, Any]:
    """Ciw M/M/100+M (reneging from the queue) up to the same horizon; then the estimates."""
    import ciw

    rss_before = peak_rss_mb()
    t0 = time.perf_counter()
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(ARRIVAL_RATE)],
        service_distributions=[ciw.dists.Exponential(1.0 / MEAN_AHT_S)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(1.0 / MEAN_PATIENCE_S)],
    )
    q = ciw.Simulation(network)
    q.simulate_until_max_time(horizon_s(contacts))
    records = q.get_all_records()
    t1 = time.perf_counter()
    rss = peak_rss_mb()

    batches = _Batches(horizon_s(contacts))
    for r in records:
        if r.record_type == "service":
            batches.add(r.arrival_date, r.waiting_time, False)
        elif r.record_type == "renege":
            batches.add(r.arrival_date, r.waiting_time, True)
    return {
        "engine": "ciw",
        # every arrival, including those still in the system at the horizon
        "contacts": q.nodes[0].number_of_individuals,
        "wall_s": t1 - t0,
        "phases_s": {},
        "peak_rss_mb": rss,
        "import_rss_mb": rss_before,
        "batches": batches.as_dict(),
    }


# --------------------------------------------------------------------------- theory
def erlang_a_theory() -> dict[str, float]:
    """P(wait), P(abandon) and mean wait of M/M/n+M by a birth-death sum over the number in system.

    Death rate in state j is min(j, n) mu + max(j - n, 0) theta. By PASTA an arrival waits iff it
    finds all n agents busy; abandonment rate is theta E[Q], so P(abandon) = theta E[Q] / lambda,
    and by Little's law the mean wait of all arrivals is E[Q] / lambda.
    """
    lam, mu, theta, n = ARRIVAL_RATE, 1.0 / MEAN_AHT_S, 1.0 / MEAN_PATIENCE_S, AGENTS
    weights = [1.0]
    j = 0
    while True:
        j += 1
        death = min(j, n) * mu + max(j - n, 0) * theta
        weights.append(weights[-1] * lam / death)
        if j > n and weights[-1] < 1e-30 * max(weights):
            break
    total = math.fsum(weights)
    p_wait = math.fsum(weights[n:]) / total
    mean_q = math.fsum((k - n) * w for k, w in enumerate(weights) if k > n) / total
    return {"p_wait": p_wait, "p_abandon": theta * mean_q / lam, "mean_wait_s": mean_q / lam}


def analytic_cross_check() -> dict[str, float] | None:
    """ccsim's own Erlang A (sim.analytic), if present: a check on the sum above."""
    try:
        from sim.analytic.erlang_a import erlang_a_metrics
    except ImportError:
        return None
    m = erlang_a_metrics(ARRIVAL_RATE, 1.0 / MEAN_AHT_S, 1.0 / MEAN_PATIENCE_S, AGENTS, 0.0)
    return {
        "p_wait": float(m["p_wait"]),
        "p_abandon": float(m["p_abandon"]),
        "mean_wait_s": float(m["mean_wait_all"]),
    }


def estimates(batches: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """Point estimate (ratio of totals) and 95% batch-means half-width of each metric."""
    fin = batches["finished"]
    out = {}
    for key, num in (
        ("p_wait", batches["waited"]),
        ("p_abandon", batches["abandoned"]),
        ("mean_wait_s", batches["wait_s"]),
    ):
        per_batch = [x / f for x, f in zip(num, fin, strict=True) if f]
        half = T_975_19 * statistics.stdev(per_batch) / math.sqrt(len(per_batch))
        out[key] = (sum(num) / sum(fin), half)
    return out


# --------------------------------------------------------------------------- driver (parent)
def run_child(engine: str, contacts: int, seed: int) -> dict[str, Any]:
    """Run one engine in a fresh interpreter and return what it reported."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--engine", engine]
    cmd += ["--contacts", str(contacts), "--seed", str(seed)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{engine} run failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median wall time and throughput, largest peak RSS, estimates from the first run."""
    first = runs[0]
    rates = [r["contacts"] / r["wall_s"] for r in runs]
    return {
        "engine": first["engine"],
        "contacts": first["contacts"],
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_contacts_per_s": statistics.median(r["contacts"] / r["cpu_s"] for r in runs)
        if all("cpu_s" in r for r in runs)
        else math.nan,
        "contacts_per_s": statistics.median(rates),
        "rate_min": min(rates),
        "rate_max": max(rates),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "import_rss_mb": max(r["import_rss_mb"] for r in runs),
        "phases_s": first["phases_s"],
        "est": estimates(first["batches"]),
    }


def fmt_est(value: float, half: float, digits: int) -> str:
    return f"{value:.{digits}f} ± {half:.{digits}f}"


def report(ccsim: dict[str, Any], ciw: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Print the comparison table and return the JSON summary."""
    theory = erlang_a_theory()
    check = analytic_cross_check()
    offered = ARRIVAL_RATE * MEAN_AHT_S
    print(
        f"M/M/{AGENTS}+M: lambda = {ARRIVAL_RATE}/s, exponential AHT {MEAN_AHT_S:.0f} s "
        f"({offered:.0f} erlangs offered), exponential patience mean {MEAN_PATIENCE_S:.0f} s"
    )
    print(
        f"runs per engine: {repeat} (median throughput"
        + (", min-max in brackets)" if repeat > 1 else ")")
    )
    print()
    head = f"{'engine':<8}{'contacts':>11}{'wall s':>9}{'contacts/s':>12}{'peak RSS MB':>13}"
    head += f"{'(imports)':>11}"
    print(head)
    for s in (ccsim, ciw):
        line = f"{s['engine']:<8}{s['contacts']:>11,}{s['wall_s']:>9.2f}"
        line += f"{s['contacts_per_s']:>12,.0f}{s['peak_rss_mb']:>13.0f}{s['import_rss_mb']:>11.0f}"
        if repeat > 1:
            line += f"   [{s['rate_min']:,.0f}-{s['rate_max']:,.0f}]"
        print(line)
    if ccsim["phases_s"]:
        ph = ccsim["phases_s"]
        print(
            f"  ccsim: compile {ph['compile']:.3f} s, simulate (demand + engine + log) "
            f"{ph['simulate']:.2f} s"
        )
    if ciw["contacts"] != ccsim["contacts"] and abs(ciw["contacts"] / ccsim["contacts"] - 1) > 0.05:
        print(
            f"  note: Ciw ran on a smaller slice ({ciw['contacts']:,} contacts, same workload, "
            "shorter horizon); its contacts/s is compared, its peak RSS is for that slice"
        )
    ratio = ccsim["contacts_per_s"] / ciw["contacts_per_s"]
    print(f"  throughput ratio ccsim / Ciw: {ratio:.1f}x")
    print()
    print("Estimates (finished contacts; ± 95% batch-means half-width, 20 batches) vs Erlang A:")
    print(f"{'':<26}{'P(wait)':>18}{'P(abandon)':>20}{'mean wait s':>18}")
    for s in (ccsim, ciw):
        e = s["est"]
        print(
            f"{s['engine']:<26}{fmt_est(*e['p_wait'], 4):>18}"
            f"{fmt_est(*e['p_abandon'], 5):>20}{fmt_est(*e['mean_wait_s'], 3):>18}"
        )
    print(
        f"{'Erlang A (birth-death)':<26}{theory['p_wait']:>18.4f}"
        f"{theory['p_abandon']:>20.5f}{theory['mean_wait_s']:>18.3f}"
    )
    if check is not None:
        print(
            f"{'  sim.analytic.erlang_a':<26}{check['p_wait']:>18.4f}"
            f"{check['p_abandon']:>20.5f}{check['mean_wait_s']:>18.3f}"
        )
    return {
        "ccsim_contacts_per_s": round(ccsim["contacts_per_s"]),
        "ciw_contacts_per_s": round(ciw["contacts_per_s"]),
        "ratio": round(ratio, 2),
        "ccsim_peak_rss_mb": round(ccsim["peak_rss_mb"], 1),
        "ciw_peak_rss_mb": round(ciw["peak_rss_mb"], 1),
        "contacts": ccsim["contacts"],
        "ciw_contacts": ciw["contacts"],
    }


def report_journeys(plain: dict[str, Any], journeys: dict[str, Any]) -> dict[str, Any]:
    """Print the journeys workload's throughput beside the plain one's."""
    ratio = journeys["contacts_per_s"] / plain["contacts_per_s"]
    cpu_ratio = journeys["cpu_contacts_per_s"] / plain["cpu_contacts_per_s"]
    print()
    print(
        f"Journeys workload ({len(LANGUAGES)} languages, {SITES} sites, bot, FCR repeats, "
        "redials, callbacks, secondary skills, overflow, ACW; same offered first contacts):"
    )
    print(f"  {'plain':<10}{plain['contacts']:>11,} contacts {plain['contacts_per_s']:>12,.0f}/s")
    print(
        f"  {'journeys':<10}{journeys['contacts']:>11,} contacts "
        f"{journeys['contacts_per_s']:>12,.0f}/s   ({ratio:.0%} of plain; target >= 60%)"
    )
    print(
        f"  per CPU second (the child's process time; steadier on a shared machine): plain "
        f"{plain['cpu_contacts_per_s']:,.0f}/s, journeys {journeys['cpu_contacts_per_s']:,.0f}/s "
        f"({cpu_ratio:.0%})"
    )
    return {
        "journeys_contacts_per_s": round(journeys["contacts_per_s"]),
        "journeys_contacts": journeys["contacts"],
        "journeys_ratio_to_plain": round(ratio, 3),
        "journeys_ratio_to_plain_cpu": round(cpu_ratio, 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--contacts", type=int, default=None, help="expected contacts (1,000,000)")
    parser.add_argument("--quick", action="store_true", help=f"~{QUICK_CONTACTS:,} contacts")
    parser.add_argument(
        "--ciw-contacts", type=int, default=None, help="run Ciw on fewer contacts (default: same)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine, alternating")
    parser.add_argument(
        "--engine",
        choices=("ccsim", "ciw", "journeys"),
        help="run one engine in this process (internal)",
    )
    args = parser.parse_args(argv)
    contacts = args.contacts or (QUICK_CONTACTS if args.quick else DEFAULT_CONTACTS)

    if args.engine is not None:
        if args.engine == "ciw":
            result = run_ciw(contacts, args.seed)
        else:
            result = run_ccsim(contacts, args.seed, journeys=args.engine == "journeys")
        print(json.dumps(result))
        return

    ciw_contacts = args.ciw_contacts or contacts
    runs: dict[str, list[dict[str, Any]]] = {"ccsim": [], "ciw": [], "journeys": []}
    for i in range(args.repeat):
        runs["ccsim"].append(run_child("ccsim", contacts, args.seed + i))
        runs["ciw"].append(run_child("ciw", ciw_contacts, args.seed + i))
        runs["journeys"].append(run_child("journeys", contacts, args.seed + i))
    plain = summarize(runs["ccsim"])
    summary = report(plain, summarize(runs["ciw"]), args.repeat)
    summary.update(report_journeys(plain, summarize(runs["journeys"])))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
