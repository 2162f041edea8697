"""eval_sklearn.py - check every figure of `hardneg eval --scores` against scikit-learn

Run by tests/cli/eval_sklearn.sh with Debian's interpreter (python3-sklearn):
    /usr/bin/python3 tests/cli/eval_sklearn.py HARDNEG WORKDIR
Writes deterministic score files to WORKDIR (plus the committed fixtures in
tests/data/scores_*.tsv), runs `HARDNEG eval --scores ... --json` (and
--pr-curve for binary), and compares each figure with scikit-learn to 1e-9.
Prints one line per failed comparison; exit status 1 if any failed.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
from sklearn import metrics as M

TOL = 1e-9
failures = []
checked = 0


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg, file=sys.stderr)


def close(where, key, got, want):
    global checked
    checked += 1
    if got is None or want is None or not math.isfinite(got) or abs(got - want) > TOL:
        fail(f"{where}: {key}: hardneg {got!r}, sklearn {want!r}")


def same(where, key, got, want):
    global checked
    checked += 1
    if got != want:
        fail(f"{where}: {key}: hardneg {got!r}, expected {want!r}")


def no_nan(s):
    raise ValueError(f"JSON contains {s}")


def run(hardneg, args):
    p = subprocess.run([hardneg, "eval"] + args, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"hardneg eval {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
        return None
    return json.loads(p.stdout, parse_constant=no_nan)


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip("\n")]


def write_rows(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


# ---- deterministic data --------------------------------------------------


def gen_binary(path, rng, n, pos_rate, decimals, labels=("spam", "ham")):
    """Margins rounded to `decimals`: many ties. Extra labels are negatives."""
    rows = []
    for _ in range(n):
        if rng.random_sample() < pos_rate:
            gold, s = labels[0], rng.normal(1.0, 1.2)
        else:
            gold, s = labels[1 + rng.randint(len(labels) - 1)], rng.normal(-1.0, 1.0)
        rows.append([gold, repr(round(float(s), decimals))])
    write_rows(path, rows)


def gen_multi(path, rng, n):
    """8 intents + oos; 'lost_card' is never predicted, 'chitchat' never gold."""
    intents = ["balance", "transfer", "lost_card", "pin_change", "statement", "loan", "travel", "fees", "oos"]
    rows = []
    for _ in range(n):
        g = intents[rng.randint(len(intents))]
        u = rng.random_sample()
        if u < 0.7:
            p = g
        elif u < 0.8:
            p = "oos"
        elif u < 0.85:
            p = "chitchat"
        else:
            p = intents[rng.randint(len(intents))]
        if p == "lost_card":
            p = "pin_change"
        prob = round(float(rng.beta(5, 2) if p == g else rng.beta(2, 3)), 3)
        rows.append([g, p, repr(prob)])
    write_rows(path, rows)


# ---- binary --------------------------------------------------------------


def best_target(prec, rec, thr, target, by_precision):
    """Best precision at recall >= target (or best recall at precision >=
    target) over sklearn's operating points, ties as documented."""
    best = None
    for p, r, t in zip(prec[:-1], rec[:-1], thr):
        meets = r if by_precision else p
        if meets < target:
            continue
        key = (p, r, t) if by_precision else (r, p, t)
        if best is None or key > best[0]:
            best = (key, p, r, t)
    return best


