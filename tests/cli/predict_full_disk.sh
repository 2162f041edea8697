# predict to a full device: exit 1 with a message
"$HARDNEG" train -q -o "$TMPDIR/m.hn" tests/data/tiny_train.txt || exit 3
"$HARDNEG" predict "$TMPDIR/m.hn" tests/data/tiny_test.txt > /dev/full 2> "$TMPDIR/err"
rc=$?
grep -q "error writing standard output" "$TMPDIR/err" || exit 3
exit $rc
