# hardneg calibrate: stores the map (info shows it), predict and eval use it,
# a binary threshold is carried through the map (same decisions), --method
# none gives back the uncalibrated file byte for byte, errors are usage
# errors (exit 2) naming the option, eval --plot-calibration writes an SVG.
set -u
D=tests/data
T=$TMPDIR
die() { echo "calibrate_cli: $*" >&2; exit 1; }
"$HARDNEG" train -q -o "$T/m.hn" $D/tiny_train.txt || die "train"
cp "$T/m.hn" "$T/orig.hn"
grep -aq '^calibration' "$T/m.hn" && die "an uncalibrated model has calibration keys"
"$HARDNEG" info "$T/m.hn" | grep -q '^calibration	none$' || die "info: no 'calibration none'"

# Platt by default for a binary model; the report on stdout
"$HARDNEG" calibrate -q -o "$T/c.hn" "$T/m.hn" $D/tiny_test.txt >"$T/out" || die "calibrate: exit $?"
grep -q '^calibration: Platt sigmoid(' "$T/out" || die "report: $(cat "$T/out")"
grep -q '^  log loss ' "$T/out" || die "report has no log loss"
"$HARDNEG" info "$T/c.hn" | grep -q "^calibration	platt a=.* b=.*	platt on $D/tiny_test.txt$" || die "info: $("$HARDNEG" info "$T/c.hn" | grep calib)"
"$HARDNEG" info --json "$T/c.hn" | grep -q '"calibration":{"method":"platt","platt_a":' || die "info --json"
cmp -s "$T/m.hn" "$T/orig.hn" || die "-o wrote over MODEL"
# predict gives the calibrated probabilities
"$HARDNEG" predict -q "$T/m.hn" $D/tiny_test.txt >"$T/p0"
"$HARDNEG" predict -q "$T/c.hn" $D/tiny_test.txt >"$T/p1"
cmp -s "$T/p0" "$T/p1" && die "predict ignores the calibration"
# --method none removes it: the header sections are the uncalibrated file's
# byte for byte (the weight rows may come out in another order after a
# load), and so are the predictions
"$HARDNEG" calibrate -q --method none -o "$T/none.hn" "$T/c.hn" $D/tiny_test.txt >/dev/null || die "--method none"
sed '/^section model/q' "$T/none.hn" >"$T/h1"
sed '/^section model/q' "$T/orig.hn" >"$T/h0"
cmp -s "$T/h0" "$T/h1" || die "--method none: the header sections differ from the uncalibrated file"
"$HARDNEG" predict -q "$T/none.hn" $D/tiny_test.txt | cmp -s - "$T/p0" || die "--method none: other predictions"
# a stored binary threshold is carried through the map: the same decisions
"$HARDNEG" threshold -q --objective f1 "$T/m.hn" $D/tiny_test.txt >/dev/null || die "threshold"
"$HARDNEG" predict -q "$T/m.hn" $D/tiny_train.txt | cut -f1 >"$T/d0"
"$HARDNEG" calibrate -q "$T/m.hn" $D/tiny_test.txt >/dev/null 2>"$T/err" || die "calibrate in place"
"$HARDNEG" predict -q "$T/m.hn" $D/tiny_train.txt | cut -f1 >"$T/d1"
cmp -s "$T/d0" "$T/d1" || die "the mapped threshold changed decisions"
"$HARDNEG" info "$T/m.hn" | grep -q '^threshold	.*f1 on .*, mapped$' || die "info: threshold not marked mapped"
# JSON report, and -o - puts the model on stdout and the report on stderr
"$HARDNEG" calibrate -q --json -o "$T/j.hn" "$T/orig.hn" $D/tiny_test.txt >"$T/json" || die "--json"
/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["method"]=="platt" and j["log_loss_after"]<=j["log_loss_before"]+1e-12, j' "$T/json" || die "--json content"
"$HARDNEG" calibrate -q -o - "$T/orig.hn" $D/tiny_test.txt >"$T/stdout.hn" 2>"$T/err" || die "-o -"
"$HARDNEG" info "$T/stdout.hn" | grep -q '^calibration	platt' || die "-o -: not a calibrated model"
grep -q '^calibration: Platt' "$T/err" || die "-o -: report not on stderr"
# isotonic and a prior correction
"$HARDNEG" calibrate -q --method isotonic --prior spam=0.1 -o "$T/i.hn" "$T/orig.hn" $D/tiny_test.txt >/dev/null || die "isotonic"
"$HARDNEG" info "$T/i.hn" | grep -q '^calibration_prior	ham x.*, spam x' || die "info: no prior line"
# eval: calibration figures and the reliability diagram
"$HARDNEG" eval -q --plot-calibration "$T/rel.svg" "$T/c.hn" $D/tiny_test.txt >"$T/out" || die "eval --plot-calibration"
grep -q '^  ECE equal-width ' "$T/out" || die "eval: no ECE"
grep -q '^  Brier score ' "$T/out" || die "eval: no Brier score"
/usr/bin/python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"' \
    "$T/rel.svg" || die "--plot-calibration: not well-formed SVG"
# a multi-class model gets a temperature
printf '__label__a x y\n__label__b y z\n__label__c z x\n__label__a x x\n__label__b y y\n__label__c z z\n' >"$T/m3.txt"
"$HARDNEG" train -q -o "$T/m3.hn" "$T/m3.txt" || die "train 3 classes"
"$HARDNEG" calibrate -q -o "$T/m3c.hn" "$T/m3.hn" "$T/m3.txt" | grep -q '^calibration: temperature T = ' || die "temperature"

# usage errors: exit 2, one line naming the option
for args in "--method platt $T/m3.hn $T/m3.txt" "--method sigmoid $T/orig.hn $D/tiny_test.txt" \
            "--prior nosuch=0.5 $T/orig.hn $D/tiny_test.txt" "--prior spam=0.7,ham=0.6 $T/orig.hn $D/tiny_test.txt" \
            "--prior spam $T/orig.hn $D/tiny_test.txt" "--bins 0 $T/orig.hn $D/tiny_test.txt" "$T/orig.hn" \
            "--frobnicate $T/orig.hn $D/tiny_test.txt"; do
    "$HARDNEG" calibrate -o "$T/x.hn" $args >/dev/null 2>"$T/err"; rc=$?
    [ $rc = 2 ] || die "calibrate $args: exit $rc, expected 2"
    grep -q "^Try 'hardneg calibrate --help'.$" "$T/err" || die "calibrate $args: no hint: $(cat "$T/err")"
done
"$HARDNEG" calibrate -o "$T/x.hn" --method platt "$T/m3.hn" "$T/m3.txt" 2>&1 | grep -q 'platt is for binary models' || die "platt on multi-class: message"
"$HARDNEG" calibrate -o "$T/x.hn" "$T/orig.hn" "$T/missing.txt" >/dev/null 2>"$T/err"; [ $? = 1 ] || die "missing VALID: expected exit 1"
grep -q 'missing.txt' "$T/err" || die "missing VALID: message does not name the file"
[ -e "$T/x.hn" ] && die "a failed calibrate wrote a model"
"$HARDNEG" calibrate --help | grep -q -- '--prior L=P' || die "--help lacks --prior"
"$HARDNEG" eval --help | grep -q -- '--plot-calibration FILE' || die "eval --help lacks --plot-calibration"
exit 0
