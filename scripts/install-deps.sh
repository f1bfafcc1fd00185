#!/usr/bin/env bash
# Installs the Debian 12 packages chartroom needs to build, run and test.
# Only what is missing is installed; run as root (or with sudo available).
#   bash scripts/install-deps.sh          # build + run
#   bash scripts/install-deps.sh --test   # also the tools the tests use
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd libtesseract-dev libleptonica-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  libtiff-dev libpng-dev libjpeg-dev libfreetype-dev
  libqpdf-dev qpdf libsqlite3-dev sqlite3
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libsodium-dev
  libzxing-dev liblinear-dev
  libcpp-httplib-dev libssl-dev libpoppler-cpp-dev
  libsystemd-dev  # sd_notify for `chartroom watch` under systemd
  libgoogle-perftools-dev  # tcmalloc_minimal: chartroom reads some 10% more pages a minute on it (bench/README)
  fonts-liberation2 fonts-dejavu-core
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev googletest libbenchmark-dev poppler-utils)
  packages+=(clang-16 libclang-rt-16-dev)  # the fuzzers (scripts/fuzz.sh)
  packages+=(chromium openssl)  # the review station's browser tests (tests/browser), its TLS test
  # Node.js and npm drive Chromium through playwright-core; a machine that has
  # its own Node.js (with npm) keeps it.
  if ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "chartroom: installing ${#missing[@]} Debian package(s): ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
