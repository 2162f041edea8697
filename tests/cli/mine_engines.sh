# issue 18, item 4: a round's pool shards scored outside the process give the
# same selection as scoring them here: mine --pool-shards with --score-with
# local, a template of the user's ({cmd}), and GNU parallel write the same
# model, mined lines and report (seconds aside); a failing engine stops
# mine with the engine named and no model written
set -e
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/engine.XXXXXX")  # files of its own, beside the runner's
mkdir "$T/shards"
split -l 27 -d $D/tiny_pool.txt "$T/shards/pool-"
run() {
    name=$1
    shift
    "$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool-shards "$T/shards/pool-*" \
        --negative-label ham --rounds 2 --top 5 --margin 0.3 --solver sgd --epochs 3 \
        -o "$T/$name.hn" --mined "$T/$name.tsv" --report "$T/$name.json" "$@"
}
same() {
    cmp "$T/local.hn" "$T/$1.hn" && cmp "$T/local.tsv" "$T/$1.tsv"
    /usr/bin/python3 - "$T/local.json" "$T/$1.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in a["rounds"] + b["rounds"]:
    r.pop("seconds")
assert a == b, (a, b)
assert sum(r["selected"] for r in a["rounds"]) > 0, "nothing mined: the comparison proves little"
PY
}
run local
[ -s "$T/local.tsv" ]
run template --score-with 'sh -c "{cmd}"' --work-dir "$T/work"
same template
ls "$T/work/round-1/commands" "$T/work/round-1/model.hn" > /dev/null
if command -v parallel > /dev/null; then
    run parallel --score-with parallel --jobs 2
    same parallel
else
    echo "SKIP the GNU parallel run: parallel is not installed (apt-get install parallel)"
fi
# a failing engine: exit 1, the engine and its commands named, no model
rc=0; run broken --score-with 'false {cmd}' 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -q "the template engine failed (exit status 1); its commands are in" "$T/err"
[ ! -e "$T/broken.hn" ] && [ ! -e "$T/broken.tsv" ]
# engines other than local need shards; a template needs {cmd}
rc=0; "$HARDNEG" mine -q --train $D/tiny_train.txt --valid $D/tiny_test.txt --pool $D/tiny_pool.txt \
    --negative-label ham --score-with parallel -o "$T/x.hn" 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q -- "--score-with parallel needs --pool-shards" "$T/err"
rc=0; run y --score-with 'echo hi' 2> "$T/err" || rc=$?
[ $rc = 2 ] && grep -q "holding {cmd}" "$T/err"
