#!/bin/sh
# tests/bench/warm_start.sh - what a warm start saves (issue 16): the figures
# of the README's "Hard-negative mining" (mine --warm-start) and "Spam"
# (train --init) sections. Not part of `make bench`; run it from the
# repository root after `make` (about 3 minutes on 2 cores).
#
#   (1) CLINC150: the README's mining command, --threads 1, with and without
#       --warm-start, at each --tol of WARM_TOLS; CPU seconds (user + sys,
#       GNU time) a round = (a 4-round run - a --rounds 0 run) / 4, mean of
#       WARM_REPEAT runs (CPU, not wall: the machine may be shared); the
#       validation figures of every round from --report; and the mined lines
#       the two modes share.
#   (2) SpamAssassin, a daily update: train on the first half of train.txt,
#       then --init with the second half, against training on all of it;
#       CPU seconds of each `train` and average precision on val.txt.
#
# Environment: HARDNEG [build/hardneg], WARM_TOLS [0.1 0.01], WARM_REPEAT
# [3], CLINC [data/clinc150], SPAM [data/spamassassin], BENCH_OUT
# [build/bench/warm].
set -eu
HN=${HARDNEG:-build/hardneg}
TOLS=${WARM_TOLS:-0.1 0.01}
REP=${WARM_REPEAT:-3}
CLINC=${CLINC:-data/clinc150}
SPAM=${SPAM:-data/spamassassin}
OUT=${BENCH_OUT:-build/bench/warm}
PY=/usr/bin/python3
TIME=/usr/bin/time
mkdir -p "$OUT"
[ -x "$TIME" ] || { echo "warm_start.sh: needs GNU time ($TIME)" >&2; exit 1; }
echo "nproc $(nproc)"

cpu() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }

if [ -f "$CLINC/train.txt" ] && [ -f "$CLINC/pool.txt" ] && [ -f "$CLINC/val.txt" ]; then
    mine() { # mine ROUNDS TOL MODE TAG
        $TIME -f "%U %S %e" -o "$OUT/$4.time" "$HN" mine -q --train "$CLINC/train.txt" --pool "$CLINC/pool.txt" \
            --valid "$CLINC/val.txt" --negative-label oos --rounds "$1" --top 500 --max-drop 0.03 \
            --char-ngrams 4:4 --class-weight oos=8 --threads 1 --tol "$2" --"$3" -o "$OUT/$4.hn" \
            --mined "$OUT/$4.tsv" --report "$OUT/$4.json" 2>/dev/null
    }
    for tol in $TOLS; do
        i=1
        while [ $i -le "$REP" ]; do
            mine 0 "$tol" retrain "base-$tol-$i"
            for mode in retrain warm-start; do mine 4 "$tol" "$mode" "$mode-$tol-$i"; done
            i=$((i + 1))
        done
    done
    echo
    echo "(1) CLINC150 mining, --threads 1: CPU seconds a round (rounds 1-4), validation reject-recall by round"
    $PY - "$OUT" "$REP" $TOLS <<'PY'
import json, sys
out, rep, tols = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def cpu(tag):
    u, s, _ = open(f"{out}/{tag}.time").read().split()
    return float(u) + float(s)
print("tol\tmode\tCPU s a round\treject-recall by round\tbest round\tmined lines shared")
for tol in tols:
    base = sum(cpu(f"base-{tol}-{i}") for i in range(1, rep + 1)) / rep
    lines = {}
    for mode in ("retrain", "warm-start"):
        tot = sum(cpu(f"{mode}-{tol}-{i}") for i in range(1, rep + 1)) / rep
        r = json.load(open(f"{out}/{mode}-{tol}-1.json"))
        lines[mode] = {tuple(l.rstrip("\n").split("\t")[0:3:2]) for l in open(f"{out}/{mode}-{tol}-1.tsv")}
        shared = "" if mode == "retrain" else "%d of %d / %d" % (len(lines["retrain"] & lines[mode]), len(lines["retrain"]), len(lines[mode]))
        print("%s\t%s\t%.2f\t%s\t%d (%.2f)\t%s" % (tol, mode, (tot - base) / 4,
              " ".join("%.2f" % x["metric"] for x in r["rounds"]), r["best_round"], r["rounds"][r["best_round"]]["metric"], shared))
PY
else
    echo "(1) skipped: $CLINC/{train,pool,val}.txt missing (corpora/clinc150.sh)"
fi

if [ -f "$SPAM/train.txt" ] && [ -f "$SPAM/val.txt" ]; then
    n=$(wc -l < "$SPAM/train.txt")
    half=$((n / 2))
    head -n "$half" "$SPAM/train.txt" > "$OUT/spam_A.txt"
    tail -n +"$((half + 1))" "$SPAM/train.txt" > "$OUT/spam_B.txt"
    echo
    echo "(2) SpamAssassin daily update: train.txt lines 1-$half (A), then $((half + 1))-$n (B); AP on val.txt"
    printf 'model\tCPU s\tval AP\n'
    t() { tag=$1; shift; $TIME -f "%U %S %e" -o "$OUT/$tag.time" "$HN" train -q -o "$OUT/$tag.hn" "$@"; }
    t spam_a "$OUT/spam_A.txt"
    t spam_ab --init "$OUT/spam_a.hn" "$OUT/spam_B.txt"
    t spam_all "$SPAM/train.txt"
    t spam_b "$OUT/spam_B.txt"
    for m in a ab all b; do
        ap=$("$HN" eval -q --json "$OUT/spam_$m.hn" "$SPAM/val.txt" |
            $PY -c 'import json, sys; print("%.5f" % json.load(sys.stdin)["average_precision"])')
        case $m in a) what="train A";; ab) what="train --init a B";; all) what="train A+B";; b) what="train B";; esac
        printf '%s\t%s\t%s\n' "$what" "$(cpu "$OUT/spam_$m.time")" "$ap"
    done
else
    echo "(2) skipped: $SPAM/{train,val}.txt missing (corpora/spamassassin.sh)"
fi
