/* fuzz_tokenizer.c - libFuzzer target: any bytes through hn_tok_tokens and
 * hn_tok_featurize under options chosen by the first four input bytes.
 *
 *   byte 0  bit 0 nfkc, 1 casefold, 2 strip_marks, 3 signed_hash,
 *           4 l2_normalize, 5 force_unicode, 6 strict, 7 seed 0 instead of
 *           the default seed
 *   byte 1  bits 0-4 rewrites html, url, email, money, number;
 *           bits 5-7: 0-3 the default pattern, 4-7 one of four fixed
 *           custom patterns (user patterns are fuzzed in fuzz_tok_opts.c)
 *   byte 2  word n-grams 1 + b % 3; char n-grams (b / 3) % 11:
 *           0 = 0:0, else one of the ten MIN:MAX pairs with 1 <= MIN <= MAX <= 4
 *   byte 3  bits 1 + b % 30; weighting (b / 30) % 3
 *   rest    the text (any bytes, NULs included)
 *
 * Invariants checked (FUZZ_CHECK aborts, libFuzzer keeps the input):
 *  - non-strict calls never fail; strict calls fail with HN_ERR_UTF8
 *    exactly when the text is not valid UTF-8 (an independent validator
 *    below), and the repaired-line counter moves exactly then;
 *  - tokens are non-empty; kinds are in range; placeholder kinds carry
 *    their placeholder text; with the default pattern other tokens hold
 *    no white space or control bytes;
 *  - for ASCII text and the default pattern, the ASCII fast path and the
 *    Unicode path (force_unicode) give the same tokens (tokenizer.h
 *    promises identical output);
 *  - features: 0 <= n, every index < 2^bits, indices unique, values
 *    finite and non-zero, positive unless signed_hash, the weighting's
 *    magnitudes without normalization, L2 norm ~1 with it when n > 0;
 *    no tokens -> no features; tokens and unsigned hashing -> n >= 1.
 */
#include "tests/fuzz/fuzz_common.h"

#include <math.h>
#include <string.h>

#include "src/base/arena.h"
#include "tokenizer/tokenizer.h"

static const char *const custom_patterns[4] = {
    "\\S++",              /* whitespace-separated */
    "\\p{L}+|\\p{N}+",    /* letters or digits, punctuation dropped */
    "a*",                 /* mostly empty matches: the step-over path */
    ".",                  /* one code point per token */
};

/* The ten MIN:MAX pairs with 1 <= MIN <= MAX <= 4. */
static const int char_pairs[10][2] = {{1, 1}, {1, 2}, {1, 3}, {1, 4}, {2, 2},
                                      {2, 3}, {2, 4}, {3, 3}, {3, 4}, {4, 4}};

typedef struct cache_entry {
    int used;
    hn_tok_opts o;
    hn_tokenizer *tok;
    hn_tok_ctx *ctx;     /* normal */
    hn_tok_ctx *ctx_u;   /* force_unicode on */
} cache_entry;

#define CACHE_SLOTS 64
static cache_entry cache[CACHE_SLOTS];
static hn_arena arena, arena2;
static int ready;

/* RFC 3629 validity, written independently of tokenizer.c. */
static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c = s[i], cp;
        size_t k, need;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) { need = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { need = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { need = 3; cp = c & 0x07; }
        else return 0;
        if (n - i - 1 < need) return 0;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)) return 0;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += need + 1;
    }
    return 1;
}

static int is_ascii_text(const uint8_t *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] >= 0x80) return 0;
    return 1;
}

static uint64_t opts_hash(const hn_tok_opts *o)
{
    return hn_tok_hash(o, sizeof *o, 0);
}

