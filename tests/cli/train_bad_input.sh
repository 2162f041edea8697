# bad training input: a clear message, exit 1 or 2, and no model file left behind
D="$TMPDIR"
check() { # expected-exit, message, args...
    want=$1; msg=$2; shift 2
    "$HARDNEG" train -q -o "$D/out.hn" "$@" > /dev/null 2> "$D/err"; got=$?
    [ "$got" = "$want" ] || { echo "train $*: exit $got, expected $want" >&2; cat "$D/err" >&2; exit 1; }
    grep -q -- "$msg" "$D/err" || { echo "train $*: message" >&2; cat "$D/err" >&2; exit 1; }
    [ ! -e "$D/out.hn" ] && ! ls "$D"/.out.hn.tmp-* 2>/dev/null || { echo "train $*: left a file" >&2; exit 1; }
}
: > "$D/empty.txt"
printf '__label__a\n__label__b\n' > "$D/only_labels.txt"
printf '__label__a hello\n__label__a world\n' > "$D/one_class.txt"
printf '__label__a hello\n__label__b\n' > "$D/no_text.txt"
printf '\000\001\377\376garbage\n' > "$D/binary.txt"
check 1 "no training examples" "$D/empty.txt"
check 1 "only_labels.txt:1: label but no text" "$D/only_labels.txt"
check 1 "need at least 2 labels to train, found only 'a'" "$D/one_class.txt"
check 1 "no_text.txt:2: label but no text" "$D/no_text.txt"
check 1 "binary.txt:1: no label" "$D/binary.txt"
check 1 "nonexistent.txt: No such file" "$D/nonexistent.txt"
check 2 "lr: '0' is out of range\|--lr" --lr 0 tests/data/tiny_train.txt
check 2 "--lr: 'nan' is not a finite number" --lr nan tests/data/tiny_train.txt
check 2 "--bits: 0 is out of range" --bits 0 tests/data/tiny_train.txt
check 2 "--bits: 40 is out of range" --bits 40 tests/data/tiny_train.txt
check 2 "unknown option '--lr-rate'" --lr-rate 1 tests/data/tiny_train.txt
# --skip-bad trains on the good lines and says how many it skipped
printf '__label__a hello there\n__label__b\n__label__b bye now\nno label here\n' > "$D/mixed.txt"
"$HARDNEG" train --skip-bad -o "$D/ok.hn" --format fasttext "$D/mixed.txt" 2> "$D/err" || { cat "$D/err" >&2; exit 1; }
grep -q "skipped 2 malformed lines" "$D/err" || { cat "$D/err" >&2; exit 1; }
# an output folder that does not exist: exit 1, nothing written
"$HARDNEG" train -q -o "$D/no/such/dir/m.hn" tests/data/tiny_train.txt 2> "$D/err"; [ $? = 1 ] || exit 1
grep -q "no/such/dir/m.hn: folder .*no/such/dir. does not exist" "$D/err" || { cat "$D/err" >&2; exit 1; }
# a failing run leaves an existing model of the same name untouched
"$HARDNEG" train -q -o "$D/keep.hn" tests/data/tiny_train.txt
cp "$D/keep.hn" "$D/keep.orig"
"$HARDNEG" train -q -o "$D/keep.hn" "$D/one_class.txt" 2>/dev/null && exit 1
cmp "$D/keep.hn" "$D/keep.orig"
