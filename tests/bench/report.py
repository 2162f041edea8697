#!/usr/bin/python3
"""Print one section of the benchmark table from build/bench/results.tsv.

usage: report.py RESULTS SECTION

RESULTS rows: section<TAB>metric<TAB>tool<TAB>value (header line first).
A value is a number or n/a; metric "status" holds a tool's note, e.g.
"n/a (hardneg train failed)", printed under the table.  Columns are the
tools, then the ratio of the first tool to the second where both are
numbers (for seconds, MiB and MB lower is better; for MB/s and quality
figures higher is better).  Sections epoch_* compare the MLP's seconds per
epoch with fastText's; section clinc150_svm compares hardneg's linear model
with scikit-learn's LinearSVC (C and the val figures of each C tried first,
no ratio for C).  Sections *_tune compare `hardneg tune` with fastText's
autotune: test figures first, then the search's own (best validation score,
each on its own metric; wall seconds; trials); their rows with text
(val_metric, options, command) are printed under the table.  Section
threads compares 2 threads with 1 (JOB_wall_s and JOB_mbps rows, tools t1
and t2, and "same" or "DIFFER" in the outputs column); mine1g compares a
mining round scored here with one scored through GNU parallel; explain
compares explain with predict on a first part ("head") of a file and all of
it.  Written for tests/bench/run.sh.
"""

import fnmatch
import sys

METRICS = {
    "wall_s": "wall s (best of 3)",
    "mbps": "MB/s",
    "train_s": "train wall s",
    "train_rss_mib": "train peak RSS MiB",
    "model_mb": "model file MB",
    "predict_test_mbps": "predict test MB/s",
    "predict_100mb_mbps": "predict mail_100mb MB/s",
    "ap": "average precision",
    "inscope_acc": "in-scope accuracy",
    "oos_recall": "OOS recall",
    "acc": "accuracy",
    "per_epoch_s": "train s per epoch",
    "C": "C",
    "val_inscope_acc": "val in-scope accuracy",
    "val_oos_recall": "val OOS recall",
    "train_best_s": "train wall s (best run)",
    "val_best": "best val score (own metric)",
    "tune_s": "tune wall s (all of it)",
    "tune_rss_mib": "tune peak RSS MiB",
    "trials": "trials finished",
    "trials_failed": "trials failed",
    "trials_cut": "trials cut by the budget",
    "restarts": "runs killed: no clock",
    "restart_s": "wall s of the killed runs",
    "rss_mib": "peak RSS MiB",
    "cpu_s": "CPU s (user + sys)",
    "pool_mbps": "pool MB/s",
    "round_s": "round 1 s (mine's clock)",
    "pool_scored": "pool lines scored",
    "selected": "lines selected",
    "mined_lines": "mined lines",
}
# section threads: the jobs of its rows, JOB_wall_s and JOB_mbps
JOBS = {"predict_spam": "predict, spam model (2 labels)", "score_spam": "score, spam model",
        "predict_clinc150": "predict, CLINC150 model (151 labels)"}
# sections whose rows come in their own order (patterns, fnmatch) and with
# their own names
ORDER = {"svm": ["C", "val_inscope_acc_C*", "val_inscope_acc", "val_oos_recall", "inscope_acc", "oos_recall",
                 "train_best_s"],
         "tune": ["ap", "acc", "inscope_acc", "oos_recall", "val_best", "tune_s", "tune_rss_mib", "model_mb",
                  "trials", "trials_failed", "trials_cut", "restarts", "restart_s"],
         "mine1g": ["wall_s", "cpu_s", "rss_mib", "pool_mbps", "round_s", "pool_scored", "selected", "mined_lines"],
         "explain": ["mbps_head", "mbps_all", "rss_head", "rss_all", "wall_head", "wall_all"]}
NAMES = {"svm": {"inscope_acc": "test in-scope accuracy", "oos_recall": "test OOS recall"},
         "tune": {"inscope_acc": "test in-scope accuracy", "oos_recall": "test OOS recall",
                  "ap": "test average precision", "acc": "test accuracy"},
         "mine1g": {"wall_s": "wall s (one run)"},
         "explain": {"mbps_head": "MB/s, first part", "mbps_all": "MB/s, all", "rss_head": "peak RSS MiB, first part",
                     "rss_all": "peak RSS MiB, all", "wall_head": "wall s, first part", "wall_all": "wall s, all"}}
