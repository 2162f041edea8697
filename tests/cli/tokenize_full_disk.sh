# writing to a full device is an error (exit 1), never a silent loss
printf 'hello world\n' > "$TMPDIR/in.txt"
"$HARDNEG" tokenize "$TMPDIR/in.txt" > /dev/full
