/* mining.c - pool scoring, bounded top-k selection, dedupe, cache, early stop
 *
 * mining/: src/base and libc only (see mining.h for the selection rules);
 * scoring runs on src/base's worker pool.
 *
 * Invariants of hn_topk: h[0..n) is a min-heap under hn_cand_cmp (the
 * candidate that would be dropped first sits at h[0]); no two entries
 * share an exact-dedupe hash; `pos` maps each kept hash to its heap slot.
 * Keeping, within each group of exact duplicates, only the best member
 * makes the result "top k of the group bests", which is the same whether
 * the pool is scored whole or as shards merged afterwards.
 */
#include "mining/mining.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/lines.h"
#include "src/base/threads.h"

/* ---- hashing ------------------------------------------------------------ */

static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

uint64_t hn_text_hash(const char *s, size_t len)
{
    uint64_t h = 0x243F6A8885A308D3ull;
    size_t i = 0;
    int pending_space = 0, any = 0;
    while (i < len && is_ws((unsigned char)s[i])) i++;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_ws(c)) {
            pending_space = 1;
            continue;
        }
        if (pending_space && any) h = mix64(h ^ ' ');
        pending_space = 0;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        h = mix64(h ^ c);
        any = 1;
    }
    return h ? h : 1;
}

/* Case and ASCII punctuation are ignored: "Price!" and "price" are one word. */
static uint64_t word_hash(const char *s, size_t n)
{
    uint64_t h = 0x13198A2E03707344ull;
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) continue;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        h = mix64(h ^ c);
    }
    return h;
}

uint64_t hn_simhash(const char *s, size_t len)
{
    int32_t votes[64] = {0};
    uint64_t w[3] = {0, 0, 0}, out = 0;
    size_t i = 0;
    int nw = 0, b;
    while (i < len) {
        size_t st;
        while (i < len && is_ws((unsigned char)s[i])) i++;
        if (i >= len) break;
        st = i;
        while (i < len && !is_ws((unsigned char)s[i])) i++;
        w[0] = w[1];
        w[1] = w[2];
        w[2] = word_hash(s + st, i - st);
        nw++;
        if (nw >= 3) {
            uint64_t g = mix64(w[0] * 3 + mix64(w[1] * 5 + w[2]));
            for (b = 0; b < 64; b++) votes[b] += (g >> b & 1) ? 1 : -1;
        }
    }
    if (nw > 0 && nw < 3) { /* short lines: the words themselves */
        int k;
        for (k = 3 - nw; k < 3; k++)
            for (b = 0; b < 64; b++) votes[b] += (w[k] >> b & 1) ? 1 : -1;
    }
    for (b = 0; b < 64; b++)
        if (votes[b] > 0) out |= (uint64_t)1 << b;
    return out;
}

/* ---- hash set ----------------------------------------------------------- */

void hn_hashset_init(hn_hashset *s)
{
    memset(s, 0, sizeof *s);
}

static hn_status hashset_grow(hn_hashset *s)
{
    uint64_t nc = s->cap ? s->cap * 2 : 1024, i;
    uint64_t *k = calloc(nc, sizeof *k);
    if (!k) return HN_ERR_NOMEM;
    for (i = 0; i < s->cap; i++) {
        uint64_t h = s->keys[i], p;
        if (!h) continue;
        for (p = mix64(h) & (nc - 1); k[p]; p = (p + 1) & (nc - 1)) {
        }
        k[p] = h;
    }
    free(s->keys);
    s->keys = k;
    s->cap = nc;
    return HN_OK;
}

hn_status hn_hashset_add(hn_hashset *s, uint64_t h)
{
    uint64_t p;
    if (!h) h = 1;
    if ((s->n + 1) * 2 > s->cap && hashset_grow(s) != HN_OK) return HN_ERR_NOMEM;
    for (p = mix64(h) & (s->cap - 1); s->keys[p]; p = (p + 1) & (s->cap - 1))
        if (s->keys[p] == h) return HN_OK;
    s->keys[p] = h;
    s->n++;
    return HN_OK;
}

