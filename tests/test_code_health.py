"""The test command runs ruff and mypy, and mypy's known-failing list spares the core modules."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRICT = ("sim.scenario", "sim.model", "sim.engine", "sim.kpis", "sim.results", "sim.api")


def test_test_script_runs_ruff_and_mypy():
    """scripts/test.sh lints, checks formatting and type-checks before the suite."""
    script = (ROOT / "scripts" / "test.sh").read_text()
    for command in ("ruff check", "ruff format --check", "mypy"):
        assert f"python -m {command}" in script, command


def test_mypy_is_installed_and_strict_on_core_modules():
    """mypy comes with the test extra; no core module is in the ignore_errors list."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(dep.startswith("mypy") for dep in config["project"]["optional-dependencies"]["test"])
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["sim"]
    ignored = [m for o in mypy.get("overrides", []) if o.get("ignore_errors") for m in o["module"]]
    for module in ignored:
        for strict in STRICT:
            assert not (module == strict or module.startswith(strict + ".")), module
            assert not strict.startswith(module.removesuffix(".*") + "."), module
