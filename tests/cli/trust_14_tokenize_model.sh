# issue 13, item 14: tokenize --model featurizes exactly as the model does
# and shows word and character n-grams; --features --grams prints the
# n-grams behind each bucket; --format mail --text shows the text a
# message becomes
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" --char-ngrams 3:3 --ngrams 2 $D/tiny_train.txt
printf 'Free money\n' | "$HARDNEG" tokenize -q --model "$TMPDIR/m.hn" --grams - > "$TMPDIR/g"
[ "$(cat "$TMPDIR/g")" = "$(printf 'free\tmoney\tfree money\t<fr\tfre\tree\tee>\t<mo\tmon\tone\tney\tey>')" ] ||
    { echo "grams: $(cat "$TMPDIR/g")" >&2; exit 1; }
# the buckets are the model's: the same as its own featurization
printf 'Free money\n' | "$HARDNEG" tokenize -q --model "$TMPDIR/m.hn" --features - > "$TMPDIR/f1"
printf 'Free money\n' | "$HARDNEG" tokenize -q --char-ngrams 3:3 --ngrams 2 --features - > "$TMPDIR/f2"
cmp "$TMPDIR/f1" "$TMPDIR/f2"
printf 'Free money\n' | "$HARDNEG" tokenize -q --model "$TMPDIR/m.hn" --features --grams - | tr '\t' '\n' > "$TMPDIR/fg"
grep -q '^[0-9]*:[0-9.]*=free money$' "$TMPDIR/fg"
grep -q '^[0-9]*:[0-9.]*=<fr$' "$TMPDIR/fg"
# --model with feature options is a usage error
rc=0; "$HARDNEG" tokenize --model "$TMPDIR/m.hn" --bits 10 /dev/null 2>/dev/null || rc=$?
[ $rc = 2 ]
# a raw message: the text it becomes
mkdir -p "$TMPDIR/mail/spam"
printf 'Subject: Win big\nContent-Type: text/html\n\n<p>Free <b>money</b></p>\n' > "$TMPDIR/mail/spam/1"
"$HARDNEG" tokenize -q --format mail --text "$TMPDIR/mail" > "$TMPDIR/t"
grep -q 'mail/spam/1	Win big Free money' "$TMPDIR/t" || { cat "$TMPDIR/t" >&2; exit 1; }