int hn_hashset_has(const hn_hashset *s, uint64_t h)
{
    uint64_t p;
    if (!s || !s->cap) return 0;
    if (!h) h = 1;
    for (p = mix64(h) & (s->cap - 1); s->keys[p]; p = (p + 1) & (s->cap - 1))
        if (s->keys[p] == h) return 1;
    return 0;
}

hn_status hn_hashset_write(const hn_hashset *s, FILE *f)
{
    uint64_t i;
    fputs("hardneg-hashes 1\n", f);
    for (i = 0; i < s->cap; i++)
        if (s->keys[i]) fprintf(f, "%016llx\n", (unsigned long long)s->keys[i]);
    return ferror(f) ? HN_ERR_IO : HN_OK;
}

hn_status hn_hashset_read(hn_hashset *s, const char *path, hn_err *err)
{
    hn_lines r;
    char *line, *end;
    size_t len;
    hn_status st;
    if ((st = hn_lines_open(&r, path, err)) != HN_OK) return st;
    if ((st = hn_lines_next(&r, &line, &len, err)) == HN_OK && (!line || strcmp(line, "hardneg-hashes 1") != 0))
        st = hn_err_set(err, HN_ERR_FORMAT, "%s:1: not a hash file of hardneg (expected 'hardneg-hashes 1')", path);
    while (st == HN_OK && (st = hn_lines_next(&r, &line, &len, err)) == HN_OK && line) {
        unsigned long long h;
        errno = 0;
        h = strtoull(line, &end, 16);
        if (len != 16 || *end || errno) {
            st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: expected a 16-digit hex hash", path, (long long)r.lineno);
            break;
        }
        if ((st = hn_hashset_add(s, (uint64_t)h)) != HN_OK) st = hn_err_set(err, st, "out of memory");
    }
    hn_lines_close(&r);
    return st;
}

void hn_hashset_free(hn_hashset *s)
{
    free(s->keys);
    memset(s, 0, sizeof *s);
}

/* ---- candidates, heap ----------------------------------------------------- */

int hn_cand_cmp(const hn_cand *a, const hn_cand *b)
{
    size_t n;
    int c;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    n = a->len < b->len ? a->len : b->len;
    c = memcmp(a->text, b->text, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* The heap keeps the WORST at h[0]: "worse" = hn_cand_cmp > 0. */
static inline int worse(const hn_cand *a, const hn_cand *b)
{
    return hn_cand_cmp(a, b) > 0;
}

hn_status hn_topk_init(hn_topk *t, int64_t k)
{
    memset(t, 0, sizeof *t);
    t->k = k;
    t->h = calloc((size_t)(k > 0 ? k : 1), sizeof *t->h);
    return t->h ? HN_OK : HN_ERR_NOMEM;
}

/* ---- the position map: hash -> index in h ----
 * Linear probing over pos_key / pos_at; pos_at = -1 marks an empty slot
 * (keys are whole 64-bit hashes, any value). */

static inline uint64_t pos_slot(uint64_t h, uint64_t mask)
{
    return (h * 0x9E3779B97F4A7C15ull >> 17) & mask;
}

/* Slot of `h`, or of the empty slot where it would go. */
static uint64_t pos_find(const hn_topk *t, uint64_t h)
{
    uint64_t i = pos_slot(h, t->pos_mask);
    while (t->pos_at[i] >= 0 && t->pos_key[i] != h) i = (i + 1) & t->pos_mask;
    return i;
}

static int64_t pos_get(const hn_topk *t, uint64_t h)
{
    if (!t->pos_key) return -1;
    return t->pos_at[pos_find(t, h)];
}

static void pos_set(hn_topk *t, uint64_t h, int64_t at)
{
    uint64_t i = pos_find(t, h);
    t->pos_key[i] = h;
    t->pos_at[i] = at;
}

/* Remove h (backward-shift deletion keeps probe chains whole). */
static void pos_del(hn_topk *t, uint64_t h)
{
    uint64_t i = pos_find(t, h), j;
    if (t->pos_at[i] < 0) return;
    j = i;
    for (;;) {
        uint64_t home;
        t->pos_at[i] = -1;
        for (;;) {
            j = (j + 1) & t->pos_mask;
            if (t->pos_at[j] < 0) return;
            home = pos_slot(t->pos_key[j], t->pos_mask);
            /* the entry at j may move to i unless its home lies cyclically in (i, j] */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) break;
        }
        t->pos_key[i] = t->pos_key[j];
        t->pos_at[i] = t->pos_at[j];
        i = j;
    }
}

/* Room for n + 1 entries at most half full. */
static hn_status pos_reserve(hn_topk *t)
{
    uint64_t cap = t->pos_key ? t->pos_mask + 1 : 0, nc, i;
    uint64_t *ok = t->pos_key;
    int64_t *oa = t->pos_at;
    if ((uint64_t)(t->n + 1) * 2 <= cap) return HN_OK;
    nc = cap ? cap * 2 : 64;
    t->pos_key = malloc(nc * sizeof *t->pos_key);
    t->pos_at = malloc(nc * sizeof *t->pos_at);
    if (!t->pos_key || !t->pos_at) {
        free(t->pos_key);
        free(t->pos_at);
        t->pos_key = ok;
        t->pos_at = oa;
        return HN_ERR_NOMEM;
    }
    for (i = 0; i < nc; i++) t->pos_at[i] = -1;
    t->pos_mask = nc - 1;
    for (i = 0; i < cap; i++)
        if (oa[i] >= 0) pos_set(t, ok[i], oa[i]);
    free(ok);
    free(oa);
    return HN_OK;
}

static void swap_c(hn_topk *t, int64_t a, int64_t b)
{
    hn_cand c = t->h[a];
    t->h[a] = t->h[b];
    t->h[b] = c;
    if (t->pos_key) {
        pos_set(t, t->h[a].hash, a);
        pos_set(t, t->h[b].hash, b);
    }
}

static void sift_up(hn_topk *t, int64_t i)
{
    while (i > 0) {
        int64_t p = (i - 1) / 2;
        if (!worse(&t->h[i], &t->h[p])) break;
        swap_c(t, i, p);
        i = p;
    }
}

static void sift_down(hn_topk *t, int64_t i)
{
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->n && worse(&t->h[l], &t->h[m])) m = l;
        if (r < t->n && worse(&t->h[r], &t->h[m])) m = r;
        if (m == i) break;
        swap_c(t, i, m);
        i = m;
    }
}

