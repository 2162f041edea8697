/* linear.c - the linear model kind: binary and multinomial logistic
 * regression (and whatever loss the trainer applies to its margins)
 *
 * models/: src/base and libm only; calls no other file of the folder (see
 * models_internal.h). Parameters: W holds `rows` contiguous rows of `nout`
 * floats (nout = 1 for binary, nclasses for multinomial) and b the nout
 * biases; margins z = W^T x + b.
 *
 * Optimizers (the trainer passes the rate of the moment, decayed for SGD):
 *  - AdaGrad: one accumulator per row (row-wise AdaGrad: the mean squared
 *    gradient of the row), so a row costs one sqrt and the class loop is a
 *    plain axpy the compiler vectorizes; biases have one accumulator each.
 *    It exists only while training (train_begin / train_end).
 *  - SGD: the step is the rate itself.
 * L2 is applied to the weights an example touches (lazy, as in fastText and
 * Vowpal Wabbit); L1 is a proximal soft threshold after each step.
 *
 * File body (after the section header, "rows" = rows with a non-zero
 * weight): nout biases, then per stored row its bucket (u32) and nout
 * weights, all little-endian float32, rows in the table's slot order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/models_internal.h"

typedef hn_linear linear;

#define ADAGRAD_EPS 1e-8f

static hn_status lin_check_opts(const hn_train_opts *o, hn_err *err)
{
    if (o->optim == HN_OPTIM_ADAM && o->solver == HN_SOLVER_SGD)
        return hn_err_set(err, HN_ERR_ARG, "--optim adam needs --model mlp (the linear model uses adagrad or sgd)");
    return HN_OK;
}

static linear *linear_alloc(const hn_model *m)
{
    linear *p = calloc(1, sizeof *p);
    size_t wn = (size_t)m->rows * (size_t)m->nout;
    if (!p) return NULL;
    p->b = calloc((size_t)m->nout, sizeof *p->b);
    p->W = calloc(wn ? wn : 1, sizeof *p->W);
    if (!p->b || !p->W) {
        free(p->b);
        free(p->W);
        free(p);
        return NULL;
    }
    return p;
}

static hn_status lin_init(hn_model *m, const hn_train_opts *o, hn_err *err)
{
    (void)o;
    if (!(m->impl = linear_alloc(m)))
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the weights: %lld rows x %d classes = %.1f MB",
                          (long long)m->rows, (int)m->nout, (double)m->rows * (double)m->nout * 4 / 1e6);
    return HN_OK;
}

static void lin_free(hn_model *m)
{
    linear *p = m->impl;
    if (!p) return;
    free(p->W);
    free(p->b);
    free(p);
    m->impl = NULL;
}

static void lin_copy(hn_model *dst, const hn_model *src)
{
    linear *d = dst->impl;
    const linear *s = src->impl;
    memcpy(d->W, s->W, (size_t)src->rows * (size_t)src->nout * sizeof *s->W);
    memcpy(d->b, s->b, (size_t)src->nout * sizeof *s->b);
}

static hn_status lin_clone(hn_model *dst, const hn_model *src)
{
    if (!(dst->impl = linear_alloc(dst))) return HN_ERR_NOMEM;
    lin_copy(dst, src);
    return HN_OK;
}

static hn_status lin_grow(hn_model *dst, const hn_model *src, hn_err *err)
{
    linear *d = dst->impl;
    const linear *s = src->impl;
    int64_t r;
    (void)err;
    /* binary stays binary (hn_model_grow): nout grows only for a multinomial model */
    for (r = 0; r < src->rows; r++)
        memcpy(d->W + (size_t)r * (size_t)dst->nout, s->W + (size_t)r * (size_t)src->nout,
               (size_t)src->nout * sizeof *s->W);
    memcpy(d->b, s->b, (size_t)src->nout * sizeof *s->b);
    return HN_OK;
}

static int64_t lin_params(const hn_model *m)
{
    return m->rows * m->nout + m->nout;
}

static void lin_shape(const hn_model *m, int32_t *dim, int32_t hidden[2])
{
    (void)m;
    *dim = 0;
    hidden[0] = hidden[1] = 0;
}

/* ---- scoring ------------------------------------------------------------ */

/* z += v * w over n floats; restrict lets the compiler vectorize it. */
static inline void axpy(float *restrict z, const float *restrict w, float v, int32_t n)
{
    int32_t k;
    for (k = 0; k < n; k++) z[k] += v * w[k];
}