def check_binary(hardneg, path, positive, threshold, tmp):
    rows = read_rows(path)
    y = np.array([1 if r[0] == positive else 0 for r in rows])
    s = np.array([float(r[1]) for r in rows])
    curve = os.path.join(tmp, "curve.tsv")
    targets_r, targets_p = [0.5, 0.9, 0.95, 1.0], [0.5, 0.8, 0.9, 1.0]
    args = ["--scores", path, "--positive", positive, "--json", "--pr-curve", curve,
            "--at-recall", ",".join(map(str, targets_r)), "--at-precision", ",".join(map(str, targets_p))]
    if threshold is not None:
        args += ["--threshold", repr(threshold)]
    else:
        threshold = 0.5
    j = run(hardneg, args)
    if j is None:
        return
    where = f"{os.path.basename(path)} (threshold {threshold})"
    yp = (s >= threshold).astype(int)
    tn, fp, fn, tp = M.confusion_matrix(y, yp, labels=[0, 1]).ravel()
    for k, v in (("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn), ("n", len(y)), ("positives", int(y.sum()))):
        same(where, k, j[k], int(v))
    close(where, "accuracy", j["accuracy"], M.accuracy_score(y, yp))
    close(where, "precision", j["precision"], M.precision_score(y, yp, zero_division=0))
    close(where, "recall", j["recall"], M.recall_score(y, yp, zero_division=0))
    close(where, "f1", j["f1"], M.f1_score(y, yp, zero_division=0))
    close(where, "mcc", j["mcc"], M.matthews_corrcoef(y, yp))
    close(where, "roc_auc", j["roc_auc"], M.roc_auc_score(y, s))
    close(where, "average_precision", j["average_precision"], M.average_precision_score(y, s))
    close(where, "false_positive_rate", j["false_positive_rate"], fp / (fp + tn))
    close(where, "baseline_accuracy", j["baseline_accuracy"], M.accuracy_score(y, np.full_like(y, int(y.mean() > 0.5))))
    # the TREC spam track's figures
    hm, sm = fp / (fp + tn), fn / (fn + tp)
    logit = lambda r: math.log(min(max(r, 1e-9), 1 - 1e-9) / (1 - min(max(r, 1e-9), 1 - 1e-9)))
    close(where, "one_minus_roca_pct", j["one_minus_roca_pct"], 100 * (1 - M.roc_auc_score(y, s)))
    close(where, "negative_misclassification_pct", j["negative_misclassification_pct"], 100 * hm)
    close(where, "positive_misclassification_pct", j["positive_misclassification_pct"], 100 * sm)
    close(where, "lam_pct", j["lam_pct"], 100 / (1 + math.exp(-(logit(hm) + logit(sm)) / 2)))
    fpr, tpr, _ = M.roc_curve(y, s, drop_intermediate=False)
    for cap in (0.001, 0.01):
        close(where, f"recall_at_fpr_{cap}", j[f"recall_at_fpr_{cap}"], max(t for f_, t in zip(fpr, tpr) if f_ <= cap))

    prec, rec, thr = M.precision_recall_curve(y, s)
    with open(curve, encoding="utf-8") as f:
        lines = f.read().splitlines()
    same(where, "pr-curve header", lines[0], "threshold\tprecision\trecall")
    pts = [l.split("\t") for l in lines[1:]]
    same(where, "pr-curve points", len(pts), len(prec))
    if len(pts) == len(prec):
        for i, (t, p, r) in enumerate(pts):
            same(where, f"pr-curve[{i}] threshold", float(t), float(thr[i]) if i < len(thr) else math.inf)
            close(where, f"pr-curve[{i}] precision", float(p), prec[i])
            close(where, f"pr-curve[{i}] recall", float(r), rec[i])

    for key, targets, by_p in (("precision_at_recall", targets_r, True), ("recall_at_precision", targets_p, False)):
        same(where, f"{key} count", len(j[key]), len(targets))
        for got, t in zip(j[key], targets):
            want = best_target(prec, rec, thr, t, by_p)
            same(where, f"{key}[{t}] reached", got["reached"], want is not None)
            if want is not None and got["reached"]:
                close(where, f"{key}[{t}] precision", got["precision"], want[1])
                close(where, f"{key}[{t}] recall", got["recall"], want[2])
                same(where, f"{key}[{t}] threshold", got["threshold"], float(want[3]))


# ---- multi-class ---------------------------------------------------------


def check_multi(hardneg, path, negative, reject_below):
    rows = read_rows(path)
    gold = [r[0] for r in rows]
    pred = [r[1] for r in rows]
    args = ["--scores", path, "--json"]
    if negative:
        args += ["--negative-label", negative]
    if reject_below is not None:
        args += ["--threshold", repr(reject_below)]
        pred = [negative if float(r[2]) < reject_below else r[1] for r in rows]
    j = run(hardneg, args)
    if j is None:
        return
    where = f"{os.path.basename(path)} (negative {negative}, reject below {reject_below})"
    labels = sorted(set(gold) | set(pred))
    close(where, "accuracy", j["accuracy"], M.accuracy_score(gold, pred))
    for avg in ("macro", "micro", "weighted"):
        p, r, f, _ = M.precision_recall_fscore_support(gold, pred, average=avg, zero_division=0)
        close(where, f"{avg}_precision", j[f"{avg}_precision"], p)
        close(where, f"{avg}_recall", j[f"{avg}_recall"], r)
        close(where, f"{avg}_f1", j[f"{avg}_f1"], f)
    p, r, f, sup = M.precision_recall_fscore_support(gold, pred, labels=labels, average=None, zero_division=0)
    per = {c["label"]: c for c in j["per_class"] if c["in_averages"]}
    same(where, "classes in the averages", sorted(per), labels)
    for i, lab in enumerate(labels):
        if lab not in per:
            continue
        close(where, f"{lab} precision", per[lab]["precision"], p[i])
        close(where, f"{lab} recall", per[lab]["recall"], r[i])
        close(where, f"{lab} f1", per[lab]["f1"], f[i])
        same(where, f"{lab} support", per[lab]["support"], int(sup[i]))
    cl = j["confusion"]["labels"]
    cm = M.confusion_matrix(gold, pred, labels=cl)
    same(where, "confusion matrix", j["confusion"]["matrix"], cm.tolist())
    pairs = sorted(((-int(cm[g, q]), g, q) for g in range(len(cl)) for q in range(len(cl)) if g != q and cm[g, q]))
    want_top = [{"gold": cl[g], "pred": cl[q], "count": -c} for c, g, q in pairs[:10]]
    same(where, "top_confusions", j["top_confusions"], want_top)
    if negative:
        ins = [i for i, g in enumerate(gold) if g != negative]
        close(where, "in_scope_accuracy", j["in_scope_accuracy"],
              M.accuracy_score([gold[i] for i in ins], [pred[i] for i in ins]))
        yt = [g == negative for g in gold]
        yp = [q == negative for q in pred]
        close(where, "oos_recall", j["oos_recall"], M.recall_score(yt, yp))
        close(where, "oos_precision", j["oos_precision"], M.precision_score(yt, yp))


def main():
    hardneg, tmp = sys.argv[1], sys.argv[2]
    rng = np.random.RandomState(20240501)
    big = os.path.join(tmp, "scores_imbalanced.tsv")
    gen_binary(big, rng, 4000, 0.03, 1)
    fine = os.path.join(tmp, "scores_fine.tsv")
    gen_binary(fine, rng, 3000, 0.2, 3)
    three = os.path.join(tmp, "scores_three_labels.tsv")
    gen_binary(three, rng, 500, 0.1, 1, labels=("spam", "ham", "newsletter"))
    tied = os.path.join(tmp, "scores_all_tied.tsv")
    write_rows(tied, [["spam" if i % 5 == 0 else "ham", "0.25"] for i in range(50)])
    multi = os.path.join(tmp, "scores_multi.tsv")
    gen_multi(multi, rng, 3000)

    for path, thr in (("tests/data/scores_ties.tsv", None), ("tests/data/scores_ties.tsv", 0.6),
                      ("tests/data/scores_ties.tsv", 0.95), (big, None), (big, 0.0), (big, 1.5),
                      (fine, -0.25), (three, 0.3), (tied, None), (tied, 0.25)):
        check_binary(hardneg, path, "spam", thr, tmp)
    for path in ("tests/data/scores_intents.tsv", multi):
        check_multi(hardneg, path, None, None)
        check_multi(hardneg, path, "oos", None)
        check_multi(hardneg, path, "oos", 0.5)
    print(f"eval_sklearn: {checked} comparisons, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
