"""Rough edges new users hit: each a message naming the option and its fix, exit 2, no traceback."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
MMC = "scenarios/teaching_mmc.yaml"


def _cli(*args: str, **kw):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"}, **kw)


def _user_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, word


def test_version():
    """ccsim --version prints the package version and exits 0."""
    result = _cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("ccsim ")


def test_out_creates_missing_parents_and_never_overwrites(tmp_path):
    """--out runs/baseline works where runs/ does not exist; a second run to it exits 2."""
    out = tmp_path / "runs" / "baseline"
    first = _cli("run", MMC, "--replications", "2", "--quiet", "--out", str(out))
    assert first.exit_code == 0, first.output
    files = sorted(p.name for p in out.iterdir())
    second = _cli("run", MMC, "--replications", "2", "--quiet", "--out", str(out))
    _user_error(second, "--out", "already exists")
    assert sorted(p.name for p in out.iterdir()) == files


def test_out_under_a_file_is_refused(tmp_path):
    """--out below a file names the file, exit 2."""
    (tmp_path / "f").write_text("x")
    _user_error(_cli("run", MMC, "--quiet", "--out", str(tmp_path / "f" / "x")), "is a file")


def test_timezone_without_out():
    """--timezone without --out (or --save) is refused, naming both options."""
    _user_error(_cli("run", MMC, "--timezone", "UTC", "--quiet"), "--timezone", "--out")


def test_precision_kpi_help_has_no_emoji():
    """The --precision-kpi help shows DIMENSION:SEGMENT:NAME literally (no emoji)."""
    out = _cli("run", "--help").stdout
    assert "DIMENSION:SEGMENT:NAME" in out and "🔑" not in out


def test_staff_empty_threshold():
    """--target sl=0.9@ is refused with an example of a threshold."""
    _user_error(_cli("staff", MMC, "--target", "sl=0.9@", "--quiet"), "sl=0.9@20")


def test_runs_bogus_kind_and_store_file(tmp_path):
    """runs --kind bogus lists the kinds; runs --store FILE says it is a file; both exit 2."""
    _user_error(_cli("runs", "--kind", "bogus", "--store", str(tmp_path)), "run, compare, sweep")
    (tmp_path / "file").write_text("x")
    _user_error(_cli("runs", "--store", str(tmp_path / "file")), "--store", "is a file")


def test_verify_with_no_supported_case(tmp_path):
    """verify on a file with no case it can check exits 2 instead of reporting a pass."""
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({"cases": []}))
    _user_error(_cli("verify", str(cases), "--quiet"), "no supported case")


def test_calibrate_csv_without_format_gives_a_hint(tmp_path):
    """A .csv log read with the default bank format hints at --format csv."""
    log = tmp_path / "my_calls.csv"
    log.write_text("a,b\n1,2\n")
    _user_error(_cli("calibrate", str(log), "--quiet"), "--format csv")


def test_store_creation_is_announced(tmp_path):
    """A run saved into a store folder that does not exist yet says on stderr that it creates it."""
    store = tmp_path / "store"
    result = _cli("run", MMC, "--replications", "2", "--quiet", "--json", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert f"run store {store} does not exist: creating it" in result.stderr
    assert store.is_dir()


def test_store_with_missing_parent_is_refused(tmp_path):
    """--store under a folder that does not exist (a typo) is refused, creating nothing."""
    store = tmp_path / "typo" / "store"
    for command in (("run", MMC), ("compare", MMC, MMC)):
        args = (*command, "--replications", "2", "--quiet", "--json", "--store", str(store))
        _user_error(_cli(*args), "--store", "does not exist", "mkdir -p")
    assert not (tmp_path / "typo").exists()


def test_staff_simulation_cost_wording():
    """A plan that costs 10.3% more says so (was 'cost -10.3% saved'); a cheaper one, less."""
    from sim.commands.staff import pooling_sentence

    more = {"hours_saving": -0.11, "cost_saving": -0.103, "simulation_hours": 111,
            "erlang_hours": 100}  # fmt: skip
    text = pooling_sentence(more, 0.8)
    assert "needs 11.0% more and costs 10.3% more" in text and "saved" not in text
    less = more | {"hours_saving": 0.05, "cost_saving": 0.04}
    assert "saves 5.0% and costs 4.0% less" in pooling_sentence(less, 0.8)


def test_schedule_min_above_max_headcount():
    """schedule with --min-headcount above --max-headcount names both options, exit 2."""
    args = ["schedule", MMC, "--min-headcount", "school/agents=20"]
    result = _cli(*args, "--max-headcount", "school/agents=10", "--quiet")
    _user_error(result, "--min-headcount school/agents=20", "--max-headcount school/agents=10")


def test_schedule_time_limit_zero():
    """--time-limit 0 is refused by the option's range, exit 2."""
    _user_error(_cli("schedule", MMC, "--time-limit", "0", "--quiet"), "--time-limit")


