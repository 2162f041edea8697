# issue 16: train --init MODEL continues from a model with new data: rows
# grow for new buckets, the features are the model's (a differing option is
# a usage error naming it), new labels are appended, the kind must match,
# and -o may name MODEL itself
set -e
D=tests/data
T=$TMPDIR
kv() { "$HARDNEG" info -q "$1" | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
labels() { "$HARDNEG" info -q "$1" | awk -F'\t' '$1 == "label" { printf "%s ", $3 }'; }
head -20 $D/tiny_train.txt > "$T/A.txt"
tail -n +21 $D/tiny_train.txt > "$T/B.txt"
"$HARDNEG" train -q -o "$T/a.hn" "$T/A.txt"
"$HARDNEG" train -q -o "$T/ab.hn" --init "$T/a.hn" "$T/B.txt"
"$HARDNEG" train -q -o "$T/all.hn" $D/tiny_train.txt
# rows grow for B's new buckets (a linear model stores only rows that are not
# zero, and B's lines that A's model already gets right by a margin leave
# theirs at zero: the MLP below, which stores every row, checks the union)
[ "$(kv "$T/ab.hn" weight_rows)" -gt "$(kv "$T/a.hn" weight_rows)" ]
[ "$(kv "$T/ab.hn" weight_rows)" -le "$(kv "$T/all.hn" weight_rows)" ]
grep -q -- "--init" <<EOS
$(kv "$T/ab.hn" command)
EOS
# the anchor: with almost no weight on B (--C 1e-6) the model decides as A's does;
# from scratch at that C it does not
"$HARDNEG" predict -q "$T/a.hn" $D/tiny_test.txt | cut -f1 > "$T/pa"
"$HARDNEG" train -q --C 1e-6 -o "$T/abc.hn" --init "$T/a.hn" "$T/B.txt"
"$HARDNEG" predict -q "$T/abc.hn" $D/tiny_test.txt | cut -f1 > "$T/pabc"
cmp "$T/pa" "$T/pabc"
"$HARDNEG" train -q --C 1e-6 -o "$T/bc.hn" "$T/B.txt"
"$HARDNEG" predict -q "$T/bc.hn" $D/tiny_test.txt | cut -f1 > "$T/pbc"
! cmp -s "$T/pa" "$T/pbc"
# a feature option that differs from the model's: usage error naming it, no output
rc=0; "$HARDNEG" train -q --bits 12 -o "$T/x.hn" --init "$T/a.hn" "$T/B.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--bits 12: --init $T/a.hn has other feature settings" "$T/err" && [ ! -e "$T/x.hn" ]
rc=0; "$HARDNEG" train -q --char-ngrams 3:5 -o "$T/x.hn" --init "$T/a.hn" "$T/B.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--char-ngrams 3:5: --init" "$T/err" && [ ! -e "$T/x.hn" ]
# ... and one that agrees with it is fine
"$HARDNEG" train -q --bits 20 --ngrams 2 -o "$T/x.hn" --init "$T/a.hn" "$T/B.txt"
# the kind must match
rc=0; "$HARDNEG" train -q --model mlp -o "$T/y.hn" --init "$T/a.hn" "$T/B.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--model mlp: --init $T/a.hn is a linear model" "$T/err" && [ ! -e "$T/y.hn" ]
# a binary model does not grow a third label
{ echo "__label__promo win a prize now"; cat "$T/B.txt"; } > "$T/B3.txt"
rc=0; "$HARDNEG" train -q -o "$T/y.hn" --init "$T/a.hn" "$T/B3.txt" 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "adds label 'promo' to a binary model" "$T/err" && [ ! -e "$T/y.hn" ]
# a multi-class model keeps its labels in order and appends new ones
sed 's/^__label__ham \(.*code.*\)/__label__work \1/' "$T/A.txt" > "$T/M.txt"
sed 's/^__label__spam \(.*prize.*\)/__label__promo \1/' "$T/B.txt" > "$T/N.txt"
grep -q __label__work "$T/M.txt" && grep -q __label__promo "$T/N.txt"
"$HARDNEG" train -q -o "$T/m.hn" "$T/M.txt"
"$HARDNEG" train -q -o "$T/mn.hn" --init "$T/m.hn" "$T/N.txt"
want="$(labels "$T/m.hn")promo "
[ "$(labels "$T/mn.hn")" = "$want" ] || { echo "labels: $(labels "$T/mn.hn"), want $want" >&2; exit 1; }
"$HARDNEG" predict -q "$T/mn.hn" "$T/N.txt" | cut -f1 | grep -qx promo
# -o MODEL --init MODEL: read first, then replaced atomically (the daily update)
cp "$T/a.hn" "$T/daily.hn"
"$HARDNEG" train -q -o "$T/daily.hn" --init "$T/daily.hn" "$T/B.txt"
"$HARDNEG" predict -q --probabilities "$T/daily.hn" $D/tiny_test.txt > "$T/p1"
"$HARDNEG" predict -q --probabilities "$T/ab.hn" $D/tiny_test.txt > "$T/p2"
cmp "$T/p1" "$T/p2"
# the MLP continues as an MLP, and keeps its shape
"$HARDNEG" train -q --model mlp --dim 8 --hidden 8 --epochs 2 -o "$T/mlp.hn" "$T/A.txt"
"$HARDNEG" train -q --epochs 2 -o "$T/mlp2.hn" --init "$T/mlp.hn" "$T/B.txt"
[ "$(kv "$T/mlp2.hn" model)" = "$(kv "$T/mlp.hn" model)" ]
"$HARDNEG" train -q --model mlp --dim 8 --hidden 8 --epochs 2 -o "$T/mlpall.hn" $D/tiny_train.txt
[ "$(kv "$T/mlp2.hn" weight_rows)" = "$(kv "$T/mlpall.hn" weight_rows)" ]
rc=0; "$HARDNEG" train -q --dim 16 -o "$T/z.hn" --init "$T/mlp.hn" "$T/B.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--dim 16: --init $T/mlp.hn has --dim 8 --hidden 8" "$T/err"
# a missing or damaged initial model is a one-line runtime error
rc=0; "$HARDNEG" train -q -o "$T/z.hn" --init "$T/nope.hn" "$T/B.txt" 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "nope.hn" "$T/err" && [ ! -e "$T/z.hn" ]
# standard input holds one of them only
rc=0; "$HARDNEG" train -q -o "$T/z.hn" --init - < "$T/a.hn" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--init - and the training file both read standard input" "$T/err"
"$HARDNEG" train -q -o "$T/z.hn" --init - "$T/B.txt" < "$T/a.hn"
