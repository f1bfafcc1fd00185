#!/usr/bin/env bash
# A migration run of `chartroom ingest`: pages per minute, peak memory at two
# batch sizes (it must stay flat as the page count grows: pages stream through
# a bounded queue), and the share of worker time spent outside Tesseract.
#
# Generates LARGE pages (default 1000) of scanned charts, ingests the first
# SMALL of them (default 250) into one store and all LARGE into another, each
# under /usr/bin/time -v, and prints both. OCR time is what the workers spent
# inside ocr::Engine::read (the report's `ocr_seconds`); the rest is decoding,
# cleaning, classifying, filing and waiting.
#
# Each run is then checked against the generator's truth: misfiled documents
# (must be 0), documents filed whole and right, orientation and skew of every
# page as `pages --json` reports them.
#
# Beside them, on the same machine and the first BASE pages (default 100),
# plain `tesseract FILE OUT pdf` runs WORKERS processes at a time: what a site
# without chartroom would run to get searchable PDFs. Its pages per minute is
# the baseline for chartroom's, so the ratio holds on a noisy machine.
#
#   bash bench/migration_bench.sh                     # 250 vs 1000 pages (about 25 minutes on 2 cores)
#   SMALL=60 LARGE=240 bash bench/migration_bench.sh  # a quicker look; scale the figures
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SMALL:-250}
LARGE=${LARGE:-1000}
WORKERS=${WORKERS:-2}
BASE=${BASE:-100}
[[ -x build/app/chartroom ]] || bash scripts/build.sh
export OMP_THREAD_LIMIT=1

work=$(mktemp -d /tmp/chartroom-migration.XXXXXX)
trap 'rm -rf "$work"' EXIT

