# eval --scores: every figure equals scikit-learn's to 1e-9 (binary with ties
# and imbalance, multi-class with an oos label, a gold label never predicted,
# the PR curve points); then the edge cases: no positives, a bad line, usage.
# Uses Debian's /usr/bin/python3 (python3-sklearn), not a python3 on PATH.
set -u
PY=/usr/bin/python3
T=${TMPDIR:-/tmp}/eval_sklearn.$$
mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
die() { echo "eval_sklearn: $*" >&2; exit 1; }

"$HARDNEG" eval --help >/dev/null 2>&1 || die "'hardneg eval' does not run: is cmd_eval in main.c's command table?"
"$PY" -c 'import sklearn, numpy' 2>/dev/null ||
    die "$PY cannot import sklearn: apt-get install python3-sklearn"
"$PY" tests/cli/eval_sklearn.py "$HARDNEG" "$T" || die "figures differ from scikit-learn"

# No positives: a report with 'undefined (no positives)', never nan; exit 0;
# JSON null; a warning on stderr; --pr-curve cannot be written (exit 1).
NP=tests/data/scores_no_positives.tsv
"$HARDNEG" eval --scores $NP --positive spam >"$T/out" 2>"$T/err" || die "no positives: exit $?, expected 0"
grep -q '^ROC AUC  *undefined (no positives)$' "$T/out" || die "no positives: ROC AUC not reported undefined"
grep -q '^average precision  *undefined (no positives)$' "$T/out" || die "no positives: AP not reported undefined"
grep -qi 'nan' "$T/out" && die "no positives: the report prints nan"
grep -q 'no positive examples' "$T/err" || die "no positives: no warning on stderr"
"$HARDNEG" eval --scores $NP --positive spam --json >"$T/json" 2>/dev/null || die "no positives --json: exit $?"
"$PY" - "$T/json" <<'EOF' || die "no positives: JSON is not null for AP and ROC AUC"
import json, sys
j = json.load(open(sys.argv[1]), parse_constant=lambda s: sys.exit("JSON has " + s))
assert j["roc_auc"] is None and j["average_precision"] is None, j
assert j["positives"] == 0 and j["precision_at_recall"][0]["reached"] is False, j
EOF
"$HARDNEG" eval --scores $NP --positive spam --pr-curve "$T/c.tsv" >/dev/null 2>"$T/err"
[ $? = 1 ] || die "no positives --pr-curve: expected exit 1"
grep -q 'no positive examples' "$T/err" || die "no positives --pr-curve: unclear message"
[ -e "$T/c.tsv" ] && die "no positives --pr-curve: a file was written"

# A bad line names FILE:LINE, exit 1, nothing on stdout.
"$HARDNEG" eval --scores tests/data/scores_bad_line.tsv --positive spam >"$T/out" 2>"$T/err"
[ $? = 1 ] || die "bad line: expected exit 1"
grep -q "^hardneg: eval: tests/data/scores_bad_line.tsv:3: score 'not-a-number' is not a finite number$" "$T/err" ||
    die "bad line: message was: $(cat "$T/err")"
[ -s "$T/out" ] && die "bad line: something on stdout"
printf 'a\tb\tc\td\n' >"$T/four.tsv"
"$HARDNEG" eval --scores "$T/four.tsv" 2>"$T/err" >/dev/null; [ $? = 1 ] || die "4 fields: expected exit 1"
grep -q "four.tsv:1: expected 2 or 3 TAB-separated fields" "$T/err" || die "4 fields: message was: $(cat "$T/err")"

# Output errors: an unwritable --pr-curve, a full disk on stdout (exit 1).
"$HARDNEG" eval --scores tests/data/scores_ties.tsv --positive spam --pr-curve "$T/no/such/dir/c.tsv" \
    >/dev/null 2>"$T/err"; [ $? = 1 ] || die "unwritable --pr-curve: expected exit 1"
grep -q "no/such/dir/c.tsv: folder .*no/such/dir. does not exist" "$T/err" || die "unwritable --pr-curve: $(cat "$T/err")"
"$HARDNEG" eval --scores tests/data/scores_ties.tsv --positive spam >/dev/full 2>/dev/null
[ $? = 1 ] || die "stdout on a full disk: expected exit 1"

# Usage errors exit 2; the model path is not built yet (exit 1).
for args in "--frobnicate" "--scores x --positive p --threshold abc" "--scores x --at-recall 1.5" \
            "--scores x --pr-curve c.tsv" "--scores x --positive p --negative-label oos" ""; do
    "$HARDNEG" eval $args >/dev/null 2>&1; rc=$?
    [ $rc = 2 ] || die "eval $args: exit $rc, expected 2"
done
"$HARDNEG" eval "$T/missing.hn" test.txt >/dev/null 2>"$T/err"; [ $? = 1 ] || die "MODEL TEST: expected exit 1"
grep -q "missing.hn: No such file or directory" "$T/err" || die "MODEL TEST: message"
"$HARDNEG" eval --help | grep -q -- '--bootstrap N' || die "--help lacks --bootstrap"

# Text reports (binary, multi-class with oos, bootstrap) and the SVG plot.
"$HARDNEG" eval --scores tests/data/scores_ties.tsv --positive spam --bootstrap 200 --seed 7 \
    --plot "$T/pr.svg" >"$T/out" || die "text report: exit $?"
grep -q '^  spam caught  *80.00%' "$T/out" || die "text report: no 'spam caught'"
grep -q '^  blocked ham  *45.45%' "$T/out" || die "text report: no 'blocked ham'"
grep -q '^  gold spam  *4  *1$' "$T/out" || die "text report: confusion matrix"
"$HARDNEG" eval --scores tests/data/scores_ties.tsv --positive spam --bootstrap 200 --seed 7 --json >"$T/b1"
"$HARDNEG" eval --scores tests/data/scores_ties.tsv --positive spam --bootstrap 200 --seed 7 --json >"$T/b2"
cmp -s "$T/b1" "$T/b2" || die "bootstrap: same seed, different output"
"$PY" -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"' \
    "$T/pr.svg" || die "plot: not well-formed SVG"
"$HARDNEG" eval --scores tests/data/scores_intents.tsv --negative-label oos >"$T/out" || die "multi-class: exit $?"
grep -q '^  in-scope accuracy  0.5000' "$T/out" || die "multi-class: in-scope accuracy"
grep -q '^  greeting ' "$T/out" || die "multi-class: gold-only label missing from the per-class table"
exit 0
