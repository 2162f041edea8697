#!/usr/bin/python3
"""Join gold labels and `hardneg tokenize --features` output into svmlight.

usage: svmlight.py GOLD FEATURES MAP > OUT.svm

GOLD      labeled file, __label__X first on each line
FEATURES  one line per GOLD line: bucket:value pairs (0-based buckets), as
          printed by `hardneg tokenize --features` on GOLD with the labels cut
MAP       label ids, `id<TAB>label` lines; created (ids 1..K, labels sorted)
          when missing, so make it from the training file first

Writes `id index:value ...` with index = bucket + 1 (LIBLINEAR counts from
1), indices ascending, repeated buckets summed.  A test label missing from
MAP is an error.  Used by tests/bench/run.sh for the LIBLINEAR anchor: the
same hashed features as hardneg, another learner.
"""

import os
import sys


def die(msg):
    sys.stderr.write("svmlight.py: %s\n" % msg)
    sys.exit(1)


def labels(path):
    out = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            tok = line.split(None, 1)[0].decode("utf-8", "replace") if line.strip() else ""
            if not tok.startswith("__label__"):
                die("%s:%d: no __label__ at the start" % (path, n))
            out.append(tok[len("__label__"):])
    return out


def main():
    if len(sys.argv) != 4:
        die("usage: svmlight.py GOLD FEATURES MAP > OUT.svm")
    gold_path, feat_path, map_path = sys.argv[1:]
    gold = labels(gold_path)
    if os.path.exists(map_path):
        ids = {}
        with open(map_path, encoding="utf-8") as f:
            for line in f:
                i, lab = line.rstrip("\n").split("\t")
                ids[lab] = int(i)
    else:
        ids = {lab: i for i, lab in enumerate(sorted(set(gold)), 1)}
        with open(map_path, "w", encoding="utf-8") as f:
            for lab, i in sorted(ids.items(), key=lambda x: x[1]):
                f.write("%d\t%s\n" % (i, lab))
    out = sys.stdout
    n = 0
    with open(feat_path, encoding="ascii") as f:
        for n, line in enumerate(f, 1):
            if n > len(gold):
                die("%s has more lines than %s" % (feat_path, gold_path))
            lab = gold[n - 1]
            if lab not in ids:
                die("%s:%d: label %r not in %s" % (gold_path, n, lab, map_path))
            acc = {}
            for pair in line.split():
                b, v = pair.split(":")
                b = int(b) + 1
                acc[b] = acc.get(b, 0.0) + float(v)
            out.write(str(ids[lab]))
            for b in sorted(acc):
                out.write(" %d:%.6g" % (b, acc[b]))
            out.write("\n")
    if n != len(gold):
        die("%s has %d lines, %s has %d" % (feat_path, n, gold_path, len(gold)))


if __name__ == "__main__":
    main()
