"""docs/calibration.md's 2003 forecast-vs-actual example is what its own commands print."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]


def _example() -> tuple[list[str], str]:
    doc = (ROOT / "docs/calibration.md").read_text()
    section = doc.split("## Back-testing your plan")[1].split("\n## ")[0]
    example = section.split("The 2003 bank volumes make")[1]
    commands = [ln for ln in example.split("```bash")[1].split("```")[0].splitlines()
                if ln.startswith("ccsim ")]  # fmt: skip
    printed = example.split("```text")[1].split("```")[0]
    return commands, printed


def test_documented_2003_volume_backtest_is_the_tool_output(tmp_path, monkeypatch):
    """Running the documented forecast import and back-test (deterministic: no simulation in the
    back-test) prints the documented figures, and writes the HTML report."""
    commands, printed = _example()
    assert [c.split()[1] for c in commands] == ["forecast", "backtest"]
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    outputs = []
    for command in commands:
        args = shlex.split(command)[1:]
        args = [str(tmp_path / a) if a.endswith((".yaml", ".html")) and not Path(a).exists()
                else a for a in args]  # fmt: skip
        if args[0] == "forecast":
            args += ["--replications", "2"]  # the plan does not depend on the variance check
        result = runner.invoke(app, [*args, "--quiet"] if args[0] == "backtest" else args)
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    got = " ".join(outputs[1].split())
    assert got.startswith(" ".join(printed.split()))
    assert (tmp_path / "backtest_2003.html").read_text().count("plotly") > 0
