/* tokenizer.c - normalization, tokenization, hashing (see tokenizer.h)
 *
 * tokenizer/: src/base, libutf8proc, PCRE2, xxHash. Never models/.
 *
 * Invariants:
 *  - every byte of a line ends up in a token or is white space: the default
 *    pattern's last alternatives (\w++ and one punctuation char, whose run
 *    of repeats is extended in C)
 *    match any non-space character, so nothing is dropped silently;
 *  - the ASCII fast paths (map_ascii_line, scan_token) give exactly what
 *    utf8proc + PCRE2 give on ASCII input; tests compare them on random
 *    strings. Any change to the default pattern must change both;
 *  - on a line with non-ASCII bytes the scanner still takes every token it
 *    can decide from ASCII bytes alone, and PCRE2 the rest (scan_token's
 *    `hit`); tests compare that with PCRE2 alone on random mixed lines;
 *  - the features of a line are its n-grams' buckets in first-seen order
 *    (unigrams, then bigrams, ...), whatever the hash table's size: the
 *    tests pin values, and models depend on them.
 *  - every quantifier of the default pattern is possessive or bounded, so
 *    a match attempt never backtracks and scanning a line is linear.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#define XXH_INLINE_ALL
#include "tokenizer/tokenizer.h"

#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#define DEFAULT_SEED 0x68617264ull /* "hard" */
#define CHAR_NGRAM_SALT 0x9E3779B97F4A7C15ull
#define HN_LOGTF_TABLE 64

struct hn_tokenizer {
    hn_tok_opts o;
    pcre2_code *re;
    pcre2_match_context *mctx;
    int default_pattern;     /* the groups below are meaningful */
    int jit;
    utf8proc_option_t uopts;
    uint64_t ph_hash[HN_TOKEN_KIND_COUNT]; /* hashes of the placeholders */
    float logtf[HN_LOGTF_TABLE];           /* 1 + logf(k), computed by the same logf */
};

struct hn_tok_ctx {
    pcre2_match_data *md;
    int strict;
    int force_unicode;
    int64_t repaired_lines, repaired_seqs;
};

static const char *const placeholder[HN_TOKEN_KIND_COUNT] = {
    NULL, NULL, "__html__", "__url__", "__email__", "__money__", "__num__",
};

/* ---- options ----------------------------------------------------------- */

void hn_tok_opts_default(hn_tok_opts *o)
{
    memset(o, 0, sizeof *o);
    o->nfkc = 1;
    o->casefold = 1;
    o->strip_marks = 1;
    o->rw_html = o->rw_url = o->rw_email = o->rw_money = o->rw_number = 1;
    o->word_ngrams = 2;
    o->minn = o->maxn = 0;
    o->bits = 20;
    o->seed = DEFAULT_SEED;
    o->signed_hash = 0;
    o->weighting = HN_WEIGHTING_LOGTF;
    o->l2_normalize = 1;
}

static const char *const weighting_names[HN_WEIGHTING_COUNT] = {"binary", "tf", "log-tf"};

const char *hn_weighting_name(hn_weighting w)
{
    return (unsigned)w < HN_WEIGHTING_COUNT ? weighting_names[w] : "?";
}

hn_status hn_weighting_parse(const char *s, hn_weighting *out)
{
    int i;
    for (i = 0; i < HN_WEIGHTING_COUNT; i++)
        if (!strcmp(s, weighting_names[i])) {
            *out = (hn_weighting)i;
            return HN_OK;
        }
    return HN_ERR_ARG;
}

/* Build the default pattern. Group numbers are fixed (1 html, 2 url,
 * 3 email, 4 money, 5 number, 6 punctuation char); a disabled rewrite
 * keeps its group as (?!) so numbering never changes. */
static void build_default_pattern(const hn_tok_opts *o, char *buf, size_t n)
{
    snprintf(buf, n,
             "(%s)|(%s)|(%s)|(%s)|(%s)|\\w++|([^\\w\\s])",
             o->rw_html ? "</?[a-zA-Z][a-zA-Z0-9]*+[^<>]{0,512}+>" : "(?!)",
             o->rw_url ? "(?i:https?://|www\\.)[^\\s<>\"]++" : "(?!)",
             o->rw_email ? "[\\w.+-]{1,64}+@[\\w-]{1,63}+(?:\\.[\\w-]{1,63}+){1,8}+" : "(?!)",
             o->rw_money ? "[$\xe2\x82\xac\xc2\xa3\xc2\xa5]\\s?+\\d++(?:[.,]\\d++){0,8}+" : "(?!)",
             o->rw_number ? "\\d++(?:[.,]\\d++){0,8}+(?!\\w)" : "(?!)");
}

static hn_status compile_pattern(const hn_tok_opts *o, pcre2_code **out, hn_err *err)
{
    char pat[2048];
    const char *p = o->token_pattern;
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re;
    if (!p[0]) {
        build_default_pattern(o, pat, sizeof pat);
        p = pat;
    }
    re = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C, &ec, &eo,
                       NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return hn_err_set(err, HN_ERR_REGEX, "token pattern: %s at offset %zu", (const char *)msg, (size_t)eo);
    }
    *out = re;
    return HN_OK;
}

hn_status hn_tok_opts_check(const hn_tok_opts *o, hn_err *err)
{
    pcre2_code *re = NULL;
    hn_status st;
    if (o->word_ngrams < 1 || o->word_ngrams > 5)
        return hn_err_set(err, HN_ERR_ARG, "--ngrams must be in [1, 5], got %d", (int)o->word_ngrams);
    if (!(o->minn == 0 && o->maxn == 0) && !(o->minn >= 1 && o->minn <= o->maxn && o->maxn <= 10))
        return hn_err_set(err, HN_ERR_ARG, "--char-ngrams must be 0:0 or MIN:MAX with 1 <= MIN <= MAX <= 10, got %d:%d",
                          (int)o->minn, (int)o->maxn);
    if (o->bits < 1 || o->bits > 30)
        return hn_err_set(err, HN_ERR_ARG, "--bits must be in [1, 30], got %d", (int)o->bits);
    if ((unsigned)o->weighting >= HN_WEIGHTING_COUNT)
        return hn_err_set(err, HN_ERR_ARG, "unknown weighting %d", (int)o->weighting);
    if (memchr(o->token_pattern, '\0', sizeof o->token_pattern) == NULL)
        return hn_err_set(err, HN_ERR_ARG, "--token-pattern is longer than %d bytes", HN_TOK_PATTERN_MAX - 1);
    if (strchr(o->token_pattern, '\n'))
        return hn_err_set(err, HN_ERR_ARG, "--token-pattern must be one line");
    if ((st = compile_pattern(o, &re, err)) != HN_OK) return st;
    pcre2_code_free(re);
    return HN_OK;
}

