#!/usr/bin/env bash
# bench/run.sh: chancery beside Hugo on the same generated archives (issue 3).
#
#   bench/run.sh                  # 1k and 10k briefings, 5 alternating runs of each tool
#   RUNS=3 bench/run.sh           # fewer runs
#   BENCH_100K=1 bench/run.sh     # also 100k briefings (long; Hugo needs several GB)
#   PGO=1 bench/run.sh            # also the profile-optimised binary (tools/pgo-build.sh)
#
# Environment:
#   RUNS=N         timed runs per tool and size (default 5), alternating chancery, hugo, ...
#   BENCH_100K=1   add the 100,000-briefing archive
#   BENCH_SIZES="1000 10000"  the archive sizes (before BENCH_100K's addition)
#   SEED=S         generator seed (default 1)
#   HUGO=0         skip Hugo (chancery rows only)
#   PGO=1          build tools/pgo-build.sh's binary too (about 8 minutes more) and time it as
#                  `chancery-pgo`, alternating with the plain release binary and Hugo
#   KINDS=0        skip the `-hk` rows: each chancery binary also builds a copy of the archive
#                  whose site.yaml says `disable: [regions, archive, search, term_feeds]`, so that
#                  it writes the page kinds Hugo's skeleton writes (no region pages, archive,
#                  search or per-term feeds) beside the full site
#   SHARED=DIR     the shared folder holding bench/hugo-site (or the hugo-site folder itself);
#                  default: $(dirname "$0")/../../shared
#   BENCH_DIR=DIR  where archives and outputs go (default /dev/shm/chancery-bench, else /tmp)
#   KEEP=1         keep BENCH_DIR afterwards
#
# Every timed run writes to tmpfs after `rm -rf OUT`, under `/usr/bin/time -v`. Wall time is taken
# with bash's EPOCHREALTIME around the command (microsecond resolution; it includes the ~1 ms of
# starting /usr/bin/time itself). CPU is user+sys and peak memory is the maximum resident set size,
# both from /usr/bin/time -v. Pages are `find OUT -name '*.html' | wc -l`.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RUNS=${RUNS:-5}
SEED=${SEED:-1}
HUGO=${HUGO:-1}
BASE_URL=https://example.org/
read -r -a SIZES <<<"${BENCH_SIZES:-1000 10000}"
if [[ ${BENCH_100K:-0} == 1 ]]; then SIZES+=(100000); fi

SHARED=${SHARED:-$HERE/../../shared}
if [[ -f $SHARED/config.toml && -d $SHARED/layouts ]]; then
    SKEL=$SHARED
else
    SKEL=$SHARED/bench/hugo-site
fi
if [[ $HUGO == 1 && ! -f $SKEL/config.toml ]]; then
    echo "bench: no Hugo skeleton at $SKEL (set SHARED=... or HUGO=0)" >&2
    exit 1
fi
SKEL=$(cd "$SKEL" 2>/dev/null && pwd || echo "$SKEL")

