/* models_internal.h - internal to models/: the model struct, the table of
 * model kinds, the bucket -> row table, file-field helpers and numerics
 *
 * Nothing outside models/ includes this (tests/ may, to reach a kind's
 * internals). Who calls whom inside models/ (never the other way, so no two
 * files call each other; make test checks it):
 *
 *     train.c    -> dcd.c, options.c, model.c, loss.c, dataset.c
 *     dcd.c      -> options.c, dataset.c   (and the linear kind's hn_linear)
 *     options.c  -> model.c                (each kind's option checks)
 *     model.c    -> loss.c, and linear.c / mlp.c through the kind table
 *     linear.c, mlp.c, loss.c, dataset.c -> nothing
 *
 * linear.c and mlp.c call nothing in other files: they use the inline
 * helpers below and receive everything else as arguments.
 *
 * A model kind is a row of function pointers (hn_kind). Every kind maps a
 * bucket to a contiguous row through one open-addressing table (keys are
 * bucket + 1, 0 = empty; capacity a power of two >= 2 * rows), so memory
 * follows the buckets seen in training, not 2^bits. What a row holds is
 * the kind's business (linear: nout class weights; MLP: a dim-wide
 * embedding).
 *
 * Adding a kind: write models/KIND.c defining `const hn_kind hn_KIND_kind`,
 * declare it below, add an HN_MODEL_KIND value in models.h and its row in
 * model.c's `kinds[]`, and its options to hn_train_opts.
 */
#ifndef HN_MODELS_INTERNAL_H
#define HN_MODELS_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"

/* The parsed common part of a model section header (see model.c):
 *     NAME VERSION\nclasses C\nbits B\nrows R\n[kind lines]\n\n */
typedef struct hn_section_hdr {
    int version;
    int32_t nclasses, bits;
    int64_t rows;
    const char *extra;    /* the kind's header lines after "rows", NUL-terminated */
} hn_section_hdr;

/* One block of deterministic training as det_apply sees it (train.c fills
 * it): for slot s < n, example xs[s], its feature rows rows[roff[s] ..
 * roff[s + 1]) (-1: bucket not in the table), dL/dz g[s * nout ..], and
 * whether to apply it (keep[s]), at rate lr[s] as update number step[s].
 * det_apply applies the slots from .. to - 1 (a run; 0 .. n - 1 without
 * refreshes). */
typedef struct hn_det_block {
    int32_t n, from, to;
    const hn_svec *xs;
    const int32_t *rows;
    const int64_t *roff;
    const float *g;
    const int32_t *keep;
    const float *lr;
    const int64_t *step;
} hn_det_block;

/* The part of nparts that owns table row r in deterministic training:
 * runs of 16 rows, so parts do not share cache lines of one-float rows. */
static inline int32_t hn_det_part(int64_t r, int32_t nparts)
{
    return (int32_t)((uint64_t)(r >> 4) % (uint64_t)nparts);
}