hn_status hn_tok_opts_save(const hn_tok_opts *o, char **buf, size_t *len)
{
    char *b = malloc(HN_TOK_PATTERN_MAX + 1024);
    int n;
    if (!b) return HN_ERR_NOMEM;
    n = snprintf(b, HN_TOK_PATTERN_MAX + 1024,
                 "hash_version %d\n"
                 "nfkc %d\ncasefold %d\nstrip_marks %d\n"
                 "rewrite_html %d\nrewrite_url %d\nrewrite_email %d\nrewrite_money %d\nrewrite_number %d\n"
                 "word_ngrams %d\nminn %d\nmaxn %d\nbits %d\nseed %llu\nsigned_hash %d\n"
                 "weighting %s\nl2_normalize %d\ntoken_pattern %s\n",
                 HN_TOK_HASH_VERSION, (int)o->nfkc, (int)o->casefold, (int)o->strip_marks, (int)o->rw_html,
                 (int)o->rw_url, (int)o->rw_email, (int)o->rw_money, (int)o->rw_number, (int)o->word_ngrams,
                 (int)o->minn, (int)o->maxn, (int)o->bits, (unsigned long long)o->seed, (int)o->signed_hash,
                 hn_weighting_name(o->weighting), (int)o->l2_normalize, o->token_pattern);
    *buf = b;
    *len = (size_t)n;
    return HN_OK;
}

static int parse_int_field(const char *v, long lo, long hi, int32_t *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi) return -1;
    *out = (int32_t)x;
    return 0;
}

hn_status hn_tok_opts_load(const char *buf, size_t len, hn_tok_opts *o, hn_err *err)
{
    const char *p = buf, *end = buf + len;
    char line[HN_TOK_PATTERN_MAX + 64];
    int lineno = 0;
    hn_tok_opts_default(o);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *key, *val, *sp;
        lineno++;
        if (n >= sizeof line) return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: line %d too long", lineno);
        if (memchr(p, '\0', n)) return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: line %d has a NUL byte", lineno);
        memcpy(line, p, n);
        line[n] = '\0';
        p += n + (nl ? 1 : 0);
        if (n == 0) continue;
        key = line;
        sp = strchr(line, ' ');
        if (!sp) return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: line %d: expected 'key value'", lineno);
        *sp = '\0';
        val = sp + 1;
#define INTKEY(name, field, lo, hi)                                                                          \
    else if (!strcmp(key, name)) {                                                                           \
        if (parse_int_field(val, lo, hi, &o->field))                                                         \
            return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: bad value '%s' for %s", val, name);    \
    }
        if (!strcmp(key, "hash_version")) {
            if (strcmp(val, "1") != 0)
                return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: unsupported hash version %s", val);
        }
        INTKEY("nfkc", nfkc, 0, 1)
        INTKEY("casefold", casefold, 0, 1)
        INTKEY("strip_marks", strip_marks, 0, 1)
        INTKEY("rewrite_html", rw_html, 0, 1)
        INTKEY("rewrite_url", rw_url, 0, 1)
        INTKEY("rewrite_email", rw_email, 0, 1)
        INTKEY("rewrite_money", rw_money, 0, 1)
        INTKEY("rewrite_number", rw_number, 0, 1)
        INTKEY("word_ngrams", word_ngrams, 1, 5)
        INTKEY("minn", minn, 0, 10)
        INTKEY("maxn", maxn, 0, 10)
        INTKEY("bits", bits, 1, 30)
        INTKEY("signed_hash", signed_hash, 0, 1)
        INTKEY("l2_normalize", l2_normalize, 0, 1)
        else if (!strcmp(key, "seed")) {
            char *e;
            o->seed = strtoull(val, &e, 10);
            if (e == val || *e) return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: bad seed '%s'", val);
        } else if (!strcmp(key, "weighting")) {
            if (hn_weighting_parse(val, &o->weighting) != HN_OK)
                return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: unknown weighting '%s'", val);
        } else if (!strcmp(key, "token_pattern")) {
            size_t vl = strlen(val);
            if (vl >= sizeof o->token_pattern)
                return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: token pattern too long");
            memcpy(o->token_pattern, val, vl + 1);
        } else {
            return hn_err_set(err, HN_ERR_FORMAT, "tokenizer section: unknown key '%s'", key);
        }
#undef INTKEY
    }
    {
        hn_status st = hn_tok_opts_check(o, err);
        if (st != HN_OK) {
            if (err) {
                char tmp[sizeof err->msg];
                snprintf(tmp, sizeof tmp, "tokenizer section: %.400s", err->msg);
                memcpy(err->msg, tmp, sizeof tmp);
                err->code = HN_ERR_FORMAT;
            }
            return HN_ERR_FORMAT;
        }
    }
    return HN_OK;
}

/* ---- lifecycle --------------------------------------------------------- */

uint64_t hn_tok_hash(const void *s, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(s, len, seed);
}

