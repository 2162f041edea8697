# hardneg explain: for the linear model the contributions plus the bias
# equal the margin (the log-odds) to 1e-5 on every line, binary and
# multi-class, for the predicted label and for --label; the MLP says
# leave-one-out; --format mail works; --keep-ngrams stores the n-gram table
# that explain and --model-summary use; options are checked (exit 2);
# I/O errors exit 1.
set -u
D=tests/data
T=$TMPDIR
PY=/usr/bin/python3
die() { echo "explain_exact: $*" >&2; exit 1; }
"$HARDNEG" train -q -o "$T/b.hn" $D/tiny_train.txt || die "train"
awk 'BEGIN { srand(3); split("a b c", L, " "); for (i = 0; i < 300; i++) { c = L[1 + int(rand() * 3)]; s = "__label__" c;
     for (j = 0; j < 3 + int(rand() * 8); j++) s = s " w" int(rand() * 40); s = s " " c int(rand() * 5); print s } }' >"$T/m3.txt"
"$HARDNEG" train -q -o "$T/m.hn" --char-ngrams 3:4 "$T/m3.txt" || die "train 3 classes"
"$HARDNEG" train -q -o "$T/sgd.hn" --epochs 3 "$T/m3.txt" || die "train sgd"

# exactness: bias + sum of contributions == margin, and the margin is the
# log-odds of the probability (binary) / the decomposition of the class margin
check() { # model input [label]
    "$HARDNEG" explain -q --json --top 0 "$1" "$2" ${3:+--label "$3"} >"$T/j" || die "explain $*: exit $?"
    "$PY" - "$T/j" "$1" <<'PYEOF' || die "explain $*: contributions do not add up"
import json, math, sys
n = 0
for line in open(sys.argv[1]):
    j = json.loads(line)
    n += 1
    assert j["method"] == "exact", j["method"]
    got = j["bias"] + sum(f["contribution"] for f in j["toward"] + j["away"])
    assert abs(got - j["margin"]) <= 1e-5, (j["source"], got, j["margin"])
    assert abs(j["sum"] + j["bias"] - j["margin"]) <= 1e-5, j
    assert len(j["toward"]) + len(j["away"]) <= j["buckets"]
    if len(j["probabilities"]) == 2 and j["explained"] == j["label"]:
        p = j["probabilities"][j["label"]]
        if 1e-6 < p < 1 - 1e-6:
            assert abs(math.log(p / (1 - p)) - j["margin"]) < 1e-3 * max(1, abs(j["margin"])), (p, j["margin"])
assert n > 0
PYEOF
}
check "$T/b.hn" $D/tiny_test.txt
check "$T/b.hn" $D/tiny_test.txt ham
check "$T/m.hn" "$T/m3.txt"
check "$T/m.hn" "$T/m3.txt" c
check "$T/sgd.hn" "$T/m3.txt" b

# text output: a header line with where, label, probability, the margin's
# decomposition; then toward / away lists
printf 'claim your free prize money now\n' | "$HARDNEG" explain -q --top 3 "$T/b.hn" >"$T/out" || die "text"
head -1 "$T/out" | grep -q '^-:1	spam	[0-9.e-]*	margin .* = bias .* + .* from [0-9]* buckets; linear: exact' ||
    die "text header: $(head -1 "$T/out")"
grep -q '^  toward spam:$' "$T/out" || die "no 'toward spam'"
grep -q '^    +[0-9.]*  b=[0-9]* *claim$\|^    +[0-9.]*  b=[0-9]* *free$\|^    +[0-9.]*  b=[0-9]* *prize$' "$T/out" || die "no spammy word toward spam: $(cat "$T/out")"
[ "$(grep -c '^    [+-]' "$T/out")" -le 6 ] || die "--top 3 lists more than 3 each way"

