#!/bin/sh
# mkman.sh HARDNEG - write the hardneg(1) man page to stdout, generated from
# the --help of every command so the two never drift apart.
set -eu
HN=$1
ver=$("$HN" version | awk '{ print $2 }')
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
cat <<HDR
.TH HARDNEG 1 "" "hardneg $ver" "User Commands"
.SH NAME
hardneg \- text classification for imbalanced tasks, with hard-negative mining
.SH SYNOPSIS
.B hardneg
.I command
[\fIoptions\fR] [\fIargs\fR]
.SH DESCRIPTION
hardneg trains logistic-regression text classifiers over hashed word and
character n-grams, mines hard negatives from large unlabeled pools, and
evaluates them for imbalanced tasks (precision-recall, average precision,
thresholds, out-of-scope detection). One line of text is one example.
\fB-\fR means standard input or output wherever a file is expected.
.SH COMMANDS
.nf
HDR
"$HN" --help | sed -n '/^commands:/,/^$/p' | sed 1d | esc
echo ".fi"
for c in $("$HN" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
    case $c in help|version) continue ;; esac
    printf '.SH "hardneg %s"\n.nf\n' "$c"
    "$HN" "$c" --help | esc
    echo ".fi"
done
cat <<'TAIL'
.SH EXIT STATUS
0 success, 1 runtime error (I/O, bad data, numeric, interrupted), 2 usage error.
.SH FILES
Model files (.hn): magic and format version, tokenizer configuration, labels,
decision threshold, training options, weights, and an XXH64 checksum; written
to a temporary file and renamed.
TAIL
