# issue 13, item 21: what users name reaches the outputs escaped: a
# validation path with a newline cannot rewrite the model's settings;
# labels with invalid UTF-8 give valid JSON; a mail source with a TAB or
# newline stays one line; an SVG title with control bytes and invalid
# UTF-8 is well-formed XML
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
nl="$TMPDIR/valid
threshold 0.000001"
cp $D/tiny_test.txt "$nl"
"$HARDNEG" threshold -q -o "$TMPDIR/t.hn" "$TMPDIR/m.hn" "$nl" > "$TMPDIR/thr"
want=$(cat "$TMPDIR/thr")
"$HARDNEG" info "$TMPDIR/t.hn" | grep '^threshold' | cut -f2 | grep -qx "$want" || { "$HARDNEG" info "$TMPDIR/t.hn" >&2; exit 1; }
# labels with invalid UTF-8: valid JSON
printf '__label__sp\377am free money\n__label__ham lunch notes\n__label__sp\377am cash prize\n__label__ham team call\n' > "$TMPDIR/bad8.txt"
"$HARDNEG" train -q -o "$TMPDIR/b.hn" "$TMPDIR/bad8.txt"
"$HARDNEG" predict -q --json "$TMPDIR/b.hn" "$TMPDIR/bad8.txt" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin.buffer:
    json.loads(line.decode("utf-8"))'
"$HARDNEG" info --json "$TMPDIR/b.hn" | /usr/bin/python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))'
# a mail source with a TAB and a newline in its path: one output line
mkdir -p "$TMPDIR/mail/spam"
f="$TMPDIR/mail/spam/a	b
c"
printf 'Subject: x\n\nfree money\n' > "$f"
n=$("$HARDNEG" predict -q --format mail "$TMPDIR/b.hn" "$TMPDIR/mail" | wc -l)
[ "$n" = 1 ]
"$HARDNEG" predict -q --format mail "$TMPDIR/b.hn" "$TMPDIR/mail" | grep -q 'a\\tb\\nc	'
# an SVG title with control bytes and invalid UTF-8
"$HARDNEG" plot -q -o "$TMPDIR/p.svg" --title "$(printf 'bad\001title\377here')" $D/tiny_test.txt "$TMPDIR/m.hn"
/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$TMPDIR/p.svg"
