"""Small scenarios for the experiment tests, as dicts and as YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import single_queue


def small_dict(**kw) -> dict:
    """A quarter-day M/M/20+M queue (about 1,100 contacts): quick to replicate many times."""
    base = {"rate_per_s": 0.05, "aht_s": 300.0, "agents": 18, "patience_s": 180.0, "days": 0.25}
    return single_queue(**(base | kw))


@pytest.fixture
def small_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_dict(), sort_keys=False))
    return path
