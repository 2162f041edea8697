# issue 16, item 2: `eval --plot` of a model with a reject label draws
# in-scope accuracy against out-of-scope recall as the reject threshold on
# the top probability sweeps. The SVG is parsed and checked against a
# sweep computed here in Python from `predict --probabilities`: every
# vertex of the drawn line is an operating point and every operating point
# lies on the line; the hollow mark is the arg max decision, the filled
# one the threshold in effect and equals eval's printed in-scope accuracy
# and oos recall; the legend has eval's oos AUROC. Then headless Chromium
# renders it, when installed (else skipped with the reason).
set -e
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/plotrej.XXXXXX")
PY=/usr/bin/python3
die() { echo "eval_plot_reject: $*" >&2; exit 1; }
# three intents and oos, each line a few shared words and (mostly) one of
# its intent's own; oos lines borrow intent words: a model that is right
# about half the time, so the curve has many distinct points
"$PY" - "$T" <<'PY'
import random, sys
r = random.Random(7)
def word(i, p): return p + "".join("klmnoprstuvz"[int(d)] for d in str(i))
shared = [word(i, "w") for i in range(60)]
own = {c: [word(i, c * 2) for i in range(8)] for c in "abc"}
def line(c):
    words = r.sample(shared, 3)
    if c == "oos":
        if r.random() < 0.5: words.append(r.choice(own[r.choice("abc")]))
    else:
        if r.random() < 0.7: words.append(r.choice(own[c]))
        if r.random() < 0.3: words.append(r.choice(own[r.choice("abc")]))
    r.shuffle(words)
    return "__label__%s %s" % (c, " ".join(words))
for name, n in (("train", 240), ("valid", 120), ("eval", 120)):
    with open(sys.argv[1] + "/" + name + ".txt", "w") as f:
        for i in range(n):
            f.write(line("abc"[i % 3] if i % 4 else "oos") + "\n")
PY
"$HARDNEG" train -q -o "$T/m.hn" "$T/train.txt"
# a stored reject label and threshold, chosen on the validation file
"$HARDNEG" threshold -q --negative-label oos --objective balanced -o "$T/mt.hn" "$T/m.hn" "$T/valid.txt" > /dev/null
"$HARDNEG" predict -q --probabilities "$T/m.hn" "$T/eval.txt" > "$T/p.tsv"
thr=$("$HARDNEG" info -q "$T/mt.hn" | awk -F'\t' '$1 == "threshold" { print $2 }' | cut -d' ' -f1)

check() { # check SVG JSON THRESHOLD
    "$PY" - "$1" "$2" "$3" "$T/p.tsv" "$T/eval.txt" <<'PY'
import json, math, re, sys
import xml.etree.ElementTree as ET
svg, js, thr, probs, gold_file = sys.argv[1:]
thr = float(thr)
j = json.load(open(js))
lines = open(probs).read().splitlines()
labels = lines[0].split("\t")
P = [[float(x) for x in l.split("\t")] for l in lines[1:]]
gold = [l.split(" ")[0][len("__label__"):] for l in open(gold_file)]
assert len(gold) == len(P) and "oos" in labels
top = [max(range(len(p)), key=lambda k: (p[k], -k)) for p in P]
tp = [p[t] for p, t in zip(P, top)]
nin = sum(g != "oos" for g in gold)
nout = len(gold) - nin
assert nin and nout

def point(T):  # in-scope accuracy, oos recall when rejecting below T
    # predict prints 6 digits: a probability that rounds to T is T itself
    # (a threshold chosen on the data is one of its top probabilities)
    pred = ["oos" if s < T - 5e-7 else labels[t] for s, t in zip(tp, top)]
    ins = sum(p == g for p, g in zip(pred, gold) if g != "oos") / nin
    oos = sum(p == "oos" for p, g in zip(pred, gold) if g == "oos") / nout
    return oos, ins

want = [point(T) for T in [0.0] + sorted(set(tp)) + [max(tp) + 1e-3]]
# the picture's geometry: x = 80 + 600 r, y = 50 + 420 (1 - a)
px = lambda r: 80 + 600 * r
py = lambda a: 50 + 420 * (1 - a)
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(svg).getroot()
texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
assert "Out-of-scope recall" in texts and "In-scope accuracy" in texts, texts
assert any(t.startswith("In-scope accuracy against out-of-scope recall") for t in texts), texts
auroc = [t for t in texts if "OOS AUROC" in t]
assert auroc and auroc[0].endswith("(OOS AUROC %.4f)" % j["oos_auroc"]), (auroc, j["oos_auroc"])
paths = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("class") == "curve"]
assert len(paths) == 1, len(paths)
verts = [(float(x), float(y)) for x, y in re.findall(r"[ML]([-0-9.]+) ([-0-9.]+)", paths[0].get("d"))]
pts = [(px(r), py(a)) for r, a in want]
# every vertex is an operating point (to the 0.1 px the path is written in)
for v in verts:
    assert min(math.hypot(v[0] - q[0], v[1] - q[1]) for q in pts) <= 0.08, v
