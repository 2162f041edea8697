# train + predict + mine + eval (and their --plot) under valgrind memcheck: no errors, no leaks
# (skipped, with the reason, where valgrind is not installed)
[ -n "${HN_SANITIZED:-}" ] && { echo "skip: sanitizer build"; exit 0; }
command -v valgrind >/dev/null || { echo "skip: valgrind not installed"; exit 0; }
D=tests/data
vg() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "$@"; }
vg "$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt || exit 1
vg "$HARDNEG" predict --threads 2 "$TMPDIR/m.hn" $D/tiny_test.txt > /dev/null || exit 1
vg "$HARDNEG" eval -q "$TMPDIR/m.hn" $D/tiny_test.txt > /dev/null || exit 1
vg "$HARDNEG" mine -q --train $D/tiny_train.txt --pool $D/tiny_pool.txt --valid $D/tiny_test.txt \
    --negative-label ham --rounds 2 --per-round 10 --margin 0.3 -o "$TMPDIR/x.hn" --mined "$TMPDIR/x.tsv" \
    --plot "$TMPDIR/x.svg" || exit 1
# a reject label: mine --plot keeps every round's scores, eval --plot draws the model it wrote
three() { awk '{ if ($1 == "__label__spam") sub(/^__label__spam/, "__label__a"); else if (NR % 2) sub(/^__label__ham/, "__label__b"); else sub(/^__label__ham/, "__label__oos"); print }' "$1"; }
three $D/tiny_train.txt > "$TMPDIR/t3.txt"
three $D/tiny_test.txt > "$TMPDIR/v3.txt"
vg "$HARDNEG" mine -q --train "$TMPDIR/t3.txt" --pool $D/tiny_pool.txt --valid "$TMPDIR/v3.txt" \
    --negative-label oos --rounds 2 --per-round 10 -o "$TMPDIR/r.hn" --plot "$TMPDIR/r.svg" || exit 1
vg "$HARDNEG" eval -q --plot "$TMPDIR/e.svg" "$TMPDIR/r.hn" "$TMPDIR/v3.txt" > /dev/null || exit 1
vg "$HARDNEG" tokenize --features $D/tiny_pool.txt > /dev/null || exit 1
