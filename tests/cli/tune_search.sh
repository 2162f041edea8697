# issue 15: hardneg tune. The search is the same for the same seed and
# trial limit; an option the user gives is in every trial and never
# searched; the winner's command trains the same model again; SIGINT and
# the budget end it with the best model so far written; a metric that does
# not fit the task is a usage error naming the ones that do
set -e
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/test.XXXXXX")  # files of its own, beside the runner's
J='import json, sys'
"$HARDNEG" tune -q --trials 9 --seed 3 --report "$T/r1.json" -o "$T/a.hn" --valid $D/tiny_test.txt $D/tiny_train.txt
"$HARDNEG" tune -q --trials 9 --seed 3 --report "$T/r2.json" -o "$T/b.hn" --valid $D/tiny_test.txt $D/tiny_train.txt
/usr/bin/python3 -c "$J
a, b = (json.load(open(f)) for f in sys.argv[1:])
key = lambda r: [(t['options'], t['status'], t.get('value')) for t in r['trials']]
assert len(a['trials']) == 9, len(a['trials'])
assert key(a) == key(b), 'two runs with one seed differ'
assert len({t['options'] for t in a['trials']}) == 9, 'a setting was tried twice'
" "$T/r1.json" "$T/r2.json"
# fixed options: never in a trial's searched words, always in the model
"$HARDNEG" tune -q --trials 8 --char-ngrams 3:3 --model linear --report "$T/r3.json" -o "$T/c.hn" \
    --valid $D/tiny_test.txt $D/tiny_train.txt
/usr/bin/python3 -c "$J
r = json.load(open(sys.argv[1]))
for t in r['trials']:
    assert '--char-ngrams' not in t['options'] and '--model' not in t['options'], t['options']
" "$T/r3.json"
"$HARDNEG" info -q "$T/c.hn" | grep -q "^tokenizer.minn	3$"
"$HARDNEG" info -q "$T/c.hn" | grep -q "^tokenizer.maxn	3$"
"$HARDNEG" info -q "$T/c.hn" | grep -q "^model	linear"
# the stored command trains the same model again
cmd=$("$HARDNEG" info -q "$T/c.hn" | awk -F'\t' '$1 == "command" { print $2 }')
case "$cmd" in "hardneg train "*) ;; *) echo "no command stored: '$cmd'" >&2; exit 1 ;; esac
# shellcheck disable=SC2086
(PATH="$(dirname "$HARDNEG"):$PATH"; eval "${cmd% -o *} -q -o $T/again.hn $D/tiny_train.txt")
"$HARDNEG" predict -q --top-k 0 "$T/c.hn" $D/tiny_test.txt > "$T/p1"
"$HARDNEG" predict -q --top-k 0 "$T/again.hn" $D/tiny_test.txt > "$T/p2"
cmp "$T/p1" "$T/p2"
# a binary metric on a binary task stores its threshold
"$HARDNEG" tune -q --trials 3 --metric 'recall@precision=0.9' -o "$T/d.hn" --valid $D/tiny_test.txt $D/tiny_train.txt
"$HARDNEG" info -q "$T/d.hn" | grep -q "^threshold	.*tune: recall@precision=0.9 on"
# a metric that does not fit: exit 2, the ones that do named
awk '{ sub(/__label__ham/, "__label__other"); print } NR % 3 == 0 { sub(/__label__[a-z]*/, "__label__third"); print }' \
    $D/tiny_train.txt > "$T/three.txt"
