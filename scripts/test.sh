#!/usr/bin/env bash
# The README's test command: installs dependencies, builds from scratch with warnings as errors,
# checks the include graph and runs clang-tidy on changed sources, runs every test (one executable
# per module, the CLI end to end, MCP against npm's reference server, and the HTML report in
# headless Chromium), then builds and runs the tests again under AddressSanitizer + UBSan.
#   scripts/test.sh            full run (what CI runs)
#   ASSAY_SKIP_SANITIZE=1 ...  skip the sanitizer pass (faster local loop)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${ASSAY_JOBS:-2}

bash scripts/install-deps.sh

echo "== browser test dependencies (npm ci: playwright-core, pinned in tests/browser)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
echo "== MCP reference server (npm ci: @modelcontextprotocol/server-filesystem, pinned in tests/mcp)"
(cd tests/mcp && npm ci --no-audit --no-fund --loglevel=error)

echo "== format check"
files=$(git ls-files '*.cpp' '*.h' 2>/dev/null || find . -name '*.cpp' -o -name '*.h')
if command -v clang-format >/dev/null; then
  clang-format --dry-run -Werror $files
fi

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASSAY_WERROR=ON >/dev/null
ninja -C build/ci -j"$JOBS"

echo "== include graph (every #include of every module follows the module graph)"
cmake -DGRAPH=build/ci/module_graph.cmake -DSOURCE_DIR="$PWD" -P cmake/check_includes.cmake

echo "== clang-tidy (warnings as errors) on the module sources changed since .ci/tidy-base"
bash scripts/tidy.sh build/ci

echo "== tests"
(cd build/ci && ctest -j"$JOBS" --output-on-failure --timeout 600)

if [ "${ASSAY_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build (AddressSanitizer + UBSan)"
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DASSAY_SANITIZE=ON \
        -DASSAY_WERROR=ON -DASSAY_BUILD_BENCH=OFF >/dev/null
  ninja -C build/asan -j"$JOBS"
  echo "== tests under sanitizers"
  (cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest -j"$JOBS" --output-on-failure --timeout 900)
fi
echo "== all tests passed"
