# the MLP goes through the same commands as the linear model: train, predict,
# eval, threshold, info, mine; --threads 1 training is byte-for-byte reproducible
set -e
D=tests/data
M="--model mlp --dim 16 --hidden 16 --epochs 30 --seed 3"
"$HARDNEG" train -q $M -o "$TMPDIR/a.hn" $D/tiny_train.txt
"$HARDNEG" train -q $M -o "$TMPDIR/b.hn" $D/tiny_train.txt
cmp "$TMPDIR/a.hn" "$TMPDIR/b.hn"
"$HARDNEG" train -q $M --seed 4 -o "$TMPDIR/c.hn" $D/tiny_train.txt
! cmp -s "$TMPDIR/a.hn" "$TMPDIR/c.hn"
"$HARDNEG" info "$TMPDIR/a.hn" > "$TMPDIR/info"
grep -q "^model	mlp binary (sigmoid)" "$TMPDIR/info"
grep -q "^dim	16" "$TMPDIR/info"
grep -q "^hidden	16" "$TMPDIR/info"
# one prediction per line, in order, with threads too
"$HARDNEG" predict "$TMPDIR/a.hn" $D/tiny_test.txt > "$TMPDIR/p.tsv"
[ "$(wc -l < "$TMPDIR/p.tsv")" = "$(wc -l < $D/tiny_test.txt)" ]
"$HARDNEG" predict --threads 2 "$TMPDIR/a.hn" $D/tiny_test.txt | cmp - "$TMPDIR/p.tsv"
# dropout is off at prediction time: the same input twice gives the same line
head -1 $D/tiny_test.txt > "$TMPDIR/one.txt"
cat "$TMPDIR/one.txt" "$TMPDIR/one.txt" | "$HARDNEG" predict "$TMPDIR/a.hn" - | uniq | [ "$(wc -l)" = 1 ]
"$HARDNEG" eval -q --json "$TMPDIR/a.hn" $D/tiny_test.txt | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin); assert d["accuracy"] == 1.0 and d["average_precision"] == 1.0, d'
"$HARDNEG" threshold -q -o "$TMPDIR/t.hn" "$TMPDIR/a.hn" $D/tiny_test.txt
"$HARDNEG" info "$TMPDIR/t.hn" | grep -q "^model	mlp"
# adam, two hidden layers, and one round of mining
"$HARDNEG" train -q --model mlp --optim adam --hidden 8,4 --epochs 40 -o "$TMPDIR/d.hn" $D/tiny_train.txt
"$HARDNEG" info "$TMPDIR/d.hn" | grep -q "^hidden	8,4"
"$HARDNEG" mine -q $M --negative-label ham --rounds 1 --per-round 5 -o "$TMPDIR/m.hn" --valid $D/tiny_test.txt --train $D/tiny_train.txt --pool $D/tiny_pool.txt
"$HARDNEG" info "$TMPDIR/m.hn" | grep -q "^model	mlp"
# bad MLP options are usage errors naming the option
for bad in "--model mlp --hidden 0" "--model mlp --hidden 8," "--model mlp --dim 5000" "--optim adam" \
           "--model mlp --l1 0.1" "--model deep" "--model mlp --dropout 1"; do
    if "$HARDNEG" train $bad -o "$TMPDIR/x.hn" $D/tiny_train.txt 2> "$TMPDIR/bad_err"; then exit 1; else rc=$?; fi
    [ "$rc" = 2 ] || { echo "rc $rc for $bad"; exit 1; }
    opt=$(echo "$bad" | awk '{print $NF == "0.1" ? "--l1" : ($NF ~ /^-/ ? $NF : $(NF-1))}')
    grep -q -- "$opt" "$TMPDIR/bad_err" || { echo "no '$opt' in: $(cat "$TMPDIR/bad_err")"; exit 1; }
    [ ! -e "$TMPDIR/x.hn" ]
done