static void lin_margins(const hn_model *m, const hn_svec *x, float *z)
{
    const linear *p = m->impl;
    int32_t i, k, no = m->nout;
    for (k = 0; k < no; k++) z[k] = p->b[k];
    for (i = 0; i < x->n; i += HN_ROW_CHUNK) {
        int64_t rows[HN_ROW_CHUNK];
        int32_t j, n = x->n - i < HN_ROW_CHUNK ? x->n - i : HN_ROW_CHUNK;
        rows_resolve(m, x->idx + i, n, p->W, (size_t)no, rows);
        for (j = 0; j < n; j++) {
            int64_t r = rows[j];
            if (r < 0) continue;
            if (no == 1) z[0] += x->val[i + j] * p->W[r];
            else axpy(z, p->W + r * no, x->val[i + j], no);
        }
    }
}

/* ---- training ------------------------------------------------------------ */

typedef struct adagrad {
    float *G, *Gb;   /* one accumulator per row; one per bias */
} adagrad;

static hn_status lin_train_begin(hn_model *m, const hn_train_opts *o, void **state, hn_err *err)
{
    adagrad *a;
    *state = NULL;
    if (o->optim != HN_OPTIM_ADAGRAD) return HN_OK;
    if (!(a = calloc(1, sizeof *a))) goto nomem;
    a->G = calloc(m->rows ? (size_t)m->rows : 1, sizeof *a->G);
    a->Gb = calloc((size_t)m->nout, sizeof *a->Gb);
    if (!a->G || !a->Gb) {
        free(a->G);
        free(a->Gb);
        free(a);
        goto nomem;
    }
    *state = a;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory for training state (%zu weights)",
                      (size_t)m->rows * (size_t)m->nout);
}

static void lin_train_end(void *state)
{
    adagrad *a = state;
    if (!a) return;
    free(a->G);
    free(a->Gb);
    free(a);
}

static hn_status lin_task_begin(const hn_model *m, const hn_train_opts *o, void **scratch)
{
    (void)m;
    (void)o;
    *scratch = NULL;
    return HN_OK;
}

static void lin_task_end(void *scratch)
{
    (void)scratch;
}

static void lin_forward(const hn_model *m, const hn_train_opts *o, void *scratch, int32_t slot, uint64_t *rng,
                    const hn_svec *x, float *z)
{
    (void)o;
    (void)scratch;
    (void)slot;
    (void)rng;
    lin_margins(m, x, z);
}

static void update_coord(float *w, float *G, float grad, float lr, const hn_train_opts *o)
{
    float step;
    if (G) {
        *G += grad * grad;
        step = lr / sqrtf(*G + ADAGRAD_EPS);
    } else {
        step = lr;
    }
    *w -= step * grad;
    if (o->l1 > 0) { /* proximal step for L1: soft threshold by step * l1 */
        float th = step * (float)o->l1;
        *w = *w > th ? *w - th : (*w < -th ? *w + th : 0.0f);
    }
}

/* One multinomial row step: wr -= step (g v + l2 wr). */
static inline void row_step(float *restrict wr, const float *restrict g, float v, float l2, float step, int32_t n)
{
    int32_t k;
    for (k = 0; k < n; k++) wr[k] -= step * (g[k] * v + l2 * wr[k]);
}

/* Squared norm of the row's gradient g v + l2 wr. */
static inline float row_sq(const float *restrict wr, const float *restrict g, float v, float l2, int32_t n)
{
    float sq = 0;
    int32_t k;
    for (k = 0; k < n; k++) {
        float gr = g[k] * v + l2 * wr[k];
        sq += gr * gr;
    }
    return sq;
}

/* One example's step on row r (feature value v, dL/dz = g):
 * dL/dW[r][k] = g[k] v (+ l2 W[r][k]). Only row r and its accumulator
 * change. */
static inline void row_update(linear *p, adagrad *a, const hn_train_opts *o, int32_t no, int64_t r, float v,
                              const float *g, float lr, float l2)
{
    float *wr = p->W + r * no;
    int32_t k;
    if (no == 1) {
        float grad = g[0] * v + l2 * wr[0];
        if (grad != 0.0f) update_coord(wr, a ? a->G + r : NULL, grad, lr, o);
        return;
    }
    {
        float step = lr;
        if (a) {
            a->G[r] += row_sq(wr, g, v, l2, no) / (float)no;
            step = lr / sqrtf(a->G[r] + ADAGRAD_EPS);
        }
        row_step(wr, g, v, l2, step, no);
        if (o->l1 > 0) {
            float th = step * (float)o->l1;
            for (k = 0; k < no; k++) wr[k] = wr[k] > th ? wr[k] - th : (wr[k] < -th ? wr[k] + th : 0.0f);
        }
    }
}

/* One example's step on the biases: dL/db[k] = g[k]. */
static inline void bias_update(linear *p, adagrad *a, int32_t no, const float *g, float lr)
{
    int32_t k;
    for (k = 0; k < no; k++) {
        if (g[k] == 0.0f) continue;
        if (a) {
            a->Gb[k] += g[k] * g[k];
            p->b[k] -= lr / sqrtf(a->Gb[k] + ADAGRAD_EPS) * g[k];
        } else {
            p->b[k] -= lr * g[k];
        }
    }
}

