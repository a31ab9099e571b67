"""Small scenarios for the experiment tests, as dicts and as YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import small_queue


@pytest.fixture
def small_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_queue(), sort_keys=False))
    return path
