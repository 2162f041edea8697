# the layer checks fail when the rule is broken: a tokenizer file that
# includes a models header, a folder that includes a higher one, and two
# source files that call each other
set -e
t="$TMPDIR/tree"
mkdir -p "$t/tests"
cp -r src tokenizer models mining corpora "$t/"
cp tests/check_includes.sh tests/check_calls.sh "$t/tests/"
# the tree as it is passes
sh "$t/tests/check_includes.sh" "$t" >"$TMPDIR/ok.out"
grep -q 'check-includes: ok' "$TMPDIR/ok.out"
# tokenizer -> models is refused, naming the file and line
printf '#include "models/models.h"\n' >>"$t/tokenizer/tokenizer.c"
if sh "$t/tests/check_includes.sh" "$t" >"$TMPDIR/bad.out"; then echo "tokenizer -> models passed"; exit 1; fi
grep -q 'tokenizer/tokenizer.c:[0-9]*: tokenizer may not include "models/models.h"' "$TMPDIR/bad.out"
# src/eval -> src/core (a higher layer) is refused
cp tokenizer/tokenizer.c "$t/tokenizer/tokenizer.c"
printf '#include "src/core/classifier.h"\n' >>"$t/src/eval/metrics.c"
if sh "$t/tests/check_includes.sh" "$t" >"$TMPDIR/bad2.out"; then echo "eval -> core passed"; exit 1; fi
grep -q 'src/eval/metrics.c:[0-9]*: src/eval may not include "src/core/classifier.h"' "$TMPDIR/bad2.out"
# a library file that pulls in a system library outside its list
cp src/eval/metrics.c "$t/src/eval/metrics.c"
printf '#include <pcre2.h>\n' >>"$t/models/dataset.c"
if sh "$t/tests/check_includes.sh" "$t" >"$TMPDIR/bad3.out"; then echo "models -> pcre2 passed"; exit 1; fi
grep -q 'models/dataset.c:[0-9]*: models may not include <pcre2.h>' "$TMPDIR/bad3.out"
# two files that call each other are a cycle
c="$TMPDIR/calls"
mkdir -p "$c/src/base" "$c/build/src/base" "$c/tests"
cp tests/check_calls.sh "$c/tests/"
printf 'int hn_b(int);\nint hn_a(int x) { return x ? hn_b(x - 1) : 0; }\n' >"$c/src/base/a.c"
printf 'int hn_a(int);\nint hn_b(int x) { return x ? hn_a(x - 1) : 1; }\n' >"$c/src/base/b.c"
printf 'int hn_a(int);\nint hn_c(int x) { return hn_a(x); }\n' >"$c/src/base/c.c"
for f in a b c; do cc -c "$c/src/base/$f.c" -o "$c/build/src/base/$f.o"; done
if (cd "$c" && sh tests/check_calls.sh build) >"$TMPDIR/cyc.out"; then echo "a <-> b passed"; exit 1; fi
grep -q 'cycle: src/base/a.c -(hn_b)-> src/base/b.c -(hn_a)-> src/base/a.c' "$TMPDIR/cyc.out"
# one-way calls are fine
rm "$c/src/base/b.c" "$c/build/src/base/b.o"
printf 'int hn_b(int x) { return x; }\n' >"$c/src/base/b.c"
cc -c "$c/src/base/b.c" -o "$c/build/src/base/b.o"
(cd "$c" && sh tests/check_calls.sh build) | grep -q 'check-calls: ok'
