#!/usr/bin/env bash
# Installs what is missing, builds chartroom with its tests, and runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh
export OMP_THREAD_LIMIT=1
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