static hn_status set_text(hn_cand *c, const char *text, size_t len)
{
    char *p = realloc(c->text, len + 1);
    if (!p) return HN_ERR_NOMEM;
    memcpy(p, text, len);
    p[len] = '\0';
    c->text = p;
    c->len = len;
    return HN_OK;
}

hn_status hn_topk_push(hn_topk *t, float score, uint64_t hash, const char *text, size_t len)
{
    hn_cand c;
    int64_t i;
    c.score = score;
    c.hash = hash;
    c.text = (char *)text;
    c.len = len;
    if (t->k <= 0) return HN_OK;
    if (t->n == t->k && !worse(&t->h[0], &c)) return HN_OK; /* cannot enter */
    if (pos_reserve(t) != HN_OK) return HN_ERR_NOMEM;
    /* an exact duplicate already kept: keep the better of the two */
    if ((i = pos_get(t, hash)) >= 0) {
        if (!worse(&t->h[i], &c)) return HN_OK;
        t->h[i].score = score;
        if (set_text(&t->h[i], text, len) != HN_OK) return HN_ERR_NOMEM;
        sift_down(t, i); /* it got better: it moves away from the root */
        return HN_OK;
    }
    if (t->n < t->k) {
        t->h[t->n].text = NULL;
        t->h[t->n].score = score;
        t->h[t->n].hash = hash;
        if (set_text(&t->h[t->n], text, len) != HN_OK) return HN_ERR_NOMEM;
        pos_set(t, hash, t->n);
        t->n++;
        sift_up(t, t->n - 1);
        return HN_OK;
    }
    if (set_text(&t->h[0], text, len) != HN_OK) return HN_ERR_NOMEM;
    pos_del(t, t->h[0].hash);
    t->h[0].score = score;
    t->h[0].hash = hash;
    pos_set(t, hash, 0);
    sift_down(t, 0);
    return HN_OK;
}

static int cand_qsort_cmp(const void *a, const void *b)
{
    return hn_cand_cmp(a, b);
}

