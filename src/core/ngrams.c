/* ngrams.c - the n-gram side table: counting (bucket, n-gram) pairs,
 * keeping the top strings of each bucket, the file section (see ngrams.h)
 *
 * src/core: base, tokenizer (the hn_gram callback and its hash), the
 * source reader. The builder is an open-addressing table of distinct
 * (bucket, string) pairs, strings in one pool, plus a second table of
 * per-bucket totals; nothing is allocated per n-gram. When the pairs
 * pass max_entries, every pair with a count at or below the smallest
 * threshold that frees half of them is dropped and the pool compacted
 * (lossy counting; the table then says "pruned").
 */
#include "src/core/ngrams.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/arena.h"
#include "src/core/source.h"

typedef struct pair {
    uint64_t h;
    uint32_t bucket;
    uint32_t len;
    int64_t count;
    size_t off;      /* into the pool */
    const char *s;   /* pool + off, set just before the final sort */
} pair;

struct hn_ngram_builder {
    int32_t per_bucket;
    size_t max_entries;
    pair *e;
    size_t ne, cap_e;
    size_t *slot;    /* index + 1 into e; 0 empty */
    size_t mask;
    char *pool;
    size_t pool_len, pool_cap;
    uint32_t *bkey;  /* bucket + 1; 0 empty */
    int64_t *bdistinct, *bocc;
    size_t bmask, bn;
    char *buf;
    size_t buf_cap;
    int oom, pruned;
};

struct hn_ngram_table {
    int32_t per_bucket;
    int pruned;
    int64_t nb, ne;
    uint32_t *bucket;
    int64_t *distinct, *occ, *first;   /* first: nb + 1 offsets into grams/counts */
    const char **grams;
    int64_t *counts;
    char *pool;
};

/* ---- building ------------------------------------------------------------------ */