static cache_entry *get_tokenizer(const hn_tok_opts *o)
{
    cache_entry *e = &cache[opts_hash(o) % CACHE_SLOTS];
    hn_err err;
    if (e->used && memcmp(&e->o, o, sizeof *o) == 0) return e;
    if (e->used) {
        hn_tok_ctx_free(e->ctx);
        hn_tok_ctx_free(e->ctx_u);
        hn_tok_free(e->tok);
        memset(e, 0, sizeof *e);
    }
    FUZZ_CHECK(hn_tok_create(o, &e->tok, &err) == HN_OK, "hn_tok_create on valid options: %s", err.msg);
    FUZZ_CHECK(hn_tok_ctx_create(e->tok, &e->ctx, &err) == HN_OK, "ctx: %s", err.msg);
    FUZZ_CHECK(hn_tok_ctx_create(e->tok, &e->ctx_u, &err) == HN_OK, "ctx: %s", err.msg);
    hn_tok_ctx_force_unicode(e->ctx_u, 1);
    e->o = *o;
    e->used = 1;
    return e;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void check_tokens(const hn_tok_opts *o, const hn_token *tk, int32_t n)
{
    static const char *const ph[HN_TOKEN_KIND_COUNT] = {NULL,       NULL,       "__html__", "__url__",
                                                        "__email__", "__money__", "__num__"};
    int32_t i, j;
    FUZZ_CHECK(n >= 0, "ntok %d", (int)n);
    FUZZ_CHECK(n == 0 || tk != NULL, "tokens NULL with ntok %d", (int)n);
    for (i = 0; i < n; i++) {
        FUZZ_CHECK(tk[i].s != NULL && tk[i].len > 0, "token %d empty (len %d)", (int)i, (int)tk[i].len);
        FUZZ_CHECK(tk[i].kind >= 0 && tk[i].kind < HN_TOKEN_KIND_COUNT, "token %d kind %d", (int)i, (int)tk[i].kind);
        if (ph[tk[i].kind]) {
            FUZZ_CHECK(o->token_pattern[0] == '\0', "placeholder kind %d under a custom pattern", (int)tk[i].kind);
            FUZZ_CHECK((size_t)tk[i].len == strlen(ph[tk[i].kind]) && !memcmp(tk[i].s, ph[tk[i].kind], (size_t)tk[i].len),
                       "token %d kind %d text '%.*s'", (int)i, (int)tk[i].kind, (int)tk[i].len, tk[i].s);
        } else if (o->token_pattern[0] == '\0') {
            for (j = 0; j < tk[i].len; j++) {
                unsigned char ch = (unsigned char)tk[i].s[j];
                FUZZ_CHECK(ch > 0x20 && ch != 0x7F, "token %d '%.*s' holds byte 0x%02x", (int)i, (int)tk[i].len,
                           tk[i].s, ch);
            }
        } else {
            FUZZ_CHECK(tk[i].kind == HN_TOKEN_WORD, "custom pattern token kind %d", (int)tk[i].kind);
        }
    }
}

static void check_features(const hn_tok_opts *o, const hn_svec *x, int32_t ntok)
{
    static uint32_t *sorted;
    static size_t sorted_cap;
    double sq = 0;
    int32_t i;
    FUZZ_CHECK(x->n >= 0, "n %d", (int)x->n);
    if (ntok == 0) FUZZ_CHECK(x->n == 0, "no tokens but %d features", (int)x->n);
    if (ntok > 0 && !o->signed_hash) FUZZ_CHECK(x->n >= 1, "%d tokens, unsigned, but no features", (int)ntok);
    if (x->n == 0) return;
    FUZZ_CHECK(x->idx && x->val, "NULL arrays with n %d", (int)x->n);
    for (i = 0; i < x->n; i++) {
        float v = x->val[i], av = fabsf(v);
        FUZZ_CHECK(x->idx[i] < ((uint32_t)1 << o->bits), "index %u >= 2^%d", x->idx[i], (int)o->bits);
        FUZZ_CHECK(isfinite(v), "value %d not finite: %g", (int)i, (double)v);
        FUZZ_CHECK(v != 0, "value %d is zero", (int)i);
        if (!o->signed_hash) FUZZ_CHECK(v > 0, "unsigned hashing gave value %g", (double)v);
        if (!o->l2_normalize) {
            if (o->weighting == HN_WEIGHTING_BINARY) FUZZ_CHECK(av == 1.0f, "binary weight %g", (double)v);
            else if (o->weighting == HN_WEIGHTING_TF) FUZZ_CHECK(av >= 1.0f && av == floorf(av), "tf weight %g", (double)v);
            else FUZZ_CHECK(av >= 1.0f, "log-tf weight %g", (double)v);
        }
        sq += (double)v * v;
    }
    if (o->l2_normalize) FUZZ_CHECK(fabs(sq - 1.0) < 1e-3, "L2 norm^2 %.9g with %d features", sq, (int)x->n);
    if ((size_t)x->n > sorted_cap) {
        free(sorted);
        sorted_cap = (size_t)x->n * 2;
        sorted = malloc(sorted_cap * sizeof *sorted);
        FUZZ_CHECK(sorted != NULL, "malloc");
    }
    memcpy(sorted, x->idx, (size_t)x->n * sizeof *sorted);
    qsort(sorted, (size_t)x->n, sizeof *sorted, cmp_u32);
    for (i = 1; i < x->n; i++) FUZZ_CHECK(sorted[i] != sorted[i - 1], "index %u twice", sorted[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    hn_tok_opts o;
    uint8_t b0, b1, b2, b3;
    int pat, cn, strict, force_u, valid;
    cache_entry *e;
    hn_tok_ctx *ctx;
    hn_token *tk = NULL;
    int32_t ntok = 0;
    hn_svec x;
    hn_err err;
    hn_status st;
    int64_t rep0;
    if (!ready) {
        hn_arena_init(&arena, 1 << 16);
        hn_arena_init(&arena2, 1 << 16);
        ready = 1;
    }
    if (size < 4) return 0;
    b0 = fuzz_byte(&in);
    b1 = fuzz_byte(&in);
    b2 = fuzz_byte(&in);
    b3 = fuzz_byte(&in);

    hn_tok_opts_default(&o);
    o.nfkc = b0 & 1;
    o.casefold = (b0 >> 1) & 1;
    o.strip_marks = (b0 >> 2) & 1;
    o.signed_hash = (b0 >> 3) & 1;
    o.l2_normalize = (b0 >> 4) & 1;
    force_u = (b0 >> 5) & 1;
    strict = (b0 >> 6) & 1;
    if (b0 & 0x80) o.seed = 0;
    o.rw_html = b1 & 1;
    o.rw_url = (b1 >> 1) & 1;
    o.rw_email = (b1 >> 2) & 1;
    o.rw_money = (b1 >> 3) & 1;
    o.rw_number = (b1 >> 4) & 1;
    pat = b1 >> 5;
    if (pat >= 4) snprintf(o.token_pattern, sizeof o.token_pattern, "%s", custom_patterns[pat - 4]);
    o.word_ngrams = 1 + b2 % 3;
    cn = (b2 / 3) % 11;
    o.minn = cn ? char_pairs[cn - 1][0] : 0;
    o.maxn = cn ? char_pairs[cn - 1][1] : 0;
    o.bits = 1 + b3 % 30;
    o.weighting = (hn_weighting)((b3 / 30) % 3);

    e = get_tokenizer(&o);
    ctx = force_u ? e->ctx_u : e->ctx;
    hn_tok_ctx_set_strict(ctx, strict);
    valid = valid_utf8(in.p, in.n);

    /* tokens */
    hn_arena_reset(&arena);
    rep0 = hn_tok_ctx_repaired_lines(ctx);
    st = hn_tok_tokens(e->tok, ctx, (const char *)in.p, in.n, &arena, &tk, &ntok, &err);
    /* known bug (tests/fuzz/regress/tokenizer-jit-stack-punct-run): a long
     * run of one non-ASCII punctuation character exhausts the JIT stack */
    if (st == HN_ERR_REGEX && strstr(err.msg, "JIT stack") && fuzz_ignored("jit-stack")) return 0;
    if (strict && !valid) {
        FUZZ_CHECK(st == HN_ERR_UTF8, "strict mode, invalid UTF-8: status %d (%s)", (int)st, hn_status_str(st));
    } else {
        FUZZ_CHECK(st == HN_OK, "hn_tok_tokens: status %d: %s", (int)st, err.msg);
        FUZZ_CHECK(hn_tok_ctx_repaired_lines(ctx) - rep0 == (valid ? 0 : 1), "repaired lines moved by %lld, valid %d",
                   (long long)(hn_tok_ctx_repaired_lines(ctx) - rep0), valid);
        check_tokens(&o, tk, ntok);
    }

    /* ASCII: the fast path and the Unicode path agree */
    if (st == HN_OK && !force_u && o.token_pattern[0] == '\0' && is_ascii_text(in.p, in.n)) {
        hn_token *tu = NULL;
        int32_t nu = 0, i;
        hn_arena_reset(&arena2);
        hn_tok_ctx_set_strict(e->ctx_u, strict);
        st = hn_tok_tokens(e->tok, e->ctx_u, (const char *)in.p, in.n, &arena2, &tu, &nu, &err);
        FUZZ_CHECK(st == HN_OK, "unicode path: %s", err.msg);
        FUZZ_CHECK(nu == ntok, "ASCII fast path gives %d tokens, the Unicode path %d", (int)ntok, (int)nu);
        for (i = 0; i < ntok; i++)
            FUZZ_CHECK(tk[i].kind == tu[i].kind && tk[i].len == tu[i].len && !memcmp(tk[i].s, tu[i].s, (size_t)tk[i].len),
                       "token %d: fast '%.*s' kind %d, unicode '%.*s' kind %d", (int)i, (int)tk[i].len, tk[i].s,
                       (int)tk[i].kind, (int)tu[i].len, tu[i].s, (int)tu[i].kind);
    }

    /* features */
    hn_arena_reset(&arena);
    st = hn_tok_featurize(e->tok, ctx, (const char *)in.p, in.n, &arena, &x, &err);
    if (strict && !valid) {
        FUZZ_CHECK(st == HN_ERR_UTF8, "featurize, strict, invalid UTF-8: status %d", (int)st);
        return 0;
    }
    FUZZ_CHECK(st == HN_OK, "hn_tok_featurize: status %d: %s", (int)st, err.msg);
    check_features(&o, &x, ntok);
    return 0;
}