hn_status hn_tok_create(const hn_tok_opts *o, hn_tokenizer **out, hn_err *err)
{
    hn_tokenizer *t;
    hn_status st;
    int k;
    *out = NULL;
    if ((st = hn_tok_opts_check(o, err)) != HN_OK) return st;
    if (!(t = calloc(1, sizeof *t))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    t->o = *o;
    if ((st = compile_pattern(o, &t->re, err)) != HN_OK) {
        free(t);
        return st;
    }
    t->default_pattern = o->token_pattern[0] == '\0';
    t->jit = pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE) == 0;
    /* bound the work of a user pattern that backtracks badly */
    if (!(t->mctx = pcre2_match_context_create(NULL))) {
        hn_tok_free(t);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    pcre2_set_match_limit(t->mctx, 10000000);
    t->uopts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    if (o->nfkc) t->uopts |= UTF8PROC_COMPAT | UTF8PROC_IGNORE;
    if (o->casefold) t->uopts |= UTF8PROC_CASEFOLD;
    if (o->strip_marks) t->uopts |= UTF8PROC_STRIPMARK;
    for (k = 0; k < HN_TOKEN_KIND_COUNT; k++)
        if (placeholder[k]) t->ph_hash[k] = hn_tok_hash(placeholder[k], strlen(placeholder[k]), o->seed);
    for (k = 1; k < HN_LOGTF_TABLE; k++) t->logtf[k] = 1.0f + logf((float)k);
    *out = t;
    return HN_OK;
}

void hn_tok_free(hn_tokenizer *t)
{
    if (!t) return;
    pcre2_code_free(t->re);
    pcre2_match_context_free(t->mctx);
    free(t);
}

const hn_tok_opts *hn_tok_opts_of(const hn_tokenizer *t)
{
    return &t->o;
}

hn_status hn_tok_ctx_create(const hn_tokenizer *t, hn_tok_ctx **out, hn_err *err)
{
    hn_tok_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->md = pcre2_match_data_create_from_pattern(t->re, NULL))) {
        free(c);
        *out = NULL;
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    *out = c;
    return HN_OK;
}

void hn_tok_ctx_free(hn_tok_ctx *c)
{
    if (!c) return;
    pcre2_match_data_free(c->md);
    free(c);
}

void hn_tok_ctx_set_strict(hn_tok_ctx *c, int strict) { c->strict = strict; }
void hn_tok_ctx_force_unicode(hn_tok_ctx *c, int on) { c->force_unicode = on; }
int64_t hn_tok_ctx_repaired_lines(const hn_tok_ctx *c) { return c->repaired_lines; }
int64_t hn_tok_ctx_repaired_seqs(const hn_tok_ctx *c) { return c->repaired_seqs; }

/* ---- normalization ----------------------------------------------------- */

static int is_ascii(const unsigned char *s, size_t n)
{
    size_t i = 0;
    uint64_t acc = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++) acc |= s[i];
    return (acc & 0x8080808080808080ull) == 0;
}

/* 256-entry tables as constant initializers: no lazy set-up, so nothing
 * is written to shared memory once threads featurize. */
#define TAB4(F, i) F(i), F((i) + 1), F((i) + 2), F((i) + 3)
#define TAB16(F, i) TAB4(F, i), TAB4(F, (i) + 4), TAB4(F, (i) + 8), TAB4(F, (i) + 12)
#define TAB64(F, i) TAB16(F, i), TAB16(F, (i) + 16), TAB16(F, (i) + 32), TAB16(F, (i) + 48)
#define TAB256(F) TAB64(F, 0), TAB64(F, 64), TAB64(F, 128), TAB64(F, 192)

/* Control bytes (0x00-0x1F, 0x7F) become spaces on both paths. */
#define MAP_KEEP(i) ((i) < 0x20 || (i) == 0x7F ? 0x20 : (i))
#define MAP_FOLD(i) ((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : MAP_KEEP(i))
static const unsigned char ascii_map_keep[256] = {TAB256(MAP_KEEP)};
static const unsigned char ascii_map_fold[256] = {TAB256(MAP_FOLD)};

/* An ASCII line mapped in one pass (control bytes to spaces, A-Z folded
 * when `fold`), written branch-free so -O3 vectorizes it. Returns 1 when
 * every byte was ASCII; otherwise r holds garbage and the caller takes the
 * Unicode path. Equal to the tables above on ASCII bytes. */
