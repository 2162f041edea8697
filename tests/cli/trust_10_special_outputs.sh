# issue 13, item 10: -o on a FIFO writes into it (it was replaced by a
# regular file); a symlinked model stays a link and its target is updated;
# the target's mode is kept
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
mkfifo "$TMPDIR/fifo"
# (the reader gives up after 30 s so an old build that replaces the FIFO fails instead of hanging)
timeout 30 cat "$TMPDIR/fifo" > "$TMPDIR/from_fifo" &
reader=$!
"$HARDNEG" train -q -o "$TMPDIR/fifo" $D/tiny_train.txt
wait $reader
[ -p "$TMPDIR/fifo" ] || { echo "the FIFO was replaced" >&2; exit 1; }
"$HARDNEG" info "$TMPDIR/from_fifo" > /dev/null
# symlink: the link stays, the target gets the new model
"$HARDNEG" train -q -o "$TMPDIR/target.hn" --epochs 1 $D/tiny_train.txt
ln -s "$TMPDIR/target.hn" "$TMPDIR/link.hn"
chmod 600 "$TMPDIR/target.hn"
"$HARDNEG" train -q -o "$TMPDIR/link.hn" --epochs 7 $D/tiny_train.txt
[ -L "$TMPDIR/link.hn" ] || { echo "the symlink became a regular file" >&2; exit 1; }
"$HARDNEG" info "$TMPDIR/target.hn" | grep -q '^epochs	7$'
[ "$(stat -c %a "$TMPDIR/target.hn")" = 600 ] || { echo "mode $(stat -c %a "$TMPDIR/target.hn"), expected 600" >&2; exit 1; }
