#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each, one after another.
#   fuzz/run.sh [SECONDS]
# Needs cargo-fuzz (installed when missing). cargo-fuzz uses nightly-only flags; on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets them through. New interesting inputs are added to
# fuzz/corpus/<target>/; a crash stops the run, leaves the input in fuzz/artifacts/<target>/
# and makes this script exit non-zero.
set -euo pipefail

seconds="${1:-60}"
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz..." >&2
    cargo install cargo-fuzz
fi

targets=(front_matter markdown import)
cargo fuzz build

failed=()
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s" >&2
    if ! cargo fuzz run "$target" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30; then
        failed+=("$target")
    fi
done

# Inputs that once crashed a target: each must now run cleanly.
for target in "${targets[@]}"; do
    if [ -d "regressions/$target" ] && [ -n "$(ls -A "regressions/$target")" ]; then
        echo "== $target: regressions" >&2
        cargo fuzz run "$target" "regressions/$target"/* -- -runs=1 || failed+=("$target (regressions)")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "FAILED: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
echo "all targets ran ${seconds}s without a crash" >&2
