/* tokenizer.h - text to hashed n-gram features: the only way text enters a model
 *
 * tokenizer/ may include src/base, libutf8proc, PCRE2 and xxhash; never
 * models/ or mining/. It turns one line of text into an hn_svec:
 *
 *   bytes --repair UTF-8 (U+FFFD), control chars -> space
 *         --normalize (utf8proc: NFC always; NFKC, case folding, mark
 *           stripping each switchable; ASCII lines take a fast path with
 *           identical output)
 *         --tokenize (one PCRE2 pattern, JIT compiled; the default pattern
 *           also rewrites HTML tags, URLs, e-mail addresses, currency
 *           amounts and numbers to placeholder tokens __html__ __url__
 *           __email__ __money__ __num__; ASCII lines take a hand-written
 *           scanner with identical output)
 *         --hash (XXH3-64 with the seed; word n-grams 1..N combine the
 *           token hashes; char n-grams minn..maxn over "<word>")
 *         --bucket (top `bits` bits), sign (optional), merge duplicates,
 *           weight (binary, tf, log-tf), L2 normalize  --> hn_svec
 *
 * Example:
 *
 *     hn_tok_opts o; hn_tok_opts_default(&o);
 *     hn_tokenizer *tok; hn_tok_ctx *ctx; hn_err err;
 *     if (hn_tok_create(&o, &tok, &err) || hn_tok_ctx_create(tok, &ctx, &err)) ...
 *     hn_arena a; hn_arena_init(&a, 1 << 16);
 *     for each line { hn_arena_reset(&a); hn_svec x;
 *                     hn_tok_featurize(tok, ctx, line, len, &a, &x, &err); ... }
 *
 * Threads: an hn_tokenizer is immutable after creation and may be shared;
 * each thread needs its own hn_tok_ctx and arena.
 * The hash function, its seed and the bucket rule are part of the model
 * file format (HN_TOK_HASH_VERSION); tests pin golden values.
 */
#ifndef HN_TOKENIZER_H
#define HN_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/arena.h"
#include "src/base/status.h"
#include "src/base/svec.h"

#define HN_TOK_HASH_VERSION 1
#define HN_TOK_PATTERN_MAX 1024

typedef enum hn_weighting {
    HN_WEIGHTING_BINARY,  /* 1 per distinct feature */
    HN_WEIGHTING_TF,      /* count */
    HN_WEIGHTING_LOGTF,   /* 1 + log(count) */
    HN_WEIGHTING_COUNT
} hn_weighting;

typedef enum hn_token_kind {
    HN_TOKEN_WORD,
    HN_TOKEN_PUNCT,
    HN_TOKEN_HTML,
    HN_TOKEN_URL,
    HN_TOKEN_EMAIL,
    HN_TOKEN_MONEY,
    HN_TOKEN_NUMBER,
    HN_TOKEN_KIND_COUNT
} hn_token_kind;

typedef struct hn_tok_opts {
    int32_t nfkc;          /* NFKC (compatibility) instead of NFC; also drops default-ignorables */
    int32_t casefold;      /* Unicode case folding */
    int32_t strip_marks;   /* remove combining marks (accents) */
    int32_t rw_html;       /* rewrite HTML tags to __html__ */
    int32_t rw_url;        /* URLs to __url__ */
    int32_t rw_email;      /* e-mail addresses to __email__ */
    int32_t rw_money;      /* currency amounts to __money__ */
    int32_t rw_number;     /* numbers to __num__ */
    char token_pattern[HN_TOK_PATTERN_MAX]; /* "" = the default pattern; else every match is a token, no rewrites */
    int32_t word_ngrams;   /* word n-grams 1..N, N in [1, 5] */
    int32_t minn, maxn;    /* char n-grams of words, in code points; 0 0 = off; else 1 <= minn <= maxn <= 10 */
    int32_t bits;          /* 2^bits buckets, bits in [1, 30] */
    uint64_t seed;         /* hash seed */
    int32_t signed_hash;   /* feature value sign from one hash bit */
    hn_weighting weighting;
    int32_t l2_normalize;  /* scale the vector to unit L2 norm */
} hn_tok_opts;

/* The defaults (read by --help too): NFKC, case folding, mark stripping,
 * every rewrite on, default pattern, word 1-2 grams, no char n-grams,
 * 2^20 buckets, seed 0x68617264, unsigned, log-tf, L2 normalized. */
void hn_tok_opts_default(hn_tok_opts *o);

/* Check ranges and compile the pattern; HN_ERR_ARG / HN_ERR_REGEX with a
 * message naming the option. */
