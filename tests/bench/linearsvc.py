#!/usr/bin/python3
"""scikit-learn's LinearSVC on CLINC150, for the benchmark's anchor section.

usage: linearsvc.py TRAIN VAL TEST PRED [--c 0.3,1,3,10] [--repeat 3] [--label oos]

TRAIN, VAL, TEST  labeled files, "__label__INTENT text" lines
PRED              where to write the test predictions: "label<TAB>score" a
                  line (score = the top decision value), the format
                  quality.py reads as "hardneg"
--c               the values of C tried on VAL [0.3,1,3,10]
--repeat          fits of the final model that are timed; the best is kept [3]
--label           the out-of-scope label [oos]

Features as close to hardneg's as a vocabulary (not hashing) allows:
  words     TfidfVectorizer(ngram_range=(1, 2), token_pattern \\w+|[^\\w\\s])
            (words of any length and each punctuation mark a token, as
            hardneg's tokenizer; sklearn's default drops 1-letter words)
  chars     TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4)): 4-grams
            of each space-padded word, as hardneg's 4-grams of "<word>"
  both      lowercase=True, sublinear_tf=True (1 + log tf), use_idf=False,
            norm=None; a FeatureUnion, then one Normalizer (L2) over the
            concatenated vector, as hardneg's one L2 norm
  model     LinearSVC(C=C, random_state=0): one-vs-rest, squared hinge,
            dual coordinate descent (LIBLINEAR inside), defaults otherwise.
C is chosen on VAL by in-scope accuracy (on a tie the first in --c order
wins), then the model is fitted on TRAIN again with that C and TEST is
predicted.

Prints `name<TAB>value` lines: val_inscope_acc_C<C> for each C tried, C
(the chosen one), val_inscope_acc and val_oos_recall at that C, and
train_best_s: the best wall seconds of --repeat fits (vectorize + fit, in
this process; reading the files and importing sklearn are not counted).
Convergence warnings of LinearSVC go to stderr.  Written for
tests/bench/run.sh, which scores PRED with quality.py.
"""

import os

# one thread for numpy/scipy, before they are imported
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ in tests/bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quality import PREFIX, die, intent_figures  # noqa: E402

try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import Normalizer
    from sklearn.svm import LinearSVC
except ImportError as e:
    die("scikit-learn is missing (%s): apt-get install python3-sklearn" % e)

TOKEN_PATTERN = r"(?u)\w+|[^\w\s]"


def read(path):
    """Labels and texts of a "__label__X text" file."""
    ys, xs = [], []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            parts = line.split(None, 1)
            if not parts or not parts[0].startswith(PREFIX):
                die("%s:%d: no __label__ at the start" % (path, n))
            ys.append(parts[0][len(PREFIX):])
            xs.append(parts[1] if len(parts) > 1 else "")
    return ys, xs


def pipeline(c):
    common = dict(lowercase=True, sublinear_tf=True, use_idf=False, norm=None)
    return Pipeline([
        ("features", FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=TOKEN_PATTERN, **common)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), **common)),
        ])),
        ("l2", Normalizer(norm="l2")),
        ("svm", LinearSVC(C=c, random_state=0)),
    ])


def fit(c, xs, ys):
    """Fit a pipeline; returns it and the wall seconds of vectorize + fit."""
    p = pipeline(c)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        t = time.perf_counter()
        p.fit(xs, ys)
        t = time.perf_counter() - t
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            sys.stderr.write("linearsvc.py: C=%g: %s\n" % (c, w.message))
    return p, t


def main():
    ap = argparse.ArgumentParser(usage="linearsvc.py TRAIN VAL TEST PRED [--c LIST] [--repeat N] [--label L]")
    ap.add_argument("train")
    ap.add_argument("val")
    ap.add_argument("test")
    ap.add_argument("pred")
    ap.add_argument("--c", default="0.3,1,3,10", help="values of C tried on VAL [0.3,1,3,10]")
    ap.add_argument("--repeat", type=int, default=3, help="timed fits of the final model [3]")
    ap.add_argument("--label", default="oos", help="the out-of-scope label [oos]")
    args = ap.parse_args()
    try:
        grid = [float(v) for v in args.c.split(",")]
    except ValueError:
        die("--c: expected numbers separated by commas, got %r" % args.c)
    if not grid or min(grid) <= 0 or args.repeat < 1:
        die("--c needs positive values and --repeat at least 1")
    ytr, xtr = read(args.train)
    yva, xva = read(args.val)
    yte, xte = read(args.test)

    best = None
    for c in grid:
        p, _ = fit(c, xtr, ytr)
        figs = dict(intent_figures(yva, list(p.predict(xva)), args.label))
        print("val_inscope_acc_C%g\t%.6f" % (c, figs["inscope_acc"]))
        if best is None or figs["inscope_acc"] > best[1]["inscope_acc"]:
            best = (c, figs)
    c, figs = best
    print("C\t%g" % c)
    print("val_inscope_acc\t%.6f" % figs["inscope_acc"])
    print("val_oos_recall\t%.6f" % figs["oos_recall"])

    secs = []
    for _ in range(args.repeat):
        p, t = fit(c, xtr, ytr)
        secs.append(t)
    print("train_best_s\t%.3f" % min(secs))
    scores = p.decision_function(xte)
    classes = p.classes_
    tmp = args.pred + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for row in scores:
            k = int(row.argmax())
            f.write("%s\t%.6f\n" % (classes[k], row[k]))
    os.replace(tmp, args.pred)


if __name__ == "__main__":
    main()
