# issue 13, item 9: an output that is also an input is refused before any
# work, and the input is left as it was
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
cp $D/tiny_train.txt "$TMPDIR/d.txt"
cp $D/tiny_test.txt "$TMPDIR/v.txt"
sum() { cksum < "$1"; }
before=$(sum "$TMPDIR/d.txt")
rc=0; "$HARDNEG" train -q -o "$TMPDIR/d.txt" "$TMPDIR/d.txt" 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] || { echo "train -o INPUT: exit $rc" >&2; exit 1; }
grep -q "the output '.*d.txt' is also the input" "$TMPDIR/err"
[ "$(sum "$TMPDIR/d.txt")" = "$before" ]
"$HARDNEG" train -q -o "$TMPDIR/m.hn" "$TMPDIR/d.txt"
vb=$(sum "$TMPDIR/v.txt")
for cmd in "mine -q --train $TMPDIR/d.txt --valid $TMPDIR/v.txt --pool $D/tiny_pool.txt --negative-label ham -o $TMPDIR/o.hn --mined $TMPDIR/d.txt" \
           "threshold -q -o $TMPDIR/v.txt $TMPDIR/m.hn $TMPDIR/v.txt" \
           "eval -q --pr-curve $TMPDIR/v.txt $TMPDIR/m.hn $TMPDIR/v.txt" \
           "predict -q -o $TMPDIR/v.txt $TMPDIR/m.hn $TMPDIR/v.txt" \
           "eval -q -o $TMPDIR/v.txt $TMPDIR/m.hn $TMPDIR/v.txt" \
           "tokenize -q -o $TMPDIR/v.txt $TMPDIR/v.txt" \
           "info -q -o $TMPDIR/m.hn $TMPDIR/m.hn"; do
    rc=0
    # shellcheck disable=SC2086
    $HARDNEG $cmd 2> "$TMPDIR/err" || rc=$?
    [ $rc = 2 ] || { echo "'$cmd': exit $rc" >&2; exit 1; }
done
[ "$(sum "$TMPDIR/d.txt")" = "$before" ] && [ "$(sum "$TMPDIR/v.txt")" = "$vb" ]
[ "$("$HARDNEG" info -q "$TMPDIR/m.hn" | head -1)" = "format_version	1" ]
# every report command writes -o FILE whole, the same bytes as standard output
for cmd in "eval -q $TMPDIR/m.hn $TMPDIR/v.txt" "tokenize -q $TMPDIR/v.txt" "info -q $TMPDIR/m.hn" \
           "predict -q $TMPDIR/m.hn $TMPDIR/v.txt"; do
    # shellcheck disable=SC2086
    $HARDNEG $cmd > "$TMPDIR/stdout"
    # shellcheck disable=SC2086
    $HARDNEG $cmd -o "$TMPDIR/file"
    cmp "$TMPDIR/stdout" "$TMPDIR/file" || { echo "'$cmd -o' differs from its standard output" >&2; exit 1; }
    [ -s "$TMPDIR/file" ]
done
# a symlink to an input is the input
ln -s "$TMPDIR/d.txt" "$TMPDIR/link.txt"
rc=0; "$HARDNEG" train -q -o "$TMPDIR/link.txt" "$TMPDIR/d.txt" 2>/dev/null || rc=$?
[ $rc = 2 ]
[ "$(sum "$TMPDIR/d.txt")" = "$before" ]
