# issue 13, item 7: train --valid with every epoch tied on the metric keeps
# the epoch with the lowest validation loss (it kept epoch 1), and info
# says which epoch was kept
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -v -o "$TMPDIR/m.hn" --epochs 6 --valid $D/tiny_test.txt $D/tiny_train.txt 2> "$TMPDIR/err"
# the toy set is separable: AP is 1 from the first epoch on, the loss keeps falling
grep -c 'valid AP 1.000000' "$TMPDIR/err" | grep -q '^6$' || { echo "the metric is not tied on every epoch" >&2; exit 1; }
grep -q 'kept epoch 6 ' "$TMPDIR/err" || { grep 'kept epoch' "$TMPDIR/err" >&2; exit 1; }
"$HARDNEG" info "$TMPDIR/m.hn" | grep -q '^best_epoch	6$'
