# mine on the tiny fixtures: a round table, mined lines with round and score,
# a JSON report; with --threads 1 a second run repeats it exactly
set -e
D=tests/data
run() {
    "$HARDNEG" mine --train $D/tiny_train.txt --pool $D/tiny_pool.txt --valid $D/tiny_test.txt \
        --negative-label ham --rounds 2 --per-round 10 --margin 0.3 --epochs 3 \
        -o "$TMPDIR/$1.hn" --mined "$TMPDIR/$1.tsv" --report "$TMPDIR/$1.json" 2> "$TMPDIR/$1.err"
}
run a
run b
grep -q "mine: round" "$TMPDIR/a.err"
[ -s "$TMPDIR/a.tsv" ]
awk -F'\t' 'NF != 3 || $1 < 1 || $2 < 0 || $2 > 1 { exit 1 }' "$TMPDIR/a.tsv"
cmp "$TMPDIR/a.tsv" "$TMPDIR/b.tsv"
cmp "$TMPDIR/a.hn" "$TMPDIR/b.hn"
/usr/bin/python3 - "$TMPDIR/a.json" "$TMPDIR/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["metric"] == "ap" and len(a["rounds"]) >= 2, a
strip = lambda r: [{k: v for k, v in x.items() if k != "seconds"} for x in r["rounds"]]
assert strip(a) == strip(b)
assert a["rounds"][1]["pool_scored"] == 80
PY
# mined lines come from the pool, never from the validation file
cut -f3 "$TMPDIR/a.tsv" | while IFS= read -r l; do grep -qxF "$l" $D/tiny_pool.txt; done
"$HARDNEG" predict "$TMPDIR/a.hn" $D/tiny_test.txt > /dev/null