void hn_topk_sort(hn_topk *t)
{
    free(t->pos_key); /* positions mean nothing once sorted */
    free(t->pos_at);
    t->pos_key = NULL;
    t->pos_at = NULL;
    qsort(t->h, (size_t)t->n, sizeof *t->h, cand_qsort_cmp);
}

void hn_topk_free(hn_topk *t)
{
    int64_t i;
    free(t->pos_key);
    free(t->pos_at);
    t->pos_key = NULL;
    t->pos_at = NULL;
    if (!t->h) return;
    for (i = 0; i < t->n; i++) free(t->h[i].text);
    free(t->h);
    t->h = NULL;
    t->n = 0;
}

/* ---- selection ------------------------------------------------------------- */

void hn_select_opts_default(hn_select_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mode = HN_SELECT_MISCLASSIFIED;
    o->per_round = 1000;
    o->threshold = 0.5;
    o->margin = 0;
    o->max_score = 1;
    o->near_bits = 3;
    o->threads = 1;
}

/* The default reader: every line of the file is one text. */
static hn_status lines_open(void *self, const char *path, hn_err *err)
{
    return hn_lines_open(self, path, err);
}

static hn_status lines_next(void *self, const char **text, size_t *len, int *got, hn_err *err)
{
    char *line;
    hn_status st = hn_lines_next(self, &line, len, err);
    *text = line;
    *got = st == HN_OK && line != NULL;
    return st;
}

static void lines_close(void *self)
{
    hn_lines_close(self);
}

#define POOL_BATCH 4096

/* Pool scoring is a pipeline of two batches: while the workers score one,
 * this thread reads the next, then joins in, starts the next and selects
 * from the scored one (in input order, so the selection never depends on
 * the threads). A batch is cut into tasks of about POOL_TASK_BYTES of text
 * (at most POOL_TASK_LINES lines) handed to whichever thread is free, so a
 * few long lines do not leave a thread idle; a task uses the scorer's
 * context of the thread that runs it. */
#define POOL_BATCH_BYTES (8u << 20)
#define POOL_TASK_BYTES (64u << 10)
#define POOL_TASK_LINES 64

/* One thread's first failure in a batch. */
typedef struct pool_fail {
    int32_t bad;             /* line index, -1: none */
    hn_status st;
    hn_err err;
} pool_fail;

typedef struct pool_batch {
    char *text;
    size_t text_len, text_cap;
    size_t *off, *len;
    float *score;
    int32_t n;
    int32_t *task_end;       /* task t scores lines [task_end[t-1], task_end[t]) */
    int32_t ntasks;
    size_t task_bytes;       /* text in the last task */
    const hn_scorer *sc;
    pool_fail *fail;         /* one per pool thread */
} pool_batch;

static void pool_score(void *arg, int32_t task, int32_t thread)
{
    pool_batch *b = arg;
    pool_fail *f = &b->fail[thread];
    int32_t i;
    for (i = task ? b->task_end[task - 1] : 0; i < b->task_end[task]; i++) {
        hn_err e;
        hn_status st = b->sc->score(b->sc->self, thread, b->text + b->off[i], b->len[i], &b->score[i], &e);
        if (st != HN_OK) {
            if (f->bad < 0 || i < f->bad) {
                f->bad = i;
                f->st = st;
                f->err = e;
            }
            break;
        }
    }
}

/* Read up to POOL_BATCH lines (POOL_BATCH_BYTES of text) of the open
 * file into b; *eof at its end. */
static hn_status pool_fill(pool_batch *b, const hn_text_reader *rd, const char *path, int64_t *nread, int *eof,
                           hn_err *err)
{
    hn_status st;
    b->n = b->ntasks = 0;
    b->text_len = b->task_bytes = 0;
    while (b->n < POOL_BATCH && b->text_len < POOL_BATCH_BYTES) {
        const char *line;
        size_t len;
        int got;
        if ((st = rd->next(rd->self, &line, &len, &got, err)) != HN_OK) return st;
        if (!got) {
            *eof = 1;
            return HN_OK;
        }
        (*nread)++;
        if (b->text_len + len + 1 > b->text_cap) {
            size_t nc = b->text_cap ? b->text_cap : 1 << 20;
            char *q;
            while (nc < b->text_len + len + 1) nc *= 2;
            if (!(q = realloc(b->text, nc)))
                return hn_err_set(err, HN_ERR_NOMEM, "%s: text %lld: out of memory", path, (long long)*nread);
            b->text = q;
            b->text_cap = nc;
        }
        memcpy(b->text + b->text_len, line, len);
        b->text[b->text_len + len] = '\0';
        b->off[b->n] = b->text_len;
        b->len[b->n] = len;
        b->text_len += len + 1;
        b->n++;
        hn_tasks_add_line(b->task_end, &b->ntasks, &b->task_bytes, b->n, len + 1, POOL_TASK_BYTES, POOL_TASK_LINES);
    }
    return HN_OK;
}

