#!/bin/sh
# check_includes.sh - enforce the module graph of DESIGN.md:
#   src/ plumbing  libc only
#   tokenizer/     plumbing, utf8proc, pcre2, xxhash   (never models/, mining/)
#   models/        plumbing, libm                       (never tokenizer/, mining/)
#   mining/        plumbing                             (never tokenizer/, models/)
#   corpora/       plumbing                             (never tokenizer/, models/, mining/)
cd "$(dirname "$0")/.." || exit 1
bad=0
check() { # folder, forbidden regex
    hits=$(grep -nE "#include +[\"<]($2)" $1/*.c $1/*.h 2>/dev/null)
    if [ -n "$hits" ]; then echo "check-includes: $1 must not include: $2"; echo "$hits"; bad=1; fi
}
check tokenizer 'models/|mining/|corpora/'
check models 'tokenizer/|mining/|corpora/|utf8proc|pcre2'
check mining 'tokenizer/|models/|corpora/|utf8proc|pcre2'
check corpora 'tokenizer/|models/|mining/|utf8proc|pcre2'
for f in src/status.c src/log.c src/arena.c src/lines.c src/status.h src/log.h src/arena.h src/lines.h src/rng.h src/svec.h; do
    [ -f "$f" ] || continue
    if grep -nE '#include +"(tokenizer|models|mining|corpora)/' "$f"; then echo "check-includes: plumbing $f includes a module"; bad=1; fi
done
[ $bad = 0 ] && echo "check-includes: ok"
exit $bad
