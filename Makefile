# hardneg - text classification for imbalanced tasks with hard-negative mining
#
#   make            build/hardneg, build/libhardneg.a, build/libhardneg.so, build/include/hardneg.h
#   make test       layer checks, unit tests (cmocka), CLI tests, the installed library;
#                   installs the Debian packages it needs when run as root
#   make asan       the tests under AddressSanitizer + UBSan (own build dir)
#   make bench      benchmarks against fastText / LIBLINEAR on real corpora
#   make demo       the SpamAssassin story end to end
#   make deps       install the Debian packages we build with
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make check-includes   the layer rule (DESIGN.md) as an allowlist
#
# The source list is src/sources.mk (one per layer folder), shared with
# the fuzz build.

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
# Library objects serve the static and the shared library alike: position
# independent, and calls inside the library stay direct (no interposition).
LIB_CFLAGS  = -fPIC -fno-semantic-interposition

VERSION  := $(shell sed -n 's/.*HN_VERSION "\(.*\)"/\1/p' src/base/version.h)
SOMAJOR   = 0
SONAME    = libhardneg.so.$(SOMAJOR)

# Debian packages: build, test (cmocka, python3-sklearn for the metric
# cross-check) and the fastText/LIBLINEAR anchors of the benchmarks.
APT_BUILD = build-essential pkg-config libutf8proc-dev libpcre2-dev libxxhash-dev
APT_TEST  = libcmocka-dev python3 python3-sklearn valgrind time parallel
APT_BENCH = fasttext liblinear-tools time

include src/sources.mk
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIBRARY  = $(BUILD)/libhardneg.a $(BUILD)/$(SONAME) $(BUILD)/include/hardneg.h

.PHONY: all test check unit cli-test layers asan bench demo deps deps-check install clean check-includes fuzz man

all: deps-check $(BUILD)/hardneg $(LIBRARY)

$(BUILD)/src/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

# The hot loops (weight rows, hashing) are written to vectorize; -O2's
# cost model leaves them scalar, so these folders build with HOT (empty it
# to use CFLAGS alone).
HOT ?= -O3
$(BUILD)/models/%.o: models/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) $(HOT) -c $< -o $@
$(BUILD)/tokenizer/%.o: tokenizer/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) $(HOT) -c $< -o $@

$(BUILD)/libhardneg.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# hardneg.h: the folder headers of the public API in one file.
$(BUILD)/include/hardneg.h: src/core/mkheader.sh $(PUBLIC_HEADERS)
	@mkdir -p $(dir $@)
	sh src/core/mkheader.sh $(PUBLIC_HEADERS) > $@.tmp && mv $@.tmp $@

# The shared library exports what hardneg.h declares, nothing else.
$(BUILD)/hardneg.map: src/core/mkexports.sh $(BUILD)/libhardneg.a $(BUILD)/include/hardneg.h
	sh src/core/mkexports.sh $(BUILD)/libhardneg.a $(BUILD)/include/hardneg.h > $@.tmp && mv $@.tmp $@

$(BUILD)/$(SONAME): $(LIB_OBJ) $(BUILD)/hardneg.map
	$(CC) -shared $(ALL_LDFLAGS) -Wl,-soname,$(SONAME) -Wl,--version-script=$(BUILD)/hardneg.map \
	    -o $@ $(LIB_OBJ) $(LIBS)
	ln -sf $(SONAME) $(BUILD)/libhardneg.so

$(BUILD)/hardneg: $(CLI_OBJ) $(BUILD)/libhardneg.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libhardneg.a $(LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libhardneg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libhardneg.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

# The man page is generated from every command's --help.
man: $(BUILD)/hardneg.1
$(BUILD)/hardneg.1: $(BUILD)/hardneg src/cli/mkman.sh
	sh src/cli/mkman.sh $(BUILD)/hardneg > $@.tmp && mv $@.tmp $@

# libFuzzer targets (clang); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# Missing packages: install them as root, else say exactly what to run.
deps-check:
	@if ! pkg-config --exists $(DEPS) cmocka 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory deps; \
	  else echo "hardneg: missing build packages; run as root:"; \
	       echo "  apt-get update && apt-get install -y $(APT_BUILD) $(APT_TEST)"; exit 1; fi; fi

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_BUILD) $(APT_TEST)

test check: deps-check
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory layers unit cli-test

# The layer rule: includes as an allowlist, and no two files calling each other.
layers: $(BUILD)/hardneg $(BUILD)/libhardneg.a
	@sh tests/check_includes.sh
	@sh tests/check_calls.sh $(BUILD)

unit: $(TEST_BIN) $(BUILD)/hardneg
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; HN_TESTDATA=tests/data $$t; done

cli-test: $(BUILD)/hardneg
	@HN_BUILD=$(BUILD) sh tests/cli/run.sh $(BUILD)/hardneg

asan:
	@HN_SANITIZED=1 $(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined CFLAGS="-O1 -g" test

bench: all
	@sh tests/bench/run.sh

demo: all
	@sh corpora/demo.sh

check-includes:
	@sh tests/check_includes.sh

install: all $(BUILD)/hardneg.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/hardneg/engines
	install -m 755 $(BUILD)/hardneg $(DESTDIR)$(PREFIX)/bin/hardneg
	install -m 644 $(BUILD)/libhardneg.a $(DESTDIR)$(PREFIX)/lib/libhardneg.a
	install -m 755 $(BUILD)/$(SONAME) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libhardneg.so
	install -m 644 $(BUILD)/include/hardneg.h $(DESTDIR)$(PREFIX)/include/hardneg.h
	install -m 644 $(BUILD)/hardneg.1 $(DESTDIR)$(PREFIX)/share/man/man1/hardneg.1
	install -m 644 mining/engines/parallel.sh mining/engines/slurm.sh $(DESTDIR)$(PREFIX)/share/hardneg/engines/
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: hardneg\nDescription: text classification for imbalanced tasks with hard-negative mining\nVersion: %s\nRequires.private: $(DEPS)\nLibs: -L$${libdir} -lhardneg\nLibs.private: -lm -lpthread\nCflags: -I$${includedir}\n' \
	    '$(PREFIX)' '$(VERSION)' > $(DESTDIR)$(PREFIX)/lib/pkgconfig/hardneg.pc

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d)