NO_RATIO = ("C", "val_best", "trials_failed", "trials_cut", "restarts", "restart_s")
COUNTS = ("trials", "trials_failed", "trials_cut", "restarts", "pool_scored", "selected", "mined_lines")
# rows of words, not numbers: printed under the table, tool by tool
TEXT = {"val_metric": "val metric", "options": "winner", "command": "again"}
QUALITY = ("ap", "acc", "inscope_acc", "oos_recall", "val_inscope_acc", "val_oos_recall", "val_best")
TOOLS = {
    "featurize": [("hardneg", "hardneg tokenize --stats"), ("wc", "LC_ALL=C wc -w")],
    "epoch": [("hardneg-mlp", "hardneg MLP"), ("fasttext", "fastText")],
    "svm": [("hardneg", "hardneg linear"), ("sklearn", "sklearn LinearSVC")],
    "tune": [("hardneg", "hardneg tune"), ("fasttext", "fastText autotune")],
    "threads": [("t1", "1 thread"), ("t2", "2 threads"), ("same", "outputs")],
    "mine1g": [("local", "local, --threads 2"), ("parallel", "GNU parallel"), ("same", "same bytes")],
    "explain": [("explain", "explain"), ("predict", "predict")],
    "default": [("hardneg", "hardneg"), ("hardneg-mlp", "hardneg MLP"), ("fasttext", "fastText"),
                ("liblinear", "LIBLINEAR")],
}
# ratio columns: (tool a, tool b, heading) = a / b
RATIO = {"featurize": [("hardneg", "wc", "hardneg/wc")],
         "epoch": [("hardneg-mlp", "fasttext", "MLP/fastText")],
         "svm": [("hardneg", "sklearn", "hardneg/sklearn")],
         "tune": [("hardneg", "fasttext", "hardneg/fastText")],
         "threads": [("t2", "t1", "2/1")],
         "mine1g": [("parallel", "local", "parallel/local")],
         "explain": [("explain", "predict", "explain/predict")],
         "default": [("hardneg", "fasttext", "hardneg/fastText"), ("hardneg-mlp", "fasttext", "MLP/fastText")]}


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(metric, v):
    x = num(v)
    if x is None:
        return v if v else "-"
    if metric in QUALITY or metric.startswith("val_inscope_acc_C"):
        return "%.4f" % x
    if metric == "C":
        return "%g" % x
    if metric in COUNTS:
        return "%d" % x
    if metric.startswith("rss_"):
        return "%.1f" % x
    if metric == "train_rss_mib":
        return "%.0f" % x
    return "%.2f" % x if x < 100 else "%.1f" % x


def row_name(kind, metric):
    if kind == "threads":
        for job, what in JOBS.items():
            if metric.startswith(job + "_"):
                rest = metric[len(job) + 1:]
                return what + ": " + METRICS.get(rest, rest)
    if metric in NAMES.get(kind, {}):
        return NAMES[kind][metric]
    if metric.startswith("val_inscope_acc_C"):
        return "val in-scope accuracy, C=" + metric[len("val_inscope_acc_C"):]
    return METRICS.get(metric, metric)


def rank(kind, metric):
    """Position of a row: the section's own order, else METRICS', else last."""
    if kind in ORDER:
        for i, pat in enumerate(ORDER[kind]):
            if fnmatch.fnmatchcase(metric, pat):
                return i
        return len(ORDER[kind])
    return list(METRICS).index(metric) if metric in METRICS else len(METRICS)


def main():
    path, section = sys.argv[1:3]
    vals, order, status, text = {}, [], {}, {}
    with open(path, encoding="utf-8") as f:
        next(f, None)
        for line in f:
            sec, metric, tool, value = line.rstrip("\n").split("\t", 3)
            if sec != section:
                continue
            if metric == "status":
                status[tool] = value
                continue
            if metric in TEXT:
                text.setdefault(tool, []).append((metric, value))
                continue
            if metric not in order:
                order.append(metric)
            vals[(metric, tool)] = value
    kind = ("epoch" if section.startswith("epoch_") else "svm" if section == "clinc150_svm"
            else "tune" if section.endswith("_tune") else section)
    tools = TOOLS.get(kind, TOOLS["default"])
    ratios = RATIO.get(kind, RATIO["default"])
    head = ["metric"] + [t[1] for t in tools] + [r[2] for r in ratios]
    order.sort(key=lambda m: rank(kind, m))  # stable: ties keep the file's order
    rows = []
    for m in order:
        row = [row_name(kind, m)]
        for key, _ in tools:
            v = vals.get((m, key))
            row.append(fmt(m, v) if v is not None else ("n/a" if key in status else "-"))
        for a, b, _ in ratios:
            x, y = num(vals.get((m, a))), num(vals.get((m, b)))
            row.append("%.2f" % (x / y) if x is not None and y and m not in NO_RATIO else "-")
        rows.append(row)
    w = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + r[0].ljust(w[0]) + "".join("  " + c.rjust(w[i + 1]) for i, c in enumerate(r[1:])))
    for key, name in tools:
        if key in status:
            print("  %s: %s" % (name, status[key]))
        for metric, value in text.get(key, []):
            print("  %s %s: %s" % (name, TEXT[metric], value))


if __name__ == "__main__":
    main()
