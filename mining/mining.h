/* mining.h - hard-negative mining: scoring a pool, selection, dedupe, cache
 *
 * mining/ may include src/base only. It never sees a model or a
 * tokenizer: it reaches a model through hn_scorer, which the glue
 * (src/core/scorer.c) implements over a classifier and tests implement
 * with fakes.
 *
 * Scores: for every pool line the scorer returns s in [0, 1], the model's
 * belief that the line is NOT the negative label (1 - p(negative)). For a
 * negative, a higher score is a higher loss, so "hardest" = highest score.
 *
 * Selection of one round (hn_select_opts):
 *   candidates = pool lines with score <= max_score       (ceiling: likely
 *                                                          mislabeled positives)
 *                and, with HN_SELECT_MISCLASSIFIED only,
 *                score >= threshold - margin              (wrong or nearly wrong)
 *                and not an exact duplicate of the cache, the positives or
 *                an earlier candidate
 *   selected   = the top `per_round` candidates by score  (bounded min-heap:
 *                memory O(per_round), never a sort of the pool)
 *   then near duplicates (SimHash of word 3-shingles, Hamming distance <=
 *   near_bits) of the cache, the positives and each other are dropped.
 * Ties are broken by the line's bytes, so the selection does not depend on
 * how the pool was split into shards: score over shards + merge selects
 * exactly what one process selects over the whole pool.
 */
#ifndef HN_MINING_H
#define HN_MINING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"

typedef struct hn_scorer {
    void *self; /* borrowed; must outlive the miner */
    /* Score one line (see above). Called from `threads` threads at once,
     * each with its own tid in [0, threads). */
    hn_status (*score)(void *self, int tid, const char *text, size_t len, float *score_out, hn_err *err);
} hn_scorer;

/* ---- candidates and the bounded heap ----------------------------------- */

typedef struct hn_cand {
    float score;
    uint64_t hash;  /* exact-dedupe hash of the normalized text */
    char *text;     /* owned by the container */
    size_t len;
} hn_cand;

/* Orders candidates: higher score first, then text bytes ascending. <0 when
 * a comes before b. */
int hn_cand_cmp(const hn_cand *a, const hn_cand *b);

typedef struct hn_topk {
    hn_cand *h;     /* min-heap on hn_cand_cmp (the worst kept at h[0]) */
    int64_t n, k;
    /* where each kept hash sits in h: open addressing (key hash | 1, 0 =
     * empty), so a duplicate is found in O(1), not by a scan of k entries */
    uint64_t *pos_key;
    int64_t *pos_at;
    uint64_t pos_mask;
} hn_topk;

hn_status hn_topk_init(hn_topk *t, int64_t k);
/* Offer a candidate (text copied only when it is kept). */
hn_status hn_topk_push(hn_topk *t, float score, uint64_t hash, const char *text, size_t len);
/* Sort the kept candidates best first (the heap becomes a sorted array;
 * push no more after it). */
void hn_topk_sort(hn_topk *t);
void hn_topk_free(hn_topk *t);

/* ---- dedupe ----------------------------------------------------------- */

/* Hash of a line for exact dedupe: ASCII case and runs of white space are
 * folded, so "Free  MONEY" and "free money" are the same line. */
uint64_t hn_text_hash(const char *s, size_t len);

/* 64-bit SimHash over word 3-shingles (words of 1 or 2 tokens: the words). */
uint64_t hn_simhash(const char *s, size_t len);

typedef struct hn_hashset {
    uint64_t *keys;  /* 0 = empty (a real 0 hash is stored as 1) */
    uint64_t cap, n;
} hn_hashset;

void hn_hashset_init(hn_hashset *s);
hn_status hn_hashset_add(hn_hashset *s, uint64_t h);
int hn_hashset_has(const hn_hashset *s, uint64_t h);
/* Write the set as text: a "hardneg-hashes 1" line, then one 16-digit hex
 * hash a line (any order). HN_ERR_IO. */
hn_status hn_hashset_write(const hn_hashset *s, FILE *f);
/* Add the hashes of such a file to s. Errors name the file and line. */
hn_status hn_hashset_read(hn_hashset *s, const char *path, hn_err *err);
void hn_hashset_free(hn_hashset *s);

/* ---- selection over a pool -------------------------------------------- */

/* Where pool texts come from: a file at a time, one text after another.
 * mining/ defines it so the layer above can hand it any reader (src/core
 * passes corpora/'s, so a labeled file's labels are not scored as text);
 * with none, every line of the file is one text. */
typedef struct hn_text_reader {
    void *self;  /* borrowed */
    /* Start reading `path`; errors name it. */
    hn_status (*open)(void *self, const char *path, hn_err *err);
    /* The next text of the open file (*text borrowed until the next call,
     * may hold NUL bytes: use *len); *got = 0 at its end. */
    hn_status (*next)(void *self, const char **text, size_t *len, int *got, hn_err *err);
    void (*close)(void *self);
} hn_text_reader;

