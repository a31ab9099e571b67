#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine, then ruff, mypy and the whole suite
# (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
bash scripts/setup-browser.sh
# code health first: lint, format and types (mypy's config and its known, shrinking list: pyproject.toml)
python -m ruff check .
python -m ruff format --check .
python -m mypy
python -m pytest --headless "$@"
