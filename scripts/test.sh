#!/usr/bin/env bash
# Installs what is missing, builds chartroom with its tests, and runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
# playwright-core for the browser tests, at the version package-lock.json pins
# (it drives Debian's Chromium; it downloads no browser of its own).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
bash scripts/build.sh
export OMP_THREAD_LIMIT=1
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
