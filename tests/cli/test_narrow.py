"""`ccsim run` at 80 columns: nothing wider than the terminal and no value split across lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"\d[\d,.]*")


def _run_report(columns: int) -> str:
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", "from sim.cli import main; main()", "run", "--replications", "2",
         "--quiet"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=True,
    )  # fmt: skip
    return out.stdout


def test_run_at_80_columns_wraps_no_number():
    """Every line fits 80 columns; every number printed at 80 is a number printed when wide."""
    narrow, wide = _run_report(80), _run_report(200)
    lines = narrow.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    wide_numbers = set(NUMBER.findall(wide))
    split = [n for n in NUMBER.findall(narrow) if n not in wide_numbers]
    assert split == []
    assert not [line for line in lines if line.rstrip().endswith("±")], "CI split from its value"
    for part in ("FCR", "contained", "per resolved", "staffing needs", "targets: voice"):
        assert part in narrow, part
