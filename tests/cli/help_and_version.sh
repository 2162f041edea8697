# --help goes to stdout and exits 0; version prints a version; a bad command exits 2
set -e
"$HARDNEG" --help | grep -q '^usage: hardneg'
"$HARDNEG" tokenize --help | grep -q -- '--bits B'
"$HARDNEG" version | grep -q '^hardneg [0-9]'
if "$HARDNEG" frobnicate 2>/dev/null; then exit 1; else [ $? = 2 ]; fi
