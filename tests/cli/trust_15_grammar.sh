# issue 13, item 15: one grammar: -o FILE is a file (predict's format
# option is --json), --json wherever there is a report (info too), -q/-v
# everywhere, standard input by default (merge too), score and mine share
# --top and --max-score with the same defaults; unknown options name the
# right word, and fastText's single-dash options get hardneg's spelling
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
"$HARDNEG" predict -q -o "$TMPDIR/p.txt" "$TMPDIR/m.hn" $D/tiny_test.txt
[ "$(wc -l < "$TMPDIR/p.txt")" = 15 ]
"$HARDNEG" predict -q --json "$TMPDIR/m.hn" $D/tiny_test.txt | head -1 | /usr/bin/python3 -c 'import json, sys; json.load(sys.stdin)'
"$HARDNEG" info --json "$TMPDIR/m.hn" | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["labels"] == 2'
"$HARDNEG" threshold -q --json -o "$TMPDIR/t.hn" "$TMPDIR/m.hn" $D/tiny_test.txt |
    /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); assert 0 <= d["threshold"] <= 1'
for c in tokenize train predict eval threshold split mine score merge plot info; do
    "$HARDNEG" $c -q --help > /dev/null && "$HARDNEG" $c -v --help > /dev/null ||
        { echo "$c: -q or -v refused" >&2; exit 1; }
done
# merge reads standard input
"$HARDNEG" score -q --top 5 "$TMPDIR/m.hn" $D/tiny_pool.txt > "$TMPDIR/shard"
"$HARDNEG" merge -q --top 3 < "$TMPDIR/shard" | wc -l | grep -q '^3$'
# one name and one default for the candidates and the ceiling
"$HARDNEG" score --help | grep -q -- '--top K .*\[1000\]'
"$HARDNEG" mine --help | grep -q -- '--top K .*\[1000\]'
"$HARDNEG" score --help | grep -q -- '--max-score S .*\[0.99\]'
"$HARDNEG" mine --help | grep -q -- '--max-score S .*\[0.99\]'
# the offending word, not its neighbour; fastText's names translated
rc=0; "$HARDNEG" train -o "$TMPDIR/x.hn" -epoch 5 f 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q "unknown option '-epoch': hardneg spells fastText's -epoch as --epochs" "$TMPDIR/err"
rc=0; "$HARDNEG" train -o "$TMPDIR/x.hn" -wordNgrams 2 f 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--ngrams" "$TMPDIR/err"
rc=0; "$HARDNEG" train --lr-rate 2 f 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q "unknown option '--lr-rate' (did you mean '--lr'?)" "$TMPDIR/err"
# standard input wherever a file of examples is read, also where it is read
# more than once (split's two passes, plot's models, mine's --train)
T=$D/tiny_test.txt
"$HARDNEG" eval -q "$TMPDIR/m.hn" - < $T | grep -q "^binary evaluation"
"$HARDNEG" threshold -q -o "$TMPDIR/t2.hn" "$TMPDIR/m.hn" - < $T
"$HARDNEG" tokenize -q < $T | wc -l | grep -q '^15$'
"$HARDNEG" plot -q -o "$TMPDIR/two.svg" - "$TMPDIR/m.hn=a" "$TMPDIR/t.hn=b" < $T
[ "$(grep -c '<path class="curve" stroke' "$TMPDIR/two.svg")" = 2 ]
"$HARDNEG" split -q --prefix "$TMPDIR/sp" - < $D/tiny_train.txt
[ "$(cat "$TMPDIR"/sp.*.txt | sort | cksum)" = "$(sort $D/tiny_train.txt | cksum)" ]
rc=0; "$HARDNEG" split -q - < $D/tiny_train.txt 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--prefix" "$TMPDIR/err"
"$HARDNEG" mine -q --train - --valid $T --pool $D/tiny_pool.txt --negative-label ham --rounds 2 \
    -o "$TMPDIR/mi.hn" < $D/tiny_train.txt
"$HARDNEG" info -q "$TMPDIR/mi.hn" | grep -q "^train_examples"
# --json on the commands whose report went only to stderr: train, mine, split
J='import json, sys; d = json.load(sys.stdin)'
"$HARDNEG" train -q --json -o "$TMPDIR/j.hn" $D/tiny_train.txt |
    /usr/bin/python3 -c "$J; assert d['output'].endswith('j.hn') and d['model']['labels'] == 2"
rc=0; "$HARDNEG" train -q --json -o - $D/tiny_train.txt > /dev/null 2>&1 || rc=$?
[ $rc = 2 ]
"$HARDNEG" mine -q --json --train $D/tiny_train.txt --valid $T --pool $D/tiny_pool.txt --negative-label ham \
    --rounds 2 -o "$TMPDIR/mj.hn" | /usr/bin/python3 -c "$J; assert d['rounds'][0]['round'] == 0"
rc=0; "$HARDNEG" mine -q --json --mined - --train $D/tiny_train.txt --valid $T --pool $D/tiny_pool.txt \
    --negative-label ham -o "$TMPDIR/mj.hn" > /dev/null 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q "standard output" "$TMPDIR/err"
"$HARDNEG" split -q --json --prefix "$TMPDIR/sj" $D/tiny_train.txt |
    /usr/bin/python3 -c "$J; assert sum(p['lines'] for p in d['parts']) == 45"