/* Apply the gradient g (w.r.t. the margins) of one example to the rows it
 * touches and to the bias. dL/dW[r][k] = g[k] v_r (+ l2 W[r][k]),
 * dL/db[k] = g[k]. */
static void lin_backward(hn_model *m, void *state, const hn_train_opts *o, void *scratch, int32_t slot, const hn_svec *x,
                     const float *g, float lr, int64_t step_no)
{
    linear *p = m->impl;
    adagrad *a = state;
    int32_t no = m->nout, i;
    float l2 = (float)o->l2;
    (void)scratch;
    (void)slot;
    (void)step_no;
    for (i = 0; i < x->n; i++) {
        int64_t r = row_find(m, x->idx[i]);
        if (r < 0) continue;
        row_update(p, a, o, no, r, x->val[i], g, lr, l2);
    }
    bias_update(p, a, no, g, lr);
}

/* ---- deterministic training (see models_internal.h) ----------------------- */

/* Margins from the rows the trainer resolved; the same sums in the same
 * order as lin_margins. */
static void lin_det_forward(const hn_model *m, const hn_train_opts *o, void *det, int32_t slot, uint64_t *rng,
                            const hn_svec *x, const int32_t *rows, float *z)
{
    const linear *p = m->impl;
    int32_t i, k, no = m->nout;
    (void)o;
    (void)det;
    (void)slot;
    (void)rng;
    for (k = 0; k < no; k++) z[k] = p->b[k];
    for (i = 0; i < x->n; i++) {
        int64_t r = rows[i];
        if (r < 0) continue;
        if (no == 1) z[0] += x->val[i] * p->W[r];
        else axpy(z, p->W + r * no, x->val[i], no);
    }
}

/* 64 examples a block: CLINC150 validation accuracy 0.896 (sequential
 * 0.894) at a few percent of extra work; the sync points of smaller
 * blocks cost more, larger ones lose locality (the rows a block touches
 * leave the cache before their updates) and 1024 lost half a point. */
static int32_t lin_det_block(const hn_train_opts *o)
{
    (void)o;
    return 64;
}

static hn_status lin_det_begin(const hn_model *m, const hn_train_opts *o, int32_t block, void **det)
{
    (void)m;
    (void)o;
    (void)block;
    *det = NULL; /* the trainer's dL/dz is all an update needs */
    return HN_OK;
}

static void lin_det_end(void *det)
{
    (void)det;
}

static void lin_det_signal(const hn_model *m, const hn_train_opts *o, void *det, int32_t slot, const hn_svec *x,
                           const int32_t *rows, const float *g)
{
    (void)m;
    (void)o;
    (void)det;
    (void)slot;
    (void)x;
    (void)rows;
    (void)g;
}

/* Part `part`'s rows (and, for part 0, the biases) take the block's
 * updates in order: each row's sequence is the one a single thread would
 * apply. */
static void lin_det_apply(hn_model *m, void *state, const hn_train_opts *o, void *det, const hn_det_block *b,
                          int32_t phase, int32_t part, int32_t nparts)
{
    linear *p = m->impl;
    adagrad *a = state;
    int32_t no = m->nout, s, i;
    float l2 = (float)o->l2;
    (void)det;
    (void)phase;
    for (s = b->from; s < b->to; s++) {
        const int32_t *rows = b->rows + b->roff[s];
        const float *g = b->g + (size_t)s * (size_t)no;
        if (!b->keep[s]) continue;
        for (i = 0; i < b->xs[s].n; i++) {
            int64_t r = rows[i];
            if (r < 0 || hn_det_part(r, nparts) != part) continue;
            row_update(p, a, o, no, r, b->xs[s].val[i], g, b->lr[s], l2);
        }
        if (part == 0) bias_update(p, a, no, g, b->lr[s]);
    }
}

/* ---- the file section ------------------------------------------------------ */

static int row_is_zero(const float *w, int32_t no)
{
    int32_t k;
    for (k = 0; k < no; k++)
        if (w[k] != 0.0f) return 0;
    return 1;
}

/* Rows whose weights are all zero (untouched, or zeroed by L1) are not stored. */
static int64_t lin_stored_rows(const hn_model *m)
{
    const linear *p = m->impl;
    int64_t r, kept = 0;
    for (r = 0; r < m->rows; r++) kept += !row_is_zero(p->W + r * m->nout, m->nout);
    return kept;
}

static void lin_write_header(const hn_model *m, FILE *f)
{
    (void)m;
    (void)f;
}

