# issue 13, item 5: mine --pool - reads standard input every round (it
# scored stdin in round 1 and nothing afterwards, exit 0)
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool - --negative-label ham \
    --rounds 2 --patience 5 --metric accuracy --report "$TMPDIR/r.json" -o "$TMPDIR/m.hn" < $D/tiny_pool.txt
/usr/bin/python3 - "$TMPDIR/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["rounds"]
scored = [x["pool_scored"] for x in r if x["round"] > 0]
assert len(scored) == 2 and scored[0] == 80 and scored[1] == 80, scored
PY