static int map_ascii_line(unsigned char *restrict r, const unsigned char *restrict s, size_t n, int fold)
{
    unsigned char acc = 0;
    size_t i;
    if (fold) {
        for (i = 0; i < n; i++) {
            unsigned char c = s[i], k;
            acc |= c;
            k = (c < 0x20 || c == 0x7F) ? 0x20 : c;
            r[i] = (unsigned char)(k - 'A') < 26 ? (unsigned char)(k + 32) : k;
        }
    } else {
        for (i = 0; i < n; i++) {
            unsigned char c = s[i];
            acc |= c;
            r[i] = (c < 0x20 || c == 0x7F) ? 0x20 : c;
        }
    }
    return acc < 0x80;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 if invalid
 * (overlong, surrogate, above U+10FFFF, truncated, stray continuation). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/* utf8proc over one valid UTF-8 segment: decompose into arena code
 * points, recompose + encode in place. *bytes_out is the arena buffer. */
static hn_status utf8proc_segment(const hn_tokenizer *t, const unsigned char *r, size_t j, hn_arena *a,
                                  utf8proc_int32_t **bytes_out, utf8proc_ssize_t *nb_out, hn_err *err)
{
    utf8proc_ssize_t cap = (utf8proc_ssize_t)j + 16, ncp, nb;
    utf8proc_int32_t *buf;
    for (;;) {
        if (!(buf = hn_arena_alloc(a, (size_t)cap * sizeof *buf)))
            return hn_err_set(err, HN_ERR_NOMEM, "out of memory normalizing %zu bytes (needed %zu more)", j,
                              hn_arena_need(a));
        ncp = utf8proc_decompose_custom(r, (utf8proc_ssize_t)j, buf, cap, t->uopts, NULL, NULL);
        if (ncp < 0) return hn_err_set(err, HN_ERR_UTF8, "normalization failed: %s", utf8proc_errmsg(ncp));
        if (ncp <= cap) break;
        cap = ncp;
    }
    nb = utf8proc_reencode(buf, ncp, t->uopts);
    if (nb < 0) return hn_err_set(err, HN_ERR_UTF8, "normalization failed: %s", utf8proc_errmsg(nb));
    *bytes_out = buf;
    *nb_out = nb;
    return HN_OK;
}

/* Normalize into arena memory: *out, *outlen. */
static hn_status normalize(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len, hn_arena *a,
                           char **out, size_t *outlen, int *ascii_out, hn_err *err)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char *r;
    size_t i, j, bad = 0;
    utf8proc_int32_t *buf;
    utf8proc_ssize_t nb;
    if (!c->force_unicode) {
        if (!(r = hn_arena_alloc(a, len + 1))) goto nomem;
        if (map_ascii_line(r, s, len, t->o.casefold)) {
            r[len] = '\0';
            *out = (char *)r;
            *outlen = len;
            *ascii_out = 1;
            return HN_OK;
        }
    }
    /* repair: each invalid byte becomes U+FFFD (3 bytes), so 3x is enough */
    if (len > (SIZE_MAX - 1) / 3) goto nomem;
    if (!(r = hn_arena_alloc(a, len * 3 + 1))) goto nomem;
    for (i = 0, j = 0; i < len;) {
        size_t k = utf8_seq_len(s + i, len - i);
        if (k == 1) {
            r[j++] = ascii_map_keep[s[i++]];
        } else if (k) {
            memcpy(r + j, s + i, k);
            i += k;
            j += k;
        } else {
            if (c->strict) return hn_err_set(err, HN_ERR_UTF8, "invalid UTF-8 at byte %zu", i);
            r[j++] = 0xEF;
            r[j++] = 0xBF;
            r[j++] = 0xBD;
            i++;
            bad++;
        }
    }
    if (bad) {
        c->repaired_lines++;
        c->repaired_seqs += (int64_t)bad;
    }
    if (c->force_unicode) { /* the reference path: the whole line through utf8proc */
        if (utf8proc_segment(t, r, j, a, &buf, &nb, err) != HN_OK) return err ? err->code : HN_ERR_UTF8;
        *out = (char *)buf;
        *outlen = (size_t)nb;
        *ascii_out = is_ascii((const unsigned char *)buf, (size_t)nb);
        return HN_OK;
    }
    /* Mixed lines: words that are pure ASCII take the table, runs of words
     * with non-ASCII bytes go through utf8proc. Segments split only at a
     * space that follows an ASCII segment, and a space composes with
     * nothing, so the result equals normalizing the whole line (tested). */
    {
        const unsigned char *map = t->o.casefold ? ascii_map_fold : ascii_map_keep;
        size_t cap2 = j + 64, o = 0, pp = 0;
        unsigned char *ob = hn_arena_alloc(a, cap2);
        if (!ob) goto nomem;
        while (pp < j) {
            size_t q = pp;
            if (r[pp] < 0x80) {
                while (q < j && r[q] < 0x80) q++;
                if (q < j) /* stopped inside a word with non-ASCII bytes: back to its start */
                    while (q > pp && r[q - 1] != ' ') q--;
                if (q > pp) {
                    if (o + (q - pp) > cap2) {
                        unsigned char *nb2;
                        while (o + (q - pp) > cap2) cap2 *= 2;
                        if (!(nb2 = hn_arena_alloc(a, cap2))) goto nomem;
                        memcpy(nb2, ob, o);
                        ob = nb2;
                    }
                    for (; pp < q; pp++) ob[o++] = map[r[pp]];
                    continue;
                }
            }
            for (q = pp; q < j;) { /* words with non-ASCII bytes, and the spaces after them */
                size_t w = q;
                int nonascii = 0;
                while (w < j && r[w] != ' ') nonascii |= r[w++] >= 0x80;
                if (!nonascii && q > pp) break;
                while (w < j && r[w] == ' ') w++;
                q = w;
            }
            if (utf8proc_segment(t, r + pp, q - pp, a, &buf, &nb, err) != HN_OK) return err ? err->code : HN_ERR_UTF8;
            if (o + (size_t)nb > cap2) {
                unsigned char *nb2;
                while (o + (size_t)nb > cap2) cap2 *= 2;
                if (!(nb2 = hn_arena_alloc(a, cap2))) goto nomem;
                memcpy(nb2, ob, o);
                ob = nb2;
            }
            memcpy(ob + o, buf, (size_t)nb);
            o += (size_t)nb;
            pp = q;
        }
        *out = (char *)ob;
        *outlen = o;
        *ascii_out = is_ascii(ob, o);
        return HN_OK;
    }
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory normalizing a line of %zu bytes (needed %zu more)", len,
                      hn_arena_need(a));
}

/* ---- tokenization ------------------------------------------------------ */

/* Byte classes of the ASCII scanner. */
#define C_WORD 1   /* [A-Za-z0-9_] */
#define C_DIGIT 2  /* [0-9] */
#define C_SPACE 4  /* \s in ASCII: space \t \n \v \f \r */
#define C_EMAIL 8  /* [\w.+-] */
#define C_DOMAIN 16 /* [\w-] */
#define C_URLBAD 32 /* \s < > " */
#define C_ALNUM 64 /* [a-zA-Z0-9] */
#define C_ALPHA 128 /* [a-zA-Z] */
#define CL_ALPHA(i) (((i) >= 'a' && (i) <= 'z') || ((i) >= 'A' && (i) <= 'Z'))
#define CL_DIGIT(i) ((i) >= '0' && (i) <= '9')
#define CL_SPACE(i) ((i) == ' ' || (i) == '\t' || (i) == '\n' || (i) == '\v' || (i) == '\f' || (i) == '\r')
#define CLS_OF(i)                                                                                                  \
    ((CL_ALPHA(i) || CL_DIGIT(i) || (i) == '_' ? C_WORD | C_EMAIL | C_DOMAIN : 0) | (CL_DIGIT(i) ? C_DIGIT : 0) | \
     (CL_ALPHA(i) || CL_DIGIT(i) ? C_ALNUM : 0) | (CL_ALPHA(i) ? C_ALPHA : 0) |                                   \
     (CL_SPACE(i) || (i) == '<' || (i) == '>' || (i) == '"' ? C_URLBAD : 0) | (CL_SPACE(i) ? C_SPACE : 0) |      \
     ((i) == '.' || (i) == '+' || (i) == '-' ? C_EMAIL : 0) | ((i) == '-' ? C_DOMAIN : 0))
static const unsigned char cls[256] = {TAB256(CLS_OF)};

#define IS(ch, m) (cls[(unsigned char)(ch)] & (m))

