# tokenize: NFC/NFD, NFKC, mixed scripts, invalid UTF-8, CRLF, empty lines, NUL bytes
printf 'Caf\303\251 NFC\r\nCafe\314\201 NFD\r\n\357\274\241\357\274\242 \357\254\201ne\n\n\320\234\320\270\321\200 \360\237\230\200 \346\227\245\n\377bad\nnul\000inside\nlast' | "$HARDNEG" tokenize -q -
