# threshold picks a value on validation data, stores it, and predict/eval use it
set -e
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
t=$("$HARDNEG" threshold -q --objective f1 "$TMPDIR/m.hn" $D/tiny_test.txt)
"$HARDNEG" info "$TMPDIR/m.hn" | grep -q "^threshold	$t	f1 on $D/tiny_test.txt"
"$HARDNEG" eval "$TMPDIR/m.hn" $D/tiny_test.txt 2>&1 >/dev/null | grep -q "threshold $t\|threshold .*f1 on"
"$HARDNEG" threshold -q --objective recall@1 "$TMPDIR/m.hn" $D/tiny_test.txt > /dev/null
if "$HARDNEG" threshold -q --objective max-in-scope-accuracy "$TMPDIR/m.hn" $D/tiny_test.txt 2>/dev/null; then exit 1; fi