/* The scanner below serves two kinds of line. On an ASCII line (mixed = 0)
 * it is the whole tokenizer. On a line with non-ASCII bytes (mixed = 1) it
 * still takes the ASCII tokens, but a non-ASCII byte may be a letter, digit
 * or space to PCRE2's Unicode \w \d \s (or fold to an ASCII letter under
 * (?i), or count as one character of [^<>]{0,512}), which a byte table
 * cannot tell: every test of a non-ASCII byte whose answer the pattern
 * could give differently sets *hit, and the caller then asks PCRE2 for that
 * token. Comparisons with an ASCII literal ('@', '>', ...) need no flag: a
 * non-ASCII character never equals one. A token the scanner returns with
 * *hit == 0 therefore depends only on ASCII bytes, on which the scanner and
 * the pattern agree (tests check both kinds of line against PCRE2). The
 * functions are always inlined so that mixed = 0 compiles to the plain
 * ASCII scanner. */
#define HN_INLINE static inline __attribute__((always_inline))
#define CLS(ch, m) (mixed && (unsigned char)(ch) >= 0x80 ? (*hit = 1, 0) : IS(ch, m))

/* Run of class m starting at i, at most max chars; returns its length. */
HN_INLINE size_t run(const char *s, size_t i, size_t n, unsigned m, size_t max, int mixed, int *hit)
{
    size_t k = 0;
    while (i + k < n && k < max && CLS(s[i + k], m)) k++;
    return k;
}

/* The run of word bytes [A-Za-z0-9_] at i on an ASCII line, eight bytes
 * at a time (SWAR: every byte is below 0x80, so adding 0x80 - lo to a byte
 * sets its top bit exactly when it is >= lo, with no carry into the next
 * byte). A word's end is found without a branch per byte. */
static inline size_t word_run_ascii(const char *s, size_t i, size_t n)
{
    size_t k = i;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, top = 0x8080808080808080ull;
#define GE(x, lo) ((x) + ones * (0x80 - (lo)))  /* top bit: byte >= lo */
    while (k + 8 <= n) {
        uint64_t x, l, word, stop;
        memcpy(&x, s + k, 8);
        l = x | ones * 0x20; /* A-Z to a-z (other bytes move, but not into a-z) */
        word = (GE(x, '0') & ~GE(x, '9' + 1)) | (GE(l, 'a') & ~GE(l, 'z' + 1)) |
               ~((x ^ ones * '_') + ones * 0x7F); /* the last: top bit when the byte is '_' */
        stop = ~word & top;
        if (stop) return k + ((size_t)__builtin_ctzll(stop) >> 3) - i;
        k += 8;
    }
#undef GE
#endif
    while (k < n && IS(s[k], C_WORD)) k++;
    return k - i;
}

/* `\d++(?:[.,]\d++){0,8}+` from i (s[i] is a digit): the end. */
HN_INLINE size_t scan_number(const char *s, size_t i, size_t n, int mixed, int *hit)
{
    int g;
    i += run(s, i, n, C_DIGIT, SIZE_MAX, mixed, hit);
    for (g = 0; g < 8; g++) {
        if (i + 1 < n && (s[i] == '.' || s[i] == ',') && CLS(s[i + 1], C_DIGIT))
            i += 1 + run(s, i + 1, n, C_DIGIT, SIZE_MAX, mixed, hit);
        else
            break;
    }
    return i;
}

/* Caseless prefix test against a lowercase ASCII literal. */
HN_INLINE int lower_eq(const char *s, size_t n, const char *lit, int mixed, int *hit)
{
    size_t i;
    for (i = 0; lit[i]; i++) {
        char ch;
        if (i >= n) return 0;
        ch = s[i];
        if (mixed && (unsigned char)ch >= 0x80) *hit = 1; /* e.g. U+017F folds to 's' */
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
        if (ch != lit[i]) return 0;
    }
    return 1;
}

/* [\w.+-]{1,64}+@[\w-]{1,63}+(?:\.[\w-]{1,63}+){1,8}+ at i: its end, or 0. */
HN_INLINE size_t scan_email(const char *s, size_t i, size_t n, int mixed, int *hit)
{
    size_t j = i + run(s, i, n, C_EMAIL, 64, mixed, hit), d;
    int g = 0;
    if (j >= n || s[j] != '@') return 0;
    if (!(d = run(s, j + 1, n, C_DOMAIN, 63, mixed, hit))) return 0;
    j = j + 1 + d;
    while (g < 8 && j + 1 < n && s[j] == '.' && CLS(s[j + 1], C_DOMAIN)) {
        j += 1 + run(s, j + 1, n, C_DOMAIN, 63, mixed, hit);
        g++;
    }
    return g ? j : 0;
}

/* One token at s[i] (an ASCII byte, not a space) by the default pattern's
 * rules. Returns its end; *kind receives the kind. */
HN_INLINE size_t scan_token(const hn_tok_opts *o, const char *s, size_t i, size_t n, int *kind, int mixed, int *hit)
{
    unsigned char ch = (unsigned char)s[i];
    size_t j, k;
    if (o->rw_html && ch == '<') { /* </?[a-zA-Z][a-zA-Z0-9]*+[^<>]{0,512}+> */
        j = i + 1;
        if (j < n && s[j] == '/') j++;
        if (j < n && CLS(s[j], C_ALPHA)) {
            j++;
            j += run(s, j, n, C_ALNUM, SIZE_MAX, mixed, hit);
            for (k = 0; k < 512 && j < n && s[j] != '<' && s[j] != '>'; k++) {
                if (mixed && (unsigned char)s[j] >= 0x80) *hit = 1; /* counts characters, not bytes */
                j++;
            }
            if (j < n && s[j] == '>') {
                *kind = HN_TOKEN_HTML;
                return j + 1;
            }
        }
    }
    if (o->rw_url && (ch == 'h' || ch == 'H' || ch == 'w' || ch == 'W')) {
        size_t p = 0;
        if (lower_eq(s + i, n - i, "https://", mixed, hit)) p = 8;
        else if (lower_eq(s + i, n - i, "http://", mixed, hit)) p = 7;
        else if (lower_eq(s + i, n - i, "www.", mixed, hit)) p = 4;
        if (p) {
            j = i + p;
            k = 0;
            while (j + k < n && !CLS(s[j + k], C_URLBAD)) k++;
            if (k) {
                *kind = HN_TOKEN_URL;
                return j + k;
            }
        }
    }
    if (IS(ch, C_WORD)) {
        /* The common case, a word: its run first. An e-mail address needs
         * its [\w.+-]{1,64} run followed by '@'; the word run is a prefix
         * of that run, so unless the word is at most 64 long and followed
         * by one of . + - @, no address starts here. */
        size_t w = mixed ? run(s, i, n, C_WORD, SIZE_MAX, mixed, hit) : word_run_ascii(s, i, n);
        if (o->rw_email && w <= 64 && i + w < n && (s[i + w] == '@' || s[i + w] == '.' || s[i + w] == '+' || s[i + w] == '-')) {
            if ((j = scan_email(s, i, n, mixed, hit))) {
                *kind = HN_TOKEN_EMAIL;
                return j;
            }
        }
        if (o->rw_number && IS(ch, C_DIGIT)) {
            j = scan_number(s, i, n, mixed, hit);
            if (j >= n || !CLS(s[j], C_WORD)) {
                *kind = HN_TOKEN_NUMBER;
                return j;
            }
        }
        *kind = HN_TOKEN_WORD;
        return i + w;
    }
    if (o->rw_email && IS(ch, C_EMAIL) && (j = scan_email(s, i, n, mixed, hit))) { /* . + - */
        *kind = HN_TOKEN_EMAIL;
        return j;
    }
    if (o->rw_money && ch == '$') {
        j = i + 1;
        if (j < n && CLS(s[j], C_SPACE)) j++;
        if (j < n && CLS(s[j], C_DIGIT)) {
            *kind = HN_TOKEN_MONEY;
            return scan_number(s, j, n, mixed, hit);
        }
    }
    j = i + 1;
    while (j < n && s[j] == (char)ch) j++;
    *kind = HN_TOKEN_PUNCT;
    return j;
}

