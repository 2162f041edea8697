#!/bin/sh
# run.sh - run every CLI test: tests/cli/NAME.sh, run from the repo root
# with $HARDNEG set to the binary. A test passes when it exits 0, unless
# NAME.exit gives another expected status; NAME.stdout / NAME.stderr, when
# present, must equal what the test printed. Prints "N passed, N failed".
HARDNEG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export HARDNEG
cd "$(dirname "$0")/../.." || exit 1
pass=0; fail=0; failed=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in tests/cli/*.sh; do
    name=$(basename "$t" .sh)
    [ "$name" = run ] && continue
    want=0
    [ -f "tests/cli/$name.exit" ] && want=$(cat "tests/cli/$name.exit")
    TMPDIR="$tmp" sh "$t" >"$tmp/out" 2>"$tmp/err"
    got=$?
    ok=1
    [ "$got" = "$want" ] || { ok=0; echo "FAIL $name: exit $got, expected $want"; }
    if [ -f "tests/cli/$name.stdout" ] && ! cmp -s "$tmp/out" "tests/cli/$name.stdout"; then
        ok=0; echo "FAIL $name: stdout differs:"; diff "tests/cli/$name.stdout" "$tmp/out" | head -20
    fi
    if [ -f "tests/cli/$name.stderr" ] && ! cmp -s "$tmp/err" "tests/cli/$name.stderr"; then
        ok=0; echo "FAIL $name: stderr differs:"; diff "tests/cli/$name.stderr" "$tmp/err" | head -20
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok   $name"; grep '^SKIP' "$tmp/out" | sed 's/^/     | /' 
    else fail=$((fail + 1)); failed="$failed $name"; sed 's/^/     | /' "$tmp/err" | head -20; fi
done
echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
