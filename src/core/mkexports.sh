#!/bin/sh
# mkexports.sh LIBHARDNEG.A HARDNEG.H - the linker version script of
# libhardneg.so on stdout: exactly the functions and objects the static
# library defines and the public header names are exported; everything
# else (a folder's internals, such as the MLP's hn_mlp_* or the kind table)
# stays local to the shared library.
set -eu
lib=$1 hdr=$2
nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 && $3 ~ /^hn_/ { print $3 }' | sort -u >"$hdr.syms.$$"
trap 'rm -f "$hdr.syms.$$" "$hdr.names.$$"' EXIT
grep -o 'hn_[A-Za-z0-9_]*' "$hdr" | sort -u >"$hdr.names.$$"
echo 'HARDNEG_0 {'
echo '  global:'
comm -12 "$hdr.syms.$$" "$hdr.names.$$" | sed 's/.*/    &;/'
echo '  local: *;'
echo '};'
