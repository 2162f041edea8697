# issue 13, item 8: two writers of one -o in separate PID namespaces (both
# PID 1, as in two containers on one volume) never share a temporary: the
# file is always one whole model; and one process never writes two outputs
# to one path (mine -o X --mined X, --mined F --report F)
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
    echo "skipped the PID-namespace part: unshare --pid needs privileges here" >&2
else
    # a model of about 30 MB, so the two writers overlap while writing
    awk 'BEGIN { srand(3); for (i = 0; i < 20000; i++) { printf "__label__c%d", i % 50;
                 for (j = 0; j < 6; j++) printf " w%d", int(rand() * 100000); print "" } }' > "$TMPDIR/big.txt"
    i=0
    while [ $i -lt 4 ]; do
        unshare --pid --fork --mount-proc "$HARDNEG" train -q -o "$TMPDIR/same.hn" "$TMPDIR/big.txt" &
        unshare --pid --fork --mount-proc "$HARDNEG" train -q --seed 2 -o "$TMPDIR/same.hn" "$TMPDIR/big.txt" &
        wait
        "$HARDNEG" info "$TMPDIR/same.hn" > /dev/null || { echo "round $i: a corrupt model" >&2; exit 1; }
        i=$((i + 1))
    done
fi
for outs in "-o $TMPDIR/x --mined $TMPDIR/x" "-o $TMPDIR/y.hn --mined $TMPDIR/f --report $TMPDIR/f"; do
    # shellcheck disable=SC2086
    "$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool $D/tiny_pool.txt \
        --negative-label ham $outs 2> "$TMPDIR/err" && { echo "accepted: $outs" >&2; exit 1; }
    grep -q 'two outputs are the same file' "$TMPDIR/err"
done
