"""Durations in the unit people use: voice and chat waits in seconds, email waits in hours."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
ARGS = ("run", "--replications", "2", "--seed", "3", "--set", "horizon.days=1", "--quiet")


@pytest.fixture(scope="module")
def outputs() -> tuple[str, dict]:
    """The same run as a wide table and as JSON."""
    text = runner.invoke(app, [*ARGS], env={"COLUMNS": "200"}, catch_exceptions=False)
    data = runner.invoke(app, [*ARGS, "--json"], catch_exceptions=False)
    assert text.exit_code == 0 and data.exit_code == 0, text.output + data.output
    return text.stdout, json.loads(data.stdout)


def _service_table(text: str) -> dict[str, dict[str, str]]:
    """The first table with an ASA column, as {queue: {column: cell}} (wide terminal)."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("┃") and "ASA" in line)
    header = [c.strip() for c in lines[at].strip("┃").split("┃")]
    rows: dict[str, dict[str, str]] = {}
    for line in lines[at + 2 :]:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


def test_email_wait_in_hours_voice_and_chat_in_seconds(outputs) -> None:
    """Email ASA is shown in hours, voice and chat ASA in seconds, each equal to the JSON's
    seconds converted to the shown unit; the JSON keeps seconds."""
    text, data = outputs
    table = _service_table(text)
    for queue, unit, factor in (("en_email_us", "h", 3600.0), ("en_voice_us", "s", 1.0),
                                ("en_chat_us", "s", 1.0), ("email", "h", 3600.0)):  # fmt: skip
        number, shown_unit = table[queue]["ASA"].split()[:2]
        assert shown_unit == unit, (queue, table[queue]["ASA"])
        decimals = len(number.split(".")[1]) if "." in number else 0
        seconds = (data["kpis"]["by_queue"] | data["kpis"].get("by_channel", {}))[queue]["asa_s"]
        assert float(number) == pytest.approx(seconds["mean"] / factor, abs=0.51 * 10**-decimals)


def test_all_row_does_not_blend_waits_across_units(outputs) -> None:
    """The `all` row shows volumes and abandonment but no SL, ASA or AHT: channels' units differ."""
    row = _service_table(outputs[0])["all"]
    assert row["offered"] and row["aband."]
    assert row["SL"] == row["ASA"] == row["AHT"] == ""
