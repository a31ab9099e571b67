"""The command line as users script it: JSON shapes, exit codes, output folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def default_json() -> dict:
    result = _run("run", "--replications", "3", "--seed", "5", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _documented_keys(shape: str) -> list[list[str]]:
    """The quoted keys of a JSON shape as README writes it, by nesting level (1 = top)."""
    levels: list[list[str]] = [[] for _ in range(8)]
    depth = 0
    for token in re.findall(r'[{}]|"\w+"', shape):
        depth += {"{": 1, "}": -1}.get(token, 0)
        if token.startswith('"'):
            levels[depth].append(token.strip('"'))
    return levels


def test_readme_json_shape_is_what_run_prints(default_json):
    """README's `ccsim run --json` shape names exactly the top-level keys, the scenario's and the
    KPI blocks' keys that the command prints."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shape = re.search(r"`ccsim run --json` prints `([^`]*)`", readme).group(1)
    levels = _documented_keys(shape)
    assert set(levels[1]) == set(default_json)
    assert {"name", "hash", "source"} == set(default_json["scenario"]) <= set(levels[2])
    assert set(default_json["kpis"]) <= set(levels[2])


def test_run_json_shape(default_json):
    """`ccsim run --json` prints the documented object: scenario, seed, kpis, conservation."""
    data = default_json
    assert data["seed"] == 5 and data["replications"] == 3
    assert data["scenario"]["name"] == "default"
    overall = data["kpis"]["overall"]
    for metric in ("service_level", "asa_s", "abandon_rate", "aht_s", "occupancy", "offered"):
        assert set(overall[metric]) == {"mean", "ci95_low", "ci95_high"}
        assert (
            overall[metric]["ci95_low"] <= overall[metric]["mean"] <= overall[metric]["ci95_high"]
        )
    assert set(data["kpis"]["by_queue"]) == {
        "en_voice_us", "es_voice_es", "fr_voice_ca", "en_chat_us", "es_chat_es", "en_email_us",
        "es_email_es", "fr_email_ca",
    }  # fmt: skip
    assert set(data["kpis"]["by_site"]) == {"mexico_city", "manila", "montreal"}
    assert data["conservation"]["holds"] is True
    assert len(data["conservation"]["replications"]) == 3


def test_default_scenario_is_plausible(default_json):
    """The bundled default looks like a real operation: SL near 80/20, occupancy 70-90%, and it
    shows the whole mission: a chatbot containing chats, FCR below 1 with repeats, costs."""
    overall = default_json["kpis"]["overall"]
    assert 0.2 <= overall["bot_containment"]["mean"] <= 0.4
    assert 0.7 <= overall["fcr"]["mean"] < 0.95 and overall["repeats"]["mean"] > 0
    assert overall["contacts_per_issue"]["mean"] > 1
    assert overall["cost_per_resolved_issue"]["mean"] > overall["cost_per_contact"]["mean"] > 0
    assert {"en", "es", "fr"} <= set(default_json["kpis"]["by_language"])
    voice = {q: v for q, v in default_json["kpis"]["by_queue"].items() if "voice" in q}
    for q in voice.values():
        assert 0.7 <= q["service_level"]["mean"] <= 0.95
        assert q["abandon_rate"]["mean"] < 0.1
    assert 0.7 <= overall["occupancy"]["mean"] <= 0.9


def test_run_is_reproducible():
    """Same scenario and seed, same JSON KPIs."""
    a = json.loads(_run("run", "--replications", "2", "--seed", "9", "--json").stdout)
    b = json.loads(_run("run", "--replications", "2", "--seed", "9", "--json").stdout)
    assert a["kpis"] == b["kpis"]


def test_run_table_output():
    """Without --json the mission report is printed: header, queues, journeys, costs, staffing."""
    result = _run("run", "--replications", "2")
    assert result.exit_code == 0
    out = result.stdout
    assert "en_voice_us" in out and "±" in out and "occ." in out
    for part in (
        "onshore",
        "nearshore",
        "offshore",
        "targets: voice 80% in 20 s",
        "FCR",
        "contained",
        "per resolved",
        "staffing needs",
        "ccsim staff",
    ):
        assert part in out, part


def test_out_folder_written_and_never_overwritten(tmp_path):
    """--out writes Parquet and JSON; a second run to the same folder exits 2, files intact."""
    import pandas as pd

    out = tmp_path / "run1"
    assert _run("run", "--replications", "2", "--out", str(out)).exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["contacts.parquet", "intervals.parquet", "kpis.parquet",
                     "replications.parquet", "scenario.yaml", "summary.json"]  # fmt: skip
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert set(contacts["replication"]) == {0, 1}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["conservation"]["replications"][0]["offered"] == int(
        (contacts["replication"] == 0).sum()
    )
    before = (out / "summary.json").read_bytes()
    again = _run("run", "--replications", "2", "--out", str(out))
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert (out / "summary.json").read_bytes() == before


BAD_SCENARIOS = {
    "empty": ("", "the file is empty"),
    "not_yaml": ("horizon: [\n", "not valid YAML"),
    "missing": ("horizon: {start: 2026-01-05}\n", "demand: required field is missing"),
    "wrong_type": ("horizon: {start: 2026-01-05, days: many}\ndemand: []\nsites: []\n",
                   "horizon.days"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_SCENARIOS))
def test_bad_scenario_exit_2(tmp_path, name):
    """Each class of bad scenario prints a clear message and exits 2, without a traceback."""
    text, message = BAD_SCENARIOS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    result = _run("run", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_negative_rate_and_unknown_zone_exit_2(tmp_path):
    """Negative volumes and unknown time zones in the default scenario file are caught."""
    from sim.scenario import DEFAULT_SCENARIO

    text = DEFAULT_SCENARIO.read_text()
    bad = text.replace("volume_per_day: 2200", "volume_per_day: -2200").replace(
        "timezone: Asia/Manila", "timezone: Asia/Nowhere"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    result = _run("run", str(path))
    assert result.exit_code == 2
    assert "demand[0].volume_per_day" in result.stderr
    assert "sites[1].timezone" in result.stderr and "Asia/Nowhere" in result.stderr


def test_missing_scenario_file_exit_2(tmp_path):
    result = _run("run", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_bad_option_exit_2():
    """Out-of-range options are usage errors (exit 2)."""
    assert _run("run", "--replications", "0").exit_code == 2


def test_schema_is_json_schema():
    """`ccsim schema` prints a JSON Schema describing the scenario fields."""
    result = _run("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "ccsim scenario"
    assert {"horizon", "demand", "sites"} <= set(schema["required"])


def test_binary_scenario_file_exit_2(tmp_path):
    """A binary (non-UTF-8) file is a user error with a message, not a decode traceback."""
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\x00\x01binary\xff\xfe")
    result = _run("run", str(path))
    assert result.exit_code == 2 and "not a text file in UTF-8" in result.stderr


def test_brackets_in_user_text_are_shown_verbatim(tmp_path):
    """Error messages echo user text with brackets as typed (no rich markup crash or loss)."""
    for name in ("scen[v2].yaml", "x[/b].yaml"):
        result = _run("run", str(tmp_path / name))
        assert result.exit_code == 2
        assert name in result.stderr
