# issue 13, items 2 and 3: a TSV header row is skipped (and said), never a
# class; CR-only line ends split lines; UTF-16 is refused naming iconv;
# several labels on a line are counted and warned (--multi-label copy and
# error do what they say).
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
C=tests/data/cli13
"$HARDNEG" train -q -o "$TMPDIR/h.hn" $C/header.tsv
"$HARDNEG" info "$TMPDIR/h.hn" | grep -q '^labels	2$' || { echo "the header row became a class" >&2; exit 1; }
"$HARDNEG" train -o "$TMPDIR/h.hn" $C/header.tsv 2>&1 | grep -q "header row ('label	text'): skipped"
# eval --scores with a gold<TAB>predicted header: 2 classes, not 4
printf 'gold\tpredicted\nspam\tspam\nham\tspam\nham\tham\n' > "$TMPDIR/s.tsv"
"$HARDNEG" eval -q --json --scores "$TMPDIR/s.tsv" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin); assert d["classes"] == 2 and d["n"] == 3, d'
# CR-only line ends: three examples, not one
printf '__label__a x y\r__label__b z w\r__label__a x x\r' > "$TMPDIR/cr.txt"
n=$("$HARDNEG" tokenize -q "$TMPDIR/cr.txt" | wc -l)
[ "$n" = 3 ] || { echo "CR-only file: $n lines" >&2; exit 1; }
# in a file with "\n" line ends a lone "\r" is text: one input line stays one
# line (predict keeps its output lined up; train reads the label once)
printf 'hello\rworld\nfoo\n' > "$TMPDIR/cr_inside.txt"
n=$("$HARDNEG" tokenize -q "$TMPDIR/cr_inside.txt" | wc -l)
[ "$n" = 2 ] || { echo "a lone CR inside a line split it: $n lines" >&2; exit 1; }
printf '__label__a hello\rworld\n__label__b foo\n__label__a x\r\n' > "$TMPDIR/cr_labeled.txt"
"$HARDNEG" train -q -o "$TMPDIR/cr.hn" "$TMPDIR/cr_labeled.txt"
# UTF-16 with a byte order mark: a clear error naming the file and iconv
printf '\377\376_\000_\000l\000' > "$TMPDIR/u16.txt"
"$HARDNEG" train -q -o "$TMPDIR/u.hn" "$TMPDIR/u16.txt" 2> "$TMPDIR/err" && exit 1
grep -q "u16.txt: UTF-16.*iconv" "$TMPDIR/err"
# several labels: warned with a count; copy adds an example a label; error stops at the line
printf '__label__a __label__b alpha beta\n__label__a alpha gamma\n__label__b beta delta\n' > "$TMPDIR/ml.txt"
"$HARDNEG" train -o "$TMPDIR/ml.hn" "$TMPDIR/ml.txt" 2> "$TMPDIR/err"
grep -q '1 lines have several labels: trained on the first label only' "$TMPDIR/err"
"$HARDNEG" train -q -o "$TMPDIR/ml.hn" --multi-label copy "$TMPDIR/ml.txt"
"$HARDNEG" info "$TMPDIR/ml.hn" | grep -q '^train_examples	4$'
"$HARDNEG" train -q -o "$TMPDIR/ml.hn" --multi-label error "$TMPDIR/ml.txt" 2> "$TMPDIR/err" && exit 1
grep -q 'ml.txt:1: 2 labels on one line' "$TMPDIR/err"