# the MLP: leave-one-out, said in the output
"$HARDNEG" train -q --model mlp --dim 8 --hidden 8 --epochs 3 -o "$T/mlp.hn" $D/tiny_train.txt || die "train mlp"
printf 'free money\n' | "$HARDNEG" explain -q "$T/mlp.hn" | head -1 | grep -q 'mlp: leave-one-out' || die "MLP: no leave-one-out"
printf 'free money\n' | "$HARDNEG" explain -q --json "$T/mlp.hn" | grep -q '"method":"leave-one-out"' || die "MLP json"

# mail: one record a message, its source first
"$HARDNEG" explain -q --format mail "$T/b.hn" $D/mail >"$T/out" || die "--format mail"
grep -q "^$D/mail/qp.eml	" "$T/out" || die "--format mail: no qp.eml record"

# the n-gram table: train --keep-ngrams, explain shows training's n-grams
"$HARDNEG" train -q --keep-ngrams=2 --bits 8 -o "$T/ng.hn" $D/tiny_train.txt || die "--keep-ngrams"
"$HARDNEG" info "$T/ng.hn" | grep -q '^ngram_table	[0-9]* buckets, up to 2 strings each$' || die "info: no ngram_table"
"$HARDNEG" info "$T/b.hn" | grep -q '^ngram_table	none$' || die "info: ngram_table none"
printf 'claim your free prize money now\n' | "$HARDNEG" explain -q --json "$T/ng.hn" | grep -q '"training":{"distinct":' ||
    die "explain: no training n-grams"
printf 'claim your free prize money now\n' | "$HARDNEG" explain -q "$T/ng.hn" | grep -q 'bucket shared by [0-9]* n-grams in training' ||
    die "explain: no shared-bucket note with 2^8 buckets"
"$HARDNEG" explain --model-summary --top 5 "$T/ng.hn" >"$T/sum" || die "--model-summary"
grep -q '^non-zero rows	[0-9]*$' "$T/sum" || die "summary: non-zero rows"
grep -q '^spam$' "$T/sum" && grep -q '^ham$' "$T/sum" || die "summary: classes"
grep -q '^buckets shared by most n-grams' "$T/sum" || die "summary: shared buckets"
"$HARDNEG" explain --model-summary --json "$T/ng.hn" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); assert j["strongest"]["spam"][0]["grams"], j' ||
    die "summary --json"
"$HARDNEG" explain --model-summary "$T/b.hn" | grep -q '^n-gram table	none' || die "summary without a table"
# a model with the table still predicts exactly as without
"$HARDNEG" train -q --bits 8 -o "$T/nong.hn" $D/tiny_train.txt
"$HARDNEG" predict -q "$T/ng.hn" $D/tiny_test.txt >"$T/p1"
"$HARDNEG" predict -q "$T/nong.hn" $D/tiny_test.txt | cmp -s - "$T/p1" || die "the n-gram table changed predictions"
# standard input cannot be read twice
"$HARDNEG" train -q --keep-ngrams -o "$T/x.hn" - <$D/tiny_train.txt 2>"$T/err"; [ $? = 2 ] || die "--keep-ngrams on stdin: expected exit 2"
grep -q 'give a file, not standard input' "$T/err" || die "--keep-ngrams on stdin: $(cat "$T/err")"
# mine stores the strings of the training file and of the pool (the mined
# lines come from it): a word only the pool has is in the table (with 2^4
# buckets its bucket is shared with training's words, so it has a weight)
{ cat $D/tiny_pool.txt; echo "zeppelin lunch call zeppelin"; } >"$T/pool"
"$HARDNEG" mine -q --keep-ngrams=100 --bits 4 --train $D/tiny_train.txt --pool "$T/pool" --valid $D/tiny_test.txt \
    --negative-label ham --rounds 1 -o "$T/mk.hn" 2>"$T/err" || die "mine --keep-ngrams: $(cat "$T/err")"
