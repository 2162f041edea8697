# issue 13, items 1 and 13: every command reads a labeled file the same way.
# predict on a TSV test file ignores the gold label (it is not a feature);
# score and tokenize never see __label__ tokens; every command that reads
# examples takes --format, --label-prefix and --skip-bad.
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
awk '{ l = $1; sub(/^__label__/, "", l); $1 = ""; sub(/^ /, ""); print l "\t" $0 }' $D/tiny_test.txt > "$TMPDIR/test.tsv"
cut -f2- "$TMPDIR/test.tsv" > "$TMPDIR/test_text.txt"
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
"$HARDNEG" predict -q --top-k 0 "$TMPDIR/m.hn" "$TMPDIR/test.tsv" > "$TMPDIR/p_tsv"
"$HARDNEG" predict -q --top-k 0 "$TMPDIR/m.hn" "$TMPDIR/test_text.txt" > "$TMPDIR/p_txt"
cmp "$TMPDIR/p_tsv" "$TMPDIR/p_txt" || { echo "predict read the TSV label as text" >&2; exit 1; }
# the format decision is said on stderr
"$HARDNEG" predict "$TMPDIR/m.hn" "$TMPDIR/test.tsv" 2>&1 >/dev/null | grep -q 'format auto: detected tsv'
# score on a labeled pool: no __label__ in the candidates
"$HARDNEG" score -q --max-score 1 "$TMPDIR/m.hn" $D/tiny_test.txt > "$TMPDIR/cands"
[ -s "$TMPDIR/cands" ] && ! grep -q '__label__' "$TMPDIR/cands"
# tokenize: labels are not tokens
! "$HARDNEG" tokenize -q $D/tiny_test.txt | grep -q '__label__'
# the same input options everywhere
for cmd in "train -q -o $TMPDIR/m2.hn" "eval -q $TMPDIR/m.hn" "predict -q $TMPDIR/m.hn" "score -q $TMPDIR/m.hn" \
           "threshold -q -o $TMPDIR/m3.hn $TMPDIR/m.hn" "plot -q -o $TMPDIR/p.svg" "tokenize -q" "split -q --prefix $TMPDIR/s"; do
    # shellcheck disable=SC2086
    set -- $cmd
    case $1 in plot) extra="$D/tiny_test.txt $TMPDIR/m.hn" ;; *) extra=$D/tiny_test.txt ;; esac
    # shellcheck disable=SC2086
    "$HARDNEG" "$@" --format fasttext --label-prefix __label__ --skip-bad --max-line-bytes 100000 $extra >/dev/null ||
        { echo "'$cmd' refused the shared input options" >&2; exit 1; }
done
"$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool $D/tiny_pool.txt --negative-label ham \
    --rounds 1 --format fasttext --label-prefix __label__ --skip-bad -o "$TMPDIR/mm.hn"
# an unknown label names the known ones; a malformed line names --skip-bad;
# no message names an internal function
printf '__label__eggs some text\n' > "$TMPDIR/eggs.txt"
"$HARDNEG" eval "$TMPDIR/m.hn" "$TMPDIR/eggs.txt" 2> "$TMPDIR/err" > /dev/null
grep -q "label the model does not know (e.g. 'eggs').*the model knows 'ham', 'spam'" "$TMPDIR/err"
printf '__label__spam fine\nno label here\n' > "$TMPDIR/bad.txt"
"$HARDNEG" train -q -o "$TMPDIR/b.hn" "$TMPDIR/bad.txt" 2> "$TMPDIR/err" && exit 1
grep -q 'bad.txt:2: no label.*--skip-bad' "$TMPDIR/err"
"$HARDNEG" train -q -o "$TMPDIR/b.hn" --format mail "$TMPDIR/bad.txt" 2> "$TMPDIR/err" && exit 1
grep -q 'bad.txt: not a folder' "$TMPDIR/err"
! grep -qi 'hn_\|label_from_dir' "$TMPDIR/err"
# mail everywhere, and a folder given with the default --format auto is mail:
# mine reads --train, --valid and --pool folders of messages
M=tests/data/mail
mkdir -p "$TMPDIR/mf/spam" "$TMPDIR/mf/ham"
cp $M/base64.eml $M/qp.eml "$TMPDIR/mf/spam/"
cp $M/html_only.eml $M/nested.eml $M/latin1_cp1252.eml "$TMPDIR/mf/ham/"
"$HARDNEG" train -q -o "$TMPDIR/mf.hn" "$TMPDIR/mf"
"$HARDNEG" mine -q --train "$TMPDIR/mf" --valid "$TMPDIR/mf" --pool "$TMPDIR/mf" --negative-label ham \
    --rounds 1 -o "$TMPDIR/mfm.hn"
"$HARDNEG" predict -q "$TMPDIR/mfm.hn" "$TMPDIR/mf" | cut -f1 | grep -c '\.eml$' | grep -q '^5$'
for c in "eval $TMPDIR/mf.hn $TMPDIR/mf" "score $TMPDIR/mf.hn $TMPDIR/mf" "tokenize $TMPDIR/mf" \
         "threshold -o $TMPDIR/mft.hn $TMPDIR/mf.hn $TMPDIR/mf" "plot -o $TMPDIR/mf.svg $TMPDIR/mf $TMPDIR/mf.hn"; do
    # shellcheck disable=SC2086
    "$HARDNEG" $c -q > /dev/null || { echo "'$c' on a mail folder failed" >&2; exit 1; }
done
