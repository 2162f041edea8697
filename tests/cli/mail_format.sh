# --format mail: train from a folder of raw messages labeled by subfolder,
# predict a folder (one line per message, source first) and an mbox
set -e
M="$TMPDIR/mail"
mkdir -p "$M/spam" "$M/ham"
i=0
while [ $i -lt 8 ]; do
    printf 'From: a@b.example\nSubject: =?ISO-8859-1?Q?Gagnez_=E0_coup_s=FBr?= prize %s\nContent-Type: text/plain\n\nclaim your free cash prize now winner %s\n' $i $i > "$M/spam/m$i"
    printf 'From: c@d.example\nSubject: meeting notes %s\nContent-Type: multipart/alternative; boundary="XX"\n\n--XX\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n%s\n--XX--\n' \
        $i "$(printf 'the project review is tomorrow, agenda attached %s' $i | base64)" > "$M/ham/m$i"
    i=$((i + 1))
done
"$HARDNEG" train -q --format mail --epochs 10 -o "$TMPDIR/m.hn" "$M"
"$HARDNEG" info "$TMPDIR/m.hn" | grep -q "^train_examples	16$"
"$HARDNEG" predict --format mail "$TMPDIR/m.hn" "$M" > "$TMPDIR/p.tsv"
[ "$(wc -l < "$TMPDIR/p.tsv")" = 16 ]
grep "/spam/" "$TMPDIR/p.tsv" | awk -F'\t' '$2 != "spam" { exit 1 }'
grep "/ham/" "$TMPDIR/p.tsv" | awk -F'\t' '$2 != "ham" { exit 1 }'
# an mbox with two messages, one of them ">From " escaped in its body
{ printf 'From x@y Mon Jan  1 00:00:00 2024\nSubject: free prize\n\nclaim your free cash prize now\n>From the winners desk\n\n'
  printf 'From x@y Mon Jan  1 00:00:00 2024\nSubject: meeting notes\n\nthe project review is tomorrow\n'; } > "$TMPDIR/box.mbox"
"$HARDNEG" predict --format mail "$TMPDIR/m.hn" "$TMPDIR/box.mbox" | cut -f2 | tr '\n' ' ' | grep -qx 'spam ham '
