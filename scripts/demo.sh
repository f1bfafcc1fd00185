#!/usr/bin/env bash
# chartroom's main job on a sample batch: install what is missing, build, make
# a batch of realistic scanned chart pages, import the patient index, ingest
# the batch into a local store and show what was filed.
#   bash scripts/demo.sh            # store in ./chartroom-store, batch in ./sample
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh
export OMP_THREAD_LIMIT=1

rm -rf sample chartroom-store
echo "== Making a sample batch of scanned chart pages in ./sample"
./build/tests/gen/chartroom-testpages --out sample --documents 6 --seed 7
# A transfer that failed half-way leaves an empty file: it must be quarantined, not lost.
: > sample/batch/interrupted_transfer.tif
echo "== Importing the patient index"
./build/app/chartroom patients import sample/roster.csv --store chartroom-store --create
echo "== Ingesting ./sample/batch"
./build/app/chartroom ingest sample/batch --store chartroom-store || status=$?
echo "== Documents in the store"
./build/app/chartroom documents --store chartroom-store
echo
echo "== Every page of the batch, and what became of it"
./build/app/chartroom pages --store chartroom-store
echo
echo "Try: ./build/app/chartroom search 'history' --store chartroom-store"
echo "     ./build/app/chartroom review list --store chartroom-store"
exit "${status:-0}"