typedef enum hn_select_mode {
    HN_SELECT_TOP_LOSS,        /* the top K by score under the ceiling */
    HN_SELECT_MISCLASSIFIED,   /* only lines with score >= threshold - margin, top K of them */
    HN_SELECT_MODE_COUNT
} hn_select_mode;

typedef struct hn_select_opts {
    hn_select_mode mode;
    int64_t per_round;    /* K [1000] */
    double threshold;     /* the decision threshold on the score [0.5] */
    double margin;        /* also "nearly wrong" within this distance [0] */
    double max_score;     /* ceiling [1 = none] */
    int32_t near_bits;    /* near-duplicate Hamming distance; -1 = exact dedupe only [3] */
    int32_t threads;      /* scoring threads [1] */
    const hn_text_reader *reader; /* how pool files are read; NULL: a text a line [NULL] */
    const hn_hashset *exclude;        /* exact hashes never to select (judged positive by a person) [NULL] */
    /* called after each batch with the texts scored and their bytes so far (may be NULL) */
    void (*progress)(void *user, int64_t scored, uint64_t bytes);
    void *progress_user;
} hn_select_opts;

void hn_select_opts_default(hn_select_opts *o);

typedef struct hn_pool_stats {
    int64_t scored;        /* lines scored */
    int64_t misclassified; /* score >= threshold */
    int64_t above_ceiling; /* skipped by max_score */
    int64_t dup_exact;     /* skipped as exact duplicates */
    int64_t excluded;      /* candidates skipped because `exclude` holds them */
    int64_t dup_near;      /* dropped as near duplicates */
    int64_t selected;
    uint64_t bytes;
} hn_pool_stats;

/* Drop from the sorted `out` (best first) the lines whose SimHash is within
 * near_bits of one of near[n_near] or of a better kept line; counted in
 * stats->dup_near. near_bits < 0: nothing to do. HN_ERR_NOMEM. */
hn_status hn_select_near(hn_topk *out, const uint64_t *near, int64_t n_near, int32_t near_bits, hn_pool_stats *stats,
                         hn_err *err);

/* Score every line of the files (streamed in batches, `threads` threads,
 * constant memory) and select into *out (sorted best first; owned, free
 * with hn_topk_free). `seen` holds exact hashes of lines not to select
 * (cache, positives); `near` (may be NULL, n_near entries) their SimHashes.
 * `stop` is polled between batches (HN_ERR_INTERRUPTED). */
hn_status hn_mine_select(const char *const *paths, int npaths, const hn_scorer *sc, const hn_select_opts *o,
                         const hn_hashset *seen, const uint64_t *near, int64_t n_near, hn_topk *out,
                         hn_pool_stats *stats, volatile int *stop, hn_err *err);

/* Merge shard outputs of `hardneg score` ("score<TAB>text" lines) into the
 * top k, exactly as hn_mine_select would have kept them. */
hn_status hn_merge_shards(const char *const *paths, int npaths, int64_t k, hn_topk *out, hn_err *err);

/* Write candidates as "score<TAB>text" lines (%.9g: floats round-trip). */
hn_status hn_cands_write(FILE *f, const hn_topk *t);

/* ---- the cache of mined negatives -------------------------------------- */

typedef struct hn_cache_entry {
    char *text;       /* owned */
    size_t len;
    float score;      /* latest score */
    float mined_score; /* its score when it was mined */
    int32_t round;    /* round it was mined in */
    uint64_t hash, sim;
} hn_cache_entry;

typedef struct hn_cache {
    hn_cache_entry *e;
    int64_t n, cap;
    int64_t limit;    /* most entries kept [0 = unlimited] */
} hn_cache;

void hn_cache_init(hn_cache *c, int64_t limit);
/* Add the selected candidates (copies their text). */
hn_status hn_cache_add(hn_cache *c, const hn_topk *sel, int32_t round);
/* Rescore every entry; drop entries whose score < easy (they became easy),
 * then, over the limit, the lowest scores. Returns the number dropped. */
hn_status hn_cache_shrink(hn_cache *c, const hn_scorer *sc, double easy, int64_t *dropped, hn_err *err);
void hn_cache_free(hn_cache *c);

/* ---- early stopping ---------------------------------------------------- */

typedef struct hn_early_stop {
    double best;
    int32_t best_round, patience, since_best;
} hn_early_stop;

void hn_early_stop_init(hn_early_stop *e, int32_t patience);
/* Record a round's metric (higher is better). Returns 1 when it is a new
 * best; sets *stop when `patience` rounds passed without improvement. */
int hn_early_stop_update(hn_early_stop *e, int32_t round, double metric, int *stop);

#endif /* HN_MINING_H */
