# sources.mk - the one list of sources, by layer (DESIGN.md "Folders"),
# included by the Makefile and by tests/fuzz/fuzz.mk.
#
# The library (libhardneg.a, libhardneg.so) is every folder but src/cli/;
# the hardneg program is src/cli/ linked against it. A file's folder alone
# decides where it goes.
LIB_DIRS = src/base tokenizer models corpora mining src/eval src/core
LIB_SRC  = $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRC  = $(wildcard src/cli/*.c)
# The public API: the folder headers hardneg.h is made of, in dependency
# order (src/core/mkheader.sh concatenates them). Folder internals
# (models/models_internal.h and the like) stay out, and so do their
# symbols in libhardneg.so (src/core/mkexports.sh).
PUBLIC_HEADERS = src/base/status.h src/base/log.h src/base/svec.h src/base/arena.h src/base/lines.h \
                 src/base/rng.h src/base/labels.h src/base/threads.h src/base/outfile.h src/base/version.h \
                 tokenizer/tokenizer.h corpora/corpora.h corpora/mail.h models/models.h mining/mining.h \
                 src/eval/metrics.h src/eval/threshold.h src/eval/svgplot.h src/eval/calibration.h \
                 src/core/source.h src/core/data.h src/core/classifier.h src/core/ngrams.h src/core/calibration.h src/core/container.h \
                 src/core/fit.h src/core/scorer.h \
                 src/core/mine.h src/core/objective.h
