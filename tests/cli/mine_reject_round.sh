# issue 16, items 5 and 6: with a reject label, mine picks the round and
# its reject threshold together on the validation set (reject-recall: the
# most out-of-scope recall a threshold buys while in-scope accuracy stays
# within --max-drop of round 0's), keeps that threshold in the model, and
# the round table and report name the columns for the task and say
# "below floor" instead of printing a magic number
set -e
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/test.XXXXXX")  # files of its own, beside the runner's
three() { awk '{ if ($1 == "__label__spam") sub(/^__label__spam/, "__label__a"); else if (NR % 2) sub(/^__label__ham/, "__label__b"); else sub(/^__label__ham/, "__label__oos"); print }' "$1"; }
three $D/tiny_train.txt > "$T/train.txt"
three $D/tiny_test.txt > "$T/valid.txt"
"$HARDNEG" mine --train "$T/train.txt" --valid "$T/valid.txt" --pool $D/tiny_pool.txt --negative-label oos \
    --rounds 2 --top 10 --max-drop 0 -o "$T/m.hn" --report "$T/r.json" 2> "$T/err"
grep -q "mine: round .* in-scope  oos-rec  threshold" "$T/err"
/usr/bin/python3 - "$T/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["metric"] == "reject-recall", r["metric"]
for x in r["rounds"]:
    assert "threshold" in x and "in_scope_accuracy" in x and "oos_recall" in x, x
    assert (x["metric"] is None) == x["below_floor"], x
    assert x["metric"] is None or 0 <= x["metric"] <= 1, x
PY
best=$(/usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["rounds"][r["best_round"]]["threshold"])' "$T/r.json")
"$HARDNEG" info -q "$T/m.hn" | grep -q "^reject_label	oos$"
"$HARDNEG" info -q "$T/m.hn" | grep -q "^threshold	.*mine: reject-recall on the validation set"
thr=$("$HARDNEG" info -q "$T/m.hn" | awk -F'\t' '$1 == "threshold" { print $2 }')
/usr/bin/python3 -c 'import sys; a, b = map(float, sys.argv[1:]); assert abs(a - b) <= 1e-6 * max(1, abs(a)), (a, b)' "$thr" "$best"
# a two-label task cannot use it
rc=0; "$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool $D/tiny_pool.txt \
    --negative-label ham --metric reject-recall -o "$T/x.hn" 2> "$T/err" || rc=$?
[ $rc != 0 ] && grep -q "reject-recall is for several labels" "$T/err"