static hn_status pool_batch_init(pool_batch *b, const hn_scorer *sc, pool_fail *fail)
{
    memset(b, 0, sizeof *b);
    b->sc = sc;
    b->fail = fail;
    b->off = malloc(POOL_BATCH * sizeof *b->off);
    b->len = malloc(POOL_BATCH * sizeof *b->len);
    b->score = malloc(POOL_BATCH * sizeof *b->score);
    b->task_end = malloc(POOL_BATCH * sizeof *b->task_end);
    return b->off && b->len && b->score && b->task_end ? HN_OK : HN_ERR_NOMEM;
}

static void pool_batch_free(pool_batch *b)
{
    free(b->text);
    free(b->off);
    free(b->len);
    free(b->score);
    free(b->task_end);
}

static int popcount64(uint64_t x)
{
    return __builtin_popcountll(x);
}

hn_status hn_select_near(hn_topk *out, const uint64_t *near, int64_t n_near, int32_t near_bits, hn_pool_stats *stats,
                         hn_err *err)
{
    int64_t i, j, kept = 0;
    uint64_t *sims;
    if (near_bits < 0) return HN_OK;
    if (!(sims = malloc((size_t)(out->n ? out->n : 1) * sizeof *sims))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (i = 0; i < out->n; i++) {
        uint64_t s = hn_simhash(out->h[i].text, out->h[i].len);
        int dup = 0;
        for (j = 0; j < n_near && !dup; j++) dup = popcount64(s ^ near[j]) <= near_bits;
        for (j = 0; j < kept && !dup; j++) dup = popcount64(s ^ sims[j]) <= near_bits;
        if (dup) {
            free(out->h[i].text);
            stats->dup_near++;
            continue;
        }
        sims[kept] = s;
        out->h[kept++] = out->h[i];
    }
    out->n = kept;
    free(sims);
    return HN_OK;
}

hn_status hn_mine_select(const char *const *paths, int npaths, const hn_scorer *sc, const hn_select_opts *o,
                         const hn_hashset *seen, const uint64_t *near, int64_t n_near, hn_topk *out,
                         hn_pool_stats *stats, volatile int *stop, hn_err *err)
{
    pool_batch bat[2];
    pool_fail *fails = NULL;
    hn_pool *pool = NULL;
    hn_status st = HN_OK;
    hn_lines lines;
    hn_text_reader def;
    const hn_text_reader *rd = o->reader;
    int f, t, nthreads = o->threads > 0 ? o->threads : 1;
    double lo = o->mode == HN_SELECT_MISCLASSIFIED ? o->threshold - o->margin : -1.0;
    memset(stats, 0, sizeof *stats);
    memset(bat, 0, sizeof bat);
    if ((st = hn_topk_init(out, o->per_round)) != HN_OK) return hn_err_set(err, st, "out of memory");
    if (hn_pool_create(nthreads, &pool) != HN_OK || !(fails = calloc((size_t)hn_pool_threads(pool), sizeof *fails)) ||
        pool_batch_init(&bat[0], sc, fails) != HN_OK || pool_batch_init(&bat[1], sc, fails) != HN_OK) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (t = 0; t < hn_pool_threads(pool); t++) fails[t].bad = -1;
    if (!rd) {
        memset(&lines, 0, sizeof lines);
        def.self = &lines;
        def.open = lines_open;
        def.next = lines_next;
        def.close = lines_close;
        rd = &def;
    }
    for (f = 0; f < npaths && st == HN_OK; f++) {
        int eof = 0;
        int64_t nread = 0;
        pool_batch *cur = &bat[0], *nxt = &bat[1];
        if ((st = rd->open(rd->self, paths[f], err)) != HN_OK) goto done;
        if ((st = pool_fill(cur, rd, paths[f], &nread, &eof, err)) == HN_OK && cur->n) {
            if (stop && *stop) st = hn_err_set(err, HN_ERR_INTERRUPTED, "interrupted while scoring %s", paths[f]);
            else hn_pool_start(pool, cur->ntasks, pool_score, cur);
        }
        while (st == HN_OK && cur->n) {
            pool_batch *swap;
            int32_t i, bad = -1, bt = 0;
            nxt->n = 0;
            if (!eof) st = pool_fill(nxt, rd, paths[f], &nread, &eof, err); /* while the workers score cur */
            hn_pool_wait(pool);
            if (st != HN_OK) break;
            for (t = 0; t < hn_pool_threads(pool); t++)
                if (fails[t].bad >= 0 && (bad < 0 || fails[t].bad < bad)) {
                    bad = fails[t].bad;
                    bt = t;
                }
            if (bad >= 0) {
                st = hn_err_set(err, fails[bt].st, "%s: %s", paths[f], fails[bt].err.msg);
                break;
            }
            if (nxt->n) {
                if (stop && *stop) {
                    st = hn_err_set(err, HN_ERR_INTERRUPTED, "interrupted while scoring %s", paths[f]);
                    break;
                }
                hn_pool_start(pool, nxt->ntasks, pool_score, nxt);
            }
            for (i = 0; i < cur->n; i++) { /* select from cur, in input order, while nxt is scored */
                float s = cur->score[i];
                const char *txt = cur->text + cur->off[i];
                uint64_t h;
                stats->scored++;
                stats->bytes += cur->len[i] + 1;
                if (s >= o->threshold) stats->misclassified++;
                if (s > o->max_score) {
                    stats->above_ceiling++;
                    continue;
                }
                if (s < lo) continue;
                h = hn_text_hash(txt, cur->len[i]);
                if (o->exclude && hn_hashset_has(o->exclude, h)) {
                    stats->excluded++;
                    continue;
                }
                if (hn_hashset_has(seen, h)) {
                    stats->dup_exact++;
                    continue;
                }
                if ((st = hn_topk_push(out, s, h, txt, cur->len[i])) != HN_OK) {
                    hn_err_set(err, st, "out of memory");
                    break;
                }
            }
            if (o->progress) o->progress(o->progress_user, stats->scored, stats->bytes);
            swap = cur;
            cur = nxt;
            nxt = swap;
        }
        hn_pool_wait(pool); /* a batch still scored when an error stopped the loop */
        rd->close(rd->self);
    }
    if (st != HN_OK) goto done;
    hn_topk_sort(out);
    if ((st = hn_select_near(out, near, n_near, o->near_bits, stats, err)) != HN_OK) goto done;
    stats->selected = out->n;
done:
    if (st != HN_OK) hn_topk_free(out);
    hn_pool_free(pool);
    pool_batch_free(&bat[0]);
    pool_batch_free(&bat[1]);
    free(fails);
    return st;
}

hn_status hn_cands_write(FILE *f, const hn_topk *t)
{
    int64_t i;
    for (i = 0; i < t->n; i++) {
        fprintf(f, "%.9g\t", (double)t->h[i].score);
        fwrite(t->h[i].text, 1, t->h[i].len, f);
        fputc('\n', f);
    }
    return ferror(f) ? HN_ERR_IO : HN_OK;
}

hn_status hn_merge_shards(const char *const *paths, int npaths, int64_t k, hn_topk *out, hn_err *err)
{
    hn_status st;
    int f;
    if ((st = hn_topk_init(out, k)) != HN_OK) return hn_err_set(err, st, "out of memory");
    for (f = 0; f < npaths; f++) {
        hn_lines rd;
        char *line;
        size_t len;
        if ((st = hn_lines_open(&rd, paths[f], err)) != HN_OK) goto fail;
        while ((st = hn_lines_next(&rd, &line, &len, err)) == HN_OK && line) {
            char *tab = memchr(line, '\t', len), *end;
            float s;
            size_t tl;
            if (!tab) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: expected score<TAB>text", rd.path, (long long)rd.lineno);
                break;
            }
            *tab = '\0';
            errno = 0;
            s = strtof(line, &end);
            if (end == line || *end || errno == ERANGE || !(s >= 0 && s <= 1)) {
                st = hn_err_set(err, HN_ERR_FORMAT, "%s:%lld: bad score '%s'", rd.path, (long long)rd.lineno, line);
                break;
            }
            tl = len - (size_t)(tab + 1 - line);
            if ((st = hn_topk_push(out, s, hn_text_hash(tab + 1, tl), tab + 1, tl)) != HN_OK) {
                hn_err_set(err, st, "out of memory");
                break;
            }
        }
        hn_lines_close(&rd);
        if (st != HN_OK) goto fail;
    }
    hn_topk_sort(out);
    return HN_OK;
fail:
    hn_topk_free(out);
    return st;
}

