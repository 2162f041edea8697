# issue 16, item 5: `mine --plot FILE.svg` draws every round's curve on the
# validation file in one picture. Binary: precision-recall of the positive
# label, each round's AP in the legend equal to the round table's (metric
# ap); reject label: in-scope accuracy against oos recall, each round's
# reject threshold a dot equal to the round table's in-scope accuracy and
# oos recall. The best round's curve is checked point by point against
# curves computed in Python from `predict --probabilities` of the model
# mine wrote (svgcurves.py), and headless Chromium renders it when
# installed. The plot is an output like the others: never onto an input
# or another output, and no file when the run fails.
set -e
T=$(mktemp -d "${TMPDIR:-/tmp}/mineplot.XXXXXX")
PY=/usr/bin/python3
die() { echo "mine_plot: $*" >&2; exit 1; }

# the small intent data (svgcurves.py); binary: intent a against the rest
"$PY" tests/cli/svgcurves.py "$T"
for f in train valid; do
    awk '{ if ($1 == "__label__a") $1 = "__label__pos"; else $1 = "__label__neg"; print }' "$T/$f.txt" > "$T/bin_$f.txt"
done
"$HARDNEG" mine -q --train "$T/bin_train.txt" --valid "$T/bin_valid.txt" --pool "$T/pool.txt" --negative-label neg \
    --rounds 2 --top 20 --patience 5 -o "$T/b.hn" --report "$T/b.json" --plot "$T/b.svg" || die "binary mine: exit $?"
"$HARDNEG" predict -q --probabilities "$T/b.hn" "$T/bin_valid.txt" > "$T/bp.tsv"
"$PY" - "$T/b.svg" "$T/b.json" "$T/bp.tsv" "$T/bin_valid.txt" <<'PY' || die "the binary plot is wrong"
import json, sys
sys.path.insert(0, "tests/cli")
from svgcurves import Picture, check_line, pr_step_points, read_gold, read_probs
svg, rep, probs, gold = sys.argv[1:]
r = json.load(open(rep))
pic = Picture(svg)
assert r["metric"] == "ap", r["metric"]
assert len(r["rounds"]) == 3 and len(pic.curves) == 3, (len(r["rounds"]), len(pic.curves))
assert "Recall" in pic.texts and "Precision" in pic.texts, pic.texts
assert pic.legend("Precision-recall on bin_valid.txt, every mining round"), pic.texts
for row in r["rounds"]:
    k = row["round"]
    name = "round %d%s%s" % (k, ", no mining" if k == 0 else "", ", best" if k == r["best_round"] else "")
    want = "%s (AP %.4f)" % (name, row["metric"])
    assert want in pic.texts, (want, [t for t in pic.texts if t.startswith("round")])
    assert row["metric"] < 0.99, row  # a curve with something to show
labels, P = read_probs(probs)
y = [g == "pos" for g in read_gold(gold)]
s = [p[labels.index("pos")] for p in P]
check_line(pic.curves[r["best_round"]], pr_step_points(y, s))
PY

# a reject label: three intents and oos
"$HARDNEG" mine -q --train "$T/train.txt" --valid "$T/valid.txt" --pool "$T/pool.txt" --negative-label oos \
    --rounds 2 --top 20 --patience 5 -o "$T/r.hn" --report "$T/r.json" --plot "$T/r.svg" || die "reject mine: exit $?"
"$HARDNEG" predict -q --probabilities "$T/r.hn" "$T/valid.txt" > "$T/rp.tsv"
"$HARDNEG" eval -q --json "$T/r.hn" "$T/valid.txt" > "$T/re.json"
"$PY" - "$T/r.svg" "$T/r.json" "$T/rp.tsv" "$T/valid.txt" "$T/re.json" <<'PY' || die "the reject plot is wrong"
import json, sys
sys.path.insert(0, "tests/cli")
from svgcurves import Picture, RejectSweep, check_line
svg, rep, probs, gold, ev = sys.argv[1:]
r = json.load(open(rep))
e = json.load(open(ev))
pic = Picture(svg)
n = len(r["rounds"])
assert r["metric"] == "reject-recall" and n == 3 and len(pic.curves) == n, (r["metric"], n, len(pic.curves))
assert "Out-of-scope recall" in pic.texts and "In-scope accuracy" in pic.texts, pic.texts
assert pic.legend("In-scope accuracy against oos recall on valid.txt, every mining round"), pic.texts
# one dot a round, in its curve's colour, at the round table's figures
assert len(pic.marks) == n, pic.marks
for row, ((x, y), fill, _), colour in zip(r["rounds"], pic.marks, pic.colours):
    assert fill == colour, (fill, colour)
    assert abs(x - row["oos_recall"]) < 1e-5 and abs(y - row["in_scope_accuracy"]) < 1e-5, (x, y, row)
assert "dots: each round's reject threshold" in pic.texts
b = r["best_round"]
best = [t for t in pic.texts if t.startswith("round %d" % b)]
assert best and ", best" in best[0] and best[0].endswith("(OOS AUROC %.4f)" % e["oos_auroc"]), (best, e["oos_auroc"])
check_line(pic.curves[b], RejectSweep(probs, gold, "oos").points())
PY
"$PY" tests/cli/svgcurves.py screenshot "$T/r.svg" "$T/r.png" "$T" || die "Chromium could not render the plot"

# the plot is an output: not onto an input, not onto another output; none when the run fails
rc=0; "$HARDNEG" mine -q --train "$T/train.txt" --valid "$T/valid.txt" --pool "$T/pool.txt" --negative-label oos \
    -o "$T/x.hn" --plot "$T/valid.txt" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "is also the input" "$T/err" || die "--plot onto --valid: exit $rc: $(cat "$T/err")"
rc=0; "$HARDNEG" mine -q --train "$T/train.txt" --valid "$T/valid.txt" --pool "$T/pool.txt" --negative-label oos \
    -o "$T/x.hn" --report "$T/same" --plot "$T/same" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "two outputs are the same file" "$T/err" || die "--plot onto --report: exit $rc"
rc=0; "$HARDNEG" mine -q --train "$T/train.txt" --valid "$T/valid.txt" --pool "$T/nope.txt" --negative-label oos \
    -o "$T/x.hn" --plot "$T/x.svg" 2> "$T/err" || rc=$?
[ $rc = 1 ] && [ ! -e "$T/x.svg" ] || die "a failed run: exit $rc, plot left: $(ls "$T")"
