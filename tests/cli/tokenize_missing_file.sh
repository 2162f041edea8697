# a missing input file is a runtime error naming the file
"$HARDNEG" tokenize /nonexistent/in.txt
