# issue 13, item 19: score and merge keep the best copy of each distinct
# line when --top is larger than the candidates (the duplicate check was a
# scan of the whole heap per line; it is a hash map now: the time is in
# make bench, this test checks the selection)
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
awk 'BEGIN { for (i = 0; i < 30000; i++) print "free money offer number " (i % 7000) }' > "$TMPDIR/pool.txt"
"$HARDNEG" score -q --top 1000000 --max-score 1 "$TMPDIR/m.hn" "$TMPDIR/pool.txt" > "$TMPDIR/c"
[ "$(wc -l < "$TMPDIR/c")" = 7000 ]
cut -f2 "$TMPDIR/c" | sort | uniq -d | wc -l | grep -q '^0$'
split -l 5000 "$TMPDIR/pool.txt" "$TMPDIR/shard."
for s in "$TMPDIR"/shard.*; do "$HARDNEG" score -q --top 1000000 --max-score 1 "$TMPDIR/m.hn" "$s" > "$s.out"; done
"$HARDNEG" merge -q --top 1000000 "$TMPDIR"/shard.*.out | cmp - "$TMPDIR/c"
