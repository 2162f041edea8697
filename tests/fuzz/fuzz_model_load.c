/* fuzz_model_load.c - libFuzzer target: any bytes as a model file for
 * hn_classifier_load; a model that loads predicts a few fixed lines.
 *
 * The XXH64 trailer would stop almost every mutation at the checksum, so
 * the input picks how the file is made:
 *
 *   starts with "HNMODEL"  the input is the file, as is (a real model
 *                          file is a seed as it stands)
 *   else byte 0 % 3 == 0   the rest is the file, as is
 *                     1    the rest is the file body; the target appends
 *                          "end <XXH64 of the body>\n"
 *                     2    the rest is four parts separated by "\n%%\n":
 *                          tokenizer, labels, meta, model section; the
 *                          target writes "HNMODEL 1\n", the four
 *                          "section NAME LEN\n" headers with the right
 *                          lengths, and the trailer, so mutations reach
 *                          each section parser
 *
 * Invariants checked for a model that loads:
 *  - nlabels >= 2 named labels, model classes == nlabels, model bits ==
 *    tokenizer bits, reject_label in [-1, nlabels);
 *  - hn_classifier_probs succeeds on fixed lines (ASCII, Unicode, invalid
 *    UTF-8, empty) and gives finite probabilities in [0, 1] summing to 1
 *    within 1e-3; hn_classifier_decide gives a class id;
 *  - save then load gives a model that predicts the same probabilities.
 *
 * HN_FUZZ_VERBOSE=1 in the environment prints what the load said.
 */
#define _GNU_SOURCE
#define FUZZ_WANT_MEMFD
#define XXH_INLINE_ALL
#include "tests/fuzz/fuzz_common.h"

#include <math.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "src/base/arena.h"
#include "src/core/container.h"

static const char *const lines[] = {
    "win a free prize, claim your cash now",
    "meeting notes for the project review",
    ("caf\xc3\xa9 STRASSE \xef\xac\x81nance \xe2\x82\xac" "5 http://x.co a@b.de <b>"),
    "\xff\xfe\xc0\x80 broken \xed\xa0\x80",
    "",
};
#define NLINES (sizeof lines / sizeof lines[0])

static unsigned char *fbuf;
static size_t fcap;

static void put(size_t *n, const void *p, size_t len)
{
    if (*n + len + 64 > fcap) {
        fcap = (*n + len + 64) * 2;
        fbuf = realloc(fbuf, fcap);
        FUZZ_CHECK(fbuf != NULL, "realloc");
    }
    memcpy(fbuf + *n, p, len);
    *n += len;
}

static void put_trailer(size_t *n)
{
    char t[32];
    snprintf(t, sizeof t, "end %016llx\n", (unsigned long long)XXH64(fbuf, *n, 0));
    put(n, t, 21);
}

/* Build the file the input describes into fbuf; returns its length. */
static size_t make_file(const uint8_t *data, size_t size)
{
    static const char *const names[4] = {"tokenizer", "labels", "meta", "model"};
    size_t n = 0;
    int mode;
    if (size >= 7 && memcmp(data, "HNMODEL", 7) == 0) {
        put(&n, data, size);
        return n;
    }
    if (size == 0) return 0;
    mode = data[0] % 3;
    data++;
    size--;
    if (mode == 0) {
        put(&n, data, size);
    } else if (mode == 1) {
        put(&n, data, size);
        put_trailer(&n);
    } else {
        const uint8_t *p = data, *end = data + size;
        int k;
        put(&n, "HNMODEL 1\n", 10);
        for (k = 0; k < 4; k++) {
            const uint8_t *q = k < 3 ? memmem(p, (size_t)(end - p), "\n%%\n", 4) : NULL;
            size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
            char h[64];
            int hl = snprintf(h, sizeof h, "section %s %zu\n", names[k], len);
            put(&n, h, (size_t)hl);
            put(&n, p, len);
            p = q ? q + 4 : end;
        }
        put_trailer(&n);
    }
    return n;
}

static void check_probs(const hn_classifier *c, const float *p, const char *what, size_t line)
{
    double sum = 0;
    int32_t k, d;
    for (k = 0; k < c->nlabels; k++) {
        FUZZ_CHECK_KNOWN("nonfinite-probs", isfinite(p[k]) && p[k] >= 0 && p[k] <= 1, "%s line %zu: p[%d] = %g", what,
                         line, (int)k, (double)p[k]);
        sum += p[k];
    }
    FUZZ_CHECK_KNOWN("nonfinite-probs", fabs(sum - 1) < 1e-3, "%s line %zu: probabilities sum to %.9g", what, line,
                     sum);
    d = hn_classifier_decide(c, p);
    FUZZ_CHECK(d >= 0 && d < c->nlabels, "decide gave %d of %d classes", (int)d, (int)c->nlabels);
}

