#!/bin/sh
# Rebuilds the default document-type model (classify/models/doctype.model) from
# ../shared/data/mtsamples_dev.csv, generated forms, letters and pathology
# reports, each note also laid out as scanned pages read by OCR
# (bench/type_corpus*.cpp), and prints its accuracy on held-out notes,
# per-type precision and recall, and its calibration. Deterministic: the same
# input gives the same model bytes. Run from the repository root after a build.
set -eu
BUILD=${BUILD:-build}
"$BUILD/bench/chartroom-type-corpus" "${1:-../shared/data/mtsamples_dev.csv}" > "$BUILD/type-corpus.jsonl"
"$BUILD/app/chartroom" train-types "$BUILD/type-corpus.jsonl" --out classify/models/doctype.model
