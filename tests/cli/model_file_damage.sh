# a damaged model file is a one-line error (exit 1), never a crash

M="$TMPDIR/m.hn"
"$HARDNEG" train -q -o "$M" tests/data/tiny_train.txt || exit 1
size=$(wc -c < "$M")
expect() { # file, message
    "$HARDNEG" predict "$1" tests/data/tiny_test.txt > /dev/null 2> "$TMPDIR/err"
    rc=$?
    [ $rc = 1 ] || { echo "$1: exit $rc" >&2; cat "$TMPDIR/err" >&2; exit 1; }
    [ "$(wc -l < "$TMPDIR/err")" = 1 ] || { cat "$TMPDIR/err" >&2; exit 1; }
    grep -q "$2" "$TMPDIR/err" || { cat "$TMPDIR/err" >&2; exit 1; }
}
head -c $((size / 2)) "$M" > "$TMPDIR/trunc.hn";   expect "$TMPDIR/trunc.hn" "truncated or corrupted"
printf 'GARBAGE!' > "$TMPDIR/magic.hn";             expect "$TMPDIR/magic.hn" "not a hardneg model file"
sed '1s/HNMODEL 1/HNMODEL 2/' "$M" > "$TMPDIR/new.hn"; expect "$TMPDIR/new.hn" "unsupported format version 2"
: > "$TMPDIR/empty.hn";                             expect "$TMPDIR/empty.hn" "not a hardneg model file"
# flip one byte at many offsets past the magic: every flip is detected
off=9
while [ $off -lt "$size" ]; do
    cp "$M" "$TMPDIR/flip.hn"
    printf '\377' | dd of="$TMPDIR/flip.hn" bs=1 seek=$off conv=notrunc 2>/dev/null
    if ! cmp -s "$M" "$TMPDIR/flip.hn"; then expect "$TMPDIR/flip.hn" "corrupted\|truncated"; fi
    off=$((off + 37))
done
