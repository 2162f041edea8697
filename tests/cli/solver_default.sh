# issue 14: the linear model is solved to convergence by default (dcd,
# squared hinge, C 1); an option only the online trainer has picks it, and
# options of both trainers without --solver are refused, naming both
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/solver.XXXXXX")
D=tests/data
kv() { "$HARDNEG" info -q "$1" | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
"$HARDNEG" train -q -o "$TMPDIR/a.hn" $D/tiny_train.txt
[ "$(kv "$TMPDIR/a.hn" solver)" = dcd ] && [ "$(kv "$TMPDIR/a.hn" loss)" = sqhinge ] && [ "$(kv "$TMPDIR/a.hn" C)" = 1 ]
# --solver dcd given without --loss: dcd's default loss, not sgd's log loss
"$HARDNEG" train -q --solver dcd -o "$TMPDIR/a2.hn" $D/tiny_train.txt
[ "$(kv "$TMPDIR/a2.hn" solver)" = dcd ] && [ "$(kv "$TMPDIR/a2.hn" loss)" = sqhinge ] || { echo "--solver dcd: loss $(kv "$TMPDIR/a2.hn" loss)" >&2; exit 1; }
"$HARDNEG" train -q --solver sgd -o "$TMPDIR/a3.hn" $D/tiny_train.txt
[ "$(kv "$TMPDIR/a3.hn" loss)" = log ]
"$HARDNEG" train -q --loss log -o "$TMPDIR/b.hn" $D/tiny_train.txt
[ "$(kv "$TMPDIR/b.hn" solver)" = dcd ] && [ "$(kv "$TMPDIR/b.hn" loss)" = log ]
for opt in "--epochs 3" "--lr 0.1" "--optim sgd" "--l2 1e-5" "--loss focal" "--ohem-keep 0.5"; do
    # shellcheck disable=SC2086
    "$HARDNEG" train -q $opt -o "$TMPDIR/c.hn" $D/tiny_train.txt
    [ "$(kv "$TMPDIR/c.hn" solver)" = sgd ] || { echo "$opt did not pick sgd" >&2; exit 1; }
done
"$HARDNEG" train -q --model mlp -o "$TMPDIR/m.hn" $D/tiny_train.txt
[ "$(kv "$TMPDIR/m.hn" solver)" = sgd ]
rc=0; "$HARDNEG" train -q --epochs 3 --C 2 -o "$TMPDIR/x.hn" $D/tiny_train.txt 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--epochs is for the online trainer and --C for the batch solver" "$TMPDIR/err"
[ ! -e "$TMPDIR/x.hn" ]
rc=0; "$HARDNEG" train -q --solver sgd --C 2 -o "$TMPDIR/x.hn" $D/tiny_train.txt 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--C is for the batch solver" "$TMPDIR/err"
rc=0; "$HARDNEG" train -q --solver dcd --epochs 4 -o "$TMPDIR/x.hn" $D/tiny_train.txt 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--epochs is for the online trainer" "$TMPDIR/err"
rc=0; "$HARDNEG" train -q --model mlp --tol 0.1 -o "$TMPDIR/y.hn" $D/tiny_train.txt 2> "$TMPDIR/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--tol is for the batch solver" "$TMPDIR/err"
# mine trains with the same default
"$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool $D/tiny_pool.txt --negative-label ham \
    --rounds 1 -o "$TMPDIR/mi.hn"
[ "$(kv "$TMPDIR/mi.hn" solver)" = dcd ]