static hn_status push_token(hn_arena *a, hn_token **toks, int32_t *n, int32_t *cap, const char *s, int32_t len,
                            int kind)
{
    if (*n == *cap) {
        int32_t nc = *cap ? *cap * 2 : 64;
        hn_token *t = hn_arena_grow(a, *toks, (size_t)*cap * sizeof **toks, (size_t)nc * sizeof **toks);
        if (!t || nc < *cap) return HN_ERR_NOMEM;
        *toks = t;
        *cap = nc;
    }
    if (placeholder[kind]) {
        s = placeholder[kind];
        len = (int32_t)strlen(s);
    }
    (*toks)[*n].s = s;
    (*toks)[*n].len = len;
    (*toks)[*n].kind = kind;
    (*n)++;
    return HN_OK;
}

/* The pattern's next match at or after i: 1 with [*ms, *me) and its kind,
 * 0 when nothing more matches, 2 for an empty match at *ms (the caller
 * steps over one code point), or an error status negated. */
static int pcre_next(const hn_tokenizer *t, hn_tok_ctx *c, const char *s, size_t n, size_t i, size_t *ms_out,
                     size_t *me_out, int *kind_out, hn_err *err)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
    int rc = pcre2_match(t->re, (PCRE2_SPTR)s, n, i, PCRE2_NO_UTF_CHECK, c->md, t->mctx);
    size_t ms, me;
    int kind = HN_TOKEN_WORD, g;
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* a user pattern deep in backtracking: the interpreter's heap */
        rc = pcre2_match(t->re, (PCRE2_SPTR)s, n, i, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, c->md, t->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        hn_err_set(err, HN_ERR_REGEX, "token pattern: %s", (const char *)msg);
        return -HN_ERR_REGEX;
    }
    ms = ov[0];
    me = ov[1];
    *ms_out = ms;
    if (me == ms) return 2;
    if (t->default_pattern) {
        static const int group_kind[7] = {0, HN_TOKEN_HTML, HN_TOKEN_URL, HN_TOKEN_EMAIL,
                                          HN_TOKEN_MONEY, HN_TOKEN_NUMBER, HN_TOKEN_PUNCT};
        for (g = 1; g < rc && g <= 6; g++)
            if (ov[2 * g] != PCRE2_UNSET) {
                kind = group_kind[g];
                break;
            }
        /* a run of one punctuation character is one token; the run
         * is extended here, not by a backreference repeat in the
         * pattern, which costs JIT stack per repeat and failed on
         * runs of a few thousand characters */
        if (kind == HN_TOKEN_PUNCT) {
            size_t cl = me - ms;
            while (me + cl <= n && memcmp(s + me, s + ms, cl) == 0) me += cl;
        }
    }
    *me_out = me;
    *kind_out = kind;
    return 1;
}

static hn_status tokenize_norm(const hn_tokenizer *t, hn_tok_ctx *c, const char *s, size_t n, int ascii,
                               hn_arena *a, hn_token **toks, int32_t *ntok, hn_err *err)
{
    int32_t cnt = 0, cap = 0;
    hn_token *tk = NULL;
    size_t i = 0;
    if (n > INT32_MAX) return hn_err_set(err, HN_ERR_ARG, "line longer than 2 GiB");
    if (ascii && t->default_pattern && !c->force_unicode) {
        while (i < n) {
            int kind, hit = 0;
            size_t e;
            if (IS(s[i], C_SPACE)) {
                i++;
                continue;
            }
            e = scan_token(&t->o, s, i, n, &kind, 0, &hit);
            if (push_token(a, &tk, &cnt, &cap, s + i, (int32_t)(e - i), kind) != HN_OK) goto nomem;
            i = e;
        }
    } else {
        /* PCRE2 for every token, or (default pattern, a line with some
         * non-ASCII bytes) for the tokens the scanner cannot decide alone:
         * the pattern's next match from i is where the scanner would
         * start too, since no token starts with an ASCII space */
        int hybrid = t->default_pattern && !c->force_unicode;
        while (i < n) {
            size_t ms = i, me = i;
            int kind = HN_TOKEN_WORD, rc;
            if (hybrid && (unsigned char)s[i] < 0x80) {
                int hit = 0;
                if (IS(s[i], C_SPACE)) {
                    i++;
                    continue;
                }
                me = scan_token(&t->o, s, i, n, &kind, 1, &hit);
                if (!hit) {
                    if (push_token(a, &tk, &cnt, &cap, s + i, (int32_t)(me - i), kind) != HN_OK) goto nomem;
                    i = me;
                    continue;
                }
            }
            rc = pcre_next(t, c, s, n, i, &ms, &me, &kind, err);
            if (rc == 0) break;
            if (rc < 0) return (hn_status)-rc;
            if (rc == 2) { /* empty match: step over one code point */
                i = ms + 1;
                while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
                continue;
            }
            if (push_token(a, &tk, &cnt, &cap, s + ms, (int32_t)(me - ms), kind) != HN_OK) goto nomem;
            i = me;
        }
    }
    *toks = tk;
    *ntok = cnt;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory tokenizing a line of %zu bytes", n);
}

