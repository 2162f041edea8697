"""calibrate_sklearn.py - check hardneg's calibration figures and maps against scikit-learn

Run by tests/cli/calibrate_sklearn.sh with Debian's interpreter (python3-sklearn):
    /usr/bin/python3 tests/cli/calibrate_sklearn.py HARDNEG WORKDIR

1. `eval --scores` (binary scores, multi-class predictions with a probability):
   ECE with equal-width and equal-mass bins (from sklearn.calibration.
   calibration_curve, strategy uniform / quantile, and its bin counts), each
   bin's observed share and mean probability, Brier score (brier_score_loss)
   and log loss (log_loss), to 1e-9.
2. `eval MODEL TEST` of a multi-class and a binary model: the same figures
   from the model's probabilities (read exactly, as float32, from
   `explain --json`), to 1e-9; the multi-class Brier score is numpy's
   mean sum (p - onehot)^2 (scikit-learn 1.2's brier_score_loss is binary).
3. `calibrate`: Platt's a, b against sklearn's _sigmoid_calibration (both are
   iterative: 1e-4), isotonic probabilities against IsotonicRegression
   (out_of_bounds="clip") to 1e-6 (float32 output), the temperature against a
   bounded scalar minimization of the validation log loss (1e-4).
Prints one line per failed comparison; exit status 1 if any failed.
"""
import json
import math
import subprocess
import sys

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.calibration import _sigmoid_calibration, calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, log_loss

TOL = 1e-9
failures = []
checked = 0


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg, file=sys.stderr)


def close(where, key, got, want, tol=TOL, rel=False):
    global checked
    checked += 1
    bound = tol * max(1.0, abs(want)) if rel else tol
    if got is None or want is None or not math.isfinite(got) or abs(got - want) > bound:
        fail(f"{where}: {key}: hardneg {got!r}, reference {want!r}")


