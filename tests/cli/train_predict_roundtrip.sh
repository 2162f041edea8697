# train on a tiny labeled file, predict it back: one line per input line, in order
set -e
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
[ -f "$TMPDIR/m.hn" ] && ! ls "$TMPDIR"/.m.hn.tmp-* 2>/dev/null
n_in=$(wc -l < $D/tiny_test.txt)
"$HARDNEG" predict "$TMPDIR/m.hn" $D/tiny_test.txt > "$TMPDIR/p.tsv"
[ "$(wc -l < "$TMPDIR/p.tsv")" = "$n_in" ]
# every line is label<TAB>probability; labels come without the prefix
awk -F'\t' 'NF != 2 || ($1 != "spam" && $1 != "ham") || $2 < 0.5 || $2 > 1 { exit 1 }' "$TMPDIR/p.tsv"
# labels on the input are ignored: stripping them gives the same output
sed 's/^__label__[a-z]* //' $D/tiny_test.txt | "$HARDNEG" predict "$TMPDIR/m.hn" - | cmp - "$TMPDIR/p.tsv"
# threads keep the order
"$HARDNEG" predict --threads 2 "$TMPDIR/m.hn" $D/tiny_test.txt | cmp - "$TMPDIR/p.tsv"
# all labels, probabilities summing to 1
"$HARDNEG" predict --top-k 0 "$TMPDIR/m.hn" $D/tiny_test.txt | awk -F'\t' 'NF != 4 || ($2 + $4) < 0.999 || ($2 + $4) > 1.001 { exit 1 }'
"$HARDNEG" predict --json "$TMPDIR/m.hn" $D/tiny_test.txt | /usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert len(rows) == 15 and all(r["label"] in ("spam", "ham") for r in rows)'
# the model evaluates perfectly on this separable toy set
"$HARDNEG" eval -q --json "$TMPDIR/m.hn" $D/tiny_test.txt | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin); assert d["accuracy"] == 1.0, d'
"$HARDNEG" info "$TMPDIR/m.hn" | grep -q "^label	1	spam	(positive)"
