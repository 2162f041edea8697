# a 20 MB single line (ASCII, then with a non-ASCII byte) tokenizes whole
# with --max-line-bytes 0 (no cap)
set -e
awk 'BEGIN { for (i = 0; i < 2000000; i++) printf "word%d x ", i % 1000; print "" }' > "$TMPDIR/long.txt"
n=$("$HARDNEG" tokenize --max-line-bytes 0 "$TMPDIR/long.txt" | wc -w)
[ "$n" = 4000000 ] || { echo "expected 4000000 tokens, got $n" >&2; exit 1; }
printf '\303\251 ' >> "$TMPDIR/long.txt"
n=$("$HARDNEG" tokenize --max-line-bytes 0 "$TMPDIR/long.txt" | wc -l)
[ "$n" = 2 ] || { echo "expected 2 lines, got $n" >&2; exit 1; }
"$HARDNEG" tokenize --max-line-bytes 0 --features "$TMPDIR/long.txt" > /dev/null