typedef struct hn_kind {
    const char *name;     /* --model value and the model section's first word */
    int version;          /* of the kind's file section */
    /* Kind-specific option checks (hn_train_opts_check calls it):
     * HN_ERR_ARG naming the option. */
    hn_status (*check_opts)(const hn_train_opts *o, hn_err *err);
    /* Allocate and initialize the parameters of `m` (row table filled,
     * m->rows known) from o (shape, seed). */
    hn_status (*init)(hn_model *m, const hn_train_opts *o, hn_err *err);
    void (*free)(hn_model *m);                                /* the kind's parameters only */
    hn_status (*clone)(hn_model *dst, const hn_model *src);   /* dst has src's table; copy the parameters */
    void (*copy)(hn_model *dst, const hn_model *src);         /* same shape: copy the parameters */
    /* dst (initialized by init) has src's rows first, at the same row ids,
     * and nout >= src's: copy src's parameters into that leading part and
     * zero the new classes' output weights (hn_model_grow). HN_ERR_ARG
     * when the shapes differ otherwise (the MLP's dim and hidden). */
    hn_status (*grow)(hn_model *dst, const hn_model *src, hn_err *err);
    void (*margins)(const hn_model *m, const hn_svec *x, float *z);
    int64_t (*params)(const hn_model *m);
    void (*shape)(const hn_model *m, int32_t *dim, int32_t hidden[2]);

    /* Training (train.c). `state` is shared by every thread (optimizer
     * accumulators); `scratch` belongs to one training task. forward
     * computes the margins of x for training and may keep what backward
     * needs in batch slot `slot` (random draws from *rng); backward applies
     * dL/dz = g of the example in `slot`: `lr` is the step, `step` counts
     * updates from 1. */
    hn_status (*train_begin)(hn_model *m, const hn_train_opts *o, void **state, hn_err *err);
    void (*train_end)(void *state);
    hn_status (*task_begin)(const hn_model *m, const hn_train_opts *o, void **scratch);
    void (*task_end)(void *scratch);
    void (*forward)(const hn_model *m, const hn_train_opts *o, void *scratch, int32_t slot, uint64_t *rng,
                    const hn_svec *x, float *z);
    void (*backward)(hn_model *m, void *state, const hn_train_opts *o, void *scratch, int32_t slot, const hn_svec *x,
                     const float *g, float lr, int64_t step);

    /* Deterministic training (train.c, o->deterministic): the order is cut
     * into blocks of det_block(o) examples. Per block, first every example
     * (on any thread, in any order): det_forward gives its margins from
     * the weights as they stand at the block's start (it only reads them)
     * and det_signal keeps, in the kind's block storage `det` (slot =
     * position in the block), what its update needs given dL/dz = g. Then
     * det_apply runs det_phases times (a barrier between phases), on
     * nparts parts at once: part p changes only its own share of the
     * parameters (a table row r belongs to part hn_det_part(r, nparts)) and
     * applies the kept examples' updates to it in block order. Every
     * parameter thus sees the same sequence of updates whatever nparts is
     * (the number of threads), and the model does not depend on it.
     * With a batch-level step (OHEM, the ranking loss, --batch > 1) and
     * det_refresh > 0, the kept examples are applied in runs of
     * det_refresh: before each run, det_forward (with the same dropout
     * draws) and det_signal are done again from the weights as they stand,
     * with the batch's dL/dz, as the sequential trainer refreshes the
     * activations of a batch (stale activations let a batch of same-sign
     * steps kill ReLU units). */
    int32_t (*det_block)(const hn_train_opts *o); /* examples per block */
    int32_t det_phases;
    int32_t det_refresh;
    hn_status (*det_begin)(const hn_model *m, const hn_train_opts *o, int32_t block, void **det);
    void (*det_end)(void *det);
    void (*det_forward)(const hn_model *m, const hn_train_opts *o, void *det, int32_t slot, uint64_t *rng,
                        const hn_svec *x, const int32_t *rows, float *z);
    void (*det_signal)(const hn_model *m, const hn_train_opts *o, void *det, int32_t slot, const hn_svec *x,
                       const int32_t *rows, const float *g);
    void (*det_apply)(hn_model *m, void *state, const hn_train_opts *o, void *det, const struct hn_det_block *b,
                      int32_t phase, int32_t part, int32_t nparts);

    /* File section (model.c writes "NAME VERSION\nclasses\nbits\n"). */
    int64_t (*stored_rows)(const hn_model *m);            /* the "rows" line */
    void (*write_header)(const hn_model *m, FILE *f);     /* extra header lines, may be none */
    hn_status (*write_body)(const hn_model *m, FILE *f, hn_err *err);
    uint64_t (*body_bytes)(const hn_model *m);             /* what write_body writes */
    /* Build a model from a parsed header and the binary part p..end. */
    hn_status (*read)(const hn_section_hdr *h, const unsigned char *p, const unsigned char *end, hn_model **out,
                      hn_err *err);
} hn_kind;

extern const hn_kind hn_linear_kind;   /* linear.c */
extern const hn_kind hn_mlp_kind;      /* mlp.c */

