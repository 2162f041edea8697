# issue 13, item 11: threshold -o - writes a loadable model to standard
# output (the threshold went after the checksum trailer) and the threshold
# to stderr
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
"$HARDNEG" threshold -o - "$TMPDIR/m.hn" $D/tiny_test.txt > "$TMPDIR/t.hn" 2> "$TMPDIR/err"
"$HARDNEG" info "$TMPDIR/t.hn" | grep -q '^threshold	.*f1 on '
grep -q '^hardneg: threshold: [0-9.e-]*$' "$TMPDIR/err"
