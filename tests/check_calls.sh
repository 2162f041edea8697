#!/bin/sh
# check_calls.sh BUILD_DIR - no two source files call each other.
#
# From the objects of a build (nm: the functions each object defines and
# the ones it uses), draw the graph "file A calls a function defined in
# file B" and fail on any cycle (A -> B -> A, or longer), naming the files
# and one function on each edge. `make test` runs it on build/.
BUILD=${1:-build}
[ -d "$BUILD" ] || { echo "check-calls: no build folder $BUILD"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$BUILD/src" "$BUILD/tokenizer" "$BUILD/models" "$BUILD/mining" "$BUILD/corpora" \
     -name '*.o' ! -path '*/fuzz/*' ! -path '*/tests/*' 2>/dev/null | sort >"$tmp/objs"
# objects of sources that no longer exist (a file moved) are stale: leave them out
while read -r o; do
    src=${o#"$BUILD"/}
    [ -f "${src%.o}.c" ] && echo "$o"
done <"$tmp/objs" >"$tmp/live"
mv "$tmp/live" "$tmp/objs"
[ -s "$tmp/objs" ] || { echo "check-calls: no objects under $BUILD"; exit 2; }
while read -r o; do
    src=${o#"$BUILD"/}
    src=${src%.o}.c
    nm --defined-only "$o" 2>/dev/null | awk -v f="$src" '$2 ~ /^[TDRB]$/ { print $3 "\t" f }'
done <"$tmp/objs" | sort >"$tmp/defs"
while read -r o; do
    src=${o#"$BUILD"/}
    src=${src%.o}.c
    nm --undefined-only "$o" 2>/dev/null | awk -v f="$src" '{ print $2 "\t" f }'
done <"$tmp/objs" | sort >"$tmp/uses"
# edges: user-file \t defining-file \t symbol
join -t "$(printf '\t')" "$tmp/uses" "$tmp/defs" | awk -F'\t' '$2 != $3 { print $2 "\t" $3 "\t" $1 }' |
    sort -u -k1,1 -k2,2 >"$tmp/edges"
awk -F'\t' '
{
    if (!($1 in seen)) { seen[$1] = 1; order[++nn] = $1 }
    if (!(($1 SUBSEP $2) in sym)) { sym[$1, $2] = $3; out[$1] = out[$1] " " $2 }
}
function dfs(n,   k, m, i, parts) {
    state[n] = 1; stack[++depth] = n
    k = split(out[n], parts, " ")
    for (i = 1; i <= k; i++) {
        m = parts[i]
        if (state[m] == 1) { report(m); bad = 1 }
        else if (state[m] == 0) dfs(m)
    }
    state[n] = 2; depth--
}
function report(m,   i, s, started) {
    s = ""
    for (i = 1; i <= depth; i++) {
        if (stack[i] == m) started = 1
        if (started) s = s stack[i] " -(" sym[stack[i], (i < depth ? stack[i + 1] : m)] ")-> "
    }
    print "check-calls: cycle: " s m
}
END {
    for (i = 1; i <= nn; i++) if (!state[order[i]]) dfs(order[i])
    if (!bad) print "check-calls: ok, no cycles between source files"
    exit bad
}' "$tmp/edges"
