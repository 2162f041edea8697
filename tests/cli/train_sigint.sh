# SIGINT or SIGTERM during training: exit 1, no model file, no temporary file,
# and an existing model of the same name is untouched
D="$TMPDIR"
awk 'BEGIN { for (i = 0; i < 60000; i++) printf "__label__%s word%d other%d more%d text here\n", (i % 2 ? "a" : "b"), i % 977, i % 331, i % 97 }' > "$D/big.txt"
for sig in INT TERM; do
    printf 'precious\n' > "$D/m.hn"
    "$HARDNEG" train -q --epochs 1000 -o "$D/m.hn" "$D/big.txt" 2> "$D/err" &
    pid=$!
    sleep 1
    kill -s $sig $pid
    wait $pid; rc=$?
    [ $rc = 1 ] || { echo "SIG$sig: exit $rc" >&2; cat "$D/err" >&2; exit 1; }
    grep -q "interrupted" "$D/err" || { cat "$D/err" >&2; exit 1; }
    [ "$(cat "$D/m.hn")" = precious ] || { echo "SIG$sig: model replaced" >&2; exit 1; }
    ! ls "$D"/.m.hn.tmp-* 2>/dev/null || exit 1
done
