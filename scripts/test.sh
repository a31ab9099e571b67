#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine, then the whole suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
bash scripts/setup-browser.sh
python -m pytest --headless "$@"
