#!/bin/sh
# check_includes.sh [ROOT] - the layer rule of DESIGN.md as an allowlist.
#
# Every #include of every .c/.h file under a layer folder must be on that
# folder's list; anything else fails, naming the file, the line and the
# rule. `make test` runs it (and a CLI test runs it on a copy of the tree
# with a forbidden include planted, to prove it bites).
#
#   folder       project headers it may include         outside libraries
#   src/base     src/base                               libc, pthread
#   tokenizer    src/base tokenizer                     libc, utf8proc, pcre2, xxhash
#   models       src/base models                        libc
#   corpora      src/base corpora                       libc
#   mining       src/base mining                        libc
#   src/eval     src/base src/eval                      libc
#   src/core     every library folder (not src/cli)     libc, xxhash
#   src/cli      anything
#
# "libc" is the C11 and POSIX headers listed in LIBC below (math.h is the
# C library's, though it links as libm). Threads are src/base's business:
# other folders reach them through src/base/threads.h.
ROOT=${1:-$(dirname "$0")/..}
cd "$ROOT" || exit 2

LIBC='assert.h ctype.h dirent.h errno.h fcntl.h float.h getopt.h inttypes.h limits.h locale.h
      setjmp.h signal.h stdarg.h stdbool.h stddef.h stdint.h stdio.h stdlib.h string.h strings.h
      sys/mman.h sys/stat.h sys/types.h sys/wait.h time.h unistd.h libgen.h math.h'

bad=0
# check FOLDER "project prefixes" "extra system headers"
check() {
    dir=$1 own=$2 sys="$LIBC $3"
    for f in "$dir"/*.c "$dir"/*.h; do
        [ -f "$f" ] || continue
        grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r hit; do
            line=${hit%%:*}
            inc=$(printf '%s' "$hit" | sed -n 's/.*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p')
            name=$(printf '%s' "$inc" | sed 's/^[<"]//; s/[>"]$//')
            ok=0
            case $inc in
            \"*)
                for p in $own; do
                    case $name in "$p"/*) ok=1 ;; esac
                done ;;
            \<*)
                for h in $sys; do
                    [ "$name" = "$h" ] && ok=1
                done ;;
            esac
            if [ $ok = 0 ]; then
                echo "check-includes: $f:$line: $dir may not include $inc" \
                     "(allowed: ${own:-nothing} of the project; $3${3:+, }libc)"
                echo x >>"$TMPF"
            fi
        done
    done
}
TMPF=$(mktemp)
trap 'rm -f "$TMPF"' EXIT
check src/base   "src/base"                                   "pthread.h"
check tokenizer  "src/base tokenizer"                         "utf8proc.h pcre2.h xxhash.h"
check models     "src/base models"                            ""
check corpora    "src/base corpora"                           ""
check mining     "src/base mining"                            ""
check src/eval   "src/base src/eval"                          ""
check src/core   "src/base tokenizer models corpora mining src/eval src/core" "xxhash.h"
[ -s "$TMPF" ] && bad=1
# a folder we do not know about must not hide code from the rule
for d in src/*/; do
    d=${d%/}
    case $d in src/base|src/eval|src/core|src/cli|src/examples) ;;
    *) if ls "$d"/*.c "$d"/*.h >/dev/null 2>&1; then echo "check-includes: $d: unknown layer folder"; bad=1; fi ;;
    esac
done
[ $bad = 0 ] && echo "check-includes: ok"
exit $bad
