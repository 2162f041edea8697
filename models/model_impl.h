/* model_impl.h - internal to models/: the model struct and its row table,
 * shared by logreg.c (the linear model, the trainer, the file section) and
 * mlp.c (the embedding-bag MLP). Nothing outside models/ includes this.
 *
 * Both model kinds map a bucket to a contiguous row through one open-
 * addressing table (keys are bucket + 1, 0 = empty; capacity a power of
 * two >= 2 * rows), so memory follows the buckets seen in training, not
 * 2^bits. A linear row holds `nout` class weights; an MLP row holds one
 * `dim`-wide embedding.
 */
#ifndef HN_MODEL_IMPL_H
#define HN_MODEL_IMPL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"

typedef struct hn_mlp hn_mlp;

struct hn_model {
    int32_t nclasses, nout, bits;
    int64_t rows;
    uint32_t *keys;    /* bucket + 1, 0 = empty */
    int32_t *slot;     /* row of each key */
    uint64_t mask;     /* capacity - 1 */
    float *W;          /* linear: rows * nout; MLP: NULL */
    float *b;          /* linear: nout biases; MLP: unused (zeros) */
    hn_mlp *mlp;       /* non-NULL: an MLP (see mlp.c); rows are embeddings */
};

static inline uint64_t hn_slot_of(uint32_t bucket, uint64_t mask)
{
    return ((uint64_t)bucket * 0x9E3779B97F4A7C15ull >> 20) & mask;
}

static inline int64_t row_find(const hn_model *m, uint32_t bucket)
{
    uint64_t pos = hn_slot_of(bucket, m->mask);
    for (;;) {
        uint32_t k = m->keys[pos];
        if (k == bucket + 1) return m->slot[pos];
        if (k == 0) return -1;
        pos = (pos + 1) & m->mask;
    }
}

/* Insert; returns the row (new rows are numbered in order of insertion). */
static inline int64_t row_insert(hn_model *m, uint32_t bucket)
{
    uint64_t pos = hn_slot_of(bucket, m->mask);
    for (;;) {
        uint32_t k = m->keys[pos];
        if (k == bucket + 1) return m->slot[pos];
        if (k == 0) {
            m->keys[pos] = bucket + 1;
            m->slot[pos] = (int32_t)m->rows;
            return m->rows++;
        }
        pos = (pos + 1) & m->mask;
    }
}

/* Rows of buckets idx[0..n-1] into rows[] (-1: not seen in training), n <=
 * HN_ROW_CHUNK. Scoring is bound by memory latency (a random table slot,
 * then a random row, per feature): the table slots of the whole chunk are
 * prefetched before the first probe, and each found row's first
 * `row_bytes` before it is used, so the misses overlap. */
#define HN_ROW_CHUNK 32
static inline void rows_resolve(const hn_model *m, const uint32_t *idx, int32_t n, const float *base, size_t row_floats,
                                int64_t *rows)
{
    int32_t j;
    size_t row_bytes = row_floats * sizeof(float), b;
    for (j = 0; j < n; j++) __builtin_prefetch(&m->keys[hn_slot_of(idx[j], m->mask)]);
    for (j = 0; j < n; j++) {
        int64_t r = row_find(m, idx[j]);
        rows[j] = r;
        if (r >= 0)
            for (b = 0; b < row_bytes; b += 64) __builtin_prefetch((const char *)(base + (size_t)r * row_floats) + b);
    }
}

static inline hn_status alloc_table(hn_model *m, int64_t max_rows)
{
    uint64_t cap = 16;
    while (cap < (uint64_t)max_rows * 2) cap *= 2;
    m->mask = cap - 1;
    m->keys = calloc(cap, sizeof *m->keys);
    m->slot = malloc(cap * sizeof *m->slot);
    return (m->keys && m->slot) ? HN_OK : HN_ERR_NOMEM;
}

/* Little-endian 32-bit fields of the model sections (both kinds). */
static inline void hn_put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t hn_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void hn_put_f32(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    hn_put_u32(p, u);
}

static inline float hn_get_f32(const unsigned char *p)
{
    uint32_t u = hn_get_u32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* ---- MLP (mlp.c) ----------------------------------------------------------
 * Called by logreg.c's public functions when m->mlp is set. The trainer in
 * logreg.c drives both kinds through forward (margins, keeping activations
 * in `act`) and backward (apply dL/dz to every layer and the touched
 * embedding rows). */

/* Create the MLP parts of `m` (its row table is already filled): shapes
 * from o->dim / o->hidden, initialization from o->seed. */
hn_status hn_mlp_create(hn_model *m, const hn_train_opts *o, hn_err *err);
void hn_mlp_free(hn_mlp *p);
hn_mlp *hn_mlp_clone(const hn_mlp *p, int64_t rows);
void hn_mlp_copy(hn_mlp *dst, const hn_mlp *src, int64_t rows);
void hn_mlp_margins(const hn_model *m, const hn_svec *x, float *z);

/* The dense parameters (layer by layer: W input-major, then b) and the
 * embedding rows, for tests that check gradients. */
float *hn_mlp_params(hn_model *m, size_t *n);
float *hn_mlp_embeddings(hn_model *m, size_t *n);

/* Floats of activations one example needs during training, and of
 * hn_mlp_backward's scratch. */
size_t hn_mlp_act_size(const hn_model *m);
size_t hn_mlp_scratch_size(const hn_model *m);
/* Forward pass for training: dropout `drop` on the hidden layers (inverted
 * scaling, random draws from *rng), activations into act, margins into z. */
void hn_mlp_forward(const hn_model *m, const hn_svec *x, float *act, float drop, uint64_t *rng, float *z);

/* Optimizer state (AdaGrad accumulators or Adam moments). */
typedef struct hn_mlp_state hn_mlp_state;
hn_mlp_state *hn_mlp_state_new(const hn_model *m, const hn_train_opts *o);
void hn_mlp_state_free(hn_mlp_state *s);
/* Backward pass for the activations `act` of hn_mlp_forward and dL/dz = g:
 * updates every layer and the embedding rows of x. `step` counts updates
 * from 1 (Adam's bias correction); `scratch` has hn_mlp_scratch_size floats. */
void hn_mlp_backward(hn_model *m, hn_mlp_state *s, const hn_train_opts *o, const hn_svec *x, const float *act,
                     const float *g, float lr, int64_t step, float *scratch);

hn_status hn_mlp_write(const hn_model *m, FILE *f, hn_err *err);
/* `hdr` is the section's text header (NUL-terminated), `p..end` the binary part. */
hn_status hn_mlp_read(const char *hdr, const unsigned char *p, const unsigned char *end, hn_model **out, hn_err *err);

/* logreg.c: a model with no rows (the MLP reader builds on it). */
hn_model *hn_model_new_empty(int32_t nclasses, int32_t bits);

#endif /* HN_MODEL_IMPL_H */