hn_status hn_tok_opts_check(const hn_tok_opts *o, hn_err *err);

/* Serialize as "key value\n" text lines into a malloc'd buffer (owned by
 * the caller, NUL-terminated; *len excludes the NUL). */
hn_status hn_tok_opts_save(const hn_tok_opts *o, char **buf, size_t *len);

/* Parse what hn_tok_opts_save wrote. Unknown keys, a different hash
 * version, bad values: HN_ERR_FORMAT naming the key. Missing keys keep
 * their defaults. The result is checked with hn_tok_opts_check. */
hn_status hn_tok_opts_load(const char *buf, size_t len, hn_tok_opts *o, hn_err *err);

/* Parse "binary" / "tf" / "log-tf". */
hn_status hn_weighting_parse(const char *s, hn_weighting *out);
const char *hn_weighting_name(hn_weighting w);

typedef struct hn_tokenizer hn_tokenizer;  /* immutable, shareable */
typedef struct hn_tok_ctx hn_tok_ctx;      /* per thread */

/* Create a tokenizer (compiles and JIT-compiles the pattern once).
 * *out is owned by the caller: hn_tok_free. */
hn_status hn_tok_create(const hn_tok_opts *o, hn_tokenizer **out, hn_err *err);
void hn_tok_free(hn_tokenizer *t);

/* The options the tokenizer was built with (borrowed, lives as long as t). */
const hn_tok_opts *hn_tok_opts_of(const hn_tokenizer *t);

/* Per-thread state: PCRE2 match data and counters. Owned: hn_tok_ctx_free. */
hn_status hn_tok_ctx_create(const hn_tokenizer *t, hn_tok_ctx **out, hn_err *err);
void hn_tok_ctx_free(hn_tok_ctx *c);

/* Strict mode: invalid UTF-8 is HN_ERR_UTF8 instead of being repaired. */
void hn_tok_ctx_set_strict(hn_tok_ctx *c, int strict);

/* Lines repaired (had invalid UTF-8) and invalid sequences replaced by
 * U+FFFD so far in this context. */
int64_t hn_tok_ctx_repaired_lines(const hn_tok_ctx *c);
int64_t hn_tok_ctx_repaired_seqs(const hn_tok_ctx *c);

/* For tests: 1 forces the Unicode path (utf8proc + PCRE2) on ASCII lines
 * too, so both paths can be compared. */
void hn_tok_ctx_force_unicode(hn_tok_ctx *c, int on);

typedef struct hn_token {
    const char *s;        /* borrowed: arena text or a static placeholder */
    int32_t len;
    int32_t kind;         /* hn_token_kind */
} hn_token;

/* Normalize and tokenize `text` (`len` bytes, any bytes, NULs allowed).
 * Token text lives in `a` until its next reset. */
hn_status hn_tok_tokens(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len,
                        hn_arena *a, hn_token **toks, int32_t *ntok, hn_err *err);

/* Normalize, tokenize, hash and weight `text` into *out, whose arrays live
 * in `a` until its next reset. An empty line gives n == 0. */
hn_status hn_tok_featurize(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len,
                           hn_arena *a, hn_svec *out, hn_err *err);

/* One feature occurrence, as hn_tok_featurize_grams reports it, before
 * duplicates merge and weighting. */
typedef struct hn_gram {
    uint32_t bucket;
    float sign;            /* +1, or -1 under signed hashing */
    int32_t order;         /* word n-gram: n (1 = a word); character n-gram: 0 */
    const hn_token *toks;  /* word n-gram: its `order` tokens; character n-gram: its word */
    const char *chars;     /* character n-gram: its bytes, "<" and ">" marking the word's ends */
    size_t chars_len;
} hn_gram;

/* Called for every n-gram; everything in g is borrowed for the call only. */
typedef void (*hn_gram_fn)(const hn_gram *g, void *user);

/* hn_tok_featurize, and fn(g, user) for each word and character n-gram
 * as it is hashed (fn may be NULL): what `hardneg tokenize --grams` and
 * `explain` print beside the buckets. Same result in *out. */
hn_status hn_tok_featurize_grams(const hn_tokenizer *t, hn_tok_ctx *c, const char *text, size_t len,
                                 hn_arena *a, hn_svec *out, hn_gram_fn fn, void *user, hn_err *err);

/* The 64-bit hash of a byte string under a seed (the hash of the format). */
uint64_t hn_tok_hash(const void *s, size_t len, uint64_t seed);

#endif /* HN_TOKENIZER_H */
