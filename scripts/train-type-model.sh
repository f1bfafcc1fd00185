#!/bin/sh
# Rebuilds the default document-type model (classify/models/doctype.model) from
# ../shared/data/mtsamples_dev.csv and generated form pages, and prints its
# accuracy on held-out documents. Run from the repository root after a build.
set -eu
BUILD=${BUILD:-build}
"$BUILD/bench/chartroom-type-corpus" "${1:-../shared/data/mtsamples_dev.csv}" > "$BUILD/type-corpus.jsonl"
"$BUILD/app/chartroom" train-types "$BUILD/type-corpus.jsonl" --out classify/models/doctype.model
