# --deterministic: the same model for a seed whatever --threads is, and a
# run repeated on 2 threads gives the same file; mine on 2 threads repeats
# itself exactly (model, mined lines, report). The batch solver (dcd, the
# linear default) needs no option: it is thread-count independent anyway.
set -e
D=tests/data
T="$TMPDIR/dt"
mkdir -p "$T"
# the weights section of a model file (the meta section records the
# command line and --threads, so whole files differ across thread counts);
# the last 21 bytes are the checksum trailer over the whole file
weights() {
    off=$(grep -a -b -m1 '^section model' "$1" | cut -d: -f1)
    tail -c +$((off + 1)) "$1" | head -c -21
}
same_weights() {
    weights "$1" > "$T/w1"
    weights "$2" > "$T/w2"
    cmp "$T/w1" "$T/w2" || { echo "weights differ: $1 $2" >&2; exit 1; }
}
# a 3-class file from the tiny fixture
awk '{ $1 = "__label__c" (NR % 3); print }' $D/tiny_train.txt > "$T/three.txt"
for data in $D/tiny_train.txt "$T/three.txt"; do
    for cfg in "--solver sgd --epochs 4" "--solver sgd --epochs 3 --optim sgd --l1 0.0001" \
               "--solver sgd --epochs 3 --batch 8 --ohem-keep 0.5" \
               "--model mlp --epochs 3 --dim 16 --hidden 16" \
               "--model mlp --epochs 2 --dim 8 --hidden 8,8 --optim adam --lr 0.01"; do
        # shellcheck disable=SC2086
        "$HARDNEG" train -q --deterministic --seed 3 --threads 2 $cfg -o "$T/a.hn" "$data"
        # shellcheck disable=SC2086
        "$HARDNEG" train -q --deterministic --seed 3 --threads 2 $cfg -o "$T/b.hn" "$data"
        cmp "$T/a.hn" "$T/b.hn" || { echo "two runs on 2 threads differ: $cfg" >&2; exit 1; }
        for t in 1 3; do
            # shellcheck disable=SC2086
            "$HARDNEG" train -q --deterministic --seed 3 --threads $t $cfg -o "$T/c.hn" "$data"
            same_weights "$T/a.hn" "$T/c.hn"
        done
    done
done
# the ranking loss (binary) in batches
"$HARDNEG" train -q --deterministic --solver sgd --loss rank --batch 8 --threads 2 -o "$T/a.hn" $D/tiny_train.txt
"$HARDNEG" train -q --deterministic --solver sgd --loss rank --batch 8 --threads 1 -o "$T/c.hn" $D/tiny_train.txt
same_weights "$T/a.hn" "$T/c.hn"
# dcd: 1 and 2 threads, no option needed
"$HARDNEG" train -q --threads 1 -o "$T/a.hn" "$T/three.txt"
"$HARDNEG" train -q --threads 2 -o "$T/c.hn" "$T/three.txt"
same_weights "$T/a.hn" "$T/c.hn"
# a deterministic model predicts what the 1-thread one does
"$HARDNEG" train -q --deterministic --solver sgd --threads 2 -o "$T/a.hn" $D/tiny_train.txt
"$HARDNEG" train -q --deterministic --solver sgd --threads 1 -o "$T/c.hn" $D/tiny_train.txt
"$HARDNEG" predict "$T/a.hn" $D/tiny_test.txt > "$T/pa"
"$HARDNEG" predict "$T/c.hn" $D/tiny_test.txt > "$T/pc"
cmp "$T/pa" "$T/pc"
# mine on 2 threads, twice: the same model, mined lines and report
run() {
    "$HARDNEG" mine --threads 2 --deterministic --train $D/tiny_train.txt --pool $D/tiny_pool.txt \
        --valid $D/tiny_test.txt --negative-label ham --rounds 2 --per-round 10 --margin 0.3 --epochs 3 \
        -o "$T/$1.hn" --mined "$T/$1.tsv" --report "$T/$1.json" 2> "$T/$1.err"
}
run m1
run m2
cmp "$T/m1.hn" "$T/m2.hn"
cmp "$T/m1.tsv" "$T/m2.tsv"
[ -s "$T/m1.tsv" ]
/usr/bin/python3 - "$T/m1.json" "$T/m2.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
strip = lambda r: [{k: v for k, v in x.items() if k != "seconds"} for x in r["rounds"]]
assert len(a["rounds"]) >= 2, a
assert strip(a) == strip(b), (strip(a), strip(b))
PY