static hn_status lin_write_body(const hn_model *m, FILE *f, hn_err *err)
{
    const linear *p = m->impl;
    int32_t k, no = m->nout;
    size_t rowbytes = 4 + 4 * (size_t)no;
    unsigned char *buf;
    uint64_t cap = m->mask + 1, pos;
    if (!(buf = malloc(rowbytes))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (k = 0; k < no; k++) {
        hn_put_f32(buf, p->b[k]);
        fwrite(buf, 1, 4, f);
    }
    /* rows in bucket order of the table: deterministic for a given training run */
    for (pos = 0; pos < cap; pos++) {
        const float *w;
        if (!m->keys[pos]) continue;
        w = p->W + (int64_t)m->slot[pos] * no;
        if (row_is_zero(w, no)) continue;
        hn_put_u32(buf, m->keys[pos] - 1);
        for (k = 0; k < no; k++) hn_put_f32(buf + 4 + 4 * k, w[k]);
        fwrite(buf, 1, rowbytes, f);
    }
    free(buf);
    return ferror(f) ? hn_err_set(err, HN_ERR_IO, "write error") : HN_OK;
}

static uint64_t lin_body_bytes(const hn_model *m)
{
    uint64_t no = (uint64_t)m->nout;
    return 4 * no + (uint64_t)lin_stored_rows(m) * (4 + 4 * no);
}

static hn_status lin_read(const hn_section_hdr *h, const unsigned char *p, const unsigned char *end, hn_model **out,
                      hn_err *err)
{
    hn_model *m = NULL;
    linear *lp;
    size_t i, need;
    int32_t k, no = h->nclasses == 2 ? 1 : h->nclasses;
    const char *msg = NULL;
    *out = NULL;
    if (h->extra[0]) return hn_err_set(err, HN_ERR_FORMAT, "model section: bad header");
    need = 4 * (size_t)no + (size_t)h->rows * (4 + 4 * (size_t)no);
    if ((size_t)(end - p) != need)
        return hn_err_set(err, HN_ERR_FORMAT, "model section: %zu bytes of weights, expected %zu", (size_t)(end - p),
                          need);
    if (!(m = hn_model_alloc(&hn_linear_kind, h->nclasses, h->bits, h->rows))) goto nomem;
    m->rows = h->rows; /* W sized for every stored row; rows are renumbered as they are inserted */
    if (!(m->impl = linear_alloc(m))) {
        hn_model_release(m);
        goto nomem;
    }
    m->rows = 0;
    lp = m->impl;
    for (k = 0; k < no; k++, p += 4)
        if (!isfinite(lp->b[k] = hn_get_f32(p))) {
            msg = "model section: non-finite bias";
            goto bad;
        }
    for (i = 0; i < (size_t)h->rows; i++) {
        uint32_t bucket = hn_get_u32(p);
        int64_t r;
        if (bucket >> h->bits) {
            hn_err_set(err, HN_ERR_FORMAT, "model section: bucket %u out of range", bucket);
            goto fail;
        }
        r = row_insert(m, bucket);
        if (r != (int64_t)i) {
            hn_err_set(err, HN_ERR_FORMAT, "model section: bucket %u stored twice", bucket);
            goto fail;
        }
        p += 4;
        for (k = 0; k < no; k++, p += 4)
            if (!isfinite(lp->W[(size_t)r * no + k] = hn_get_f32(p))) {
                msg = "model section: non-finite weight";
                goto bad;
            }
    }
    *out = m;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory loading the model");
bad:
    hn_err_set(err, HN_ERR_FORMAT, "%s", msg);
fail:
    lin_free(m);
    hn_model_release(m);
    return HN_ERR_FORMAT;
}

const hn_kind hn_linear_kind = {
    .name = "linear",
    .version = 1,
    .check_opts = lin_check_opts,
    .init = lin_init,
    .free = lin_free,
    .clone = lin_clone,
    .copy = lin_copy,
    .grow = lin_grow,
    .margins = lin_margins,
    .params = lin_params,
    .shape = lin_shape,
    .train_begin = lin_train_begin,
    .train_end = lin_train_end,
    .task_begin = lin_task_begin,
    .task_end = lin_task_end,
    .forward = lin_forward,
    .backward = lin_backward,
    .det_block = lin_det_block,
    .det_phases = 1,
    .det_refresh = 0, /* margins are all a step needs: nothing to refresh */
    .det_begin = lin_det_begin,
    .det_end = lin_det_end,
    .det_forward = lin_det_forward,
    .det_signal = lin_det_signal,
    .det_apply = lin_det_apply,
    .stored_rows = lin_stored_rows,
    .write_header = lin_write_header,
    .write_body = lin_write_body,
    .body_bytes = lin_body_bytes,
    .read = lin_read,
};
