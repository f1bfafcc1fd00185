#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang-16 and AddressSanitizer +
# UndefinedBehaviorSanitizer in build-fuzz/, and runs each for a bounded time
# on seeds made by the test generator (chartroom-hostile-corpus).
#   bash scripts/fuzz.sh            # 25 s per target
#   bash scripts/fuzz.sh 300        # 5 minutes per target
#   FUZZ_SEED=1 bash scripts/fuzz.sh 20   # the same inputs in the same order each run (CI)
# Needs a normal build in build/ first (scripts/build.sh) for the generator.
# A crash stops the script with exit status 1; the input that crashed is kept
# in build-fuzz/crashes/ (replay it: build-fuzz/fuzz/fuzz_tiff FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-25}"
seed="${FUZZ_SEED:-0}"  # 0: libFuzzer picks one (printed in each target's log)
targets=(fuzz_tiff fuzz_png fuzz_jpeg fuzz_pdf fuzz_patients_csv fuzz_patients_fhir)

generator=build/tests/hostile/chartroom-hostile-corpus
if [[ ! -x "$generator" ]]; then
  echo "fuzz.sh: $generator is missing; run scripts/build.sh first" >&2
  exit 2
fi

CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCHARTROOM_FUZZ=ON -DCHARTROOM_SANITIZE=address,undefined -DCHARTROOM_BUILD_TESTS=OFF \
  -DCHARTROOM_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --parallel "$(nproc)" --target "${targets[@]}"

work=build-fuzz/run
rm -rf "$work"
mkdir -p "$work" build-fuzz/crashes
"$generator" "$work/generated" >/dev/null
declare -A seeds=([fuzz_tiff]=tiff [fuzz_png]=raster [fuzz_jpeg]=raster [fuzz_pdf]=pdf [fuzz_patients_csv]=csv
                  [fuzz_patients_fhir]=fhir)

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# fontconfig's caches (Poppler, for PDF pages with text) live for the whole process.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
status=0
printf '%-20s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  corpus="$work/corpus-$t"
  mkdir -p "$corpus"
  log="$work/$t.log"
  result=ok
  if ! "build-fuzz/fuzz/$t" "$corpus" "$work/generated/seeds/${seeds[$t]}" -max_total_time="$seconds" -seed="$seed" \
       -timeout=20 -rss_limit_mb=2560 -max_len=1048576 -print_final_stats=1 \
       -artifact_prefix="build-fuzz/crashes/$t-" >"$log" 2>&1; then
    result="CRASH (see $log and build-fuzz/crashes/)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  files=$(find "$corpus" -type f | wc -l)
  printf '%-20s %12s %10s %8s  %s\n' "$t" "$runs" "$speed" "$files" "$result"
  if [[ $result != ok ]]; then tail -40 "$log" >&2; fi
done
exit $status
