#!/usr/bin/python3
"""Print one section of the benchmark table from build/bench/results.tsv.

usage: report.py RESULTS SECTION

RESULTS rows: section<TAB>metric<TAB>tool<TAB>value (header line first).
A value is a number or n/a; metric "status" holds a tool's note, e.g.
"n/a (hardneg train failed)", printed under the table.  Columns are the
tools, then the ratio of the first tool to the second where both are
numbers (for seconds, MiB and MB lower is better; for MB/s and quality
figures higher is better).  Sections epoch_* compare the MLP's seconds per
epoch with fastText's.  Written for tests/bench/run.sh.
"""

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
}
TOOLS = {
    "featurize": [("hardneg", "hardneg tokenize --stats"), ("wc", "LC_ALL=C wc -w")],
    "epoch": [("hardneg-mlp", "hardneg MLP"), ("fasttext", "fastText")],
    "default": [("hardneg", "hardneg"), ("hardneg-mlp", "hardneg MLP"), ("fasttext", "fastText"),
                ("liblinear", "LIBLINEAR")],
}
# ratio columns: (tool a, tool b, heading) = a / b
RATIO = {"featurize": [("hardneg", "wc", "hardneg/wc")],
         "epoch": [("hardneg-mlp", "fasttext", "MLP/fastText")],
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
    if metric in ("ap", "acc", "inscope_acc", "oos_recall"):
        return "%.4f" % x
    if metric == "train_rss_mib":
        return "%.0f" % x
    return "%.2f" % x if x < 100 else "%.1f" % x


def main():
    path, section = sys.argv[1:3]
    vals, order, status = {}, [], {}
    with open(path, encoding="utf-8") as f:
        next(f, None)
        for line in f:
            sec, metric, tool, value = line.rstrip("\n").split("\t", 3)
            if sec != section:
                continue
            if metric == "status":
                status[tool] = value
                continue
            if metric not in order:
                order.append(metric)
            vals[(metric, tool)] = value
    kind = "epoch" if section.startswith("epoch_") else section
    tools = TOOLS.get(kind, TOOLS["default"])
    ratios = RATIO.get(kind, RATIO["default"])
    head = ["metric"] + [t[1] for t in tools] + [r[2] for r in ratios]
    order = [m for m in METRICS if m in order] + [m for m in order if m not in METRICS]
    rows = []
    for m in order:
        row = [METRICS.get(m, m)]
        for key, _ in tools:
            v = vals.get((m, key))
            row.append(fmt(m, v) if v is not None else ("n/a" if key in status else "-"))
        for a, b, _ in ratios:
            x, y = num(vals.get((m, a))), num(vals.get((m, b)))
            row.append("%.2f" % (x / y) if x is not None and y else "-")
        rows.append(row)
    w = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + r[0].ljust(w[0]) + "".join("  " + c.rjust(w[i + 1]) for i, c in enumerate(r[1:])))
    for key, name in tools:
        if key in status:
            print("  %s: %s" % (name, status[key]))


if __name__ == "__main__":
    main()
