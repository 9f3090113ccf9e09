#!/usr/bin/env bash
# Installs every Debian package assay needs to build, test and run its demo.
# Idempotent; run as root on Debian 12 (bookworm). Set ASSAY_SKIP_APT=1 to skip.
set -euo pipefail
if [ "${ASSAY_SKIP_APT:-0}" = 1 ]; then exit 0; fi
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libcurl4-openssl-dev libssl-dev libsimdjson-dev libsqlite3-dev sqlite3
  libcli11-dev libtomlplusplus-dev zlib1g-dev libarchive-dev bubblewrap python3 util-linux
  libpcre2-dev libcld2-dev
  catch2 libbenchmark-dev
  python3 clang-format clang-tidy bc
  chromium fonts-dejavu-core
)
# Node.js runs the browser tests (playwright-core drives Debian's chromium); the machine's own
# Node.js 20+ is preferred, Debian's is the fallback.
command -v node >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
