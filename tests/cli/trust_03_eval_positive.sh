# issue 13, item 4: eval --scores with gold<TAB>score lines and no
# --positive is refused with the hint (it reported a many-class evaluation
# with accuracy 0); --positive LABEL on a multi-class model gives that
# label against the rest, and --pr-curve / --plot work.
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
printf 'spam\t0.9\nham\t0.2\nspam\t0.7\nham\t0.4\n' > "$TMPDIR/s.tsv"
"$HARDNEG" eval --scores "$TMPDIR/s.tsv" > "$TMPDIR/out" 2> "$TMPDIR/err" && exit 1
grep -q 'binary scores (gold<TAB>score) need --positive LABEL' "$TMPDIR/err"
[ ! -s "$TMPDIR/out" ]
# a three-class model; the PR curve of one class against the rest
awk '{ print } NR % 3 == 0 { sub(/^__label__[a-z]*/, "__label__other"); print }' $D/tiny_train.txt > "$TMPDIR/three.txt"
"$HARDNEG" train -q -o "$TMPDIR/m3.hn" --epochs 10 "$TMPDIR/three.txt"
"$HARDNEG" eval -q --json --positive spam --pr-curve "$TMPDIR/pr.tsv" --plot "$TMPDIR/pr.svg" "$TMPDIR/m3.hn" \
    "$TMPDIR/three.txt" > "$TMPDIR/j"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); assert d["task"] == "binary" and d["positive_label"] == "spam", d
' "$TMPDIR/j"
head -1 "$TMPDIR/pr.tsv" | grep -q '^threshold	precision	recall$'
grep -q '<svg' "$TMPDIR/pr.svg"
"$HARDNEG" plot -q --positive spam -o "$TMPDIR/p3.svg" "$TMPDIR/three.txt" "$TMPDIR/m3.hn"
"$HARDNEG" eval -q --positive nosuch "$TMPDIR/m3.hn" "$TMPDIR/three.txt" 2> "$TMPDIR/err" && exit 1
grep -q "no label 'nosuch'" "$TMPDIR/err"
