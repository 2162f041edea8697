/* ngrams.h - the n-gram side table of a model: which strings landed in
 * each hash bucket (Vowpal Wabbit's --invert_hash, bounded)
 *
 * src/core. Models see bucket ids only; `train --keep-ngrams` reads the
 * training file once more through the model's tokenizer and keeps, for
 * every bucket, its most frequent n-gram strings, how many distinct
 * n-grams were seen there and how often. `explain` prints them beside
 * bucket ids and `explain --model-summary` ranks them. The table is an
 * optional section of the model file (container.h); a model without it
 * loads and works exactly as before.
 *
 * Bounds: at most `per_bucket` strings a bucket are stored, and at most
 * `max_bytes` of strings in all (the least frequent go first). While
 * counting, the builder holds at most `max_entries` distinct (bucket,
 * n-gram) pairs; past that it drops the rarest pairs (lossy counting):
 * counts and distinct numbers are then approximate, and the table says so
 * (hn_ngram_table_pruned).
 *
 * Section text (after the model section):
 *     ngrams 1\nper_bucket K\nbuckets N\npruned 0|1\n\n
 *     then one line a bucket, buckets increasing:
 *     BUCKET<TAB>DISTINCT<TAB>OCCURRENCES<TAB>COUNT GRAM[<TAB>COUNT GRAM...]\n
 * strings most frequent first (ties in byte order); a GRAM never holds a
 * TAB, CR or LF (the tokenizer makes control characters spaces).
 */
#ifndef HN_NGRAMS_H
#define HN_NGRAMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "corpora/corpora.h"
#include "src/base/status.h"
#include "tokenizer/tokenizer.h"

#define HN_NGRAMS_PER_BUCKET_DEFAULT 3
#define HN_NGRAMS_PER_BUCKET_MAX 100
#define HN_NGRAMS_MAX_BYTES_DEFAULT ((size_t)32 << 20)
#define HN_NGRAMS_MAX_ENTRIES_DEFAULT ((size_t)4 << 20)

typedef struct hn_ngram_table hn_ngram_table;

/* ---- building ------------------------------------------------------------------ */

typedef struct hn_ngram_builder hn_ngram_builder;

/* A builder keeping `per_bucket` (1..HN_NGRAMS_PER_BUCKET_MAX) strings a
 * bucket, counting at most max_entries (>= 1024) distinct pairs at once.
 * Owned: hn_ngram_builder_free. */
hn_status hn_ngram_builder_create(int32_t per_bucket, size_t max_entries, hn_ngram_builder **out, hn_err *err);
void hn_ngram_builder_free(hn_ngram_builder *b);   /* NULL is a no-op */

/* An hn_gram_fn (tokenizer.h): count one n-gram occurrence; `user` is the
 * builder. Out of memory is remembered and reported by _finish. */
void hn_ngram_builder_gram(const hn_gram *g, void *user);

/* The table (owned: hn_ngram_table_free), at most max_bytes of strings.
 * The builder may be freed afterwards. HN_ERR_NOMEM. */
hn_status hn_ngram_builder_finish(hn_ngram_builder *b, size_t max_bytes, hn_ngram_table **out, hn_err *err);

/* Read every record of `path` (reader options ro; labels ignored) through
 * `tok` and build the table. `stop` (may be NULL) interrupts:
 * HN_ERR_INTERRUPTED. Errors name the file and line. */
hn_status hn_ngram_table_build(const hn_tokenizer *tok, const char *path, const hn_reader_opts *ro, int32_t per_bucket,
                               size_t max_bytes, volatile int *stop, hn_ngram_table **out, hn_err *err);
/* The same over several files, each with its reader options (mine: the
 * training file and the pool, whose lines the mined negatives are). */
hn_status hn_ngram_table_build_files(const hn_tokenizer *tok, const char *const *paths, const hn_reader_opts *const *ros,
                                     int npaths, int32_t per_bucket, size_t max_bytes, volatile int *stop,
                                     hn_ngram_table **out, hn_err *err);

/* ---- reading ----------------------------------------------------------------------- */

void hn_ngram_table_free(hn_ngram_table *t);      /* NULL is a no-op */

int64_t hn_ngram_table_nbuckets(const hn_ngram_table *t);
int32_t hn_ngram_table_per_bucket(const hn_ngram_table *t);
int hn_ngram_table_pruned(const hn_ngram_table *t);  /* counts approximate */

/* What the table knows of one bucket. */
typedef struct hn_ngram_bucket {
    uint32_t bucket;
    int64_t distinct;       /* distinct n-grams seen in the bucket */
    int64_t occurrences;    /* n-gram occurrences in the bucket */
    int32_t n;              /* strings stored (<= per_bucket) */
    const char *const *grams;  /* borrowed (lives as long as the table), n strings, most frequent first */
    const int64_t *counts;     /* borrowed, n counts */
} hn_ngram_bucket;

/* Bucket `bucket`: 1 and *out filled when the table has it, else 0. */
int hn_ngram_table_find(const hn_ngram_table *t, uint32_t bucket, hn_ngram_bucket *out);
/* The i-th bucket in increasing bucket order, i in [0, nbuckets). */
void hn_ngram_table_get(const hn_ngram_table *t, int64_t i, hn_ngram_bucket *out);

/* ---- the file section ------------------------------------------------------------------- */

/* Write the section text (see above) to f. HN_ERR_IO when f reports an error. */
hn_status hn_ngram_table_write(const hn_ngram_table *t, FILE *f, hn_err *err);
/* Parse it from memory. HN_ERR_FORMAT naming the line, HN_ERR_NOMEM. */
hn_status hn_ngram_table_read(const unsigned char *buf, size_t len, hn_ngram_table **out, hn_err *err);

#endif /* HN_NGRAMS_H */