def test_schedule_existing_plan_names_plan(tmp_path):
    """--plan EXISTING names --plan (not --out) in its message."""
    result = _cli("schedule", MMC, "--plan", str(tmp_path), "--quiet")
    _user_error(result, f"--plan {tmp_path}", "already exists")
    assert "--out" not in result.output


def _volumes(path, minutes: int, days: int = 14, rows: list[str] | None = None):
    """A volume CSV of 08:00-16:00 intervals of `minutes`, calls rising through the day."""
    lines = ["interval_start,calls"]
    for d in range(days):
        for k in range(8 * 60 // minutes):
            h, m = divmod(8 * 60 + k * minutes, 60)
            lines.append(f"2026-01-{5 + d:02d}T{h:02d}:{m:02d}:00,{10 + k + d % 3}")
    path.write_text("\n".join(lines + (rows or [])) + "\n")
    return path


@pytest.mark.parametrize("minutes", [30, 60])
def test_forecast_import_accepts_intervals_dividing_a_day(tmp_path, minutes):
    """30- and 60-min volume files import; each interval's calls spread evenly on 15-min slots."""
    from sim.calibrate.forecast import import_forecast

    path = _volumes(tmp_path / "v.csv", minutes)
    result = _cli("forecast", "import", str(path), "--replications", "2")
    assert result.exit_code == 0, result.output
    assert f"14 days of {minutes}-min volumes" in result.stdout
    fc = import_forecast(path)
    per = minutes // 15
    profile = np.asarray(fc.demand["intraday_profile"])
    first_day = [10 + k for k in range(8 * 60 // minutes)]
    assert fc.interval_s == minutes * 60 and profile[: 8 * 4].sum() == 0
    blocks = profile[8 * 4 : 16 * 4].reshape(-1, per)
    assert np.allclose(blocks, blocks[:, :1]), "calls not spread evenly over the slots"
    mean_calls = np.array(first_day) + 13 / 14  # d % 3 sums to 13 over the 14 days
    shares = mean_calls / mean_calls.sum()
    assert np.allclose(blocks.sum(axis=1), shares, atol=1e-5)
    assert fc.counts.sum().sum() == pytest.approx(sum(first_day) * 14 + 13 * len(first_day))


def test_forecast_import_names_accepted_intervals(tmp_path):
    """A 7-min file (does not divide a day) exits 2 and lists the accepted lengths."""
    path = _volumes(tmp_path / "v.csv", 7)
    _user_error(_cli("forecast", "import", str(path)), "7 min", "divides a day", "15, 16", "60")


def test_forecast_import_rejects_duplicate_intervals(tmp_path):
    """A repeated interval_start exits 2 naming the first duplicate and its rows."""
    path = _volumes(tmp_path / "v.csv", 15, days=2, rows=["2026-01-05T08:15:00,4"])
    _user_error(_cli("forecast", "import", str(path)), "'2026-01-05T08:15:00'", "rows 3, 66",
                "one row per interval")  # fmt: skip


def test_understaffed_is_judged_on_shown_agents():
    """12.0 required and 11.97 covered (shown 12.0 and 12.0) is met; 11.9 covered is short."""
    from sim.staffing.schedule import understaffed

    flags = understaffed(np.array([12.0, 12.0, 12.04, 3.0]), np.array([11.97, 11.9, 12.0, 3.0]))
    assert flags.tolist() == [False, True, False, False]


def test_schedule_counts_only_shown_shortfalls(tmp_path):
    """Capped schedule: the count of understaffed intervals is the rows whose covered agents,
    rounded as shown, fall below the requirement; no row with equal shown values is counted."""
    import pandas as pd

    plan = tmp_path / "plan"
    args = ["schedule", MMC, "--max-headcount", "school/agents=20", "--break", "4:20:7"]
    result = _cli(*args, "--time-limit", "2", "--plan", str(plan), "--json", "--quiet")
    assert result.exit_code == 0, result.output
    cov = pd.read_csv(plan / "coverage.csv")
    shown_short = cov["covered"].round(1) < cov["required"].round(1)
    assert (cov["understaffed"] == shown_short).all()
    assert json.loads(result.stdout)["understaffed_intervals"] == int(shown_short.sum()) > 0


def test_schedule_break_after_shift_end():
    """A --break whose last agent ends after the shortest shift exits 2 naming it and --lengths."""
    result = _cli("schedule", MMC, "--break", "7:30:60", "--lengths", "8,9", "--quiet")
    _user_error(result, "--break 7:30:60", "8.5 h", "8 h shifts", "--lengths")


@pytest.mark.slow
def test_calibration_doc_day_variance_is_what_calibrate_prints(tmp_path):
    """docs/calibration.md quotes the day-to-day variance/mean `ccsim calibrate` prints for the
    bundled bank log (20 replications, seed 1), observed and simulated."""
    import re
    from pathlib import Path

    log = "scenarios/data/anonymous_bank_february_1999.tsv"
    args = ["calibrate", log, "--format", "anonymous-bank", "--out", str(tmp_path / "x.yaml")]
    result = _cli(*args, "--report", str(tmp_path / "report"), "--quiet")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    found = re.search(r"variance/mean (\d+\.\d) observed vs (\d+\.\d) simulated", text)
    assert found, text
    doc = " ".join(Path("docs/calibration.md").read_text().split())
    assert f"variance/mean {found[1]} observed vs {found[2]} simulated" in doc
    assert f"({found[2]} vs {found[1]})" in doc


@pytest.mark.slow
def test_compare_offshore_nearshore_prints_the_trade_off():
    """compare offshore nearshore ends with the verdict: cost, first-contact resolution and
    cost per resolved issue, each with its direction and paired 95% CI, and the service level."""
    import re

    args = ["compare", "scenarios/offshore.yaml", "scenarios/nearshore.yaml"]
    result = _cli(*args, "--replications", "3", "--quiet")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    ci = r"\d+\.\d+%? ± \d+\.\d+%?"
    cost = rf"nearshore costs ({ci} (more|less) than offshore|the same as offshore within noise)"
    fcr = rf"(resolves {ci} points (fewer|more) issues at first contact|first-contact resolution "
    fcr += "unchanged)"
    per_resolved = rf"cost per resolved issue ({ci} (higher|lower)|unchanged)"
    service = r"(service level unchanged|service level (falls|rises))"
    verdict = rf"{cost}; {fcr}.*; {per_resolved}; .*{service}.*\(3 paired replications, 95% CIs\)"
    assert re.search(verdict, text), text[-600:]


@pytest.mark.slow
def test_calibration_doc_forecast_day_variance_is_what_forecast_import_prints():
    """docs/calibration.md quotes the 2003 bank's day variance / Poisson as `ccsim forecast
    import` prints it (default 10 replications, seed 1): observed, simulated and its CI."""
    from pathlib import Path

    path = "scenarios/data/bank_calls_5min_2003.csv"
    result = _cli("forecast", "import", path, "--timezone", "America/New_York", "--json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)["day_variance"]
    low, high = d["simulated_ci95"]
    doc = " ".join(Path("docs/calibration.md").read_text().split())
    quoted = (f"{d['observed_variance_over_poisson']:.1f} observed, "
              f"{d['simulated_variance_over_poisson']:.1f} simulated (95% CI of the mean "
              f"{low:.1f}–{high:.1f}")  # fmt: skip
    assert quoted in doc, quoted
