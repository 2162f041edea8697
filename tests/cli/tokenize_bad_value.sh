# out-of-range numbers are usage errors naming the option
"$HARDNEG" tokenize --bits 40 /dev/null
