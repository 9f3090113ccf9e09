#!/usr/bin/env bash
# clang-tidy with warnings as errors (.clang-tidy) on the module sources changed since the commit
# in .ci/tidy-base (the last landing this check was clean at; each landing moves it forward).
#   scripts/tidy.sh BUILD_DIR     BUILD_DIR holds compile_commands.json
#   ASSAY_TIDY_ALL=1 ...          every module source, not just the changed ones
# Prints each finding as FILE:LINE:COL and exits non-zero when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:?usage: scripts/tidy.sh BUILD_DIR}
modules=(harness adapters suites scorers results reports environments)
if ! command -v clang-tidy >/dev/null; then
  echo "tidy: clang-tidy is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
base=$(cat .ci/tidy-base)
if [ "${ASSAY_TIDY_ALL:-0}" = 1 ] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  [ "${ASSAY_TIDY_ALL:-0}" = 1 ] || echo "tidy: base $base is not in this clone's history; checking every source"
  files=$(git ls-files "${modules[@]}" | grep '\.cpp$' || true)
else
  files=$(git diff --name-only --diff-filter=d "$base" HEAD -- "${modules[@]}" | grep '\.cpp$' || true)
  # Uncommitted edits count too (a local run before committing).
  files=$(printf '%s\n%s\n' "$files" "$(git diff --name-only --diff-filter=d HEAD -- "${modules[@]}" | grep '\.cpp$' || true)" | sort -u | sed '/^$/d')
fi
if [ -z "$files" ]; then
  echo "tidy: no module source changed since $base"
  exit 0
fi
n=$(echo "$files" | wc -l)
echo "tidy: $n module sources changed since ${base:0:12}"
# Two at a time (the machine has two cores); --quiet keeps only findings; GCC-only warning
# flags in compile_commands.json are not findings.
echo "$files" | xargs -P "${ASSAY_JOBS:-2}" -n 4 clang-tidy -p "$BUILD" --quiet \
  --extra-arg=-Wno-unknown-warning-option 2>/dev/null
echo "tidy: clean"
