# train + predict + mine + eval under valgrind memcheck: no errors, no leaks
# (skipped, with the reason, where valgrind is not installed)
[ -n "${HN_SANITIZED:-}" ] && { echo "skip: sanitizer build"; exit 0; }
command -v valgrind >/dev/null || { echo "skip: valgrind not installed"; exit 0; }
D=tests/data
vg() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "$@"; }
vg "$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt || exit 1
vg "$HARDNEG" predict --threads 2 "$TMPDIR/m.hn" $D/tiny_test.txt > /dev/null || exit 1
vg "$HARDNEG" eval -q "$TMPDIR/m.hn" $D/tiny_test.txt > /dev/null || exit 1
vg "$HARDNEG" mine -q --train $D/tiny_train.txt --pool $D/tiny_pool.txt --valid $D/tiny_test.txt \
    --negative-label ham --rounds 2 --per-round 10 --margin 0.3 -o "$TMPDIR/x.hn" --mined "$TMPDIR/x.tsv" || exit 1
vg "$HARDNEG" tokenize --features $D/tiny_pool.txt > /dev/null || exit 1
