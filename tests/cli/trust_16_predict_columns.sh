# issue 13, item 16: predict prints fixed probability columns in label
# order with a header (scikit-learn's predict_proba), and fastText's
# predict-prob lines (__label__X P ...), so either can be swapped in
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
"$HARDNEG" predict -q --probabilities "$TMPDIR/m.hn" $D/tiny_test.txt > "$TMPDIR/p"
[ "$(head -1 "$TMPDIR/p")" = "$(printf 'ham\tspam')" ]
[ "$(wc -l < "$TMPDIR/p")" = 16 ]
tail -n +2 "$TMPDIR/p" | awk -F'\t' 'NF != 2 || $1 + $2 < 0.999 || $1 + $2 > 1.001 { exit 1 }'
"$HARDNEG" predict -q --fasttext -k 2 "$TMPDIR/m.hn" $D/tiny_test.txt > "$TMPDIR/f"
awk 'NF != 4 || $1 !~ /^__label__(spam|ham)$/ || $3 !~ /^__label__(spam|ham)$/ { exit 1 }' "$TMPDIR/f"
