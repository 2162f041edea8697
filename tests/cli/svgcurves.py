"""svgcurves.py - read back the curves hardneg draws (src/eval/svgplot.c)
and check them against operating points computed here, for the CLI tests
that draw (eval_plot_reject.sh, mine_plot.sh); the small intent data they
draw from (`python3 tests/cli/svgcurves.py DIR` writes it); and a
screenshot in headless Chromium (`svgcurves.py screenshot SVG PNG DIR`).

The picture's geometry: x = 80 + 600 v, y = 50 + 420 (1 - v); a path is
written to 0.1 px, a mark's centre to 0.001 px.
"""
import math
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def px(v):
    return 80 + 600 * v


def py(v):
    return 50 + 420 * (1 - v)


def unit(cx, cy):
    return (cx - 80) / 600, 1 - (cy - 50) / 420


class Picture:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
        self.curves = []  # one list of (x, y) pixels per <path class="curve">
        for p in root.iter(SVG + "path"):
            if p.get("class") == "curve":
                self.curves.append([(float(x), float(y)) for x, y in re.findall(r"[ML]([-0-9.]+) ([-0-9.]+)", p.get("d"))])
        self.marks = [(unit(float(c.get("cx")), float(c.get("cy"))), c.get("fill"), c.get("stroke"))
                      for c in root.iter(SVG + "circle") if c.get("class") == "mark"]
        self.colours = [p.get("stroke") for p in root.iter(SVG + "path") if p.get("class") == "curve"]

    def legend(self, start):
        return [t for t in self.texts if t.startswith(start)]


def _seg_dist(q, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    L = dx * dx + dy * dy
    t = 0 if L == 0 else max(0, min(1, ((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / L))
    return math.hypot(q[0] - a[0] - t * dx, q[1] - a[1] - t * dy)


def check_line(verts, points):
    """Every drawn vertex is one of `points` (unit coordinates) and every
    point lies on the drawn line, to the path's 0.1 px."""
    pts = [(px(x), py(y)) for x, y in points]
    assert len(verts) >= 2, verts
    for v in verts:
        d = min(math.hypot(v[0] - q[0], v[1] - q[1]) for q in pts)
        assert d <= 0.08, ("a vertex that is no operating point", v, d)
    for q in pts:
        d = min(_seg_dist(q, verts[i], verts[i + 1]) for i in range(len(verts) - 1))
        assert d <= 0.1, ("an operating point off the line", q, d)


def read_probs(path):
    """predict --probabilities: the labels, then one row a line."""
    lines = open(path).read().splitlines()
    labels = lines[0].split("\t")
    return labels, [[float(x) for x in l.split("\t")] for l in lines[1:]]


def read_gold(path):
    return [l.split(" ")[0][len("__label__"):] for l in open(path)]


class RejectSweep:
    """In-scope accuracy and oos recall as the reject threshold on the top
    probability sweeps; `predict` prints 6 digits, so a probability that
    rounds to T counts as T (a threshold chosen on the data is one of its
    top probabilities)."""

    def __init__(self, probs_path, gold_path, negative):
        self.labels, P = read_probs(probs_path)
        self.gold = read_gold(gold_path)
        assert len(self.gold) == len(P) and negative in self.labels
        self.neg = negative
        self.top = [max(range(len(p)), key=lambda k: (p[k], -k)) for p in P]
        self.tp = [p[t] for p, t in zip(P, self.top)]
        self.nin = sum(g != negative for g in self.gold)
        self.nout = len(self.gold) - self.nin
        assert self.nin and self.nout

    def point(self, T):
        pred = [self.neg if s < T - 5e-7 else self.labels[t] for s, t in zip(self.tp, self.top)]
        ins = sum(p == g for p, g in zip(pred, self.gold) if g != self.neg) / self.nin
        oos = sum(p == self.neg for p, g in zip(pred, self.gold) if g == self.neg) / self.nout
        return oos, ins

    def points(self):
        return [self.point(T) for T in [0.0] + sorted(set(self.tp)) + [max(self.tp) + 1e-3]]


def pr_step_points(y, s):
    """scikit-learn's PR curve and the corners of its step drawing."""
    from sklearn.metrics import precision_recall_curve
    p, r, _ = precision_recall_curve(y, s)
    pts = list(zip(r, p))
    corners = [(pts[i + 1][0], pts[i][1]) for i in range(len(pts) - 1)]
    return pts + corners


def make_intents(folder):
    """Three intents and oos, each line a few shared words and (mostly) one
    of its intent's own; oos lines borrow intent words: a model that is
    right about half the time, so the curves have many distinct points.
    train/valid/eval.txt (a quarter oos) and pool.txt (oos-like lines)."""
    import random
    r = random.Random(7)

    def word(i, p):
        return p + "".join("klmnoprstuvz"[int(d)] for d in str(i))
    shared = [word(i, "w") for i in range(60)]
    own = {c: [word(i, c * 2) for i in range(8)] for c in "abc"}

    def line(c):
        words = r.sample(shared, 3)
        if c == "oos":
            if r.random() < 0.5:
                words.append(r.choice(own[r.choice("abc")]))
        else:
            if r.random() < 0.7:
                words.append(r.choice(own[c]))
            if r.random() < 0.3:
                words.append(r.choice(own[r.choice("abc")]))
        r.shuffle(words)
        return "__label__%s %s" % (c, " ".join(words))
    for name, n in (("train", 240), ("valid", 120), ("eval", 120)):
        with open(folder + "/" + name + ".txt", "w") as f:
            for i in range(n):
                f.write(line("abc"[i % 3] if i % 4 else "oos") + "\n")
    with open(folder + "/pool.txt", "w") as f:
        for i in range(200):
            f.write(line("oos").split(" ", 1)[1] + "\n")


def screenshot(svg, png, home):
    """Render the picture in headless Chromium, when installed: its
    screenshot must be a PNG of some size. Returns what happened, to print;
    raises when the browser fails."""
    import os
    import shutil
    import subprocess
    chrome = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
    if not chrome:
        return "skip: Chromium is not installed (apt-get install chromium): the SVG was checked by Python's parser only"
    env = dict(os.environ, HOME=home)  # the profile and caches stay in the test's folder
    subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--user-data-dir=" + home + "/chrome", "--screenshot=" + png, "--window-size=720,540",
                    "file://" + os.path.abspath(svg)], env=env, timeout=120, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = open(png, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    assert len(data) > 10000, "the screenshot is nearly empty"
    return "%s rendered %s: %d byte screenshot" % (chrome, os.path.basename(svg), len(data))


if __name__ == "__main__":
    import sys
    if sys.argv[1] == "screenshot":
        print(screenshot(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        make_intents(sys.argv[1])
