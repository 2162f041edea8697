#!/bin/sh
# corpora/clinc150.sh - prepare CLINC150 (intents with out-of-scope queries).
#
# usage: corpora/clinc150.sh [DATA_FULL_JSON] [OUTDIR]
#
#   DATA_FULL_JSON  data_full.json of clinc/oos-eval
#                   [../shared/corpora/clinc150/data_full.json beside the repo]
#   OUTDIR          where to write [data/clinc150 under the repository root]
#
# The unlabeled pool is all_wiki_sents.txt from the folder of the JSON file
# (14,750 lower-cased Wikipedia sentences); without it pool.txt and
# train_plus_wiki.txt are not written.
#
# Outputs, fastText-style "__label__INTENT text" lines in the original order
# of the JSON lists (the in-scope lists are grouped by intent: shuffle
# before training with a tool that does not shuffle itself):
#   train.txt             train (15000) + oos_train (100)
#   val.txt               val (3000) + oos_val (100)
#   test.txt              test (4500) + oos_test (1000)
#   train_inscope.txt     train (15000) only
#   pool.txt              the wiki sentences, unlabeled, one a line
#   train_plus_wiki.txt   train + oos_train + every wiki sentence as oos
# Every run of whitespace in a text becomes one space and the ends are
# trimmed (5 queries and 1,297 wiki sentences have double or trailing
# spaces), so pool.txt and the oos lines of train_plus_wiki.txt hold the same
# strings; nothing else changes.  Counts are printed at the end.
#
# Data: Larson et al., "An Evaluation Dataset for Intent Classification and
# Out-of-Scope Prediction", EMNLP 2019; CC BY 3.0.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
PY=/usr/bin/python3

case ${1:-} in
-h|--help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
-*) echo "clinc150.sh: unknown option '$1'" >&2; exit 2 ;;
esac
if [ $# -gt 2 ]; then
    echo "usage: corpora/clinc150.sh [DATA_FULL_JSON] [OUTDIR]" >&2; exit 2
fi
json=${1:-$root/../shared/corpora/clinc150/data_full.json}
outdir=${2:-$root/data/clinc150}

if [ ! -f "$json" ]; then
    echo "clinc150.sh: $json not found; get data_full.json (and all_wiki_sents.txt)" >&2
    echo "  from the clinc/oos-eval repository (data/ folder) and pass its path" >&2
    exit 1
fi
if [ ! -x "$PY" ]; then
    echo "clinc150.sh: $PY is missing (apt-get install python3)" >&2; exit 1
fi
wiki=$(dirname "$json")/all_wiki_sents.txt
[ -f "$wiki" ] || wiki=-
exec "$PY" "$here/clinc150.py" "$json" "$wiki" "$outdir"
