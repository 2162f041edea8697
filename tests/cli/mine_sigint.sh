# SIGINT during mine: the best model so far is written, and the message says so
[ -n "${HN_SANITIZED:-}" ] && { echo "skip: sanitizer build (timing)"; exit 0; }
D="$TMPDIR"
awk 'BEGIN { srand(3); for (i = 0; i < 400000; i++) { s = ""; for (j = 0; j < 12; j++) s = s " review" int(rand() * 9000); print s } }' > "$D/pool.txt"
"$HARDNEG" mine --train tests/data/tiny_train.txt --pool "$D/pool.txt" --valid tests/data/tiny_test.txt \
    --negative-label ham --rounds 50 --patience 50 --per-round 5 -o "$D/m.hn" 2> "$D/err" &
pid=$!
i=0
while ! grep -q "mine:     0" "$D/err" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -INT $pid
wait $pid; rc=$?
[ $rc = 1 ] || { echo "exit $rc" >&2; cat "$D/err" >&2; exit 1; }
grep -q "interrupted; wrote the best model so far (round [0-9]*) to $D/m.hn" "$D/err" || { cat "$D/err" >&2; exit 1; }
"$HARDNEG" predict "$D/m.hn" tests/data/tiny_test.txt > /dev/null
! ls "$D"/.m.hn.tmp-* 2>/dev/null
