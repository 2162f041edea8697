# score over 4 shards + merge selects exactly what score over the whole pool selects
set -e
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
awk -v d="$TMPDIR" '{ print > (d "/shard" (NR % 4)) }' $D/tiny_pool.txt
for s in 0 1 2 3; do "$HARDNEG" score -q --top 25 "$TMPDIR/m.hn" "$TMPDIR/shard$s" > "$TMPDIR/cand$s"; done
"$HARDNEG" merge --top 25 "$TMPDIR"/cand0 "$TMPDIR"/cand1 "$TMPDIR"/cand2 "$TMPDIR"/cand3 > "$TMPDIR/merged"
"$HARDNEG" score -q --top 25 "$TMPDIR/m.hn" $D/tiny_pool.txt > "$TMPDIR/whole"
[ "$(wc -l < "$TMPDIR/whole")" = 25 ]
cmp "$TMPDIR/merged" "$TMPDIR/whole"
