# issue 16, item 4: a pool holding positives in disguise. mine --audit
# writes a sample of mined lines (round, score when mined, text) in score
# bands for a person to check; the lines judged positive, given back with
# --exclude (as the audit wrote them, or as plain / labeled lines), never
# reach the selection or the cache, and the round table counts them
set -e
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/test.XXXXXX")  # files of its own, beside the runner's
# the disguised positives: spam lines of the training file said a little
# differently (a training line itself is never mined), without labels
grep '^__label__spam' $D/tiny_train.txt | sed 's/^__label__spam //; s/$/ today/' | head -12 > "$T/spam.txt"
cat $D/tiny_pool.txt "$T/spam.txt" > "$T/pool.txt"
run() {
    "$HARDNEG" mine -q --train $D/tiny_train.txt --pool "$T/pool.txt" --valid $D/tiny_test.txt \
        --negative-label ham --rounds 2 --top 50 --margin 0.5 --solver sgd --epochs 3 "$@"
}
run -o "$T/a.hn" --mined "$T/a.tsv" --audit 6 "$T/audit.tsv" --report "$T/a.json"
grep -q '^# round<TAB>score<TAB>text' "$T/audit.tsv"
[ "$(grep -vc '^#' "$T/audit.tsv")" = 6 ]
# every audited line was mined, with the score it was mined at
grep -v '^#' "$T/audit.tsv" | while IFS= read -r l; do grep -qxF "$l" "$T/a.tsv" || { echo "not mined: $l" >&2; exit 1; }; done
# the person keeps the disguised positives: the mined lines that are spam lines
awk -F'\t' 'NR == FNR { s[$0] = 1; next } ($3 in s)' "$T/spam.txt" "$T/a.tsv" > "$T/judged.tsv"
[ -s "$T/judged.tsv" ] || { echo "no disguised positive was mined: the test proves nothing" >&2; exit 1; }
for ex in "$T/judged.tsv" "$T/spam.txt"; do
    run -o "$T/b.hn" --mined "$T/b.tsv" --exclude "$ex" --report "$T/b.json"
    if awk -F'\t' 'NR == FNR { s[$0] = 1; next } ($3 in s) { bad = 1 } END { exit !bad }' "$T/spam.txt" "$T/b.tsv"; then
        # with the audit file only the judged lines are excluded; with the plain file all of them
        [ "$ex" = "$T/judged.tsv" ] || { echo "an excluded line was mined" >&2; exit 1; }
        awk -F'\t' 'NR == FNR { s[$3] = 1; next } ($3 in s) { bad = 1 } END { exit bad }' "$T/judged.tsv" "$T/b.tsv"
    fi
    /usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert sum(x["excluded"] for x in r["rounds"]) > 0, r' "$T/b.json"
done
# labeled lines work too: their labels are not the text
sed 's/^/__label__spam /' "$T/spam.txt" > "$T/spam_labeled.txt"
run -o "$T/c.hn" --mined "$T/c.tsv" --exclude "$T/spam_labeled.txt"
! awk -F'\t' 'NR == FNR { s[$0] = 1; next } ($3 in s) { bad = 1 } END { exit !bad }' "$T/spam.txt" "$T/c.tsv"
# the exclude file is an input: it may not also be an output
rc=0; run -o "$T/d.hn" --mined "$T/spam.txt" --exclude "$T/spam.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ]
# the validation lines judge the rounds: never mined, even from a pool that holds them
"$HARDNEG" mine -q --train $D/tiny_train.txt --pool $D/tiny_test.txt --valid $D/tiny_test.txt \
    --negative-label ham --rounds 1 --top 50 --margin 0.5 --solver sgd --epochs 3 -o "$T/v.hn" --mined "$T/v.tsv"
[ ! -s "$T/v.tsv" ] || { echo "validation lines were mined" >&2; exit 1; }
# training lines are never mined, also when --train comes from standard input
"$HARDNEG" mine -q --train - --pool $D/tiny_train.txt --valid $D/tiny_test.txt \
    --negative-label ham --rounds 1 --top 50 --margin 0.5 --solver sgd --epochs 3 -o "$T/s.hn" --mined "$T/s.tsv" \
    < $D/tiny_train.txt
[ ! -s "$T/s.tsv" ] || { echo "training lines read from standard input were mined" >&2; exit 1; }
