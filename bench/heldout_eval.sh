#!/bin/bash
# The held-out evaluation set (bench/heldout/): render it, ingest it, score it against its truth.
#
#   bash bench/heldout_eval.sh                               # standard profile, seed 101, ~120 pages
#   PROFILE=hard SEED=202 PAGES=80 bash bench/heldout_eval.sh
#   CHARTROOM=path/to/chartroom BASELINE=path/to/old/chartroom bash bench/heldout_eval.sh
#
# Never tune on this set: read its totals, not its pages. See bench/README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PROFILE="${PROFILE:-standard}"
SEED="${SEED:-101}"
PAGES="${PAGES:-120}"
CHARTROOM="${CHARTROOM:-$ROOT/build/app/chartroom}"
BASELINE="${BASELINE:-}"
OUT="${OUT:-${TMPDIR:-/tmp}/chartroom-heldout-$PROFILE-$SEED-$PAGES}"
PY=/usr/bin/python3   # Debian's Python with Debian's Pillow, not a pyenv one

need=()
for p in python3-pil python3-numpy fonts-crosextra-carlito fonts-crosextra-caladea fonts-texgyre \
         fonts-courier-prime fonts-noto-mono; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi

[ -x "$CHARTROOM" ] || { echo "no chartroom binary at $CHARTROOM (bash scripts/build.sh, or CHARTROOM=...)" >&2; exit 2; }
if [ ! -f "$OUT/truth.json" ]; then
  rm -rf "$OUT"
  "$PY" "$HERE/heldout/make_set.py" --out "$OUT" --seed "$SEED" --pages "$PAGES" --profile "$PROFILE" --chartroom "$CHARTROOM"
fi
args=(--set "$OUT" --chartroom "$CHARTROOM" --label "${LABEL:-chartroom}")
[ -n "$BASELINE" ] && args+=(--compare "$BASELINE" --compare-label "${BASELINE_LABEL:-baseline}")
exec "$PY" "$HERE/heldout/score.py" "${args[@]}"
