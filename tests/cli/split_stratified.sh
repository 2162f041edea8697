# split keeps every label's share in each part within one example, and a seed fixes it
set -e
cp tests/data/tiny_train.txt "$TMPDIR/all.txt"
"$HARDNEG" split -q --ratios 0.6,0.2,0.2 --seed 3 "$TMPDIR/all.txt"
for p in train valid test; do [ -f "$TMPDIR/all.$p.txt" ]; done
[ "$(cat "$TMPDIR"/all.train.txt "$TMPDIR"/all.valid.txt "$TMPDIR"/all.test.txt | sort | md5sum)" = "$(sort "$TMPDIR/all.txt" | md5sum)" ]
# 15 spam, 30 ham: 9/3/3 and 18/6/6
[ "$(grep -c __label__spam "$TMPDIR/all.train.txt")" = 9 ]
[ "$(grep -c __label__ham "$TMPDIR/all.valid.txt")" = 6 ]
cp "$TMPDIR/all.train.txt" "$TMPDIR/first"
"$HARDNEG" split -q --ratios 0.6,0.2,0.2 --seed 3 "$TMPDIR/all.txt"
cmp "$TMPDIR/first" "$TMPDIR/all.train.txt"
