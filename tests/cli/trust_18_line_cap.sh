# issue 13, item 18: one line's memory is bounded: a 30 MB line is cut at
# --max-line-bytes (10 MB by default) with a warning that counts it, and
# costs far less than its length; --max-line-bytes 0 reads it whole
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
awk 'BEGIN { for (i = 0; i < 6000000; i++) printf "word "; print "" }' > "$TMPDIR/long.txt"
/usr/bin/time -f '%M' -o "$TMPDIR/rss" "$HARDNEG" tokenize --stats "$TMPDIR/long.txt" 2> "$TMPDIR/err"
grep -q '1 lines longer than --max-line-bytes 10485760 were cut there' "$TMPDIR/err"
grep -q 'bytes 30000001' "$TMPDIR/err"
rss=$(tail -1 "$TMPDIR/rss")
[ "$rss" -lt 250000 ] || { echo "peak RSS $rss KiB for a line cut at 10 MB" >&2; exit 1; }
n=$("$HARDNEG" tokenize -q --max-line-bytes 0 "$TMPDIR/long.txt" | wc -w)
[ "$n" = 6000000 ]
n=$("$HARDNEG" tokenize -q "$TMPDIR/long.txt" | wc -w)
[ "$n" = 2097152 ] || { echo "cut line has $n words" >&2; exit 1; }
