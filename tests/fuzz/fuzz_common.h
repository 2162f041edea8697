/* fuzz_common.h - helpers shared by the libFuzzer targets in tests/fuzz/
 *
 * Tests may include anything. Targets build with clang
 * -fsanitize=fuzzer,address,undefined (see run.sh). An invariant that
 * does not hold calls FUZZ_CHECK, which prints the failed condition and
 * aborts, so libFuzzer records the input as a crash.
 */
#ifndef HN_FUZZ_COMMON_H
#define HN_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__,         \
                    __LINE__, #cond);                                          \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A check for a known, reported library bug: skipped while the
 * environment variable HN_FUZZ_IGNORE names `id` (a comma-separated list,
 * e.g. HN_FUZZ_IGNORE=tsv-label-space), so a long campaign can look past
 * a bug that is already in tests/fuzz/regress/. run.sh never sets it. */
static inline int fuzz_ignored(const char *id)
{
    const char *v = getenv("HN_FUZZ_IGNORE"), *p;
    size_t n = strlen(id);
    if (!v) return 0;
    for (p = v; (p = strstr(p, id)) != NULL; p += n)
        if ((p == v || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 1;
    return 0;
}

#define FUZZ_CHECK_KNOWN(id, cond, ...)                                        \
    do {                                                                       \
        if (!fuzz_ignored(id)) FUZZ_CHECK(cond, __VA_ARGS__);                  \
    } while (0)

/* Consume input bytes from the front: option bytes, then the payload. */
typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline uint8_t fuzz_byte(fuzz_in *in)
{
    uint8_t b = 0;
    if (in->n) {
        b = in->p[0];
        in->p++;
        in->n--;
    }
    return b;
}

/* The input as a file, for APIs that open a path: one memfd per process,
 * rewritten for every input; the name is "/proc/self/fd/N". Needs
 * _GNU_SOURCE before the first #include (memfd_create). Aborts on a
 * system error (not the library's fault, but nothing to fuzz then). */
#ifdef FUZZ_WANT_MEMFD
#include <sys/mman.h>
#include <unistd.h>

static inline const char *fuzz_as_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    size_t off = 0;
    if (fd < 0) {
        fd = memfd_create("hn_fuzz", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0) {
        perror("ftruncate");
        abort();
    }
    while (off < size) {
        ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
        if (w <= 0) {
            perror("pwrite");
            abort();
        }
        off += (size_t)w;
    }
    return path;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* HN_FUZZ_COMMON_H */
