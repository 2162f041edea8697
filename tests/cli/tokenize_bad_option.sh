# an unknown option is a usage error: one line, a hint, exit 2
"$HARDNEG" tokenize --lr-rate 3 /dev/null