/* ---- cache ---------------------------------------------------------------- */

void hn_cache_init(hn_cache *c, int64_t limit)
{
    memset(c, 0, sizeof *c);
    c->limit = limit;
}

hn_status hn_cache_add(hn_cache *c, const hn_topk *sel, int32_t round)
{
    int64_t i;
    if (c->n + sel->n > c->cap) {
        int64_t nc = c->cap ? c->cap : 256;
        hn_cache_entry *e;
        while (nc < c->n + sel->n) nc *= 2;
        if (!(e = realloc(c->e, (size_t)nc * sizeof *e))) return HN_ERR_NOMEM;
        c->e = e;
        c->cap = nc;
    }
    for (i = 0; i < sel->n; i++) {
        hn_cache_entry *e = &c->e[c->n];
        if (!(e->text = malloc(sel->h[i].len + 1))) return HN_ERR_NOMEM;
        memcpy(e->text, sel->h[i].text, sel->h[i].len + 1);
        e->len = sel->h[i].len;
        e->score = e->mined_score = sel->h[i].score;
        e->round = round;
        e->hash = sel->h[i].hash;
        e->sim = hn_simhash(e->text, e->len);
        c->n++;
    }
    return HN_OK;
}

static int entry_by_score_desc(const void *a, const void *b)
{
    const hn_cache_entry *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->round != y->round) return x->round < y->round ? -1 : 1;
    return (x->hash > y->hash) - (x->hash < y->hash);
}

