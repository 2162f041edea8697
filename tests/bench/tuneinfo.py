#!/usr/bin/python3
"""What a tuning run chose and how many trials it ran, for the benchmark's
section (6).

usage:
    tuneinfo.py hardneg  JSON REPORT   (`hardneg tune --json` stdout, --report FILE.json)
    tuneinfo.py fasttext STDOUT STDERR (`fasttext supervised -autotune-validation ... -verbose 3`)

Prints `name<TAB>value` lines (values never hold a tab or a newline):
    val_metric    (hardneg) the metric the search maximized on the validation
                  file (fastText does not print its own)
    val_best      the winner's value of it
    trials        trials that ran to the end and were scored
    trials_failed trials that failed (hardneg) or diverged / ran out of
                  memory (fastText: scored NaN)
    trials_cut    trials cut short by the budget (hardneg: status
                  "interrupted"; fastText: the trial running when its timer
                  ended)
    options       the winner's settings: hardneg's "options"; for fastText the
                  "Best selected args" it prints at -verbose 3, written as
                  its own options (-epoch 12 -lr 0.3 ...)
    command       (hardneg) the command that trains the winner again
fastText prints, at -verbose 3, "Trial = N" then "name = value" lines for each
trial, "currentScore = X" when one was scored, and after the search "Best
selected args = 0" and the winner's lines; its progress line on stderr
("Progress: ... Trials: N Best score: X ...") gives the best score.
Only the standard library is used.
"""

import json
import math
import re
import sys


def die(msg):
    sys.stderr.write("tuneinfo.py: %s\n" % msg)
    sys.exit(1)


def clean(s):
    return " ".join(str(s).split())


def hardneg(json_path, report_path):
    try:
        with open(json_path, encoding="utf-8") as f:
            win = json.load(f)
        with open(report_path, encoding="utf-8") as f:
            rep = json.load(f)
    except (OSError, ValueError) as e:
        die(str(e))
    trials = rep.get("trials", [])
    ok = sum(1 for t in trials if t.get("status") == "ok")
    cut = sum(1 for t in trials if t.get("status") == "interrupted")
    return [("val_metric", win.get("metric", "?")), ("val_best", "%.6f" % win["value"]),
            ("trials", ok), ("trials_failed", len(trials) - ok - cut), ("trials_cut", cut),
            ("options", win.get("options", "?")), ("command", win.get("command", "?"))]


def fasttext(out_path, err_path):
    try:
        with open(out_path, encoding="utf-8", errors="replace") as f:
            lines = [ln.strip() for ln in f]
        with open(err_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
    except OSError as e:
        die(str(e))
    started = scored = failed = 0
    best, in_best = [], False
    for ln in lines:
        name, _, val = ln.partition(" = ")
        if name == "Trial":
            started += 1
            in_best = False
        elif name == "currentScore":
            try:
                x = float(val)
            except ValueError:
                x = float("nan")
            if math.isnan(x):
                failed += 1
            else:
                scored += 1
        elif name == "Best selected args":
            in_best = True
        elif in_best and val:
            best.append("-%s %s" % (name, val))
    m = re.findall(r"Best score:\s+([0-9.]+)", err)
    return [("val_best", m[-1] if m else "n/a"), ("trials", scored),
            ("trials_failed", failed), ("trials_cut", started - scored - failed),
            ("options", " ".join(best) if best else "n/a (no \"Best selected args\" in %s)" % out_path)]


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("hardneg", "fasttext"):
        die("usage: tuneinfo.py hardneg JSON REPORT | fasttext STDOUT STDERR")
    rows = (hardneg if sys.argv[1] == "hardneg" else fasttext)(sys.argv[2], sys.argv[3])
    for k, v in rows:
        print("%s\t%s" % (k, clean(v)))


if __name__ == "__main__":
    main()
