# issue 16, item 2: `eval --plot` of a model with a reject label draws
# in-scope accuracy against out-of-scope recall as the reject threshold on
# the top probability sweeps. The SVG is parsed and checked against a
# sweep computed here in Python from `predict --probabilities`: every
# vertex of the drawn line is an operating point and every operating point
# lies on the line; the hollow mark is the arg max decision, the filled
# one the threshold in effect and equals eval's printed in-scope accuracy
# and oos recall; the legend has eval's oos AUROC (svgcurves.py reads the
# picture back). Then headless Chromium renders it, when installed (else
# skipped with the reason).
set -e
T=$(mktemp -d "${TMPDIR:-/tmp}/plotrej.XXXXXX")
PY=/usr/bin/python3
die() { echo "eval_plot_reject: $*" >&2; exit 1; }
"$PY" tests/cli/svgcurves.py "$T"   # three intents and oos: train, valid, eval.txt
"$HARDNEG" train -q -o "$T/m.hn" "$T/train.txt"
# a stored reject label and threshold, chosen on the validation file
"$HARDNEG" threshold -q --negative-label oos --objective balanced -o "$T/mt.hn" "$T/m.hn" "$T/valid.txt" > /dev/null
"$HARDNEG" predict -q --probabilities "$T/m.hn" "$T/eval.txt" > "$T/p.tsv"
thr=$("$HARDNEG" info -q "$T/mt.hn" | awk -F'\t' '$1 == "threshold" { print $2 }' | cut -d' ' -f1)

check() { # check SVG JSON THRESHOLD
    "$PY" - "$1" "$2" "$3" "$T/p.tsv" "$T/eval.txt" <<'PY'
import json, sys
sys.path.insert(0, "tests/cli")
from svgcurves import Picture, RejectSweep, check_line
svg, js, thr, probs, gold = sys.argv[1:]
j = json.load(open(js))
sw = RejectSweep(probs, gold, "oos")
want = sw.points()
pic = Picture(svg)
assert "Out-of-scope recall" in pic.texts and "In-scope accuracy" in pic.texts, pic.texts
assert pic.legend("In-scope accuracy against out-of-scope recall"), pic.texts
auroc = [t for t in pic.texts if "OOS AUROC" in t]
assert auroc and auroc[0].endswith("(OOS AUROC %.4f)" % j["oos_auroc"]), (auroc, j["oos_auroc"])
assert len(pic.curves) == 1, len(pic.curves)
verts = pic.curves[0]
check_line(verts, want)
# it runs from the arg max point to everything rejected
assert abs(verts[0][0] - (80 + 600 * want[0][0])) <= 0.08 and abs(verts[0][1] - (50 + 420 * (1 - want[0][1]))) <= 0.08
assert abs(verts[-1][0] - 680) <= 0.08 and abs(verts[-1][1] - 470) <= 0.08, verts[-1]
assert len(pic.marks) == 2, pic.marks
(ring, ring_fill, _), (dot, dot_fill, _) = pic.marks
assert ring_fill == "white" and dot_fill != "white"
assert abs(ring[0] - want[0][0]) < 1e-5 and abs(ring[1] - want[0][1]) < 1e-5, (ring, want[0])
# the threshold in effect: eval's own figures, and the sweep's point at it
assert abs(dot[0] - j["oos_recall"]) < 1e-5 and abs(dot[1] - j["in_scope_accuracy"]) < 1e-5, \
    (dot, j["oos_recall"], j["in_scope_accuracy"])
o, a = sw.point(float(thr))
assert abs(dot[0] - o) < 1e-5 and abs(dot[1] - a) < 1e-5, (dot, o, a)
legend = pic.legend("threshold ")
assert legend and "in-scope %.4f, oos recall %.4f" % (j["in_scope_accuracy"], j["oos_recall"]) in legend[0], legend
PY
}

# the model's stored reject label and threshold
"$HARDNEG" eval -q --json --plot "$T/stored.svg" "$T/mt.hn" "$T/eval.txt" > "$T/stored.json"
"$PY" -c 'import sys; assert 0.1 < float(sys.argv[1]) < 1' "$thr" || die "want a threshold that rejects something, got $thr"
check "$T/stored.svg" "$T/stored.json" "$thr" || die "the stored threshold's plot is wrong"
# --threshold on a model without one, with --negative-label
"$HARDNEG" eval -q --json --negative-label oos --threshold 0.6 --plot "$T/t6.svg" "$T/m.hn" "$T/eval.txt" > "$T/t6.json"
grep -q '"reject_below":0.59999' "$T/t6.json" || grep -q '"reject_below":0.6' "$T/t6.json" || die "--threshold 0.6 not applied"
check "$T/t6.svg" "$T/t6.json" 0.6 || die "the --threshold plot is wrong"

# errors: no reject label; a scores file without probabilities; the plot as an input
rc=0; "$HARDNEG" eval -q --plot "$T/x.svg" "$T/m.hn" "$T/eval.txt" > /dev/null 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "needs a reject label" "$T/err" || die "--plot without a reject label: exit $rc, $(cat "$T/err")"
[ ! -e "$T/x.svg" ] || die "a failed --plot left a file"
printf 'a\ta\nb\toos\noos\toos\n' > "$T/s.tsv"
rc=0; "$HARDNEG" eval -q --scores "$T/s.tsv" --negative-label oos --plot "$T/x.svg" > /dev/null 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "needs a probability per example" "$T/err" || die "scores without probabilities: exit $rc"
rc=0; "$HARDNEG" eval -q --plot "$T/eval.txt" "$T/mt.hn" "$T/eval.txt" > /dev/null 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "is also the input" "$T/err" || die "--plot onto the test file: exit $rc"
# a scores file with probabilities draws the same kind of picture
printf 'a\ta\t0.9\nb\tb\t0.4\noos\ta\t0.3\noos\toos\t0.8\nb\ta\t0.7\n' > "$T/s3.tsv"
"$HARDNEG" eval -q --scores "$T/s3.tsv" --negative-label oos --threshold 0.5 --plot "$T/s3.svg" > /dev/null
"$PY" - "$T/s3.svg" <<'PY' || die "the scores-file plot is wrong"
import sys
sys.path.insert(0, "tests/cli")
from svgcurves import Picture
# arg max: in-scope 2/3 (a and the first b right, the last b wrong), oos recall 1/2; below 0.5
# the first b (0.4) and an oos (0.3) are rejected: in-scope 1/3, oos recall 2/2
got = [m[0] for m in Picture(sys.argv[1]).marks]
want = [(0.5, 2 / 3), (1.0, 1 / 3)]
assert len(got) == 2 and all(abs(g[0] - w[0]) < 1e-5 and abs(g[1] - w[1]) < 1e-5 for g, w in zip(got, want)), got
PY

# a real browser
"$PY" tests/cli/svgcurves.py screenshot "$T/stored.svg" "$T/stored.png" "$T" || die "Chromium could not render the plot"