hn_status hn_cache_shrink(hn_cache *c, const hn_scorer *sc, double easy, int64_t *dropped, hn_err *err)
{
    int64_t i, kept = 0;
    hn_status st;
    *dropped = 0;
    for (i = 0; i < c->n; i++)
        if ((st = sc->score(sc->self, 0, c->e[i].text, c->e[i].len, &c->e[i].score, err)) != HN_OK) return st;
    for (i = 0; i < c->n; i++) {
        if (c->e[i].score < easy) {
            free(c->e[i].text);
            (*dropped)++;
            continue;
        }
        c->e[kept++] = c->e[i];
    }
    c->n = kept;
    if (c->limit > 0 && c->n > c->limit) {
        qsort(c->e, (size_t)c->n, sizeof *c->e, entry_by_score_desc);
        for (i = c->limit; i < c->n; i++) free(c->e[i].text);
        *dropped += c->n - c->limit;
        c->n = c->limit;
    }
    return HN_OK;
}

void hn_cache_free(hn_cache *c)
{
    int64_t i;
    for (i = 0; i < c->n; i++) free(c->e[i].text);
    free(c->e);
    memset(c, 0, sizeof *c);
}

/* ---- early stopping ---------------------------------------------------------- */

void hn_early_stop_init(hn_early_stop *e, int32_t patience)
{
    e->best = -1e300;
    e->best_round = -1;
    e->patience = patience;
    e->since_best = 0;
}

int hn_early_stop_update(hn_early_stop *e, int32_t round, double metric, int *stop)
{
    *stop = 0;
    if (e->best_round < 0 || metric > e->best) {
        e->best = metric;
        e->best_round = round;
        e->since_best = 0;
        return 1;
    }
    e->since_best++;
    if (e->since_best >= e->patience) *stop = 1;
    return 0;
}
