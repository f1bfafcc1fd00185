#!/usr/bin/env bash
# Throughput of `chartroom ingest` against plain `tesseract` on the same pages.
#
# Generates about PAGES scanned chart pages (default 100), then runs, on the
# same files and the same two cores:
#   1. chartroom ingest (decode, clean, OCR, classify, file searchable PDFs)
#   2. tesseract FILE OUT pdf, two processes at a time (xargs -P 2), which is
#      what a site without chartroom would run to get searchable PDFs.
# Both get OMP_THREAD_LIMIT=1. The ratio chartroom/tesseract shows the
# pipeline's overhead (cleaning, classification, filing) or gain.
#
#   bash bench/ingest_vs_tesseract.sh            # about 100 pages
#   PAGES=250 bash bench/ingest_vs_tesseract.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-100}
WORKERS=${WORKERS:-2}
[[ -x build/app/chartroom ]] || bash scripts/build.sh
export OMP_THREAD_LIMIT=1

work=$(mktemp -d /tmp/chartroom-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# chartroom-testpages makes 1-3 pages per document; ask for enough documents.
./build/tests/gen/chartroom-testpages --out "$work/sample" --documents $((PAGES / 2)) --seed 11 >/dev/null
./build/app/chartroom patients import --create "$work/sample/roster.csv" --store "$work/store" >/dev/null

start=$(date +%s.%N)
./build/app/chartroom ingest "$work/sample/batch" --store "$work/store" --workers "$WORKERS" --json > "$work/report.json" 2>/dev/null || true
end=$(date +%s.%N)
pages=$(python3 -c "import json;r=json.load(open('$work/report.json'));print(r['pages'])")
chartroom_s=$(echo "$end - $start" | bc -l)

mkdir -p "$work/tess"
start=$(date +%s.%N)
find "$work/sample/batch" -type f \( -name '*.tif' -o -name '*.png' -o -name '*.jpg' \) -print0 |
  xargs -0 -P "$WORKERS" -I{} sh -c 'tesseract "$1" "$2/$(basename "$1")" pdf >/dev/null 2>&1' _ {} "$work/tess"
end=$(date +%s.%N)
tesseract_s=$(echo "$end - $start" | bc -l)

python3 - "$pages" "$chartroom_s" "$tesseract_s" "$WORKERS" <<'PY'
import sys
pages, c, t, w = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"pages: {pages}, workers/processes: {w}")
print(f"chartroom ingest : {c:8.1f} s  {pages / c * 60:7.1f} pages/min")
print(f"tesseract (x{w})  : {t:8.1f} s  {pages / t * 60:7.1f} pages/min")
print(f"chartroom / tesseract throughput ratio: {t / c:.2f}")
PY