static char tmpdir[64];

static void cleanup(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/m.hn", tmpdir);
    unlink(p);
    rmdir(tmpdir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hn_arena arena;
    static int ready;
    hn_classifier *c = NULL, *c2 = NULL;
    hn_tok_ctx *ctx = NULL, *ctx2 = NULL;
    hn_err err;
    hn_status st;
    const char *path;
    size_t n, i;
    int32_t k;
    float *p, *p2;
    char saved[128];
    if (!ready) {
        hn_arena_init(&arena, 1 << 16);
        snprintf(tmpdir, sizeof tmpdir, "/tmp/hn_fuzz_model.XXXXXX");
        FUZZ_CHECK(mkdtemp(tmpdir) != NULL, "mkdtemp");
        atexit(cleanup);
        ready = 1;
    }
    n = make_file(data, size);
    /* known bug (tests/fuzz/regress/model_load-no-newline): a body without
     * a newline crashes the loader; skipped only on request */
    if (n >= 21 && !memchr(fbuf, '\n', n - 21) && fuzz_ignored("no-newline")) return 0;
    path = fuzz_as_file(fbuf, n);
    memset(&err, 0, sizeof err);
    st = hn_classifier_load(path, &c, &err);
    if (getenv("HN_FUZZ_VERBOSE")) fprintf(stderr, "load: %s\n", st == HN_OK ? "ok" : err.msg);
    if (st != HN_OK) {
        FUZZ_CHECK(c == NULL, "failed load left a classifier");
        FUZZ_CHECK(st == HN_ERR_FORMAT, "load returned %d (%s): %s", (int)st, hn_status_str(st), err.msg);
        return 0;
    }
    FUZZ_CHECK(c != NULL && c->tok != NULL && c->model != NULL, "loaded classifier is incomplete");
    FUZZ_CHECK(c->nlabels >= 2 && c->labels != NULL, "nlabels %d", (int)c->nlabels);
    for (k = 0; k < c->nlabels; k++) FUZZ_CHECK(c->labels[k] != NULL, "label %d NULL", (int)k);
    FUZZ_CHECK(hn_model_nclasses(c->model) == c->nlabels, "classes %d, labels %d", (int)hn_model_nclasses(c->model),
               (int)c->nlabels);
    FUZZ_CHECK(hn_model_bits(c->model) == c->tok_opts.bits, "bits differ");
    FUZZ_CHECK(c->reject_label >= -1 && c->reject_label < c->nlabels, "reject_label %d", (int)c->reject_label);
    FUZZ_CHECK(hn_tok_ctx_create(c->tok, &ctx, &err) == HN_OK, "ctx: %s", err.msg);

    p = malloc(2 * (size_t)c->nlabels * sizeof *p);
    FUZZ_CHECK(p != NULL, "malloc");
    p2 = p + c->nlabels;

    /* save and load again */
    snprintf(saved, sizeof saved, "%s/m.hn", tmpdir);
    st = hn_classifier_save(c, saved, &err);
    FUZZ_CHECK(st == HN_OK, "save: %s", err.msg);
    st = hn_classifier_load(saved, &c2, &err);
    FUZZ_CHECK(st == HN_OK, "reloading a saved model: %s", err.msg);
    FUZZ_CHECK(c2->nlabels == c->nlabels, "reload: %d labels, was %d", (int)c2->nlabels, (int)c->nlabels);
    FUZZ_CHECK(hn_tok_ctx_create(c2->tok, &ctx2, &err) == HN_OK, "ctx: %s", err.msg);

    for (i = 0; i < NLINES; i++) {
        st = hn_classifier_probs(c, ctx, &arena, lines[i], strlen(lines[i]), p, &err);
        if (st == HN_ERR_REGEX && c->tok_opts.token_pattern[0]) continue; /* a custom pattern's match limit */
        FUZZ_CHECK(st == HN_OK, "probs, line %zu: %s", i, err.msg);
        check_probs(c, p, "loaded", i);
        st = hn_classifier_probs(c2, ctx2, &arena, lines[i], strlen(lines[i]), p2, &err);
        FUZZ_CHECK(st == HN_OK, "probs after reload, line %zu: %s", i, err.msg);
        for (k = 0; k < c->nlabels; k++)
            FUZZ_CHECK(memcmp(&p[k], &p2[k], sizeof *p) == 0 || (isnan(p[k]) && isnan(p2[k])),
                       "line %zu: p[%d] %.9g before save, %.9g after", i, (int)k, (double)p[k], (double)p2[k]);
    }
    free(p);
    hn_tok_ctx_free(ctx);
    hn_tok_ctx_free(ctx2);
    hn_classifier_free(c);
    hn_classifier_free(c2);
    return 0;
}
