#!/usr/bin/env bash
# Install headless Chromium and its WebDriver for the dashboard's browser tests (dash[testing]).
# Idempotent: does nothing when `chromedriver` is already on PATH. Debian/Ubuntu, as root or via sudo.
# fonts-liberation gives the Arial-compatible sans-serif that plotly asks for (readable screenshots).
set -euo pipefail

if command -v chromedriver >/dev/null 2>&1; then
  echo "chromedriver already installed: $(command -v chromedriver)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: apt-get not found; install Chromium and a matching chromedriver by hand" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "error: run as root (or install sudo) to install chromium and chromium-driver" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver fonts-liberation

echo "installed: $(chromedriver --version)"
