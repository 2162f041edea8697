# fuzz.mk - build the libFuzzer targets (run by tests/fuzz/run.sh from the
# repo root; usable alone: make -f tests/fuzz/fuzz.mk -j2)
#
# The library sources are compiled again with clang and the sanitizers
# into $(FUZZ_BUILD)/obj, never into build/ proper, so a fuzz build never
# mixes with the gcc objects of libhardneg.a. -MMD tracks headers, so a
# second run rebuilds only what changed. The source list is the Makefile's
# (src/sources.mk): the library, without the CLI in src/cli/.
#
# A target may name files it needs with a line "FUZZ_REQUIRES: path" in
# its source; it is built only when they all exist (run.sh checks, and
# passes the list in TARGETS).

FUZZ_CC    ?= clang
FUZZ_BUILD ?= build/fuzz
DEPS        = libutf8proc libpcre2-8 libxxhash
PKG_CFLAGS := $(shell pkg-config --cflags $(DEPS))
PKG_LIBS   := $(shell pkg-config --libs $(DEPS))
SAN         = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS ?= -O1 -g
CFLAGS_ALL  = -std=c11 -D_POSIX_C_SOURCE=200809L -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
              -Wall -Wextra -Wno-unused-parameter $(SAN) $(PKG_CFLAGS) -I. -MMD -MP $(FUZZ_CFLAGS)

include src/sources.mk
LIB_OBJ  = $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
BINS     = $(TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: all
.SECONDARY: $(LIB_OBJ)
all: $(BINS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_ALL) -fsanitize=fuzzer-no-link -c $< -o $@

# Targets define _GNU_SOURCE themselves where they need it (memfd_create),
# so no _POSIX_C_SOURCE here.
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -D_POSIX_C_SOURCE=200809L,$(CFLAGS_ALL)) -fsanitize=fuzzer \
	    -MF $@.d -o $@ $< $(LIB_OBJ) $(PKG_LIBS) -lm -lpthread

-include $(LIB_OBJ:.o=.d) $(BINS:=.d)