# chartroom-testpages writes 1-3 pages per document and at most 500 documents
# per call: several seeds into sub-folders until there are LARGE pages.
mkdir -p "$work/all" "$work/small" "$work/large"
seed=1
count_pages() { python3 -c "
import json,glob
print(sum(len(d['pages']) for f in glob.glob('$work/gen-*/truth.json') for d in json.load(open(f))['documents']))"; }
while [[ $(count_pages 2>/dev/null || echo 0) -lt $LARGE ]]; do
  docs=$(( LARGE / 2 + 2 < 200 ? LARGE / 2 + 2 : 200 ))
  ./build/tests/gen/chartroom-testpages --out "$work/gen-$seed" --documents "$docs" --seed "$seed" >/dev/null
  seed=$((seed + 1))
done
# Take whole files, in order, up to SMALL and LARGE pages (roster of every seed imported).
python3 - "$work" "$SMALL" "$LARGE" "$BASE" <<'PY'
import json, glob, os, sys, shutil
work, small, large, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
taken = {"small": 0, "large": 0}
baseline, base_pages = open(f"{work}/baseline.list", "w"), 0
for truth in sorted(glob.glob(f"{work}/gen-*/truth.json"), key=lambda p: int(p.split("gen-")[1].split("/")[0])):
    gen = os.path.dirname(truth)
    for doc in json.load(open(truth))["documents"]:
        files = sorted({p["file"] for p in doc["pages"]})
        for which, limit in (("small", small), ("large", large)):
            if taken[which] >= limit:
                continue
            for f in files:
                src = os.path.join(gen, f)  # "batch/scan_0001.tif", "batch/clinic_scan_0003/page_1.png"
                dst = os.path.join(work, which, os.path.basename(gen), os.path.relpath(f, "batch"))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(src, dst)
                if which == "small" and base_pages < base:
                    baseline.write(dst + "\n")
            if which == "small" and base_pages < base:
                base_pages += len(doc["pages"])
            taken[which] += len(doc["pages"])
print(f"pages: small {taken['small']}, large {taken['large']}, baseline {base_pages}")
open(f"{work}/baseline.pages", "w").write(str(base_pages))
PY

# The baseline: plain tesseract, WORKERS processes, same pages, same machine.
mkdir -p "$work/tess"
base_start=$(date +%s.%N)
nl -ba "$work/baseline.list" | while read -r n f; do printf '%s\0%s\0' "$f" "$work/tess/$n"; done |
  xargs -0 -n 2 -P "$WORKERS" sh -c 'tesseract "$1" "$2" pdf >/dev/null 2>&1' _
base_end=$(date +%s.%N)
python3 -c "print($base_end - $base_start)" > "$work/baseline.seconds"

run() {  # run NAME: ingest $work/NAME into its own store
  for roster in "$work"/gen-*/roster.csv; do
    ./build/app/chartroom patients import --create "$roster" --store "$work/store-$1" >/dev/null
  done
  /usr/bin/time -v ./build/app/chartroom ingest "$work/$1" --store "$work/store-$1" --workers "$WORKERS" --json \
    > "$work/$1.json" 2> "$work/$1.time" || true
}
run small
run large
for name in small large; do  # what was filed, for the check against the generator's truth
  ./build/app/chartroom pages --json --store "$work/store-$name" > "$work/$name.pages.json"
  ./build/app/chartroom documents --json --store "$work/store-$name" > "$work/$name.documents.json"
done

python3 - "$work" "$WORKERS" <<'PY'
import csv, glob, json, os, re, sys
work, workers = sys.argv[1], int(sys.argv[2])

def check_against_truth(name):
    """Documents and pages as filed, against what the generator made: misfiles
    (a filed document whose patient is not the one on its pages, or that holds
    pages of two documents), documents filed whole, orientation and skew."""
    truth_page = {}  # source as ingested -> (truth document number, page truth)
    documents = []
    # Every seed's roster is imported, so a patient left out of one seed's
    # roster ("not in the index" there) may be in the index through another's.
    index = {row["mrn"] for roster in glob.glob(f"{work}/gen-*/roster.csv") for row in csv.DictReader(open(roster))}
    for truth in glob.glob(f"{work}/gen-*/truth.json"):
        gen = os.path.basename(os.path.dirname(truth))
        for doc in json.load(open(truth))["documents"]:
            documents.append(doc)
            for page in doc["pages"]:
                source = os.path.join(work, name, gen, os.path.relpath(page["file"], "batch"))
                truth_page[(source, page.get("index", 0))] = (len(documents) - 1, page)
    pages = json.load(open(f"{work}/{name}.pages.json"))
    filed = json.load(open(f"{work}/{name}.documents.json"))
    by_document, orientation_right, skew_errors, seen = {}, 0, [], set()
    for p in pages:
        t = truth_page.get((p["source"], p["index"]))
        if t is None:
            continue
        seen.add(t[0])
        if p["document"]:
            by_document.setdefault(p["document"], set()).add(t[0])
        if not p["blank"]:
            orientation_right += p["orientation"] == t[1].get("orientation", 0)
            skew_errors.append(abs(p["skew"] - t[1].get("skew_degrees", 0)))
    misfiled = whole = 0
    for d in filed:
        if d["state"] != "filed":
            continue
        sources = by_document.get(d["id"], set())
        truth_mrn = documents[next(iter(sources))]["mrn"] if len(sources) == 1 else None
        right = truth_mrn is not None and d["patient"] is not None and d["patient"]["mrn"] == truth_mrn
        misfiled += not right
        whole += right
    in_roster = sum(documents[i]["mrn"] in index for i in seen)
    n = max(1, len(skew_errors))
    return (f"check against the truth: {misfiled} misfiled, {whole} of {in_roster} documents of patients in the "
            f"index filed ({100 * whole / max(1, in_roster):.1f}%), orientation right on {orientation_right} of "
            f"{len(skew_errors)} pages ({100 * orientation_right / n:.2f}%), skew mean error "
            f"{sum(skew_errors) / n:.3f} deg (max {max(skew_errors, default=0):.3f})")
base_pages = int(open(f"{work}/baseline.pages").read())
base_secs = float(open(f"{work}/baseline.seconds").read())
base_rate = base_pages / base_secs * 60
print(f"baseline: {base_pages:5} pages in {base_secs:7.1f} s = {base_rate:6.1f} pages/min "
      f"(plain tesseract, {workers} at a time, no cleaning, classifying or filing)")
for name in ("small", "large"):
    r = json.load(open(f"{work}/{name}.json"))
    t = open(f"{work}/{name}.time").read()
    rss_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    secs = r["seconds"]
    outside = 1 - r.get("ocr_seconds", 0) / (workers * secs) if secs > 0 else 0
    print(f"{name:5}: {r['pages']:5} pages in {secs:7.1f} s = {r['pages'] / secs * 60:6.1f} pages/min, "
          f"peak RSS {rss_mb:6.1f} MB, time outside OCR {outside * 100:4.1f}% "
          f"(filed {r['pages_filed']}, review {r['pages_review']}, quarantined {r['pages_quarantined']}, "
          f"blank {r['pages_dropped_blank']}); {r['pages'] / secs * 60 / base_rate:.2f}x the baseline's pages/min")
    print("       " + check_against_truth(name))
PY