/* The linear kind's parameters (m->impl), shared with its batch solver
 * (dcd.c): margins z = W^T x + b. */
typedef struct hn_linear {
    float *W;   /* rows * nout, row-major: the nout class weights of a bucket are contiguous */
    float *b;   /* nout */
} hn_linear;

/* The batch solver (dcd.c), called by hn_model_train for o->solver ==
 * HN_SOLVER_DCD: one-vs-rest dual coordinate descent on a linear model. */
hn_status hn_dcd_train(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw, hn_epoch_fn on_epoch,
                       void *user, volatile int *stop, hn_err *err);

struct hn_model {
    const hn_kind *kind;
    int32_t nclasses, nout, bits;  /* nout = 1 for binary, nclasses otherwise */
    int64_t rows;
    uint32_t *keys;                /* bucket + 1, 0 = empty */
    int32_t *slot;                 /* row of each key */
    uint64_t mask;                 /* capacity - 1 */
    void *impl;                    /* the kind's parameters */
};

/* ---- the row table ------------------------------------------------------ */

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

/* A model of `kind` with no rows and an empty table for up to max_rows;
 * NULL on out of memory. The kind's parameters are not allocated. */
static inline hn_model *hn_model_alloc(const hn_kind *kind, int32_t nclasses, int32_t bits, int64_t max_rows)
{
    hn_model *m = calloc(1, sizeof *m);
    uint64_t cap = 16;
    if (!m) return NULL;
    m->kind = kind;
    m->nclasses = nclasses;
    m->nout = nclasses == 2 ? 1 : nclasses;
    m->bits = bits;
    while (cap < (uint64_t)max_rows * 2) cap *= 2;
    m->mask = cap - 1;
    m->keys = calloc(cap, sizeof *m->keys);
    m->slot = malloc(cap * sizeof *m->slot);
    if (!m->keys || !m->slot) {
        free(m->keys);
        free(m->slot);
        free(m);
        return NULL;
    }
    return m;
}

/* Free the table and the struct (the kind frees its parameters first). */
static inline void hn_model_release(hn_model *m)
{
    free(m->keys);
    free(m->slot);
    free(m);
}

/* ---- little-endian fields of the model sections ------------------------- */

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

/* ---- numerics (loss.c) -------------------------------------------------- */

double hn_sigmoid(double z);
/* log(1 + exp(-m)) without overflow */
double hn_log1pexp_neg(double m);
/* Probabilities of margins z[n] into p[n] in place (max subtracted first).
 * z may equal p. */
void hn_softmax_f(const float *z, int32_t n, float *p);

/* ---- the MLP's pieces, for tests that check its gradients (mlp.c) -------- */

/* The dense parameters (layer by layer: W input-major, then b) and the
 * embedding rows. */
float *hn_mlp_params(hn_model *m, size_t *n);
float *hn_mlp_embeddings(hn_model *m, size_t *n);
/* Floats of activations one example needs during training, and of
 * hn_mlp_backward's scratch. */
size_t hn_mlp_act_size(const hn_model *m);
size_t hn_mlp_scratch_size(const hn_model *m);
/* Forward pass for training: dropout `drop` on the hidden layers (inverted
 * scaling, random draws from *rng), activations into act, margins into z. */
void hn_mlp_forward(const hn_model *m, const hn_svec *x, float *act, float drop, uint64_t *rng, float *z);
/* Backward pass for the activations `act` of hn_mlp_forward and dL/dz = g:
 * updates every layer and the embedding rows of x. `s` is the optimizer
 * state (NULL: plain SGD steps of `lr`); `step` counts updates from 1
 * (Adam's bias correction); `scratch` has hn_mlp_scratch_size floats. */
typedef struct hn_mlp_state hn_mlp_state;
void hn_mlp_backward(hn_model *m, hn_mlp_state *s, const hn_train_opts *o, const hn_svec *x, const float *act,
                     const float *g, float lr, int64_t step, float *scratch);

#endif /* HN_MODELS_INTERNAL_H */
