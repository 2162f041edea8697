# issue 13, item 12: a run killed while its output is open leaves no
# temporary file behind (mine --mined is open while the pool is read; the
# pool here is a FIFO that never ends, so mine waits in round 1 with its
# outputs open when it is killed), and a bad -o folder fails before the
# input is read
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
mkdir "$TMPDIR/parts"
mkfifo "$TMPDIR/pool"
exec 3<> "$TMPDIR/pool"   # a writer that never writes: the pool never ends
"$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool "$TMPDIR/pool" --negative-label ham \
    --mined "$TMPDIR/parts/mined.txt" --report "$TMPDIR/parts/r.json" -o "$TMPDIR/parts/m.hn" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q 'pipe_read\|pipe_wait\|wait_woken' /proc/$pid/wchan 2>/dev/null; do
    sleep 0.1; i=$((i + 1))   # until mine blocks on the pool
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
exec 3>&-
left=$(ls -A "$TMPDIR/parts")
[ -z "$left" ] || { echo "a killed mine left: $left" >&2; exit 1; }
# the output folder is checked before any work: the input's error never shows
printf 'not a labeled line\n' > "$TMPDIR/bad.txt"
rc=0; "$HARDNEG" train -q -o "$TMPDIR/no/such/dir/m.hn" "$TMPDIR/bad.txt" 2> "$TMPDIR/err" || rc=$?
[ $rc = 1 ]
grep -q "folder '.*no/such/dir' does not exist" "$TMPDIR/err"
! grep -q 'no label' "$TMPDIR/err"