"$HARDNEG" info "$T/mk.hn" | grep -q '^ngram_table	[0-9]* buckets, up to 100 strings each$' || die "mine: no ngram_table"
printf 'zeppelin\n' | "$HARDNEG" explain -q --top 50 "$T/mk.hn" | grep -q 'zeppelin.*\[bucket shared by .*zeppelin (2)' ||
    die "mine --keep-ngrams: the pool's n-gram is not in the table: $(printf 'zeppelin\n' | "$HARDNEG" explain -q --top 50 "$T/mk.hn")"
# tune stores the winner's table, and the command it prints keeps the option
"$HARDNEG" tune -q --keep-ngrams=1 --budget 3 --valid $D/tiny_test.txt -o "$T/tk.hn" $D/tiny_train.txt 2>"$T/err" ||
    die "tune --keep-ngrams: $(cat "$T/err")"
"$HARDNEG" info "$T/tk.hn" | grep -q '^ngram_table	[0-9]* buckets, up to 1 strings each$' || die "tune: no ngram_table"
"$HARDNEG" info "$T/tk.hn" | grep -q '^command	hardneg train --keep-ngrams=1 ' || die "tune: command without --keep-ngrams"
# --keep-ngrams is not a model option: mine --like that model reuses the rest
"$HARDNEG" mine -q --like "$T/tk.hn" --train $D/tiny_train.txt --pool $D/tiny_pool.txt --valid $D/tiny_test.txt \
    --negative-label ham --rounds 1 -o "$T/like.hn" 2>"$T/err" || die "mine --like a tuned --keep-ngrams model: $(cat "$T/err")"

# usage errors (exit 2) and runtime errors (exit 1)
for args in "--top abc $T/b.hn" "--label nosuch $T/b.hn" "--html - $T/b.hn" "--model-summary $T/b.hn $D/tiny_test.txt" \
            "--frobnicate $T/b.hn" "" "$T/b.hn a b"; do
    "$HARDNEG" explain $args </dev/null >/dev/null 2>"$T/err"; rc=$?
    [ $rc = 2 ] || die "explain $args: exit $rc, expected 2"
    grep -q "^Try 'hardneg explain --help'.$" "$T/err" || die "explain $args: no hint"
done
"$HARDNEG" explain "$T/missing.hn" $D/tiny_test.txt >/dev/null 2>"$T/err"; [ $? = 1 ] || die "missing model: exit 1"
grep -q 'missing.hn: No such file' "$T/err" || die "missing model: message"
"$HARDNEG" explain -q "$T/b.hn" "$T/missing.txt" >/dev/null 2>"$T/err"; [ $? = 1 ] || die "missing input: exit 1"
"$HARDNEG" explain -q "$T/b.hn" $D/tiny_test.txt >/dev/full 2>/dev/null; [ $? = 1 ] || die "/dev/full: exit 1"
"$HARDNEG" explain --help | grep -q -- '--model-summary' || die "--help"

# constant memory: peak RSS on a 10x larger input stays within a margin
# (skipped under sanitizers, whose bookkeeping dominates RSS)
if [ -z "${HN_SANITIZED:-}" ] && command -v /usr/bin/time >/dev/null; then
    awk 'BEGIN { srand(1); for (i = 0; i < 5000; i++) { n = 5 + int(rand() * 40); s = ""; for (j = 0; j < n; j++) s = s " w" int(rand() * 50000); print s } }' >"$T/small.txt"
    i=0; : >"$T/big.txt"
    while [ $i -lt 10 ]; do cat "$T/small.txt" >>"$T/big.txt"; i=$((i + 1)); done
    rss() { /usr/bin/time -f %M "$HARDNEG" explain -q --html "$T/x.html" "$T/b.hn" "$1" 2>&1 >/dev/null | tail -1; }
    s=$(rss "$T/small.txt")
    b=$(rss "$T/big.txt")
    [ "$b" -lt $((s + 16384)) ] || die "RSS grew from $s KB to $b KB on a 10x larger input"
fi
exit 0