static uint64_t mix(uint32_t bucket)
{
    uint64_t z = (uint64_t)bucket + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

hn_status hn_ngram_builder_create(int32_t per_bucket, size_t max_entries, hn_ngram_builder **out, hn_err *err)
{
    hn_ngram_builder *b;
    *out = NULL;
    if (per_bucket < 1 || per_bucket > HN_NGRAMS_PER_BUCKET_MAX)
        return hn_err_set(err, HN_ERR_ARG, "--keep-ngrams: %d strings a bucket is not in [1, %d]", (int)per_bucket,
                          HN_NGRAMS_PER_BUCKET_MAX);
    if (max_entries < 1024) max_entries = 1024;
    if (!(b = calloc(1, sizeof *b))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    b->per_bucket = per_bucket;
    b->max_entries = max_entries;
    b->mask = 4095;
    b->bmask = 4095;
    b->slot = calloc(b->mask + 1, sizeof *b->slot);
    b->bkey = calloc(b->bmask + 1, sizeof *b->bkey);
    b->bdistinct = calloc(b->bmask + 1, sizeof *b->bdistinct);
    b->bocc = calloc(b->bmask + 1, sizeof *b->bocc);
    if (!b->slot || !b->bkey || !b->bdistinct || !b->bocc) {
        hn_ngram_builder_free(b);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    *out = b;
    return HN_OK;
}

void hn_ngram_builder_free(hn_ngram_builder *b)
{
    if (!b) return;
    free(b->e);
    free(b->slot);
    free(b->pool);
    free(b->bkey);
    free(b->bdistinct);
    free(b->bocc);
    free(b->buf);
    free(b);
}

/* The per-bucket totals: the slot of `bucket`, inserted if new; (size_t)-1 out of memory. */
static size_t bucket_slot(hn_ngram_builder *b, uint32_t bucket)
{
    size_t pos;
    if ((b->bn + 1) * 2 > b->bmask + 1) { /* grow */
        size_t nm = b->bmask * 2 + 1, i;
        uint32_t *k = calloc(nm + 1, sizeof *k);
        int64_t *d = calloc(nm + 1, sizeof *d), *o = calloc(nm + 1, sizeof *o);
        if (!k || !d || !o) {
            free(k);
            free(d);
            free(o);
            return (size_t)-1;
        }
        for (i = 0; i <= b->bmask; i++) {
            size_t p;
            if (!b->bkey[i]) continue;
            p = mix(b->bkey[i] - 1) & nm;
            while (k[p]) p = (p + 1) & nm;
            k[p] = b->bkey[i];
            d[p] = b->bdistinct[i];
            o[p] = b->bocc[i];
        }
        free(b->bkey);
        free(b->bdistinct);
        free(b->bocc);
        b->bkey = k;
        b->bdistinct = d;
        b->bocc = o;
        b->bmask = nm;
    }
    pos = mix(bucket) & b->bmask;
    while (b->bkey[pos] && b->bkey[pos] != bucket + 1) pos = (pos + 1) & b->bmask;
    if (!b->bkey[pos]) {
        b->bkey[pos] = bucket + 1;
        b->bn++;
    }
    return pos;
}

/* The slot of a bucket known to be there. */
static size_t bucket_find(const hn_ngram_builder *b, uint32_t bucket)
{
    size_t pos = mix(bucket) & b->bmask;
    while (b->bkey[pos] != bucket + 1) pos = (pos + 1) & b->bmask;
    return pos;
}

static int rehash(hn_ngram_builder *b, size_t nmask)
{
    size_t *s = calloc(nmask + 1, sizeof *s), i;
    if (!s) return -1;
    for (i = 0; i < b->ne; i++) {
        size_t p = b->e[i].h & nmask;
        while (s[p]) p = (p + 1) & nmask;
        s[p] = i + 1;
    }
    free(b->slot);
    b->slot = s;
    b->mask = nmask;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Drop the rarest pairs: those with count <= the median count (at least
 * half of them), compacting the pairs and the pool. */
static int prune(hn_ngram_builder *b)
{
    int64_t *c = malloc(b->ne * sizeof *c), thr;
    char *np;
    size_t i, k = 0, plen = 0;
    if (!c) return -1;
    for (i = 0; i < b->ne; i++) c[i] = b->e[i].count;
    qsort(c, b->ne, sizeof *c, cmp_i64);
    thr = c[b->ne / 2];
    free(c);
    for (i = 0; i < b->ne; i++)
        if (b->e[i].count > thr) plen += b->e[i].len;
    if (!(np = malloc(plen ? plen : 1))) return -1;
    plen = 0;
    for (i = 0; i < b->ne; i++) {
        pair p = b->e[i];
        if (p.count <= thr) continue;
        memcpy(np + plen, b->pool + p.off, p.len);
        p.off = plen;
        plen += p.len;
        b->e[k++] = p;
    }
    free(b->pool);
    b->pool = np;
    b->pool_len = plen;
    b->pool_cap = plen ? plen : 1;
    b->ne = k;
    b->pruned = 1;
    return rehash(b, b->mask);
}

static void add(hn_ngram_builder *b, uint32_t bucket, const char *s, size_t len)
{
    uint64_t h = hn_tok_hash(s, len, mix(bucket));
    size_t pos = h & b->mask, bs;
    if ((bs = bucket_slot(b, bucket)) == (size_t)-1) {
        b->oom = 1;
        return;
    }
    b->bocc[bs]++;
    for (;;) {
        size_t i = b->slot[pos];
        if (!i) break;
        i--;
        if (b->e[i].h == h && b->e[i].bucket == bucket && b->e[i].len == len && !memcmp(b->pool + b->e[i].off, s, len)) {
            b->e[i].count++;
            return;
        }
        pos = (pos + 1) & b->mask;
    }
    /* new pair */
    b->bdistinct[bs]++;
    if (b->ne == b->cap_e) {
        size_t nc = b->cap_e ? b->cap_e * 2 : 4096;
        pair *ne = realloc(b->e, nc * sizeof *ne);
        if (!ne) {
            b->oom = 1;
            return;
        }
        b->e = ne;
        b->cap_e = nc;
    }
    if (b->pool_len + len > b->pool_cap) {
        size_t nc = b->pool_cap ? b->pool_cap : 1 << 16;
        char *np;
        while (nc < b->pool_len + len) nc *= 2;
        if (!(np = realloc(b->pool, nc))) {
            b->oom = 1;
            return;
        }
        b->pool = np;
        b->pool_cap = nc;
    }
    memcpy(b->pool + b->pool_len, s, len);
    b->e[b->ne].h = h;
    b->e[b->ne].bucket = bucket;
    b->e[b->ne].len = (uint32_t)len;
    b->e[b->ne].count = 1;
    b->e[b->ne].off = b->pool_len;
    b->pool_len += len;
    b->slot[pos] = ++b->ne;
    if (b->ne * 2 > b->mask + 1 && rehash(b, b->mask * 2 + 1)) b->oom = 1;
    if (!b->oom && b->ne > b->max_entries && prune(b)) b->oom = 1;
}

void hn_ngram_builder_gram(const hn_gram *g, void *user)
{
    hn_ngram_builder *b = user;
    size_t len = 0, k = 0;
    int32_t i;
    if (b->oom) return;
    if (g->order == 0) len = g->chars_len;
    else
        for (i = 0; i < g->order; i++) len += (size_t)g->toks[i].len + (i > 0);
    if (len > UINT32_MAX / 2) return;
    if (len > b->buf_cap) {
        size_t nc = len < 256 ? 256 : len;
        char *nb = realloc(b->buf, nc);
        if (!nb) {
            b->oom = 1;
            return;
        }
        b->buf = nb;
        b->buf_cap = nc;
    }
    if (g->order == 0) {
        memcpy(b->buf, g->chars, len);
    } else {
        for (i = 0; i < g->order; i++) {
            if (i) b->buf[k++] = ' ';
            memcpy(b->buf + k, g->toks[i].s, (size_t)g->toks[i].len);
            k += (size_t)g->toks[i].len;
        }
    }
    for (k = 0; k < len; k++) /* one field of a TAB-separated line */
        if (b->buf[k] == '\t' || b->buf[k] == '\n' || b->buf[k] == '\r') b->buf[k] = ' ';
    add(b, g->bucket, b->buf, len);
}

/* sort order while finishing: bucket, count (most first), bytes */
static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    size_t n;
    int c;
    if (p->bucket != q->bucket) return p->bucket < q->bucket ? -1 : 1;
    if (p->count != q->count) return p->count > q->count ? -1 : 1;
    n = p->len < q->len ? p->len : q->len;
    c = memcmp(p->s, q->s, n);
    if (c) return c;
    return (p->len > q->len) - (p->len < q->len);
}

typedef struct kept {
    int64_t count;
    size_t idx;   /* into the sorted pairs */
} kept;

static int cmp_kept(const void *x, const void *y)
{
    const kept *p = x, *q = y;
    if (p->count != q->count) return p->count > q->count ? -1 : 1;
    return (p->idx > q->idx) - (p->idx < q->idx);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

hn_status hn_ngram_builder_finish(hn_ngram_builder *b, size_t max_bytes, hn_ngram_table **out, hn_err *err)
{
    hn_ngram_table *t = NULL;
    unsigned char *keep = NULL;
    kept *kp = NULL;
    size_t i, nk = 0, bytes = 0, pos, nkeep;
    int64_t j, e;
    *out = NULL;
    if (b->oom) return hn_err_set(err, HN_ERR_NOMEM, "out of memory counting n-grams for --keep-ngrams");
    for (i = 0; i < b->ne; i++) b->e[i].s = b->pool + b->e[i].off;
    if (b->ne) qsort(b->e, b->ne, sizeof *b->e, cmp_pair);
    keep = calloc(b->ne ? b->ne : 1, 1);
    kp = malloc((b->ne ? b->ne : 1) * sizeof *kp);
    if (!(t = calloc(1, sizeof *t)) || !keep || !kp) goto nomem;
    /* the top per_bucket of each bucket, then the byte budget by count */
    for (i = 0; i < b->ne; i++) {
        size_t r = 0;
        while (r < (size_t)b->per_bucket && i >= r + 1 && b->e[i - r - 1].bucket == b->e[i].bucket) r++;
        if (r < (size_t)b->per_bucket) {
            kp[nk].count = b->e[i].count;
            kp[nk].idx = i;
            nk++;
        }
    }
    qsort(kp, nk, sizeof *kp, cmp_kept);
    for (nkeep = 0; nkeep < nk; nkeep++) {
        size_t len = b->e[kp[nkeep].idx].len + 1;
        if (bytes + len > max_bytes) break;
        bytes += len;
        keep[kp[nkeep].idx] = 1;
    }
    t->per_bucket = b->per_bucket;
    t->pruned = b->pruned;
    t->nb = (int64_t)b->bn;
    t->bucket = malloc((size_t)(t->nb ? t->nb : 1) * sizeof *t->bucket);
    t->distinct = malloc((size_t)(t->nb ? t->nb : 1) * sizeof *t->distinct);
    t->occ = malloc((size_t)(t->nb ? t->nb : 1) * sizeof *t->occ);
    t->first = malloc((size_t)(t->nb + 1) * sizeof *t->first);
    t->grams = malloc((nkeep ? nkeep : 1) * sizeof *t->grams);
    t->counts = malloc((nkeep ? nkeep : 1) * sizeof *t->counts);
    t->pool = malloc(bytes ? bytes : 1);
    if (!t->bucket || !t->distinct || !t->occ || !t->first || !t->grams || !t->counts || !t->pool) goto nomem;
    /* buckets in order, with their totals */
    for (i = 0, j = 0; i <= b->bmask; i++)
        if (b->bkey[i]) t->bucket[j++] = b->bkey[i] - 1;
    qsort(t->bucket, (size_t)t->nb, sizeof *t->bucket, cmp_u32);
    pos = 0;
    e = 0;
    i = 0; /* walks the sorted pairs */
    for (j = 0; j < t->nb; j++) {
        size_t s = bucket_find(b, t->bucket[j]);
        t->distinct[j] = b->bdistinct[s];
        t->occ[j] = b->bocc[s];
        t->first[j] = e;
        while (i < b->ne && b->e[i].bucket < t->bucket[j]) i++;
        for (; i < b->ne && b->e[i].bucket == t->bucket[j]; i++) {
            if (!keep[i]) continue;
            memcpy(t->pool + pos, b->pool + b->e[i].off, b->e[i].len);
            t->pool[pos + b->e[i].len] = '\0';
            t->grams[e] = t->pool + pos;
            t->counts[e] = b->e[i].count;
            pos += b->e[i].len + 1;
            e++;
        }
    }
    t->first[t->nb] = e;
    t->ne = e;
    free(keep);
    free(kp);
    *out = t;
    return HN_OK;
nomem:
    free(keep);
    free(kp);
    hn_ngram_table_free(t);
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory building the n-gram table");
}

/* Count the n-grams of every record of `path` into b. */
static hn_status add_file(hn_ngram_builder *b, const hn_tokenizer *tok, hn_tok_ctx *ctx, hn_arena *a, const char *path,
                          const hn_reader_opts *ro, volatile int *stop, hn_err *err)
{
    hn_source *src = NULL;
    hn_example ex;
    hn_status st;
    int got;
    if ((st = hn_source_open(path, ro, &src, err)) != HN_OK) return st;
    while ((st = hn_source_next(src, &ex, &got, err)) == HN_OK && got) {
        hn_svec x;
        if (stop && *stop) {
            st = hn_err_set(err, HN_ERR_INTERRUPTED, "interrupted");
            break;
        }
        hn_arena_reset(a);
        if ((st = hn_tok_featurize_grams(tok, ctx, ex.text, ex.len, a, &x, hn_ngram_builder_gram, b, err)) != HN_OK) {
            char m[sizeof err->msg];
            if (err) {
                snprintf(m, sizeof m, "%s: %.200s", ex.where, err->msg);
                memcpy(err->msg, m, sizeof m);
            }
            break;
        }
    }
    hn_source_free(src);
    return st;
}

hn_status hn_ngram_table_build_files(const hn_tokenizer *tok, const char *const *paths, const hn_reader_opts *const *ros,
                                     int npaths, int32_t per_bucket, size_t max_bytes, volatile int *stop,
                                     hn_ngram_table **out, hn_err *err)
{
    hn_ngram_builder *b = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_arena a;
    hn_status st;
    int i;
    *out = NULL;
    hn_arena_init(&a, 1 << 16);
    if ((st = hn_ngram_builder_create(per_bucket, HN_NGRAMS_MAX_ENTRIES_DEFAULT, &b, err)) != HN_OK) goto done;
    if ((st = hn_tok_ctx_create(tok, &ctx, err)) != HN_OK) goto done;
    for (i = 0; i < npaths && st == HN_OK; i++) st = add_file(b, tok, ctx, &a, paths[i], ros[i], stop, err);
    if (st == HN_OK) st = hn_ngram_builder_finish(b, max_bytes, out, err);
done:
    hn_arena_release(&a);
    hn_tok_ctx_free(ctx);
    hn_ngram_builder_free(b);
    return st;
}

hn_status hn_ngram_table_build(const hn_tokenizer *tok, const char *path, const hn_reader_opts *ro, int32_t per_bucket,
                               size_t max_bytes, volatile int *stop, hn_ngram_table **out, hn_err *err)
{
    return hn_ngram_table_build_files(tok, &path, &ro, 1, per_bucket, max_bytes, stop, out, err);
}

/* ---- reading ----------------------------------------------------------------------- */

void hn_ngram_table_free(hn_ngram_table *t)
{
    if (!t) return;
    free(t->bucket);
    free(t->distinct);
    free(t->occ);
    free(t->first);
    free(t->grams);
    free(t->counts);
    free(t->pool);
    free(t);
}

int64_t hn_ngram_table_nbuckets(const hn_ngram_table *t)
{
    return t ? t->nb : 0;
}

int32_t hn_ngram_table_per_bucket(const hn_ngram_table *t)
{
    return t ? t->per_bucket : 0;
}

int hn_ngram_table_pruned(const hn_ngram_table *t)
{
    return t ? t->pruned : 0;
}

void hn_ngram_table_get(const hn_ngram_table *t, int64_t i, hn_ngram_bucket *out)
{
    out->bucket = t->bucket[i];
    out->distinct = t->distinct[i];
    out->occurrences = t->occ[i];
    out->n = (int32_t)(t->first[i + 1] - t->first[i]);
    out->grams = t->grams + t->first[i];
    out->counts = t->counts + t->first[i];
}

int hn_ngram_table_find(const hn_ngram_table *t, uint32_t bucket, hn_ngram_bucket *out)
{
    int64_t lo = 0, hi;
    if (!t) return 0;
    hi = t->nb;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (t->bucket[mid] < bucket) lo = mid + 1;
        else hi = mid;
    }
    if (lo >= t->nb || t->bucket[lo] != bucket) return 0;
    hn_ngram_table_get(t, lo, out);
    return 1;
}

/* ---- the file section ------------------------------------------------------------------- */

hn_status hn_ngram_table_write(const hn_ngram_table *t, FILE *f, hn_err *err)
{
    int64_t j, e;
    fprintf(f, "ngrams 1\nper_bucket %d\nbuckets %lld\npruned %d\n\n", (int)t->per_bucket, (long long)t->nb,
            t->pruned ? 1 : 0);
    for (j = 0; j < t->nb; j++) {
        fprintf(f, "%lu\t%lld\t%lld", (unsigned long)t->bucket[j], (long long)t->distinct[j], (long long)t->occ[j]);
        for (e = t->first[j]; e < t->first[j + 1]; e++) fprintf(f, "\t%lld %s", (long long)t->counts[e], t->grams[e]);
        fputc('\n', f);
    }
    if (ferror(f)) return hn_err_set(err, HN_ERR_IO, "write error");
    return HN_OK;
}

/* A decimal number at *p (no sign), advancing; -1 when none. */
static int64_t num(char **p, const char *end)
{
    int64_t v = 0;
    int digits = 0;
    while (*p < end && **p >= '0' && **p <= '9' && digits < 18) {
        v = v * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    return digits ? v : -1;
}

hn_status hn_ngram_table_read(const unsigned char *buf, size_t len, hn_ngram_table **out, hn_err *err)
{
    const char *body, *hp = (const char *)buf, *hend = hp + len;
    char *p, *end;
    hn_ngram_table *t = NULL;
    int per = 0, pruned = 0, version = 0;
    long long nb = -1;
    int64_t j, e = 0, ne = 0, line = 6;
    size_t pool_len = 0;
    *out = NULL;
    /* the header, up to the blank line */
    body = NULL;
    {
        const char *q;
        for (q = hp; q + 1 < hend; q++)
            if (q[0] == '\n' && q[1] == '\n') {
                body = q + 2;
                break;
            }
        if (!body) return hn_err_set(err, HN_ERR_FORMAT, "ngrams section: no header");
        {
            char hdr[256];
            size_t hl = (size_t)(body - hp) < sizeof hdr - 1 ? (size_t)(body - hp) : sizeof hdr - 1;
            memcpy(hdr, hp, hl);
            hdr[hl] = '\0';
            if (sscanf(hdr, "ngrams %d\nper_bucket %d\nbuckets %lld\npruned %d", &version, &per, &nb, &pruned) != 4 ||
                version != 1 || per < 1 || per > HN_NGRAMS_PER_BUCKET_MAX || nb < 0 || nb > (1ll << 31))
                return hn_err_set(err, HN_ERR_FORMAT, "ngrams section: bad header");
        }
    }
    /* count strings and bytes first: one allocation each */
    {
        const char *q;
        int64_t lines = 0;
        for (q = body; q < hend; q++) {
            if (*q == '\t') ne++;
            else if (*q == '\n') lines++;
        }
        if (lines != nb || (hend > body && hend[-1] != '\n'))
            return hn_err_set(err, HN_ERR_FORMAT, "ngrams section: %lld bucket lines, the header says %lld",
                              (long long)lines, nb);
        ne -= 2 * nb; /* two TABs a line before the strings */
        if (ne < 0) return hn_err_set(err, HN_ERR_FORMAT, "ngrams section: short bucket lines");
        pool_len = (size_t)(hend - body);
    }
    if (!(t = calloc(1, sizeof *t))) goto nomem;
    t->per_bucket = per;
    t->pruned = pruned != 0;
    t->nb = nb;
    t->bucket = malloc((size_t)(nb ? nb : 1) * sizeof *t->bucket);
    t->distinct = malloc((size_t)(nb ? nb : 1) * sizeof *t->distinct);
    t->occ = malloc((size_t)(nb ? nb : 1) * sizeof *t->occ);
    t->first = malloc((size_t)(nb + 1) * sizeof *t->first);
    t->grams = malloc((size_t)(ne ? ne : 1) * sizeof *t->grams);
    t->counts = malloc((size_t)(ne ? ne : 1) * sizeof *t->counts);
    t->pool = malloc(pool_len ? pool_len : 1);
    if (!t->bucket || !t->distinct || !t->occ || !t->first || !t->grams || !t->counts || !t->pool) goto nomem;
    memcpy(t->pool, body, pool_len);
    p = t->pool;
    end = t->pool + pool_len;
    for (j = 0; j < nb; j++, line++) {
        int64_t b, d, o;
        char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
        if (!eol) goto bad;
        b = num(&p, eol);
        if (b < 0 || b > UINT32_MAX || p >= eol || *p++ != '\t') goto bad;
        d = num(&p, eol);
        if (d < 0 || p >= eol || *p++ != '\t') goto bad;
        o = num(&p, eol);
        if (o < 0 || (p < eol && *p != '\t')) goto bad;
        if (j > 0 && (uint32_t)b <= t->bucket[j - 1]) goto bad;
        t->bucket[j] = (uint32_t)b;
        t->distinct[j] = d;
        t->occ[j] = o;
        t->first[j] = e;
        if (p < eol) {
            p++; /* the TAB before the first string */
            for (;;) {
                int64_t c = num(&p, eol);
                if (c < 0 || p >= eol || *p != ' ') goto bad;
                p++;
                if (!(q = memchr(p, '\t', (size_t)(eol - p)))) q = eol;
                if (e - t->first[j] >= per || e >= ne) goto bad;
                *q = '\0'; /* the string ends at its separator (a TAB or the newline) */
                t->counts[e] = c;
                t->grams[e] = p;
                e++;
                if (q == eol) break;
                p = q + 1;
            }
        }
        p = eol + 1;
    }
    t->first[nb] = e;
    t->ne = e;
    *out = t;
    return HN_OK;
bad:
    hn_ngram_table_free(t);
    return hn_err_set(err, HN_ERR_FORMAT, "ngrams section: line %lld: expected BUCKET<TAB>DISTINCT<TAB>OCCURRENCES"
                                          "[<TAB>COUNT GRAM...]", (long long)line);
nomem:
    hn_ngram_table_free(t);
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory reading the n-gram table");
}
