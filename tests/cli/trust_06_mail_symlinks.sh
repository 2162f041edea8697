# issue 13, item 6: --format mail follows symbolic links to folders (a
# maildir of linked label folders lost most of its messages), warns about
# a link loop and a link to nothing, and reads every message once
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
R="$TMPDIR/real" T="$TMPDIR/tree"
mkdir -p "$R/spam" "$R/ham" "$T"
for i in 1 2 3; do printf 'Subject: win %s\n\nfree money prize %s\n' $i $i > "$R/spam/$i"; done
for i in 1 2 3 4; do printf 'Subject: hi %s\n\nlunch at noon %s\n' $i $i > "$R/ham/$i"; done
ln -s "$R/spam" "$T/spam"
ln -s "$R/ham" "$T/ham"
ln -s "$T" "$R/ham/loop"
ln -s /nonexistent/file "$R/ham/dangling"
n=$("$HARDNEG" tokenize --format mail "$T" 2> "$TMPDIR/err" | wc -l)
[ "$n" = 7 ] || { echo "read $n of 7 messages" >&2; cat "$TMPDIR/err" >&2; exit 1; }
grep -q 'loop: skipped' "$TMPDIR/err"
grep -q 'a symbolic link to nothing (skipped)' "$TMPDIR/err"
"$HARDNEG" train -q --format mail -o "$TMPDIR/m.hn" "$T"
"$HARDNEG" info "$TMPDIR/m.hn" | grep -q '^train_examples	7$'
