# the library as a user gets it: `make install DESTDIR=...`, then the
# example program built with nothing but pkg-config and <hardneg.h>,
# linked against the shared library, classifies with a model trained by
# the CLI; the shared library exports the public API and nothing internal
set -e
if [ -n "$HN_SANITIZED" ]; then
    echo "skipped: a sanitizer build's shared library cannot be loaded by an uninstrumented program" >&2
    exit 0
fi
B=${HN_BUILD:-build}
root="$TMPDIR/root"
make --no-print-directory -s install BUILD="$B" DESTDIR="$root" PREFIX=/usr/local >"$TMPDIR/install.log" 2>&1 ||
    { cat "$TMPDIR/install.log"; exit 1; }
lib="$root/usr/local/lib"
test -f "$root/usr/local/include/hardneg.h"
test -f "$lib/libhardneg.a"
test -L "$lib/libhardneg.so"
readelf -d "$lib/libhardneg.so.0" | grep -q 'SONAME.*\[libhardneg.so.0\]'
# the header stands alone
printf '#include <hardneg.h>\nint main(void) { return hn_status_str(HN_OK) == 0; }\n' >"$TMPDIR/alone.c"
cc -std=c11 -Wall -Werror -I"$root/usr/local/include" -c "$TMPDIR/alone.c" -o "$TMPDIR/alone.o"
# build the example the way a user would: pkg-config, no --static
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs hardneg)
cc -Wall -Werror src/examples/classify.c $flags -o "$TMPDIR/classify"
# dynamically linked against the installed libhardneg.so
LD_LIBRARY_PATH="$lib" ldd "$TMPDIR/classify" | grep -q "$lib/libhardneg.so.0"
"$HARDNEG" train -q -o "$TMPDIR/m.hn" tests/data/tiny_train.txt
LD_LIBRARY_PATH="$lib" "$TMPDIR/classify" "$TMPDIR/m.hn" "free money now" "meeting at noon" >"$TMPDIR/out"
# the same decisions and probabilities as `hardneg predict`
printf 'free money now\nmeeting at noon\n' | "$HARDNEG" predict "$TMPDIR/m.hn" - >"$TMPDIR/want"
diff "$TMPDIR/want" "$TMPDIR/out"
printf 'free money now\nmeeting at noon\n' | LD_LIBRARY_PATH="$lib" "$TMPDIR/classify" "$TMPDIR/m.hn" >"$TMPDIR/out2"
diff "$TMPDIR/want" "$TMPDIR/out2"
# exported: the public API; not exported: a folder's internals
nm -D --defined-only "$lib/libhardneg.so.0" | awk '{ sub(/@.*/, "", $3); print $3 }' >"$TMPDIR/syms"
grep -qx hn_classifier_load "$TMPDIR/syms"
grep -qx hn_mine_run "$TMPDIR/syms"
grep -qx hn_fit_files "$TMPDIR/syms"
if grep -E '^(hn_mlp_|hn_linear_kind|hn_mlp_kind|hn_sigmoid|hn_softmax_f)' "$TMPDIR/syms"; then
    echo "internal symbols are exported"; exit 1
fi
# every exported symbol is declared in the public header
while read -r s; do
    case $s in HARDNEG_0) continue ;; esac
    grep -q "\\b$s\\b" "$root/usr/local/include/hardneg.h" || { echo "exported but not in hardneg.h: $s"; exit 1; }
done <"$TMPDIR/syms"
