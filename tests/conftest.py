"""Shared fixtures: paths to bundled data, and the test helpers on the import path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))


@pytest.fixture(scope="session")
def cases_path() -> Path:
    return TESTS / "data" / "queueing_cases.json"
