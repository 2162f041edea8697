# predict, score and mine run in memory that does not grow with the input:
# peak RSS on a 200 MB input stays within a generous margin of a 2 MB one
# (skipped under sanitizers: their bookkeeping, not ours, dominates RSS)
[ -n "${HN_SANITIZED:-}" ] && { echo "skip: sanitizer build"; exit 0; }
command -v /usr/bin/time >/dev/null || { echo "skip: GNU time not installed"; exit 0; }
set -e
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
awk 'BEGIN { srand(1); for (i = 0; i < 20000; i++) { n = 5 + int(rand() * 20); s = ""; for (j = 0; j < n; j++) s = s " w" int(rand() * 50000); print s } }' > "$TMPDIR/small.txt"
i=0; : > "$TMPDIR/big.txt"
while [ $i -lt 100 ]; do cat "$TMPDIR/small.txt" >> "$TMPDIR/big.txt"; i=$((i + 1)); done
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
for cmd in "predict $TMPDIR/m.hn" "score -q --top 1000 $TMPDIR/m.hn"; do
    s=$(rss "$HARDNEG" $cmd "$TMPDIR/small.txt")
    b=$(rss "$HARDNEG" $cmd "$TMPDIR/big.txt")
    echo "$cmd: small ${s} KB, big ${b} KB"
    [ "$b" -lt $((s + 32768)) ] || { echo "$cmd: RSS grew from $s KB to $b KB" >&2; exit 1; }
done
s=$(rss "$HARDNEG" mine -q --train $D/tiny_train.txt --pool "$TMPDIR/small.txt" --valid $D/tiny_test.txt --negative-label ham --rounds 1 -o "$TMPDIR/a.hn")
b=$(rss "$HARDNEG" mine -q --train $D/tiny_train.txt --pool "$TMPDIR/big.txt" --valid $D/tiny_test.txt --negative-label ham --rounds 1 -o "$TMPDIR/b.hn")
echo "mine: small ${s} KB, big ${b} KB"
[ "$b" -lt $((s + 32768)) ] || { echo "mine: RSS grew from $s KB to $b KB" >&2; exit 1; }