def run(hardneg, args, cmd="eval"):
    p = subprocess.run([hardneg, cmd] + args, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"hardneg {cmd} {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
        return None
    return p.stdout


def run_json(hardneg, args, cmd="eval"):
    out = run(hardneg, args, cmd)
    return None if out is None else json.loads(out)


def ece_ref(y, p, nbins, strategy):
    """sklearn's bins (calibration_curve's own code for the counts it does not return)."""
    y = np.asarray(y)
    p = np.asarray(p, dtype=float)
    if strategy == "quantile":
        bins = np.percentile(p, np.linspace(0, 1, nbins + 1) * 100)
    else:
        bins = np.linspace(0.0, 1.0, nbins + 1)
    total = np.bincount(np.searchsorted(bins[1:-1], p), minlength=len(bins))
    pt, pp = calibration_curve(y, p, n_bins=nbins, strategy=strategy)
    nz = total[total != 0]
    return float(np.sum(nz / len(p) * np.abs(pt - pp))), pt, pp, nz


def check_bins(where, j, y, p, nbins):
    for key, strategy, ekey in (("reliability", "uniform", "ece"), ("reliability_equal_mass", "quantile", "ece_equal_mass")):
        ece, pt, pp, nz = ece_ref(y, p, nbins, strategy)
        close(where, ekey, j[ekey], ece)
        got = [b for b in j[key] if b["count"] > 0]
        if len(got) != len(nz):
            fail(f"{where}: {key}: {len(got)} non-empty bins, sklearn {len(nz)}")
            continue
        for i, b in enumerate(got):
            close(where, f"{key}[{i}].count", b["count"], int(nz[i]))
            close(where, f"{key}[{i}].fraction_positive", b["fraction_positive"], float(pt[i]))
            close(where, f"{key}[{i}].mean_probability", b["mean_probability"], float(pp[i]))


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


def main():
    hardneg, work = sys.argv[1], sys.argv[2]
    rng = np.random.RandomState(17)

    # ---- 1a. binary scores: ties, exact bin edges, 0 and 1 ----
    n = 997
    p = np.round(rng.beta(0.6, 0.9, n), 2)
    p[:12] = [0.0, 1.0, 0.5, 0.1, 0.2, 0.3, 0.7, 0.9, 1.0, 0.0, 0.25, 0.75]
    y = (rng.random_sample(n) < p ** 1.4).astype(int)
    path = f"{work}/bin.tsv"
    write(path, [["spam" if t else "ham", repr(float(s))] for t, s in zip(y, p)])
    for nbins in (1, 5, 10, 15, 100):
        j = run_json(hardneg, ["--scores", path, "--positive", "spam", "--json", "--calibration-bins", str(nbins)])
        if j is None:
            continue
        where = f"binary scores, {nbins} bins"
        check_bins(where, j, y, p, nbins)
        close(where, "brier", j["brier"], brier_score_loss(y, p))
        close(where, "log_loss", j["log_loss"], log_loss(y, p))

    # ---- 1b. multi-class predictions with a probability: top-label ECE ----
    k = 5
    gold = rng.randint(k, size=n)
    conf = np.round(rng.uniform(0.2, 1.0, n), 3)
    right = rng.random_sample(n) < conf ** 1.5
    pred = np.where(right, gold, (gold + 1 + rng.randint(k - 1, size=n)) % k)
    path = f"{work}/multi.tsv"
    write(path, [[f"c{g}", f"c{q}", repr(float(c))] for g, q, c in zip(gold, pred, conf)])
    j = run_json(hardneg, ["--scores", path, "--json"])
    if j is not None:
        check_bins("multi-class scores", j, (pred == gold).astype(int), conf, 10)
        if j["brier"] is not None or j["log_loss"] is not None:
            fail("multi-class scores: Brier and log loss should be null (one probability a line)")

    # ---- 2. models on synthetic text ----
    def text_data(path, nlines, labels, weights, seed):
        r = np.random.RandomState(seed)
        vocab = [f"w{i}" for i in range(60)]
        rows = []
        for _ in range(nlines):
            c = r.choice(len(labels), p=weights)
            words = [vocab[r.randint(60)] for _ in range(r.randint(3, 9))]
            words += [f"{labels[c]}{r.randint(8)}" for _ in range(r.randint(0, 3))]
            words += [f"{labels[r.randint(len(labels))]}{r.randint(8)}"]  # noise: another class's word
            r.shuffle(words)
            rows.append(f"__label__{labels[c]} " + " ".join(words))
        with open(path, "w") as f:
            f.write("\n".join(rows) + "\n")
        return [row.split()[0][len("__label__"):] for row in rows]

    def explain(model, data, label=None):
        args = ["-q", "--json", "--top", "1", model, data] + (["--label", label] if label else [])
        out = run(hardneg, args, "explain")
        return [json.loads(line) for line in out.splitlines()] if out else []

    labels4 = ["alpha", "beta", "gamma", "delta"]
    w4 = [0.4, 0.3, 0.2, 0.1]
    text_data(f"{work}/m_train.txt", 600, labels4, w4, 1)
    mgold = text_data(f"{work}/m_test.txt", 400, labels4, w4, 2)
    text_data(f"{work}/m_val.txt", 400, labels4, w4, 3)
    model = f"{work}/m.hn"
    if run(hardneg, ["-q", "-o", model, "--epochs", "3", f"{work}/m_train.txt"], "train") is not None:
        ex = explain(model, f"{work}/m_test.txt")
        names = list(ex[0]["probabilities"].keys())
        P = np.array([[np.float32(e["probabilities"][c]) for c in names] for e in ex], dtype=np.float64)
        g = np.array([names.index(x) for x in mgold])
        j = run_json(hardneg, ["-q", "--json", model, f"{work}/m_test.txt"])
        if j is not None:
            onehot = np.eye(len(names))[g]
            close("multi-class model", "brier", j["brier"], float(np.mean(np.sum((P - onehot) ** 2, axis=1))))
            close("multi-class model", "log_loss", j["log_loss"], log_loss(g, P, labels=list(range(len(names)))))
            top = P.argmax(axis=1)
            check_bins("multi-class model", j, (top == g).astype(int), P.max(axis=1), 10)
        # temperature: the minimum of the validation log loss
        vex = explain(model, f"{work}/m_val.txt")
        vg = np.array([names.index(x) for x in text_data(f"{work}/m_val.txt", 400, labels4, w4, 3)])
        L = np.log(np.array([[np.float32(e["probabilities"][c]) for c in names] for e in vex], dtype=np.float64))

        def nll(t):
            s = L / t
            s = s - s.max(axis=1, keepdims=True)
            return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(vg)), vg]))

        ref = minimize_scalar(nll, bounds=(0.01, 100), method="bounded", options={"xatol": 1e-10}).x
        cj = run_json(hardneg, ["-q", "--json", "-o", f"{work}/m_cal.hn", model, f"{work}/m_val.txt"], "calibrate")
        if cj is not None:
            close("temperature", "T", cj["temperature"], ref, 1e-4, rel=True)
            close("temperature", "log_loss_after", cj["log_loss_after"], nll(cj["temperature"]), 1e-6)

    # binary: Platt and isotonic
    labels2 = ["spam", "ham"]
    w2 = [0.3, 0.7]
    text_data(f"{work}/b_train.txt", 600, labels2, w2, 4)
    bval = text_data(f"{work}/b_val.txt", 500, labels2, w2, 5)
    bmodel = f"{work}/b.hn"
    if run(hardneg, ["-q", "-o", bmodel, f"{work}/b_train.txt"], "train") is not None:
        vex = explain(bmodel, f"{work}/b_val.txt", "spam")
        z = np.array([np.float32(e["margin"]) for e in vex], dtype=np.float64)
        yv = np.array([1 if x == "spam" else 0 for x in bval])
        A, B = _sigmoid_calibration(z, yv)
        cj = run_json(hardneg, ["-q", "--json", "-o", f"{work}/b_platt.hn", bmodel, f"{work}/b_val.txt"], "calibrate")
        if cj is not None:
            close("platt", "a", cj["platt_a"], -A, 1e-4, rel=True)
            close("platt", "b", cj["platt_b"], -B, 1e-4, rel=True)
            pex = explain(f"{work}/b_platt.hn", f"{work}/b_val.txt")
            pp = np.array([np.float32(e["probabilities"]["spam"]) for e in pex], dtype=np.float64)
            close("platt", "probabilities", float(np.max(np.abs(pp - 1 / (1 + np.exp(A * z + B))))), 0.0, 1e-4)
            j = run_json(hardneg, ["-q", "--json", f"{work}/b_platt.hn", f"{work}/b_val.txt"])
            if j is not None:
                close("binary calibrated model", "brier", j["brier"], brier_score_loss(yv, pp))
                close("binary calibrated model", "log_loss", j["log_loss"], log_loss(yv, pp))
                check_bins("binary calibrated model", j, yv, pp, 10)
        if run(hardneg, ["-q", "--method", "isotonic", "-o", f"{work}/b_iso.hn", bmodel, f"{work}/b_val.txt"],
               "calibrate") is not None:
            iex = explain(f"{work}/b_iso.hn", f"{work}/b_val.txt")
            ip = np.array([float(e["probabilities"]["spam"]) for e in iex])
            ref = IsotonicRegression(out_of_bounds="clip").fit(z, yv).predict(z)
            close("isotonic", "max |p - sklearn|", float(np.max(np.abs(ip - ref))), 0.0, 1e-6)

    print(f"calibrate_sklearn: {checked} comparisons, {len(failures)} failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