if [[ -z ${BENCH_DIR:-} ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then BENCH_DIR=/dev/shm/chancery-bench; else BENCH_DIR=/tmp/chancery-bench; fi
fi
WORK=$BENCH_DIR
rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() { if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

# ---- tools ------------------------------------------------------------------------------------

apt_install() { # package...
    local sudo=()
    if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
    echo "bench: installing $* with apt-get" >&2
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y "$@" >"$WORK/apt.log" 2>&1 ||
        { "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update >>"$WORK/apt.log" 2>&1 &&
          "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y "$@" >>"$WORK/apt.log" 2>&1; } ||
        { echo "bench: apt-get install $* failed:" >&2; tail -5 "$WORK/apt.log" >&2; exit 1; }
}
[[ -x /usr/bin/time ]] || apt_install time
if [[ $HUGO == 1 ]] && ! command -v hugo >/dev/null; then apt_install hugo; fi

echo "bench: cargo build --release --bin chancery --example generate_archive" >&2
(cd "$REPO" && cargo build --quiet --release --bin chancery --example generate_archive)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
[[ $TARGET == /* ]] || TARGET=$REPO/$TARGET
GEN=$TARGET/release/examples/generate_archive
# The chancery binaries timed, by label: the plain release build, and with PGO=1 the
# profile-optimised one.
CHANCERY_TOOLS=(chancery)
declare -A BIN=([chancery]=$TARGET/release/chancery)
if [[ ${PGO:-0} == 1 ]]; then
    echo "bench: tools/pgo-build.sh" >&2
    BIN[chancery-pgo]=$(CARGO_TARGET_DIR=$TARGET "$REPO/tools/pgo-build.sh" | tail -1)
    CHANCERY_TOOLS+=(chancery-pgo)
fi
# With Hugo's page kinds only (see KINDS above): the same binaries on the `-hk` copy.
if [[ ${KINDS:-1} == 1 ]]; then
    for t in "${CHANCERY_TOOLS[@]}"; do BIN[$t-hk]=${BIN[$t]}; done
    read -r -a CHANCERY_TOOLS <<<"$(for t in "${CHANCERY_TOOLS[@]}"; do printf '%s %s-hk ' "$t" "$t"; done)"
fi
HUGO_KINDS="disable: [regions, archive, search, term_feeds]"

# ---- helpers ----------------------------------------------------------------------------------

# measure OUT CMD...: runs CMD under /usr/bin/time -v; sets WALL (s), CPU (s), RSS (KiB), PAGES.
measure() {
    local out=$1
    shift
    local t0 t1
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"; then
        echo "bench: FAILED: $*" >&2
        cat "$WORK/stderr.txt" "$WORK/time.txt" >&2
        exit 1
    fi
    t1=$EPOCHREALTIME
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    CPU=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$WORK/time.txt")
    RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
    PAGES=$(find "$out" -name '*.html' | wc -l)
}

median() { # numbers on stdin -> median
    sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# col FILE TOOL FIELD -> median of that field over the tool's rows (tool wall cpu rss pages)
col() { awk -v t="$2" -v f="$3" '$1 == t { print $f }' "$1" | median; }
# range FILE TOOL [SCALE] -> "min-max" of the wall times (times SCALE, default 1)
range() { awk -v t="$2" '$1 == t { print $2 }' "$1" | sort -g | awk -v k="${3:-1}" 'NR == 1 { lo = $1 } { hi = $1 } END { printf (k == 1 ? "%.2f-%.2f" : "%.1f-%.1f"), lo * k, hi * k }'; }

fmt_mem() { awk -v k="$1" 'BEGIN { if (k >= 1048576) printf "%.2f GiB", k / 1048576; else printf "%.0f MiB", k / 1024 }'; }

# root_for TOOL ROOT -> the archive the tool builds: ROOT, or its `-hk` copy for `-hk` tools
root_for() { if [[ $1 == *-hk ]]; then echo "$2-hk"; else echo "$2"; fi; }

# with_hugo_kinds ROOT: makes ROOT-hk, a copy whose site.yaml disables what Hugo's skeleton lacks
with_hugo_kinds() {
    rm -rf "$1-hk"
    cp -r "$1" "$1-hk"
    printf '\n%s\n' "$HUGO_KINDS" >>"$1-hk/site.yaml"
}

chancery_build() { # TOOL ROOT OUT: a cold build into a fresh OUT with the TOOL's binary
    rm -rf "$3" "$(dirname "$3")/.$(basename "$3").chancery-staging"
    measure "$3" "${BIN[$1]}" build --root "$(root_for "$1" "$2")" --out "$3"
}

hugo_build() { # SITE OUT
    rm -rf "$2"
    measure "$2" hugo --quiet -s "$1" -d "$2"
}

# check_clean: the last run printed nothing but chancery's summary line (on either stream)
check_clean() {
    if cat "$WORK/stdout.txt" "$WORK/stderr.txt" | grep -v '^Built ' | grep -q .; then
        echo "bench: chancery printed diagnostics on a generated archive:" >&2
        cat "$WORK/stdout.txt" "$WORK/stderr.txt" | head -20 >&2
        exit 1
    fi
}

# ---- header -----------------------------------------------------------------------------------

HUGO_VERSION=$( [[ $HUGO == 1 ]] && hugo version 2>/dev/null | head -1 || echo "skipped (HUGO=0)")
REV=$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(cd "$REPO" && git status --porcelain 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
cat <<EOF
# chancery benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')
#   machine:  $(nproc) CPUs, $(awk -F': *' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)
#   chancery: $REV$DIRTY, $(for t in "${CHANCERY_TOOLS[@]}"; do printf '%s=%s ' "$t" "${BIN[$t]}"; done)
#   hugo:     $HUGO_VERSION
#   runs:     $RUNS per tool and size, alternating ${CHANCERY_TOOLS[*]}$( [[ $HUGO == 1 ]] && echo " hugo"); one untimed warm-up each
#   outputs:  $WORK (tmpfs if /dev/shm), removed before every run
#
# Commands (N = briefing count; each timed run is \`rm -rf OUT && /usr/bin/time -v CMD\`):
#   cargo build --release --bin chancery --example generate_archive
#   $GEN --count N --seed $SEED --base-url $BASE_URL --out $WORK/corpus-N
#   cp -r $SKEL $WORK/hugo-N && cp -r $WORK/corpus-N/content $WORK/hugo-N/
#   chancery: CHANCERY build --root $WORK/corpus-N --out $WORK/out-chancery
#   hugo:     hugo --quiet -s $WORK/hugo-N -d $WORK/out-hugo
# Both write feeds and a sitemap (the archive's site.yaml has base_url; Hugo's skeleton has baseURL).
#   *-hk:     the same chancery binary on $WORK/corpus-N-hk, a copy whose site.yaml adds
#             \`$HUGO_KINDS\`: the page kinds Hugo's skeleton writes
EOF

# ---- side by side -----------------------------------------------------------------------------

SUMMARY=$WORK/summary.tsv
: >"$SUMMARY"
for n in "${SIZES[@]}"; do
    corpus=$WORK/corpus-$n
    hsite=$WORK/hugo-$n
    "$GEN" --count "$n" --seed "$SEED" --base-url "$BASE_URL" --out "$corpus" 2>/dev/null
    mb=$(find "$corpus/content" -name '*.md' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
    with_hugo_kinds "$corpus"
    if [[ $HUGO == 1 ]]; then
        rm -rf "$hsite"
        cp -r "$SKEL" "$hsite"
        cp -r "$corpus/content" "$hsite/"
    fi
    res=$WORK/runs-$n.tsv
    : >"$res"
    echo "bench: $n briefings ($mb MB of Markdown): warm-up, then $RUNS alternating runs" >&2

    summary_lines=()
    for t in "${CHANCERY_TOOLS[@]}"; do
        chancery_build "$t" "$corpus" "$WORK/out-chancery"
        check_clean
        case $t in chancery | chancery-hk)
            summary_lines+=("$t: $(cat "$WORK/stdout.txt" "$WORK/stderr.txt" | grep '^Built ' || true)") ;;
        esac
    done
    if [[ $HUGO == 1 ]]; then hugo_build "$hsite" "$WORK/out-hugo"; fi

    per_run=$((${#CHANCERY_TOOLS[@]} + (HUGO == 1 ? 1 : 0)))
    for ((i = 1; i <= RUNS; i++)); do
        for t in "${CHANCERY_TOOLS[@]}"; do
            chancery_build "$t" "$corpus" "$WORK/out-chancery"
            echo "$t $WALL $CPU $RSS $PAGES" >>"$res"
        done
        if [[ $HUGO == 1 ]]; then
            hugo_build "$hsite" "$WORK/out-hugo"
            echo "hugo $WALL $CPU $RSS $PAGES" >>"$res"
        fi
        echo "bench:   run $i/$RUNS: $(tail -n "$per_run" "$res" | awk '{ printf "%s %.2f s  ", $1, $2 }')" >&2
    done

    # No-change rebuild: build into the same output again, nothing changed in between.
    rebuild=$WORK/rebuild-$n.tsv
    : >"$rebuild"
    for t in "${CHANCERY_TOOLS[@]}"; do
        chancery_build "$t" "$corpus" "$WORK/out-chancery"
        for ((i = 1; i <= RUNS; i++)); do
            measure "$WORK/out-chancery" "${BIN[$t]}" build --root "$(root_for "$t" "$corpus")" --out "$WORK/out-chancery"
            echo "$t $WALL $CPU $RSS $PAGES" >>"$rebuild"
        done
    done
    rm -rf "$WORK/out-chancery" "$WORK/out-hugo" "$hsite" "$corpus-hk"

    echo
    printf '## %s briefings (%s MB of Markdown), %s runs each, medians\n' "$n" "$mb" "$RUNS"
    for line in "${summary_lines[@]}"; do echo "#   $line"; done
    printf '%-16s %10s %12s %9s %12s %8s %9s\n' tool "wall" "wall range" "CPU" "peak memory" pages "pages/s"
    tools=("${CHANCERY_TOOLS[@]}")
    if [[ $HUGO == 1 ]]; then tools+=(hugo); fi
    for t in "${tools[@]}"; do
        w=$(col "$res" "$t" 2)
        c=$(col "$res" "$t" 3)
        r=$(col "$res" "$t" 4)
        p=$(col "$res" "$t" 5)
        printf '%-16s %8.2f s %12s %7.2f s %12s %8d %9.0f\n' "$t" "$w" "$(range "$res" "$t")" "$c" "$(fmt_mem "$r")" "$p" "$(awk -v p="$p" -v w="$w" 'BEGIN { print p / w }')"
        echo "$n $t $w $c $r $p" >>"$SUMMARY"
    done
    for t in "${CHANCERY_TOOLS[@]}"; do
        cw=$(col "$res" "$t" 2)
        if [[ $HUGO == 1 ]]; then
            hw=$(col "$res" hugo 2)
            awk -v t="$t" -v c="$cw" -v h="$hw" 'BEGIN { printf "%s/hugo wall time: %.3f (%.1fx faster; the goal at 10k is <= 0.100)\n", t, c / h, h / c }'
            awk -v t="$t" -v c="$(col "$res" "$t" 4)" -v h="$(col "$res" hugo 4)" 'BEGIN { printf "%s/hugo peak memory: %.3f\n", t, c / h }'
        fi
        rw=$(col "$rebuild" "$t" 2)
        awk -v t="$t" -v r="$rw" -v c="$cw" -v m="$(col "$rebuild" "$t" 4)" 'BEGIN { printf "%s no-change rebuild: %.3f s wall (%.2f of a full build; goal < 0.20), peak memory %.0f MiB\n", t, r, r / c, m / 1024 }'
        echo "rebuild $n $t $rw" >>"$SUMMARY"
    done
done

# ---- one briefing -----------------------------------------------------------------------------

one=$WORK/corpus-1
"$GEN" --count 1 --seed "$SEED" --base-url "$BASE_URL" --out "$one" 2>/dev/null
with_hugo_kinds "$one"
res=$WORK/runs-1.tsv
: >"$res"
for t in "${CHANCERY_TOOLS[@]}"; do
    chancery_build "$t" "$one" "$WORK/out-one"
    check_clean
done
for ((i = 1; i <= 10; i++)); do
    for t in "${CHANCERY_TOOLS[@]}"; do
        chancery_build "$t" "$one" "$WORK/out-one"
        echo "$t $WALL $CPU $RSS $PAGES" >>"$res"
    done
done
echo
echo "## one-briefing archive, cold build (fresh output), 10 runs"
echo "#   CHANCERY build --root $one --out $WORK/out-one"
for t in "${CHANCERY_TOOLS[@]}"; do
    awk -v t="$t" -v w="$(col "$res" "$t" 2)" -v m="$(col "$res" "$t" 4)" -v p="$(col "$res" "$t" 5)" -v rg="$(range "$res" "$t" 1000)" \
        'BEGIN { printf "%s: %.1f ms wall median (range %s ms; goal < 50 ms), peak memory %.0f MiB, %d pages\n", t, w * 1000, rg, m / 1024, p }'
done

echo
echo "## summary (medians; wall and CPU in s, peak memory in MiB)"
printf '%-8s %-16s %8s %8s %9s %7s\n' size tool wall CPU memory pages
awk '$1 != "rebuild" { printf "%-8s %-16s %8.2f %8.2f %9.0f %7d\n", $1, $2, $3, $4, $5 / 1024, $6 }' "$SUMMARY"
awk '$1 == "rebuild" { printf "%-8s %-25s %8.3f\n", $2, $3 " rebuild", $4 }' "$SUMMARY"
