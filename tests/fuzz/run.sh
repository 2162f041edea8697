#!/bin/sh
# run.sh - build the libFuzzer targets, replay tests/fuzz/regress/, fuzz
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]     (default 60; 0 = build and
#                                               replay the regress files only)
#
# Targets are tests/fuzz/fuzz_NAME.c; each is built with clang,
# -fsanitize=fuzzer,address,undefined, from the library sources themselves
# (tests/fuzz/fuzz.mk; objects in build/fuzz/obj, never mixed with the gcc
# build). A target whose source says "FUZZ_REQUIRES: path" is skipped while
# that file does not exist.
#
# Then:
#  1. every file tests/fuzz/regress/NAME-WHAT runs once through fuzz_NAME
#     (these are reproducers of bugs found by fuzzing; each must pass once
#     its bug is fixed);
#  2. each target fuzzes for SECONDS_PER_TARGET on build/fuzz/corpus/NAME,
#     a working corpus that starts as a copy of tests/fuzz/corpus/NAME and
#     keeps what earlier runs found (the committed seeds are never
#     touched), with tests/fuzz/NAME.dict when it exists and
#     -max_len=65536 -timeout=10 -rss_limit_mb=2048. Crashes, timeouts and
#     out-of-memory inputs land in build/fuzz/artifacts/NAME/.
#
# Exit status: 0 when every regress file passes and no target found
# anything; 1 otherwise (each reproducer's path is printed); 2 when the
# targets cannot be built.
#
# Environment:
#   FUZZ_JOBS=N        targets fuzzed at the same time [1]
#   FUZZ_TARGETS="a b" only these targets [every fuzz_*.c]
#   FUZZ_CC=clang-14   compiler [clang]
#   FUZZ_FLAGS="..."   extra libFuzzer flags for the fuzzing runs
#   HN_FUZZ_IGNORE=id,...  passed to the fuzzing runs (never to the regress
#                      replay): skip the checks of known, already reported
#                      bugs so a long campaign can look past them (see
#                      fuzz_common.h)
#
# Reproduce a finding:  build/fuzz/fuzz_NAME path/to/crash-file
# Minimize it:          build/fuzz/fuzz_NAME -minimize_crash=1 -runs=10000 FILE

cd "$(dirname "$0")/../.." || exit 2
SECS=${1:-60}
JOBS=${FUZZ_JOBS:-1}
FUZZ_CC=${FUZZ_CC:-clang}
OUT=build/fuzz
export FUZZ_CC

case $SECS in *[!0-9]*|'') echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
    echo "fuzz: $FUZZ_CC not found; install clang (apt-get install -y clang)" >&2
    exit 2
fi
mkdir -p "$OUT"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$OUT/probe.c"
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined "$OUT/probe.c" -o "$OUT/probe" 2>"$OUT/probe.log"; then
    echo "fuzz: $FUZZ_CC cannot link -fsanitize=fuzzer (see $OUT/probe.log);" >&2
    echo "      install the runtime: apt-get install -y libclang-rt-14-dev" >&2
    exit 2
fi
rm -f "$OUT/probe" "$OUT/probe.c" "$OUT/probe.log"

# ---- targets --------------------------------------------------------------
all=""
for src in tests/fuzz/fuzz_*.c; do
    [ -f "$src" ] || continue
    t=${src#tests/fuzz/fuzz_}
    t=${t%.c}
    if [ -n "$FUZZ_TARGETS" ]; then
        case " $FUZZ_TARGETS " in *" $t "*) ;; *) continue ;; esac
    fi
    missing=""
    for req in $(sed -n 's/.*FUZZ_REQUIRES: *\([^ ]*\).*/\1/p' "$src"); do
        [ -e "$req" ] || missing="$missing $req"
    done
    if [ -n "$missing" ]; then
        echo "fuzz: skipping $t (missing:$missing)"
        continue
    fi
    all="$all $t"
done
[ -n "$all" ] || { echo "fuzz: no targets" >&2; exit 2; }

echo "fuzz: building$all"
if ! make --no-print-directory -s -f tests/fuzz/fuzz.mk -j2 TARGETS="$all" FUZZ_BUILD="$OUT" >"$OUT/build.log" 2>&1; then
    cat "$OUT/build.log" >&2
    echo "fuzz: build failed" >&2
    exit 2
fi

failed=0
mkdir -p "$OUT/logs"

# ---- regress replay -------------------------------------------------------
nreg=0
for f in tests/fuzz/regress/*; do
    [ -f "$f" ] || continue
    base=$(basename "$f")
    t=${base%%-*}
    case " $all " in
    *" $t "*) ;;
    *) echo "regress: skip $base (target $t not built)"; continue ;;
    esac
    nreg=$((nreg + 1))
    log="$OUT/logs/regress-$base.log"
    if env -u HN_FUZZ_IGNORE "$OUT/fuzz_$t" -timeout=10 -rss_limit_mb=2048 "$f" >"$log" 2>&1; then
        echo "regress: ok   $base"
    else
        failed=1
        why=$(grep -a -m1 -E 'invariant failed|runtime error|ERROR: AddressSanitizer|ERROR: libFuzzer' "$log")
        echo "regress: FAIL $base: $why"
        echo "         reproduce: $OUT/fuzz_$t $f   (log: $log)"
    fi
done
[ $nreg -gt 0 ] || echo "regress: no files"

[ "$SECS" -gt 0 ] || exit $failed

# ---- fuzzing --------------------------------------------------------------
# One target: writes $OUT/logs/NAME.status as "rc artifact".
fuzz_one() {
    t=$1
    work="$OUT/corpus/$t"
    art="$OUT/artifacts/$t"
    log="$OUT/logs/$t.log"
    mkdir -p "$work" "$art"
    [ -d "tests/fuzz/corpus/$t" ] && cp -p tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    stamp="$OUT/logs/$t.start"
    : >"$stamp"
    # shellcheck disable=SC2086
    "$OUT/fuzz_$t" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$art/" $dict $FUZZ_FLAGS "$work" >"$log" 2>&1
    rc=$?
    found=$(find "$art" -type f -newer "$stamp" 2>/dev/null | head -n 1)
    echo "$rc $found" >"$OUT/logs/$t.status"
}

echo "fuzz: $SECS s per target, $JOBS at a time"
set -- $all
while [ $# -gt 0 ]; do
    n=0
    while [ $# -gt 0 ] && [ $n -lt "$JOBS" ]; do
        fuzz_one "$1" &
        n=$((n + 1))
        shift
    done
    wait
done

printf '%-12s %10s %9s %7s %7s %-10s %s\n' target execs exec/s cov ft corpus result
for t in $all; do
    log="$OUT/logs/$t.log"
    read -r rc found <"$OUT/logs/$t.status"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
    if [ "$rc" = 0 ] && [ -z "$found" ]; then
        res=ok
    else
        failed=1
        res="FOUND (exit $rc)"
    fi
    printf '%-12s %10s %9s %7s %7s %-10s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$res"
    if [ "$res" != ok ]; then
        why=$(grep -a -m1 -E 'invariant failed|runtime error|ERROR: AddressSanitizer|ERROR: libFuzzer|ALARM|out-of-memory' "$log")
        echo "    $why"
        echo "    reproducer: ${found:-(none written; see $log)}"
        [ -n "$found" ] && echo "    reproduce:  $OUT/fuzz_$t $found"
        echo "    log: $log"
    fi
done
exit $failed
