# hardneg - text classification for imbalanced tasks with hard-negative mining
#
#   make            build build/hardneg and build/libhardneg.a
#   make test       unit tests (cmocka) and CLI tests; installs packages if missing
#   make asan       the tests under AddressSanitizer + UBSan (own build dir)
#   make bench      benchmarks against fastText / LIBLINEAR on real corpora
#   make demo       the SpamAssassin story end to end
#   make deps       install the Debian packages we build with
#   make install PREFIX=/usr/local
#   make check-includes   enforce the module dependency graph

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BUILD   ?= build
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2 -Wvla -Wundef -Wwrite-strings
DEPS     = libutf8proc libpcre2-8 libxxhash
SAN      = $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all)
PKG_CFLAGS := $(shell pkg-config --cflags $(DEPS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(DEPS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(if $(WERROR),-Werror) \
              $(SAN) $(PKG_CFLAGS) -I. -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)
LIBS        = $(PKG_LIBS) -lm -lpthread

# Debian packages: build, test (cmocka, python3-sklearn for the metric
# cross-check) and the fastText/LIBLINEAR anchors of the benchmarks.
APT_BUILD = build-essential pkg-config libutf8proc-dev libpcre2-dev libxxhash-dev
APT_TEST  = libcmocka-dev python3 python3-sklearn valgrind time
APT_BENCH = fasttext liblinear-tools time

include src/sources.mk
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HEADERS  = src/base/status.h src/base/log.h src/base/svec.h src/base/arena.h src/base/lines.h src/base/rng.h src/core/classifier.h \
           src/eval/metrics.h src/eval/svgplot.h tokenizer/tokenizer.h models/models.h mining/mining.h corpora/corpora.h

.PHONY: all test check unit cli-test asan bench demo deps deps-check install clean check-includes fuzz man

all: deps-check $(BUILD)/hardneg $(BUILD)/libhardneg.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The hot loops (weight rows, hashing) are written to vectorize; -O2's
# cost model leaves them scalar, so these folders build with HOT (empty it
# to use CFLAGS alone).
HOT ?= -O3
$(BUILD)/models/%.o: models/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HOT) -c $< -o $@
$(BUILD)/tokenizer/%.o: tokenizer/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HOT) -c $< -o $@

$(BUILD)/libhardneg.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/hardneg: $(CLI_OBJ) $(BUILD)/libhardneg.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libhardneg.a $(LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libhardneg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libhardneg.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

# Missing packages: install them as root, else say exactly what to run.
# The man page is generated from every command's --help.
man: $(BUILD)/hardneg.1
$(BUILD)/hardneg.1: $(BUILD)/hardneg src/cli/mkman.sh
	sh src/cli/mkman.sh $(BUILD)/hardneg > $@.tmp && mv $@.tmp $@

# libFuzzer targets (clang); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

deps-check:
	@if ! pkg-config --exists $(DEPS) cmocka 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory deps; \
	  else echo "hardneg: missing build packages; run as root:"; \
	       echo "  apt-get update && apt-get install -y $(APT_BUILD) $(APT_TEST)"; exit 1; fi; fi

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_BUILD) $(APT_TEST)

test check: deps-check
	@$(MAKE) --no-print-directory unit cli-test

unit: $(TEST_BIN) $(BUILD)/hardneg
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; HN_TESTDATA=tests/data $$t; done

cli-test: $(BUILD)/hardneg
	@sh tests/cli/run.sh $(BUILD)/hardneg

asan:
	@HN_SANITIZED=1 $(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined CFLAGS="-O1 -g" test

bench: all
	@sh tests/bench/run.sh

demo: all
	@sh corpora/demo.sh

check-includes:
	@sh tests/check_includes.sh

install: all $(BUILD)/hardneg.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/hardneg \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/hardneg $(DESTDIR)$(PREFIX)/bin/hardneg
	install -m 644 $(BUILD)/libhardneg.a $(DESTDIR)$(PREFIX)/lib/libhardneg.a
	install -m 644 $(BUILD)/hardneg.1 $(DESTDIR)$(PREFIX)/share/man/man1/hardneg.1
	for h in $(HEADERS); do if [ -f $$h ]; then install -D -m 644 $$h $(DESTDIR)$(PREFIX)/include/hardneg/$$h; fi; done
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include/hardneg\n\nName: libhardneg\nDescription: text classification for imbalanced tasks with hard-negative mining\nVersion: %s\nRequires.private: $(DEPS)\nLibs: -L$${libdir} -lhardneg -lm -lpthread\nCflags: -I$${includedir}\n' \
	    '$(PREFIX)' "$$(sed -n 's/.*HN_VERSION "\(.*\)"/\1/p' src/base/version.h)" > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libhardneg.pc

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d)
