"""Malformed call logs and unsafe outputs get a clear message and exit code 2, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
BANK_HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
    "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
)
BANK_ROW = (
    "AA0101\t1\t0\t2\tPS\t990201\t{entry}\t7:02:56\t9\t7:02:56\t7:03:10\t14\tAGENT\t7:03:10\t"
    "7:05:41\t151\tDORIT\n"
)


def _calibrate(tmp_path, content: str, *args: str, name: str = "log.tsv"):
    path = tmp_path / name
    path.write_text(content)
    return runner.invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "s.yaml"),
                               "--report", str(tmp_path / "r"), *args])  # fmt: skip


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("", (), "empty"),
        (BANK_HEADER, (), "no calls"),
        ("a\tb\n1\t2\n", (), "missing column"),
        (BANK_HEADER + BANK_ROW.format(entry="7:0x:47"), (), "not a clock time"),
        (BANK_HEADER + BANK_ROW.format(entry="7:02:47").replace("990201", "99021"), (),
         "not a date"),
        (BANK_HEADER + BANK_ROW.format(entry="7:02:47").replace("AGENT", "MAYBE"), (),
         "use AGENT, HANG or PHANTOM"),
        ("arrival,type,outcome,wait_s,service_s\nyesterday,A,served,1,60\n", ("--format", "csv"),
         "not a date and time"),
        ("arrival,type,outcome,wait_s\n2024-01-01 09:00:00,A,served,1\n", ("--format", "csv"),
         "missing column"),
        ("arrival,type,outcome,wait_s,service_s\n2024-01-01 09:00:00,A,hung,1,60\n",
         ("--format", "csv"), "use one of"),
        ("arrival,type,outcome,wait_s,service_s\n2024-01-01 09:00:00,A,served,x,60\n",
         ("--format", "csv"), "not a number"),
        ("x", ("--format", "excel"), "unknown log format"),
        (BANK_HEADER + BANK_ROW.format(entry="7:02:47"), ("--timezone", "Mars/Olympus"),
         "unknown time zone"),
        (BANK_HEADER + BANK_ROW.format(entry="7:02:47"), ("--availability", "lots"),
         "--availability"),
    ],
)  # fmt: skip
def test_malformed_logs_exit_2(tmp_path, content, args, message):
    """Each malformed input names the problem (column, row, allowed values) and exits 2."""
    result = _calibrate(tmp_path, content, *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "s.yaml").exists() and not (tmp_path / "r").exists()


def test_missing_file_exits_2(tmp_path):
    """A log path that does not exist is a user error."""
    result = runner.invoke(app, ["calibrate", str(tmp_path / "nope.tsv")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_existing_outputs_are_never_overwritten(tmp_path):
    """An existing scenario file or report folder is refused before any work is done."""
    (tmp_path / "s.yaml").write_text("keep me")
    result = _calibrate(tmp_path, BANK_HEADER + BANK_ROW.format(entry="7:02:47"))
    assert result.exit_code == 2 and "already exists" in result.output
    assert (tmp_path / "s.yaml").read_text() == "keep me"
