#!/usr/bin/python3
"""Quality figures for the benchmark, from predict output and gold labels.

usage:
    quality.py binary  GOLD PRED FORMAT [--label POSITIVE] [--map MAP]  -> ap, acc
    quality.py intent  GOLD PRED FORMAT [--label REJECT] [--map MAP]    -> inscope_acc, oos_recall, acc

GOLD   a labeled file: the first token of each line is __label__LABEL
PRED   one line per GOLD line, in the same order
FORMAT hardneg:  label<TAB>prob[<TAB>label<TAB>prob...] best first
                 (`hardneg predict --top-k 0`; a __label__ prefix is dropped)
       fasttext: __label__X prob [__label__Y prob ...]   (`fasttext predict-prob`)
       liblinear: `liblinear-predict [-b 1]` output: with -b 1 a first line
                 "labels ID ID ...", then "ID p p ..."; without, "ID" a line;
                 MAP (`id<TAB>label` lines, from svmlight.py) names the ids
POSITIVE the positive class of a binary task [spam]; its probability is the
       score for average precision; when a line does not list it, the score is
       1 - the sum of the listed probabilities of other labels.
REJECT the out-of-scope label of an intent task [oos].

Prints one `name<TAB>value` line per figure (fractions, 6 decimals) and `n`.
intent_figures() is also used by linearsvc.py.
Average precision is the step-wise one (sklearn's average_precision_score):
sum over distinct score thresholds, high to low, of (R_k - R_{k-1}) * P_k.
Only the standard library is used.
"""

import argparse
import sys

PREFIX = "__label__"


def die(msg):
    sys.stderr.write("quality.py: %s\n" % msg)
    sys.exit(1)


def strip(label):
    return label[len(PREFIX):] if label.startswith(PREFIX) else label


def read_gold(path):
    gold = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            tok = line.split(None, 1)[0].decode("utf-8", "replace") if line.strip() else ""
            if not tok.startswith(PREFIX):
                die("%s:%d: no __label__ at the start" % (path, n))
            gold.append(strip(tok))
    return gold


def read_map(path):
    ids = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            i, lab = line.rstrip("\n").split("\t")
            ids[i] = lab
    return ids


def read_liblinear(path, ids):
    preds = []
    with open(path, encoding="ascii") as f:
        first = f.readline().split()
        cols = None
        if first and first[0] == "labels":
            cols = [ids.get(i, i) for i in first[1:]]
        else:
            f.seek(0)
        for n, line in enumerate(f, 2 if cols else 1):
            t = line.split()
            if not t:
                die("%s:%d: empty line" % (path, n))
            top = ids.get(t[0], t[0])
            if cols is None:
                preds.append([(top, 1.0)])
                continue
            if len(t) != len(cols) + 1:
                die("%s:%d: expected %d probabilities" % (path, n, len(cols)))
            pairs = sorted(zip(cols, map(float, t[1:])), key=lambda x: -x[1])
            # the predicted label first, even when probabilities tie
            pairs.sort(key=lambda x: x[0] != top)
            preds.append(pairs)
    return preds


def read_pred(path, fmt, ids=None):
    if fmt == "liblinear":
        return read_liblinear(path, ids or {})
    preds = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            parts = line.split("\t") if fmt == "hardneg" else line.split()
            if len(parts) % 2:
                die("%s:%d: expected label/probability pairs" % (path, n))
            pairs = []
            for i in range(0, len(parts), 2):
                try:
                    p = float(parts[i + 1])
                except ValueError:
                    die("%s:%d: bad probability %r" % (path, n, parts[i + 1]))
                pairs.append((strip(parts[i]), p))
            preds.append(pairs)
    return preds


def average_precision(y, s):
    """Step-wise AP; ties in score form one threshold."""
    npos = sum(y)
    if npos == 0:
        return float("nan")
    order = sorted(range(len(y)), key=lambda i: -s[i])
    ap = 0.0
    tp = fp = 0
    prev_recall = 0.0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and s[order[j]] == s[order[i]]:
            tp += y[order[j]]
            fp += 1 - y[order[j]]
            j += 1
        recall = tp / npos
        ap += (recall - prev_recall) * (tp / (tp + fp))
        prev_recall = recall
        i = j
    return ap


def intent_figures(gold, top, rej="oos"):
    """CLINC150's figures from gold and predicted labels, as (name, value):
    in-scope accuracy (over gold lines not REJ; predicting REJ is wrong),
    out-of-scope recall (share of gold REJ lines predicted REJ), accuracy."""
    nan = float("nan")
    ins = [(g, t) for g, t in zip(gold, top) if g != rej]
    oos = [(g, t) for g, t in zip(gold, top) if g == rej]
    return [("inscope_acc", sum(1 for g, t in ins if t == g) / len(ins) if ins else nan),
            ("oos_recall", sum(1 for g, t in oos if t == rej) / len(oos) if oos else nan),
            ("acc", sum(1 for g, t in zip(gold, top) if g == t) / len(gold) if gold else nan)]


def main():
    ap = argparse.ArgumentParser(usage="quality.py binary|intent GOLD PRED FORMAT [--label L] [--map MAP]")
    ap.add_argument("task", choices=("binary", "intent"))
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("format", choices=("hardneg", "fasttext", "liblinear"))
    ap.add_argument("--label", help="positive label (binary) [spam] or reject label (intent) [oos]")
    ap.add_argument("--map", help="liblinear label ids: id<TAB>label lines")
    args = ap.parse_args()
    task, gold_path, pred_path, fmt = args.task, args.gold, args.pred, args.format
    gold = read_gold(gold_path)
    preds = read_pred(pred_path, fmt, read_map(args.map) if args.map else None)
    if len(gold) != len(preds):
        die("%s has %d lines, %s has %d" % (gold_path, len(gold), pred_path, len(preds)))
    n = len(gold)
    top = [p[0][0] if p else None for p in preds]
    acc = sum(1 for g, t in zip(gold, top) if g == t) / n if n else float("nan")
    out = []
    if task == "binary":
        pos = args.label or "spam"
        y, s = [], []
        for g, p in zip(gold, preds):
            d = dict(p)
            score = d[pos] if pos in d else 1.0 - sum(v for k, v in d.items() if k != pos)
            y.append(1 if g == pos else 0)
            s.append(score)
        out = [("ap", average_precision(y, s)), ("acc", acc)]
    else:
        out = intent_figures(gold, top, args.label or "oos")
    for k, v in out:
        print("%s\t%.6f" % (k, v))
    print("n\t%d" % n)


if __name__ == "__main__":
    main()
