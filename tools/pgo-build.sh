#!/usr/bin/env bash
# tools/pgo-build.sh: a release binary optimised with a profile of real builds (PGO).
#
#   tools/pgo-build.sh            # prints the binary's path: target/pgo/release/chancery
#
# The compiler lays out and inlines code by how often each branch and call ran in a training
# run, instead of guessing. Three steps:
#   1. build an instrumented binary (RUSTFLAGS=-Cprofile-generate) in target/pgo-generate;
#   2. train it: cold builds, a no-change rebuild and a one-file rebuild of a generated archive
#      (3,000 briefings, seed 7: not the seed bench/run.sh measures), and the sample archive;
#   3. merge the counts with llvm-profdata and build again with -Cprofile-use in target/pgo.
# llvm-profdata must match rustc's LLVM: it comes from rustup's llvm-tools component, which
# this script adds when it is missing. Needs about 8 minutes on 2 cores (two fat-LTO builds).
#
# Environment: CARGO_TARGET_DIR is honoured (the two builds go in its pgo-generate and pgo).
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
[[ $TARGET == /* ]] || TARGET=$REPO/$TARGET
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

sysroot=$(rustc --print sysroot)
host=$(rustc -vV | awk '/^host:/ { print $2 }')
PROFDATA=$sysroot/lib/rustlib/$host/bin/llvm-profdata
if [[ ! -x $PROFDATA ]]; then
    echo "pgo: adding rustup's llvm-tools component (for llvm-profdata)" >&2
    rustup component add llvm-tools >&2 || rustup component add llvm-tools-preview >&2
fi

cd "$REPO"
echo "pgo: 1/3 instrumented build" >&2
# The binary alone: building the generator (an example) in the same command would turn on
# dev-dependency features in shared crates, giving every function a different symbol than in
# step 3's build, and the profile would match nothing.
RAW=$TARGET/pgo-generate/profiles
RUSTFLAGS="-Cprofile-generate=$RAW" CARGO_TARGET_DIR=$TARGET/pgo-generate \
    cargo build --quiet --release --locked --bin chancery
cargo build --quiet --release --locked --example generate_archive

echo "pgo: 2/3 training" >&2
trained=$TARGET/pgo-generate/release/chancery
"$TARGET/release/examples/generate_archive" --count 3000 --seed 7 \
    --base-url https://example.org/ --out "$WORK/archive" >/dev/null 2>&1
# Build scripts ran instrumented too; only chancery's runs are wanted. (The folder's path is
# fixed so that cargo can reuse the instrumented build while the sources stay the same; the
# merged profile's is new every time, so the optimised build is always redone with it.)
rm -rf "$RAW"
for _ in 1 2; do
    rm -rf "$WORK/out"
    "$trained" build --root "$WORK/archive" --out "$WORK/out" >/dev/null
done
"$trained" build --root "$WORK/archive" --out "$WORK/out" >/dev/null
touch "$(find "$WORK/archive/content" -name '*.md' | head -1)"
"$trained" build --root "$WORK/archive" --out "$WORK/out" >/dev/null
"$trained" build --root "$REPO" --out "$WORK/sample" --base-url https://example.org/ >/dev/null
"$trained" check --root "$REPO" >/dev/null

echo "pgo: 3/3 optimised build" >&2
"$PROFDATA" merge -o "$WORK/merged.profdata" "$RAW"
RUSTFLAGS="-Cprofile-use=$WORK/merged.profdata" CARGO_TARGET_DIR=$TARGET/pgo \
    cargo build --quiet --release --locked --bin chancery
echo "$TARGET/pgo/release/chancery"
