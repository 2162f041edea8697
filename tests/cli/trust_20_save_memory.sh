# issue 13, item 20: saving streams the model to the file: the peak memory
# of training is not three copies of the model (an MLP on SpamAssassin
# peaked at 570 MiB); and training says how large the model is
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
awk 'BEGIN { srand(5); for (i = 0; i < 4000; i++) { printf "__label__c%d", i % 2;
             for (j = 0; j < 8; j++) printf " w%d", int(rand() * 60000); print "" } }' > "$TMPDIR/t.txt"
/usr/bin/time -f '%M' -o "$TMPDIR/rss" "$HARDNEG" train -o "$TMPDIR/m.hn" --model mlp --dim 512 --hidden 16 \
    --epochs 1 --ngrams 1 "$TMPDIR/t.txt" 2> "$TMPDIR/err"
grep -q 'the model holds [0-9]* parameters ([0-9.]* MB)' "$TMPDIR/err"
size=$(stat -c %s "$TMPDIR/m.hn")
rss=$(( $(tail -1 "$TMPDIR/rss") * 1024 ))
# the model in memory (about the file's size) plus the training state and
# the program: well under three copies
[ "$rss" -lt $((size * 5 / 2)) ] || { echo "peak RSS $rss for a $size-byte model" >&2; exit 1; }
"$HARDNEG" info "$TMPDIR/m.hn" > /dev/null