# every operating point is on the drawn line
def seg_dist(q, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    L = dx * dx + dy * dy
    t = 0 if L == 0 else max(0, min(1, ((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / L))
    return math.hypot(q[0] - a[0] - t * dx, q[1] - a[1] - t * dy)
for q in pts:
    assert min(seg_dist(q, verts[i], verts[i + 1]) for i in range(len(verts) - 1)) <= 0.1, q
# it runs from the arg max point to everything rejected
assert math.hypot(verts[0][0] - pts[0][0], verts[0][1] - pts[0][1]) <= 0.08
assert math.hypot(verts[-1][0] - px(1), verts[-1][1] - py(0)) <= 0.08
marks = [c for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.get("class") == "mark"]
assert len(marks) == 2, len(marks)
ring, dot = marks
assert ring.get("fill") == "white" and dot.get("fill") != "white"
cx = lambda c: (float(c.get("cx")) - 80) / 600
cy = lambda c: 1 - (float(c.get("cy")) - 50) / 420
assert abs(cx(ring) - want[0][0]) < 1e-5 and abs(cy(ring) - want[0][1]) < 1e-5, (cx(ring), cy(ring), want[0])
# the threshold in effect: eval's own figures, and the sweep's point at it
assert abs(cx(dot) - j["oos_recall"]) < 1e-5 and abs(cy(dot) - j["in_scope_accuracy"]) < 1e-5, (cx(dot), cy(dot), j["oos_recall"], j["in_scope_accuracy"])
o, a = point(thr)
assert abs(cx(dot) - o) < 1e-5 and abs(cy(dot) - a) < 1e-5, (cx(dot), cy(dot), o, a)
legend = [t for t in texts if t.startswith("threshold ")]
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
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
marks = [c for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.get("class") == "mark"]
# arg max: in-scope 2/3 (a and the first b right, the last b wrong), oos recall 1/2; below 0.5
# the first b (0.4) and an oos (0.3) are rejected: in-scope 1/3, oos recall 2/2
got = [((float(c.get("cx")) - 80) / 600, 1 - (float(c.get("cy")) - 50) / 420) for c in marks]
want = [(0.5, 2 / 3), (1.0, 1 / 3)]
assert all(abs(g[0] - w[0]) < 1e-5 and abs(g[1] - w[1]) < 1e-5 for g, w in zip(got, want)), got
PY

# a real browser
CHROME=
for c in chromium chromium-browser google-chrome; do
    command -v "$c" > /dev/null 2>&1 && { CHROME=$c; break; }
done
if [ -z "$CHROME" ]; then
    echo "skip: Chromium is not installed (apt-get install chromium): the SVG was checked by Python's parser only"
    exit 0
fi
export HOME="$T"
flags="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir=$T/chrome"
timeout 120 "$CHROME" $flags --screenshot="$T/stored.png" --window-size=720,540 "file://$T/stored.svg" > /dev/null 2>&1 ||
    die "$CHROME --screenshot failed"
[ "$(head -c 8 "$T/stored.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || die "the screenshot is not a PNG"
[ "$(wc -c < "$T/stored.png")" -gt 10000 ] || die "the screenshot is nearly empty"
echo "$CHROME rendered the plot: $(wc -c < "$T/stored.png") byte screenshot"
