#!/usr/bin/env bash
# Configures and builds chartroom into build/ (used by demo.sh and test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
if [[ "${CI:-}" == "true" ]]; then extra+=(-DCHARTROOM_WERROR=ON); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${extra[@]}" "$@" >/dev/null
cmake --build build --parallel "$(nproc)"
