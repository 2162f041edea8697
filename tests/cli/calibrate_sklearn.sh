# calibration figures of eval (ECE equal-width and equal-mass, each bin,
# Brier score, log loss) equal scikit-learn's to 1e-9 for scores files and
# for models; calibrate's Platt, isotonic and temperature fits agree with
# scikit-learn / a scalar minimization (see calibrate_sklearn.py).
# Uses Debian's /usr/bin/python3 (python3-sklearn), not a python3 on PATH.
set -u
PY=/usr/bin/python3
T=${TMPDIR:-/tmp}/calibrate_sklearn.$$
mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
die() { echo "calibrate_sklearn: $*" >&2; exit 1; }
"$PY" -c 'import sklearn, numpy, scipy' 2>/dev/null || die "$PY cannot import sklearn: apt-get install python3-sklearn"
"$PY" tests/cli/calibrate_sklearn.py "$HARDNEG" "$T" || die "figures differ from scikit-learn"
exit 0