rc=0; "$HARDNEG" tune -q --trials 2 --metric ap -o "$T/e.hn" --valid "$T/three.txt" "$T/three.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "is for two labels; with 3 use accuracy, macro-f1" "$T/err"
rc=0; "$HARDNEG" tune -q --metric nope -o "$T/e.hn" --valid $D/tiny_test.txt $D/tiny_train.txt 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "unknown 'nope' (ap, f1" "$T/err"
rc=0; "$HARDNEG" tune -q -o "$T/e.hn" $D/tiny_train.txt 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "missing --valid" "$T/err"
# the budget ends the search, the best so far is written
"$HARDNEG" tune --budget 2 -o "$T/f.hn" --valid $D/tiny_test.txt $D/tiny_train.txt 2> "$T/err"
"$HARDNEG" info -q "$T/f.hn" > /dev/null
grep -q "trials (0 failed); best #" "$T/err"
# SIGINT: the best finished trial is written, exit 1 as train and mine
rm -f "$T/sigerr"
"$HARDNEG" tune --budget 600 -o "$T/g.hn" --valid $D/tiny_test.txt $D/tiny_train.txt 2> "$T/sigerr" &
pid=$!
i=0
while ! grep -q "tune:    1 " "$T/sigerr" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 600 ] || { kill $pid; echo "no trial finished" >&2; exit 1; }
    sleep 0.1
done
kill -s INT $pid
rc=0; wait $pid || rc=$?
[ $rc = 1 ] || { echo "SIGINT: exit $rc" >&2; cat "$T/sigerr" >&2; exit 1; }
grep -q "interrupted; best #" "$T/sigerr"
grep -q "tune: interrupted; wrote the best trial so far" "$T/sigerr"
"$HARDNEG" info -q "$T/g.hn" > /dev/null
# mine with tuned settings, or with another model's
"$HARDNEG" mine --tune 2 --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool $D/tiny_pool.txt \
    --negative-label ham --rounds 1 -o "$T/mt.hn" 2> "$T/mterr"
grep -q "mine: tuned in [0-9]* trials: --model" "$T/mterr"
"$HARDNEG" info -q "$T/mt.hn" | grep -q "^options	.*--model"
"$HARDNEG" train -q --char-ngrams 3:3 --C 2 -o "$T/l.hn" $D/tiny_train.txt
"$HARDNEG" mine -q --like "$T/l.hn" --ngrams 1 --train $D/tiny_train.txt --valid $D/tiny_test.txt \
    --pool $D/tiny_pool.txt --negative-label ham --rounds 1 -o "$T/ml.hn"
"$HARDNEG" info -q "$T/ml.hn" | grep -q "^options	--char-ngrams 3:3 --C 2 --ngrams 1$"
"$HARDNEG" info -q "$T/ml.hn" | grep -q "^tokenizer.word_ngrams	1$"
rc=0; "$HARDNEG" mine -q --like "$T/l.hn" --tune 5 --train $D/tiny_train.txt --valid $D/tiny_test.txt \
    --pool $D/tiny_pool.txt --negative-label ham -o "$T/mx.hn" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "give one" "$T/err"
# what no setting can change is said before the budget is spent
rc=0; "$HARDNEG" tune -q --budget 60 --metric f1:nolabel -o "$T/n.hn" --valid $D/tiny_test.txt $D/tiny_train.txt \
    2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "'nolabel' is not a label of" "$T/err"
grep '__label__ham' $D/tiny_test.txt > "$T/nopos.txt"
rc=0; "$HARDNEG" tune -q --budget 60 -o "$T/n.hn" --valid "$T/nopos.txt" $D/tiny_train.txt 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "no example of the positive label 'spam': ap is undefined" "$T/err"
grep '__label__spam' $D/tiny_train.txt > "$T/one.txt"
rc=0; "$HARDNEG" tune -q --budget 60 -o "$T/n.hn" --valid $D/tiny_test.txt "$T/one.txt" 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "one label only" "$T/err"
[ ! -e "$T/n.hn" ]
# a fixed MLP gets MLP settings from the first batch on, without complaints
"$HARDNEG" tune --trials 6 --model mlp --report "$T/mlp.json" -o "$T/mlp.hn" --valid $D/tiny_test.txt \
    $D/tiny_train.txt 2> "$T/err"
! grep -q "out of range\|Try 'hardneg" "$T/err"
/usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert all(t["status"] == "ok" and "--dim" in t["options"] for t in r["trials"]), r' "$T/mlp.json"