hn_status hn_tok_tokens(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len, hn_arena *a,
                        hn_token **toks, int32_t *ntok, hn_err *err)
{
    char *norm = NULL;
    size_t nlen = 0;
    int ascii = 0;
    hn_status st;
    *toks = NULL;
    *ntok = 0;
    if ((st = normalize(t, c, text, len, a, &norm, &nlen, &ascii, err)) != HN_OK) return st;
    return tokenize_norm(t, c, norm, nlen, ascii, a, toks, ntok, err);
}

/* ---- hashing and features ---------------------------------------------- */

/* Mix the running n-gram hash with the next token's hash (position
 * sensitive: "a b" and "b a" differ). */
static inline uint64_t ngram_mix(uint64_t h, uint64_t next)
{
    h = (h ^ (next + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2))) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

/* The distinct features of one line, in first-seen order (idx/val), with
 * an open-addressing index (tab: the bucket + 1 and its place in idx/val
 * side by side, so a probe touches one cache line). Both start small and
 * double as features arrive (up to the line's upper bound), so memory
 * follows the distinct features, not the tokens: 4.5 million "&#" tokens
 * are 4 features, not a 32-million-slot table. */
typedef struct feat_slot {
    uint32_t key;    /* bucket + 1, 0 = empty */
    int32_t at;      /* index into idx/val */
} feat_slot;

typedef struct feat_table {
    feat_slot *tab;
    uint32_t mask;
    uint32_t *idx;
    float *val;
    int32_t n, cap;  /* features, room in idx/val (the table has 2 cap slots or more) */
    hn_arena *a;
} feat_table;

#define FEAT_START 4096 /* idx/val room a line starts with (at most its bound) */
#define FEAT_AHEAD 8    /* adds between a slot's prefetch and its probe */

/* Room for one more feature: double idx/val and the index. 0, or -1 when
 * the arena runs out. */
static __attribute__((noinline)) int feat_grow(feat_table *ft)
{
    int32_t nc = ft->cap * 2, k;
    uint32_t tsize = (ft->mask + 1) * 2;
    feat_slot *tab;
    uint32_t *idx = hn_arena_grow(ft->a, ft->idx, (size_t)ft->cap * sizeof *idx, (size_t)nc * sizeof *idx);
    float *val = idx ? hn_arena_grow(ft->a, ft->val, (size_t)ft->cap * sizeof *val, (size_t)nc * sizeof *val) : NULL;
    if (!idx || !val) return -1;
    ft->idx = idx;
    ft->val = val;
    ft->cap = nc;
    if (!(tab = hn_arena_alloc(ft->a, tsize * sizeof *tab))) return -1;
    memset(tab, 0, tsize * sizeof *tab);
    ft->tab = tab;
    ft->mask = tsize - 1;
    for (k = 0; k < ft->n; k++) {
        uint32_t b = ft->idx[k], pos = (b * 0x9E3779B1u) & ft->mask;
        while (ft->tab[pos].key) pos = (pos + 1) & ft->mask;
        ft->tab[pos].key = b + 1;
        ft->tab[pos].at = k;
    }
    return 0;
}

/* Add one occurrence of hash h. Inlined into a function that keeps the
 * table in a local: the grow path works on a copy, so the table's fields
 * stay in registers. */
static inline int feat_add(feat_table *ft, uint64_t h, int bits, int signed_hash)
{
    uint32_t b = (uint32_t)(h >> (64 - bits));
    float v = (signed_hash && (h & 1)) ? -1.0f : 1.0f;
    uint32_t pos = (b * 0x9E3779B1u) & ft->mask;
    for (;;) {
        uint32_t k = ft->tab[pos].key;
        if (k == b + 1) {
            ft->val[ft->tab[pos].at] += v;
            return 0;
        }
        if (k == 0) {
            if (__builtin_expect(ft->n == ft->cap, 0)) { /* rare: grow, then find the new empty slot */
                feat_table g = *ft;
                if (feat_grow(&g)) {
                    *ft = g;
                    return -1;
                }
                *ft = g;
                pos = (b * 0x9E3779B1u) & ft->mask;
                while (ft->tab[pos].key) pos = (pos + 1) & ft->mask;
            }
            ft->tab[pos].key = b + 1;
            ft->tab[pos].at = ft->n;
            ft->idx[ft->n] = b;
            ft->val[ft->n] = v;
            ft->n++;
            return 0;
        }
        pos = (pos + 1) & ft->mask;
    }
}

