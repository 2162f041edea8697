# issue 16, item 2: threshold-free out-of-scope figures of a model with a
# reject label (AUROC and AUPR of "is out of scope" by 1 - the top in-scope
# probability, FPR at 95% TPR) equal scikit-learn's on the same scores to
# 1e-9; the scores are the model's probabilities (checked to 1e-6 against
# predict --probabilities)
set -e
PY=/usr/bin/python3
"$PY" -c 'import sklearn' 2> /dev/null || { echo "eval_oos_sklearn: $PY cannot import sklearn" >&2; exit 1; }
D=tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/oos.XXXXXX")
three() { awk '{ if ($1 == "__label__spam") sub(/^__label__spam/, "__label__a"); else if (NR % 2) sub(/^__label__ham/, "__label__b"); else sub(/^__label__ham/, "__label__oos"); print }' "$1"; }
three $D/tiny_train.txt > "$T/train.txt"
three $D/tiny_test.txt > "$T/test.txt"
"$HARDNEG" train -q --solver sgd --epochs 3 -o "$T/m.hn" "$T/train.txt"
"$HARDNEG" eval -q --json --negative-label oos --oos-scores "$T/oos.tsv" "$T/m.hn" "$T/test.txt" > "$T/j.json"
"$HARDNEG" predict -q --probabilities "$T/m.hn" "$T/test.txt" > "$T/p.tsv"
"$PY" - "$T/j.json" "$T/oos.tsv" "$T/p.tsv" "$T/test.txt" <<'PY'
import json, sys
import numpy as np
from sklearn import metrics as M
j = json.load(open(sys.argv[1]))
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
y = np.array([int(r[0]) for r in rows])
s = np.array([float(r[1]) for r in rows])
assert 0 < y.sum() < len(y), "needs both kinds of examples"
fpr, tpr, _ = M.roc_curve(y, s, drop_intermediate=False)
want = {"oos_auroc": M.roc_auc_score(y, s), "oos_aupr": M.average_precision_score(y, s),
        "oos_fpr95": min(f for f, t in zip(fpr, tpr) if t >= 0.95)}
for k, v in want.items():
    assert abs(j[k] - v) <= 1e-9, (k, j[k], v)
# the score is 1 - the top in-scope probability
lines = open(sys.argv[3]).read().splitlines()
head = lines[0].split("\t")
P = np.array([[float(x) for x in l.split("\t")] for l in lines[1:]])
ins = np.delete(P, head.index("oos"), axis=1)
assert np.abs((1 - ins.max(1)) - s).max() <= 2e-6, np.abs((1 - ins.max(1)) - s).max()
gold = [l.split(" ")[0] == "__label__oos" for l in open(sys.argv[4])]
assert list(y) == [int(g) for g in gold]
PY
