# more bad input: a label unknown to the model in eval, validation without
# positives, an output on a read-only file system, a 100 MB line
D="$TMPDIR"
fail() { echo "$1" >&2; [ -f "$D/err" ] && cat "$D/err" >&2; exit 1; }
"$HARDNEG" train -q -o "$D/m.hn" tests/data/tiny_train.txt || fail "train"
# eval: a gold label the model never saw is reported and counted as an error
{ cat tests/data/tiny_test.txt; echo "__label__phishing verify your account"; } > "$D/unknown.txt"
"$HARDNEG" eval "$D/m.hn" "$D/unknown.txt" > "$D/out" 2> "$D/err" || fail "eval unknown label: exit $?"
grep -q "label the model does not know (e.g. 'phishing'): counted as errors" "$D/err" || fail "eval unknown label: message"
# train --valid without positives: AP is undefined, said once, the loss decides
grep __label__ham tests/data/tiny_test.txt > "$D/nopos.txt"
"$HARDNEG" train -o "$D/v.hn" --valid "$D/nopos.txt" tests/data/tiny_train.txt 2> "$D/err" || fail "valid without positives: exit $?"
grep -q "validation file has no positive examples: AP is undefined" "$D/err" || fail "valid without positives: message"
# eval on a file without positives: report printed, AP undefined, never NaN
"$HARDNEG" eval --json "$D/m.hn" "$D/nopos.txt" > "$D/out" 2> "$D/err" || fail "eval no positives: exit $?"
grep -q '"average_precision":null' "$D/out" || fail "eval no positives: AP not null"
! grep -qi nan "$D/out" || fail "eval no positives: NaN printed"
# an output on a read-only file system: exit 1, a message naming the path
"$HARDNEG" train -q -o /sys/m.hn tests/data/tiny_train.txt 2> "$D/err"; [ $? = 1 ] || fail "read-only output: exit"
grep -q "/sys/m.hn: " "$D/err" || fail "read-only output: message"
# a 100 MB line: predicted as one line, no crash (skipped under sanitizers: memory)
if [ -z "${HN_SANITIZED:-}" ]; then
    awk 'BEGIN { s = "free money now win cash prize click here "; while (length(s) < 100000000) s = s s; print substr(s, 1, 100000000) }' > "$D/huge.txt"
    n=$("$HARDNEG" predict "$D/m.hn" "$D/huge.txt" 2> "$D/err" | wc -l) || fail "100 MB line: exit"
    [ "$n" = 1 ] || fail "100 MB line: $n output lines"
    rm -f "$D/huge.txt"
fi
