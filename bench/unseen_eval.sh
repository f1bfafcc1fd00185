#!/usr/bin/env bash
# The unseen evaluation set (issue 21): renders scanned chart batches with a
# generator written independently of tests/gen, ingests them into a fresh
# store and scores what chartroom filed. A development set since 2026-12-04
# (chartroom was fixed on its findings); the held-out set is bench/heldout/.
#
#   bash bench/unseen_eval.sh                              # standard profile, seed 1, ~120 pages
#   PROFILE=hard SEED=2 PAGES=90 bash bench/unseen_eval.sh
#   VERBOSE=1 bash bench/unseen_eval.sh                    # also why each document was not filed
#
# Environment: PROFILE (standard|hard), SEED, PAGES, PADDING (index entries of
# nobody in the set, default 5000), OUT (default build/unseen/PROFILE-SEED),
# CONFIG (a chartroom.toml for import and ingest; default chartroom's own
# defaults), CHARTROOM (default ./build/app/chartroom; this script builds nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-standard}
SEED=${SEED:-1}
PAGES=${PAGES:-120}
PADDING=${PADDING:-5000}
OUT=${OUT:-build/unseen/${PROFILE}-${SEED}}
CHARTROOM=${CHARTROOM:-./build/app/chartroom}
PY=/usr/bin/python3   # Debian's python: Pillow and numpy come from Debian packages, not pip

if [[ ! -x "$CHARTROOM" ]]; then
  echo "unseen_eval: no chartroom binary at $CHARTROOM; build it first: bash scripts/build.sh" >&2
  exit 2
fi

missing=()
for pkg in python3 python3-pil python3-numpy fonts-freefont-ttf fonts-dejavu-core fonts-liberation2; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  echo "unseen_eval: installing ${missing[*]} (Debian packages)" >&2
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

rm -rf "$OUT"
mkdir -p "$OUT"
echo "unseen_eval: rendering profile $PROFILE, seed $SEED, ~$PAGES pages into $OUT" >&2
t0=$(date +%s)
$PY bench/unseen/make_set.py --out "$OUT" --profile "$PROFILE" --seed "$SEED" --pages "$PAGES" \
  --padding "$PADDING" --chartroom "$CHARTROOM"
t1=$(date +%s)
echo "unseen_eval: rendered in $((t1 - t0)) s; ingesting into a fresh store (OMP_THREAD_LIMIT=1)" >&2
score_args=("$OUT" --chartroom "$CHARTROOM" --json "$OUT/results.json")
[[ -n "${CONFIG:-}" ]] && score_args+=(--config "$CONFIG")
[[ -n "${KEEP_STORE:-}" ]] && score_args+=(--store "$OUT/store")
$PY bench/unseen/score.py "${score_args[@]}" | tee "$OUT/results.md"
echo "unseen_eval: results in $OUT/results.json and $OUT/results.md ($(( $(date +%s) - t0 )) s in all;" \
     "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))" >&2