/* Number of code points in s[0..n). */
static size_t count_cp(const char *s, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

hn_status hn_tok_featurize(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len, hn_arena *a,
                           hn_svec *out, hn_err *err)
{
    return hn_tok_featurize_grams(t, c, text, len, a, out, NULL, NULL, err);
}

/* Tell fn about one feature occurrence (only when someone asked: the
 * normal path pays one predictable branch). */
static inline void gram_out(hn_gram_fn fn, void *user, uint64_t h, int bits, int signed_hash, int32_t order,
                            const hn_token *toks, const char *chars, size_t clen)
{
    hn_gram g;
    if (!fn) return;
    g.bucket = (uint32_t)(h >> (64 - bits));
    g.sign = (signed_hash && (h & 1)) ? -1.0f : 1.0f;
    g.order = order;
    g.toks = toks;
    g.chars = chars;
    g.chars_len = clen;
    fn(&g, user);
}

hn_status hn_tok_featurize_grams(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len, hn_arena *a,
                                 hn_svec *out, hn_gram_fn fn, void *user, hn_err *err)
{
    const hn_tok_opts *o = &t->o;
    hn_token *tk;
    int32_t ntok, i, g;
    uint64_t *th, maxf = 0, maxf_words;
    int64_t nh, hq;
    feat_table ft;
    size_t tsize;
    char *gram = NULL;
    size_t gram_cap = 0;
    hn_status st;
    out->n = 0;
    out->idx = NULL;
    out->val = NULL;
    if ((st = hn_tok_tokens(t, c, text, len, a, &tk, &ntok, err)) != HN_OK) return st;
    if (ntok == 0) return HN_OK;
    /* upper bound on the number of features */
    maxf = maxf_words = (uint64_t)ntok * (uint64_t)o->word_ngrams;
    if (o->maxn > 0) {
        for (i = 0; i < ntok; i++)
            if (tk[i].kind == HN_TOKEN_WORD) {
                size_t cp = count_cp(tk[i].s, (size_t)tk[i].len) + 2;
                maxf += (uint64_t)(o->maxn - o->minn + 1) * cp;
                if ((size_t)tk[i].len + 2 > gram_cap) gram_cap = (size_t)tk[i].len + 2;
            }
    }
    if (maxf > (1u << 30)) return hn_err_set(err, HN_ERR_NOMEM, "line has too many features (%llu)", (unsigned long long)maxf);
    ft.cap = maxf < FEAT_START ? (int32_t)maxf : FEAT_START; /* grows by doubling; bounded by maxf in practice */
    tsize = 16;
    while (tsize < (size_t)ft.cap * 2) tsize *= 2;
    ft.a = a;
    th = hn_arena_alloc(a, (size_t)maxf_words * sizeof *th);
    ft.tab = hn_arena_alloc(a, tsize * sizeof *ft.tab);
    ft.idx = hn_arena_alloc(a, (size_t)ft.cap * sizeof *ft.idx);
    ft.val = hn_arena_alloc(a, (size_t)ft.cap * sizeof *ft.val);
    if (gram_cap) gram = hn_arena_alloc(a, gram_cap);
    if (!th || !ft.tab || !ft.idx || !ft.val || (gram_cap && !gram))
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for %llu features", (unsigned long long)maxf);
    memset(ft.tab, 0, tsize * sizeof *ft.tab);
    ft.mask = (uint32_t)(tsize - 1);
    ft.n = 0;
    /* Every word n-gram hash first (independent, so they overlap), then
     * the table in the same order (unigrams, then bigrams, ...: the order
     * features are first seen in), each slot prefetched a few adds ahead:
     * the table outgrows L1 on long lines and a probe is a miss. */
    for (i = 0; i < ntok; i++)
        th[i] = placeholder[tk[i].kind] ? t->ph_hash[tk[i].kind] : hn_tok_hash(tk[i].s, (size_t)tk[i].len, o->seed);
    nh = ntok;
    for (g = 2; g <= o->word_ngrams; g++) {
        for (i = 0; i + g <= ntok; i++) {
            uint64_t h = th[i] ^ (uint64_t)g;
            int32_t j;
            for (j = 1; j < g; j++) h = ngram_mix(h, th[i + j]);
            th[nh++] = h;
        }
    }
    for (hq = 0, g = 1, i = 0; hq < nh; hq++, i++) {
        if (hq + FEAT_AHEAD < nh)
            __builtin_prefetch(&ft.tab[((uint32_t)(th[hq + FEAT_AHEAD] >> (64 - o->bits)) * 0x9E3779B1u) & ft.mask]);
        if (i + g > ntok) { /* next order */
            g++;
            i = 0;
        }
        if (feat_add(&ft, th[hq], o->bits, o->signed_hash)) goto nomem;
        gram_out(fn, user, th[hq], o->bits, o->signed_hash, g, tk + i, NULL, 0);
    }
    if (o->maxn > 0) {
        uint64_t cseed = o->seed ^ CHAR_NGRAM_SALT;
        for (i = 0; i < ntok; i++) {
            size_t wl, p, starts[64], ns;
            if (tk[i].kind != HN_TOKEN_WORD) continue;
            wl = (size_t)tk[i].len + 2;
            gram[0] = '<';
            memcpy(gram + 1, tk[i].s, (size_t)tk[i].len);
            gram[wl - 1] = '>';
            /* walk code point starts; for each start, n-grams of minn..maxn code points */
            for (p = 0; p < wl; p++) {
                size_t q = p, k;
                if (((unsigned char)gram[p] & 0xC0) == 0x80) continue;
                ns = 0;
                for (k = 0; k < (size_t)o->maxn && q < wl; k++) {
                    q++;
                    while (q < wl && ((unsigned char)gram[q] & 0xC0) == 0x80) q++;
                    starts[ns++] = q;
                }
                for (k = (size_t)o->minn; k <= ns; k++) {
                    size_t glen = starts[k - 1] - p;
                    if (glen == wl) continue; /* the whole "<word>": the word feature covers it */
                    if (glen == 1 && (p == 0 || p == wl - 1)) continue; /* a lone boundary marker */
                    {
                        uint64_t h = hn_tok_hash(gram + p, glen, cseed);
                        if (feat_add(&ft, h, o->bits, o->signed_hash)) goto nomem;
                        gram_out(fn, user, h, o->bits, o->signed_hash, 0, tk + i, gram + p, glen);
                    }
                }
            }
        }
    }
    /* weighting and L2 normalization */
    {
        double norm = 0;
        int32_t k, m = 0;
        for (k = 0; k < ft.n; k++) {
            float v = ft.val[k], w;
            float av = fabsf(v);
            if (v == 0) continue; /* signed collisions cancelled out */
            switch (o->weighting) {
            case HN_WEIGHTING_BINARY: w = 1.0f; break;
            case HN_WEIGHTING_TF: w = av; break;
            default: /* counts are whole numbers: small ones from the table */
                w = av < (float)HN_LOGTF_TABLE ? t->logtf[(int)av] : 1.0f + logf(av);
                break;
            }
            if (v < 0) w = -w;
            ft.idx[m] = ft.idx[k];
            ft.val[m] = w;
            norm += (double)w * w;
            m++;
        }
        if (o->l2_normalize && norm > 0) {
            float inv = (float)(1.0 / sqrt(norm));
            for (k = 0; k < m; k++) ft.val[k] *= inv;
        }
        out->n = m;
    }
    out->idx = ft.idx;
    out->val = ft.val;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the features of a line (%d so far; the arena needed %zu bytes)",
                      (int)ft.n, hn_arena_need(a));
}
