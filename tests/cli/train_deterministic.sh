# the same seed and --threads 1 give byte-identical model files
set -e
"$HARDNEG" train -q --seed 5 -o "$TMPDIR/a.hn" tests/data/tiny_train.txt
"$HARDNEG" train -q --seed 5 -o "$TMPDIR/b.hn" tests/data/tiny_train.txt
cmp "$TMPDIR/a.hn" "$TMPDIR/b.hn"
"$HARDNEG" train -q --seed 6 -o "$TMPDIR/c.hn" tests/data/tiny_train.txt
! cmp -s "$TMPDIR/a.hn" "$TMPDIR/c.hn"
