/* mlp.c - the MLP model kind: hashed embedding bag -> ReLU layer(s) -> margins
 *
 * models/: src/base and libm only; calls no other file of the folder (see
 * models_internal.h). The trainer (epochs, shuffling, Hogwild threads,
 * OHEM batches, losses on the margins) is train.c's; this file is the
 * network: shapes, initialization, forward, backward, optimizer steps and
 * the file section, reached through the row hn_mlp_kind.
 *
 * Forward, for features (b_i, v_i) of one example:
 *   h0 = sum_i v_i E[b_i] / sum_i |v_i|          (a weighted mean; buckets
 *                                                  not seen in training are
 *                                                  zero vectors)
 *   a1 = drop(relu(W1^T h0 + b1))                 (hidden layer 1, width H1)
 *   a2 = drop(relu(W2^T a1 + b2))                 (optional layer 2)
 *   z  = Wo^T a_last + bo                         (nout margins)
 * drop() is inverted dropout while training (a unit is zeroed with
 * probability p, the others are scaled by 1/(1-p)); identity at test time.
 * The loss and dL/dz are loss.c's hn_loss_grad.
 *
 * Backward, layer by layer from the top, with g = dL/d(layer output):
 *   dL/dW[k][j] = a_in[k] g[j],  dL/db[j] = g[j],
 *   dL/da_in[k] = sum_j W[k][j] g[j], times relu'/dropout (a_in[k] > 0 ?
 *   1/(1-p) : 0) for a hidden input, computed before W is updated;
 *   dL/dE[b_i] = (v_i / sum|v|) dL/dh0 for each feature of the example only
 *   (sparse update).
 *
 * Layout: every dense layer stores W input-major (row k = the `out` weights
 * fed by input k), so the forward pass is one axpy per non-zero input (ReLU
 * zeros are skipped) and the update is one axpy per non-zero input; the
 * backward products are dot products over rows. All dense parameters live
 * in one array P; embeddings in E (rows x dim).
 *
 * Optimizers: AdaGrad keeps one accumulator per embedding row, and per
 * output unit of each layer one for the unit's weight row (its mean
 * squared gradient) and one for its bias, as the linear model does per
 * row: one sqrt per row instead of per weight. (A bias sharing its unit's
 * accumulator took steps sqrt(in) times too large and killed ReLU units.)
 * The tokenizer merges repeated buckets of a line, so each embedding row
 * gets one step per example. Adam keeps two moments per parameter and is lazy: a
 * weight's moments move only when the weight gets a gradient (inputs that
 * are zero give none), with the bias correction of the global step. L2 is
 * applied to the weights an update touches (biases excluded).
 *
 * Initialization (seeded): E uniform in [-1/sqrt(dim), 1/sqrt(dim)]; hidden
 * layers He-uniform (sqrt(6/in)); the output layer Glorot-uniform; biases 0.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/models_internal.h"
#include "src/base/rng.h"

typedef struct hn_mlp {
    int32_t dim, nh, nl;    /* nl = nh + 1 dense layers */
    int32_t in[3], out[3];  /* layer l maps in[l] -> out[l] */
    size_t woff[3], boff[3];/* offsets of W and b of layer l in P */
    size_t np;              /* dense parameters */
    float *E;               /* rows * dim */
    float *P;               /* np */
} hn_mlp;

#define MLP(m) ((hn_mlp *)(m)->impl)

struct hn_mlp_state {
    float *GE, *GU, *GB;    /* AdaGrad: per embedding row; per unit (sum of out[l]) for
                               the weight row and for the bias */
    float *mE, *vE, *mP, *vP; /* Adam moments */
    size_t uoff[3];         /* first unit of layer l in GU */
};

#define ADAGRAD_EPS 1e-8f
#define ADAM_B1 0.9
#define ADAM_B2 0.999
#define ADAM_EPS 1e-8f

/* ---- small vector kernels (written so -O3 vectorizes them) ---------------- */

static inline void axpy(float *restrict y, const float *restrict x, float a, int32_t n)
{
    int32_t k;
    for (k = 0; k < n; k++) y[k] += a * x[k];
}

/* Fixed-order dot product: eight partial sums, so it vectorizes without
 * reassociating and gives the same bits on every run. */
static inline float dot(const float *restrict a, const float *restrict b, int32_t n)
{
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0}, s;
    int32_t k = 0, q;
    for (; k + 8 <= n; k += 8)
        for (q = 0; q < 8; q++) acc[q] += a[k + q] * b[k + q];
    s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; k < n; k++) s += a[k] * b[k];
    return s;
}

static inline float sumsq(const float *a, int32_t n)
{
    return dot(a, a, n);
}

static float uniform(uint64_t *rng, float a)
{
    return (float)((hn_rng_uniform(rng) * 2.0 - 1.0) * a);
}

/* ---- shape ---------------------------------------------------------------- */

static void mlp_free(hn_mlp *p);

static hn_mlp *mlp_alloc(int32_t nout, int32_t dim, int32_t h1, int32_t h2, int64_t rows)
{
    hn_mlp *p = calloc(1, sizeof *p);
    int32_t l;
    size_t off = 0;
    if (!p) return NULL;
    p->dim = dim;
    p->nh = h2 > 0 ? 2 : 1;
    p->nl = p->nh + 1;
    p->in[0] = dim;
    p->out[0] = h1;
    if (p->nh == 2) {
        p->in[1] = h1;
        p->out[1] = h2;
    }
    p->in[p->nl - 1] = p->nh == 2 ? h2 : h1;
    p->out[p->nl - 1] = nout;
    for (l = 0; l < p->nl; l++) {
        p->woff[l] = off;
        off += (size_t)p->in[l] * (size_t)p->out[l];
        p->boff[l] = off;
        off += (size_t)p->out[l];
    }
    p->np = off;
    p->P = calloc(p->np, sizeof *p->P);
    p->E = malloc((rows ? (size_t)rows : 1) * (size_t)dim * sizeof *p->E);
    if (!p->P || !p->E) {
        mlp_free(p);
        return NULL;
    }
    return p;
}

static hn_status mlp_check_opts(const hn_train_opts *o, hn_err *err)
{
    if (o->solver != HN_SOLVER_SGD) return hn_err_set(err, HN_ERR_ARG, "--solver dcd is for the linear model");
    if (o->dim < 1 || o->dim > HN_MLP_MAX_DIM) return hn_err_set(err, HN_ERR_ARG, "--dim must be in [1, %d]", HN_MLP_MAX_DIM);
    if (o->hidden[0] < 1 || o->hidden[0] > HN_MLP_MAX_DIM || o->hidden[1] < 0 || o->hidden[1] > HN_MLP_MAX_DIM)
        return hn_err_set(err, HN_ERR_ARG, "--hidden widths must be in [1, %d]", HN_MLP_MAX_DIM);
    if (!(o->dropout >= 0 && o->dropout <= 0.99)) return hn_err_set(err, HN_ERR_ARG, "--dropout must be in [0, 0.99]");
    if (o->l1 > 0) return hn_err_set(err, HN_ERR_ARG, "--l1 is for the linear model (the MLP uses --l2 and --dropout)");
    return HN_OK;
}

static hn_status mlp_init(hn_model *m, const hn_train_opts *o, hn_err *err)
{
    hn_mlp *p = mlp_alloc(m->nout, o->dim, o->hidden[0], o->hidden[1], m->rows);
    uint64_t rng = o->seed ^ 0x6d6c7020696e6974ull; /* independent of the shuffle stream */
    size_t i, n;
    int32_t l;
    float a;
    if (!p)
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the MLP: %lld embedding rows x %d = %.1f MB", (long long)m->rows,
                          (int)o->dim, (double)m->rows * (double)o->dim * 4 / 1e6);
    n = (size_t)m->rows * (size_t)p->dim;
    a = 1.0f / sqrtf((float)p->dim);
    for (i = 0; i < n; i++) p->E[i] = uniform(&rng, a);
    for (l = 0; l < p->nl; l++) {
        size_t nw = (size_t)p->in[l] * (size_t)p->out[l];
        float *W = p->P + p->woff[l];
        a = l < p->nl - 1 ? sqrtf(6.0f / (float)p->in[l]) : sqrtf(6.0f / (float)(p->in[l] + p->out[l]));
        for (i = 0; i < nw; i++) W[i] = uniform(&rng, a);
    }
    m->impl = p;
    return HN_OK;
}

static void mlp_free(hn_mlp *p)
{
    if (!p) return;
    free(p->E);
    free(p->P);
    free(p);
}

static void mlp_kfree(hn_model *m)
{
    mlp_free(MLP(m));
    m->impl = NULL;
}

static void mlp_copy(hn_model *dst, const hn_model *src)
{
    hn_mlp *d = MLP(dst);
    const hn_mlp *s = MLP(src);
    memcpy(d->E, s->E, (size_t)src->rows * (size_t)s->dim * sizeof *s->E);
    memcpy(d->P, s->P, s->np * sizeof *s->P);
}

static hn_status mlp_clone(hn_model *dst, const hn_model *src)
{
    const hn_mlp *p = MLP(src);
    int32_t h2 = p->nh == 2 ? p->out[1] : 0;
    if (!(dst->impl = mlp_alloc(p->out[p->nl - 1], p->dim, p->out[0], h2, src->rows))) return HN_ERR_NOMEM;
    mlp_copy(dst, src);
    return HN_OK;
}

static hn_status mlp_grow(hn_model *dst, const hn_model *src, hn_err *err)
{
    hn_mlp *d = MLP(dst);
    const hn_mlp *s = MLP(src);
    int32_t l, last = s->nl - 1, k;
    if (d->dim != s->dim || d->nh != s->nh || d->out[0] != s->out[0] || (s->nh == 2 && d->out[1] != s->out[1]))
        return hn_err_set(err, HN_ERR_ARG, "the initial MLP has --dim %d --hidden %d,%d; this one would differ",
                          (int)s->dim, (int)s->out[0], s->nh == 2 ? (int)s->out[1] : 0);
    memcpy(d->E, s->E, (size_t)src->rows * (size_t)s->dim * sizeof *s->E);
    for (l = 0; l < last; l++) /* the hidden layers: the same shape */
        memcpy(d->P + d->woff[l], s->P + s->woff[l],
               ((size_t)s->in[l] * (size_t)s->out[l] + (size_t)s->out[l]) * sizeof *s->P);
    /* the output layer, input-major: each input's old class weights, the new ones zero */
    for (k = 0; k < s->in[last]; k++) {
        float *w = d->P + d->woff[last] + (size_t)k * (size_t)d->out[last];
        memset(w, 0, (size_t)d->out[last] * sizeof *w);
        memcpy(w, s->P + s->woff[last] + (size_t)k * (size_t)s->out[last], (size_t)s->out[last] * sizeof *w);
    }
    memset(d->P + d->boff[last], 0, (size_t)d->out[last] * sizeof *d->P);
    memcpy(d->P + d->boff[last], s->P + s->boff[last], (size_t)s->out[last] * sizeof *d->P);
    return HN_OK;
}

static void mlp_shape(const hn_model *m, int32_t *dim, int32_t hidden[2])
{
    const hn_mlp *p = MLP(m);
    *dim = p->dim;
    hidden[0] = p->out[0];
    hidden[1] = p->nh == 2 ? p->out[1] : 0;
}

static int64_t mlp_params(const hn_model *m)
{
    return m->rows * MLP(m)->dim + (int64_t)MLP(m)->np;
}

float *hn_mlp_params(hn_model *m, size_t *n)
{
    *n = MLP(m)->np;
    return MLP(m)->P;
}

float *hn_mlp_embeddings(hn_model *m, size_t *n)
{
    *n = (size_t)m->rows * (size_t)MLP(m)->dim;
    return MLP(m)->E;
}

size_t hn_mlp_act_size(const hn_model *m)
{
    const hn_mlp *p = MLP(m);
    size_t n = (size_t)p->dim, l;
    for (l = 0; l + 1 < (size_t)p->nl; l++) n += (size_t)p->out[l];
    return n;
}

/* two vectors as wide as the widest layer output (step and decay per unit) */
static size_t scratch_half(const hn_mlp *p)
{
    int32_t l, w = 1;
    for (l = 0; l < p->nl; l++)
        if (p->out[l] > w) w = p->out[l];
    return (size_t)w;
}

size_t hn_mlp_scratch_size(const hn_model *m)
{
    return 2 * scratch_half(MLP(m));
}

/* ---- forward ---------------------------------------------------------------- */

static float embed(const hn_model *m, const hn_svec *x, float *h0)
{
    const hn_mlp *p = MLP(m);
    int32_t D = p->dim, i, k;
    float S = 0;
    memset(h0, 0, (size_t)D * sizeof *h0);
    for (i = 0; i < x->n; i += HN_ROW_CHUNK) {
        int64_t rows[HN_ROW_CHUNK];
        int32_t j, n = x->n - i < HN_ROW_CHUNK ? x->n - i : HN_ROW_CHUNK;
        rows_resolve(m, x->idx + i, n, p->E, (size_t)D, rows);
        for (j = 0; j < n; j++) {
            S += fabsf(x->val[i + j]);
            if (rows[j] >= 0) axpy(h0, p->E + (size_t)rows[j] * D, x->val[i + j], D);
        }
    }
    if (S > 0) {
        float inv = 1.0f / S;
        for (k = 0; k < D; k++) h0[k] *= inv;
    }
    return S;
}

void hn_mlp_forward(const hn_model *m, const hn_svec *x, float *act, float drop, uint64_t *rng, float *z)
{
    const hn_mlp *p = MLP(m);
    const float *a = act;
    float *out = act + p->dim;
    int32_t l, k;
    /* drop <= 0.99 (hn_train_opts_check): the cut fits in 64 bits */
    uint64_t cut = drop > 0 ? (uint64_t)((double)drop * 18446744073709551616.0) : 0;
    float keep = drop > 0 ? (float)(1.0 / (1.0 - (double)drop)) : 1.0f;
    embed(m, x, act);
    for (l = 0; l < p->nl; l++) {
        int32_t ni = p->in[l], no = p->out[l];
        const float *W = p->P + p->woff[l];
        float *o = l == p->nl - 1 ? z : out;
        memcpy(o, p->P + p->boff[l], (size_t)no * sizeof *o);
        for (k = 0; k < ni; k++)
            if (a[k] != 0.0f) axpy(o, W + (size_t)k * no, a[k], no);
        if (l == p->nl - 1) break;
        /* ReLU, then dropout; one draw per unit whatever its value, so
         * the mask does not depend on the weights */
        for (k = 0; k < no; k++) {
            int dropped = cut && hn_rng_next(rng) < cut;
            o[k] = (o[k] <= 0.0f || dropped) ? 0.0f : o[k] * keep;
        }
        a = o;
        out += no;
    }
}

static void mlp_margins(const hn_model *m, const hn_svec *x, float *z)
{
    float act[3 * HN_MLP_MAX_DIM];
    hn_mlp_forward(m, x, act, 0.0f, NULL, z);
}

/* ---- optimizer state ---------------------------------------------------------- */

static void mlp_state_free(hn_mlp_state *s);

static hn_mlp_state *mlp_state_new(const hn_model *m, const hn_train_opts *o)
{
    const hn_mlp *p = MLP(m);
    hn_mlp_state *s = calloc(1, sizeof *s);
    size_t ne = (size_t)m->rows * (size_t)p->dim + 1, units = 0;
    int32_t l;
    if (!s) return NULL;
    for (l = 0; l < p->nl; l++) {
        s->uoff[l] = units;
        units += (size_t)p->out[l];
    }
    if (o->optim == HN_OPTIM_ADAGRAD) {
        s->GE = calloc((size_t)m->rows + 1, sizeof *s->GE);
        s->GU = calloc(units, sizeof *s->GU);
        s->GB = calloc(units, sizeof *s->GB);
        if (!s->GE || !s->GU || !s->GB) goto fail;
    } else if (o->optim == HN_OPTIM_ADAM) {
        s->mE = calloc(ne, sizeof *s->mE);
        s->vE = calloc(ne, sizeof *s->vE);
        s->mP = calloc(p->np, sizeof *s->mP);
        s->vP = calloc(p->np, sizeof *s->vP);
        if (!s->mE || !s->vE || !s->mP || !s->vP) goto fail;
    }
    return s;
fail:
    mlp_state_free(s);
    return NULL;
}

static void mlp_state_free(hn_mlp_state *s)
{
    if (!s) return;
    free(s->GE);
    free(s->GU);
    free(s->GB);
    free(s->mE);
    free(s->vE);
    free(s->mP);
    free(s->vP);
    free(s);
}

/* ---- backward ------------------------------------------------------------------ */

/* Adam on n weights w with gradient c * gv[k] + l2 w[k]. */
static inline void adam_vec(float *restrict w, float *restrict mo, float *restrict ve, const float *restrict gv, float c,
                            float l2, float lr_t, int32_t n)
{
    int32_t k;
    const float b1 = (float)ADAM_B1, b2 = (float)ADAM_B2;
    for (k = 0; k < n; k++) {
        float gr = c * gv[k] + l2 * w[k];
        mo[k] = b1 * mo[k] + (1 - b1) * gr;
        ve[k] = b2 * ve[k] + (1 - b2) * gr * gr;
        w[k] -= lr_t * mo[k] / (sqrtf(ve[k]) + ADAM_EPS);
    }
}

void hn_mlp_backward(hn_model *m, hn_mlp_state *s, const hn_train_opts *o, const hn_svec *x, const float *act,
                     const float *g, float lr, int64_t step, float *scratch)
{
    hn_mlp *p = MLP(m);
    const int32_t D = p->dim;
    const float l2 = (float)o->l2, keep = o->dropout > 0 ? (float)(1.0 / (1.0 - (double)(float)o->dropout)) : 1.0f;
    const float *gout = g;
    float gbuf[2][HN_MLP_MAX_DIM];
    float *sg = scratch, *dec = scratch + scratch_half(p);
    float lr_t = lr;
    int32_t l, k, j, i;
    double S = 0;
    if (o->optim == HN_OPTIM_ADAM) {
        double t = (double)step;
        lr_t = (float)(lr * sqrt(1.0 - pow(ADAM_B2, t)) / (1.0 - pow(ADAM_B1, t)));
    }
    for (l = p->nl - 1; l >= 0; l--) {
        int32_t ni = p->in[l], no = p->out[l];
        const float *a_in;
        float *W = p->P + p->woff[l], *b = p->P + p->boff[l], *gin = gbuf[l & 1];
        a_in = l == 0 ? act : act + D + (l == 2 ? p->out[0] : 0);
        /* dL/d(input), before W moves */
        for (k = 0; k < ni; k++)
            gin[k] = (l == 0 || a_in[k] > 0.0f) ? dot(W + (size_t)k * no, gout, no) * (l == 0 ? 1.0f : keep) : 0.0f;
        if (o->optim == HN_OPTIM_ADAM) {
            float *mo = s->mP + p->woff[l], *ve = s->vP + p->woff[l];
            for (k = 0; k < ni; k++)
                if (a_in[k] != 0.0f)
                    adam_vec(W + (size_t)k * no, mo + (size_t)k * no, ve + (size_t)k * no, gout, a_in[k], l2, lr_t, no);
            adam_vec(b, s->mP + p->boff[l], s->vP + p->boff[l], gout, 1.0f, 0.0f, lr_t, no);
        } else {
            /* per-unit step: AdaGrad's accumulator of the unit's row, or SGD */
            if (s && s->GU) {
                /* the weight row's mean squared gradient is g_j^2 |a|^2 / ni;
                 * the bias (gradient g_j) has its own accumulator */
                float *GU = s->GU + s->uoff[l], *GB = s->GB + s->uoff[l], aa = sumsq(a_in, ni) / (float)ni;
                for (j = 0; j < no; j++) {
                    float st, g2 = gout[j] * gout[j];
                    GU[j] += g2 * aa;
                    GB[j] += g2;
                    st = lr / sqrtf(GU[j] + ADAGRAD_EPS);
                    sg[j] = st * gout[j];
                    dec[j] = st * l2;
                    b[j] -= lr / sqrtf(GB[j] + ADAGRAD_EPS) * gout[j];
                }
            } else {
                for (j = 0; j < no; j++) {
                    sg[j] = lr * gout[j];
                    dec[j] = lr * l2;
                    b[j] -= sg[j];
                }
            }
            for (k = 0; k < ni; k++) {
                float ak = a_in[k], *wr;
                if (ak == 0.0f) continue;
                wr = W + (size_t)k * no;
                if (l2 > 0)
                    for (j = 0; j < no; j++) wr[j] -= ak * sg[j] + dec[j] * wr[j];
                else
                    axpy(wr, sg, -ak, no);
            }
        }
        gout = gin;
    }
    /* embedding rows of this example: dL/dE[b_i] = (v_i / S) dL/dh0 */
    for (i = 0; i < x->n; i++) S += fabs((double)x->val[i]);
    if (S <= 0) return;
    {
        float gg = sumsq(gout, D) / (float)D;
        for (i = 0; i < x->n; i++) {
            int64_t r = row_find(m, x->idx[i]);
            float c = (float)(x->val[i] / S), *er;
            if (r < 0 || c == 0.0f) continue;
            er = p->E + (size_t)r * D;
            if (o->optim == HN_OPTIM_ADAM) {
                adam_vec(er, s->mE + (size_t)r * D, s->vE + (size_t)r * D, gout, c, l2, lr_t, D);
                continue;
            }
            {
                float st = lr;
                if (s && s->GE) {
                    s->GE[r] += c * c * gg;
                    st = lr / sqrtf(s->GE[r] + ADAGRAD_EPS);
                }
                if (l2 > 0)
                    for (k = 0; k < D; k++) er[k] -= st * (c * gout[k] + l2 * er[k]);
                else
                    axpy(er, gout, -st * c, D);
            }
        }
    }
}

/* ---- file section ------------------------------------------------------------- */

static void put_floats(unsigned char *q, const float *f, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) hn_put_f32(q + 4 * i, f[i]);
}

/* n floats from q; 0, or -1 if one is not finite */
static int get_floats(float *f, const unsigned char *q, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isfinite(f[i] = hn_get_f32(q + 4 * i))) return -1;
    return 0;
}

/* Section "mlp 1": header lines "dim D\nhidden H1 H2\n" after the common
 * ones ("rows" = every embedding row), then the dense parameters P (layer
 * by layer: W input-major, then b; little-endian float32), then `rows`
 * records of bucket (u32) + dim floats, in the row table's slot order. */
static int64_t mlp_stored_rows(const hn_model *m)
{
    return m->rows;
}

static void mlp_write_header(const hn_model *m, FILE *f)
{
    const hn_mlp *p = MLP(m);
    fprintf(f, "dim %d\nhidden %d %d\n", (int)p->dim, (int)p->out[0], p->nh == 2 ? (int)p->out[1] : 0);
}

static hn_status mlp_write_body(const hn_model *m, FILE *f, hn_err *err)
{
    const hn_mlp *p = MLP(m);
    size_t rowbytes = 4 + 4 * (size_t)p->dim, i, chunk = 4096;
    unsigned char *buf = malloc(rowbytes > 4 * chunk ? rowbytes : 4 * chunk);
    uint64_t cap = m->mask + 1, pos;
    if (!buf) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (i = 0; i < p->np; i += chunk) { /* P in pieces: with many classes it is large */
        size_t n = p->np - i < chunk ? p->np - i : chunk;
        put_floats(buf, p->P + i, n);
        fwrite(buf, 1, 4 * n, f);
    }
    for (pos = 0; pos < cap; pos++) {
        if (!m->keys[pos]) continue;
        hn_put_u32(buf, m->keys[pos] - 1);
        put_floats(buf + 4, p->E + (size_t)m->slot[pos] * p->dim, (size_t)p->dim);
        fwrite(buf, 1, rowbytes, f);
    }
    free(buf);
    return ferror(f) ? hn_err_set(err, HN_ERR_IO, "write error") : HN_OK;
}

static uint64_t mlp_body_bytes(const hn_model *m)
{
    const hn_mlp *p = MLP(m);
    return 4 * (uint64_t)p->np + (uint64_t)m->rows * (4 + 4 * (uint64_t)p->dim);
}

static hn_status mlp_read(const hn_section_hdr *h, const unsigned char *q, const unsigned char *end, hn_model **out,
                          hn_err *err)
{
    int dim = 0, h1 = 0, h2 = 0;
    int32_t nclasses = h->nclasses, bits = h->bits;
    long long rows = h->rows, i;
    hn_model *m = NULL;
    hn_mlp *p;
    *out = NULL;
    if (sscanf(h->extra, "dim %d\nhidden %d %d\n", &dim, &h1, &h2) != 3)
        return hn_err_set(err, HN_ERR_FORMAT, "model section: bad MLP header");
    if (dim < 1 || dim > HN_MLP_MAX_DIM || h1 < 1 || h1 > HN_MLP_MAX_DIM || h2 < 0 || h2 > HN_MLP_MAX_DIM)
        return hn_err_set(err, HN_ERR_FORMAT, "model section: bad MLP shape (classes %d, bits %d, rows %lld, dim %d, hidden %d %d)",
                          (int)nclasses, (int)bits, rows, dim, h1, h2);
    { /* the size the header promises, checked against the bytes present
       * before anything is allocated (in 64-bit arithmetic: at most about
       * 2^30 * 4100 + 2^40 bytes, no overflow) */
        uint64_t nout = nclasses == 2 ? 1 : (uint64_t)nclasses, last = h2 ? (uint64_t)h2 : (uint64_t)h1;
        uint64_t np = (uint64_t)dim * h1 + h1 + (h2 ? (uint64_t)h1 * h2 + h2 : 0) + last * nout + nout;
        uint64_t want = 4 * np + (uint64_t)rows * (4 + 4 * (uint64_t)dim);
        if ((uint64_t)(end - q) != want || want > SIZE_MAX)
            return hn_err_set(err, HN_ERR_FORMAT, "model section: %zu bytes of MLP weights, expected %llu",
                              (size_t)(end - q), (unsigned long long)want);
    }
    if (!(m = hn_model_alloc(&hn_mlp_kind, nclasses, bits, rows))) goto nomem;
    if (!(m->impl = mlp_alloc(m->nout, dim, h1, h2, rows))) {
        hn_model_release(m);
        goto nomem;
    }
    p = MLP(m);
    if (get_floats(p->P, q, p->np)) goto nonfinite;
    q += 4 * p->np;
    for (i = 0; i < rows; i++, q += 4 + 4 * (size_t)dim) {
        uint32_t bucket = hn_get_u32(q);
        int64_t r;
        if (bucket >> bits) {
            hn_err_set(err, HN_ERR_FORMAT, "model section: bucket %u out of range", bucket);
            goto fail;
        }
        if ((r = row_insert(m, bucket)) != i) {
            hn_err_set(err, HN_ERR_FORMAT, "model section: bucket %u stored twice", bucket);
            goto fail;
        }
        if (get_floats(p->E + (size_t)r * dim, q + 4, (size_t)dim)) goto nonfinite;
    }
    *out = m;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory loading the model");
nonfinite:
    hn_err_set(err, HN_ERR_FORMAT, "model section: non-finite weight");
fail:
    mlp_kfree(m);
    hn_model_release(m);
    return HN_ERR_FORMAT;
}

/* ---- training glue (train.c drives it through hn_mlp_kind) ------------------- */

static hn_status mlp_train_begin(hn_model *m, const hn_train_opts *o, void **state, hn_err *err)
{
    if (!(*state = mlp_state_new(m, o))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the MLP training state");
    return HN_OK;
}

static void mlp_train_end(void *state)
{
    mlp_state_free(state);
}

/* Per training task: activations of every batch slot, the backward
 * scratch, room for refreshed margins, and each slot's dropout stream
 * state before its forward pass (so a refresh replays the same mask). */
typedef struct mlp_task {
    float *act;
    uint64_t *slot_rng;
    size_t act_n, scratch_n;
    int32_t batch;
} mlp_task;

static hn_status mlp_task_begin(const hn_model *m, const hn_train_opts *o, void **scratch)
{
    mlp_task *t = calloc(1, sizeof *t);
    if (!t) return HN_ERR_NOMEM;
    t->batch = o->batch > 1 ? o->batch : 1;
    t->act_n = hn_mlp_act_size(m);
    t->scratch_n = hn_mlp_scratch_size(m);
    t->act = malloc(((size_t)t->batch * t->act_n + t->scratch_n + (size_t)m->nout) * sizeof *t->act);
    t->slot_rng = malloc((size_t)t->batch * sizeof *t->slot_rng);
    if (!t->act || !t->slot_rng) {
        free(t->act);
        free(t->slot_rng);
        free(t);
        return HN_ERR_NOMEM;
    }
    *scratch = t;
    return HN_OK;
}

static void mlp_task_end(void *scratch)
{
    mlp_task *t = scratch;
    if (!t) return;
    free(t->act);
    free(t->slot_rng);
    free(t);
}

static void mlp_forward_train(const hn_model *m, const hn_train_opts *o, void *scratch, int32_t slot, uint64_t *rng,
                              const hn_svec *x, float *z)
{
    mlp_task *t = scratch;
    t->slot_rng[slot] = *rng;
    hn_mlp_forward(m, x, t->act + (size_t)slot * t->act_n, (float)o->dropout, rng, z);
}

static void mlp_backward_train(hn_model *m, void *state, const hn_train_opts *o, void *scratch, int32_t slot,
                               const hn_svec *x, const float *g, float lr, int64_t step)
{
    mlp_task *t = scratch;
    float *act = t->act + (size_t)slot * t->act_n, *bscratch = t->act + (size_t)t->batch * t->act_n;
    /* in a batch, the margins that chose the example were computed before
     * the batch's earlier updates: refresh the activations with the same
     * dropout mask, so each update sees the weights it changes (stale ReLU
     * activations let a batch of same-sign steps kill a unit) */
    if (t->batch > 1) {
        uint64_t r = t->slot_rng[slot];
        hn_mlp_forward(m, x, act, (float)o->dropout, &r, bscratch + t->scratch_n);
    }
    hn_mlp_backward(m, state, o, x, act, g, lr, step, bscratch);
}

/* ---- deterministic training (see models_internal.h) ---------------------------
 *
 * Per block slot: the activations of the forward pass (dropout mask
 * drawn from the slot's own stream), then the backward signals from the
 * weights as they stood at the block's start: dL/d(output) of every layer
 * and dL/dh0, and |a_in|^2 / in of every layer (AdaGrad). The updates are
 * then hn_mlp_backward's, applied in block order, in two phases:
 *   phase 0: per output unit (parts: contiguous ranges), its bias and AdaGrad
 *            accumulators, which fix the unit's step for each example
 *            (kept in sg and dec); per embedding row (hn_det_part), its
 *            steps;
 *   phase 1: per dense weight row (part: row % nparts), its steps, with
 *            the unit steps of phase 0.
 * Blocks are 8 examples (2 for plain SGD). Larger blocks sum more steps
 * taken from the same stale activations, and a block of same-sign steps
 * kills ReLU units: on CLINC150 (validation accuracy, sequential 0.900) 8
 * gave 0.899, 16 0.896, 64 0.844 and 128 diverged; on the topic problem
 * of the tests (16-wide layers, 10 to 20 seeds) AdaGrad and Adam with 8
 * failed as often as sequential training, while plain SGD, whose steps
 * do not shrink, needs 2 (4 failed 2 to 4 times as often). After a
 * batch-level step (OHEM, rank) each kept example is refreshed before its
 * step (det_refresh 1), as train_batches refreshes it: runs of 2 or 4
 * stale ones failed 4 and 7 of 20 seeds (sequential: 1). */
static int32_t mlp_det_block(const hn_train_opts *o)
{
    return o->optim == HN_OPTIM_SGD ? 2 : 8;
}

typedef struct mlp_det {
    int32_t B, units;
    size_t act_n, sig_n;
    size_t soff[4];       /* in a slot's signals: dL/d(output of layer l); soff[nl]: dL/dh0 */
    int32_t uoff[3];      /* first unit of layer l */
    float *act;           /* B * act_n */
    float *sig;           /* B * sig_n */
    float *aa;            /* B * nl */
    float *sg, *dec;      /* B * units */
} mlp_det;

static void mlp_det_end(void *det)
{
    mlp_det *d = det;
    if (!d) return;
    free(d->act);
    free(d->sig);
    free(d->aa);
    free(d->sg);
    free(d->dec);
    free(d);
}

static hn_status mlp_det_begin(const hn_model *m, const hn_train_opts *o, int32_t block, void **det)
{
    const hn_mlp *p = MLP(m);
    mlp_det *d = calloc(1, sizeof *d);
    int32_t l;
    size_t B = (size_t)block;
    (void)o;
    *det = NULL;
    if (!d) return HN_ERR_NOMEM;
    d->B = block;
    d->act_n = hn_mlp_act_size(m);
    for (l = 0; l < p->nl; l++) {
        d->soff[l] = d->sig_n;
        d->sig_n += (size_t)p->out[l];
        d->uoff[l] = d->units;
        d->units += p->out[l];
    }
    d->soff[p->nl] = d->sig_n;
    d->sig_n += (size_t)p->dim;
    d->act = malloc(B * d->act_n * sizeof *d->act);
    d->sig = malloc(B * d->sig_n * sizeof *d->sig);
    d->aa = malloc(B * (size_t)p->nl * sizeof *d->aa);
    d->sg = malloc(B * (size_t)d->units * sizeof *d->sg);
    d->dec = malloc(B * (size_t)d->units * sizeof *d->dec);
    if (!d->act || !d->sig || !d->aa || !d->sg || !d->dec) {
        mlp_det_end(d);
        return HN_ERR_NOMEM;
    }
    *det = d;
    return HN_OK;
}

static void mlp_det_forward(const hn_model *m, const hn_train_opts *o, void *det, int32_t slot, uint64_t *rng,
                            const hn_svec *x, const int32_t *rows, float *z)
{
    mlp_det *d = det;
    (void)rows;
    hn_mlp_forward(m, x, d->act + (size_t)slot * d->act_n, (float)o->dropout, rng, z);
}

/* The input activations of layer l in a slot's activations. */
static inline const float *layer_input(const hn_mlp *p, const float *act, int32_t l)
{
    return l == 0 ? act : act + p->dim + (l == 2 ? p->out[0] : 0);
}

static void mlp_det_signal(const hn_model *m, const hn_train_opts *o, void *det, int32_t slot, const hn_svec *x,
                           const int32_t *rows, const float *g)
{
    const hn_mlp *p = MLP(m);
    mlp_det *d = det;
    const float keep = o->dropout > 0 ? (float)(1.0 / (1.0 - (double)(float)o->dropout)) : 1.0f;
    const float *act = d->act + (size_t)slot * d->act_n;
    float *sig = d->sig + (size_t)slot * d->sig_n;
    int32_t l, k;
    (void)x;
    (void)rows;
    memcpy(sig + d->soff[p->nl - 1], g, (size_t)p->out[p->nl - 1] * sizeof *g);
    for (l = p->nl - 1; l >= 0; l--) {
        int32_t ni = p->in[l], no = p->out[l];
        const float *W = p->P + p->woff[l], *a_in = layer_input(p, act, l), *gout = sig + d->soff[l];
        float *gin = sig + (l == 0 ? d->soff[p->nl] : d->soff[l - 1]);
        d->aa[(size_t)slot * (size_t)p->nl + (size_t)l] = sumsq(a_in, ni) / (float)ni;
        for (k = 0; k < ni; k++)
            gin[k] = (l == 0 || a_in[k] > 0.0f) ? dot(W + (size_t)k * no, gout, no) * (l == 0 ? 1.0f : keep) : 0.0f;
    }
}

static float adam_rate(float lr, int64_t step)
{
    double t = (double)step;
    return (float)(lr * sqrt(1.0 - pow(ADAM_B2, t)) / (1.0 - pow(ADAM_B1, t)));
}

/* Phase 0, part `part`: the units' biases and steps, and the embedding rows. */
static void det_units_and_rows(hn_model *m, hn_mlp_state *st, const hn_train_opts *o, mlp_det *d, const hn_det_block *b,
                               int32_t part, int32_t nparts)
{
    hn_mlp *p = MLP(m);
    const int32_t D = p->dim;
    const float l2 = (float)o->l2;
    /* units in contiguous ranges: their biases, accumulators and steps
     * are adjacent floats, which parts must not share cache lines of */
    int32_t l, j, s, i, k, u_lo = (int32_t)((int64_t)d->units * part / nparts),
                           u_hi = (int32_t)((int64_t)d->units * (part + 1) / nparts);
    for (l = 0; l < p->nl; l++) {
        float *bias = p->P + p->boff[l];
        for (j = 0; j < p->out[l]; j++) {
            int32_t u = d->uoff[l] + j;
            if (u < u_lo || u >= u_hi) continue;
            for (s = b->from; s < b->to; s++) {
                const float *gout = d->sig + (size_t)s * d->sig_n + d->soff[l];
                float lr = b->lr[s], *sg = d->sg + (size_t)s * (size_t)d->units, *dec = d->dec + (size_t)s * (size_t)d->units;
                if (!b->keep[s]) continue;
                if (o->optim == HN_OPTIM_ADAM) {
                    adam_vec(bias + j, st->mP + p->boff[l] + j, st->vP + p->boff[l] + j, gout + j, 1.0f, 0.0f,
                             adam_rate(lr, b->step[s]), 1);
                } else if (st && st->GU) {
                    float stp, g2 = gout[j] * gout[j];
                    float *GU = st->GU + st->uoff[l], *GB = st->GB + st->uoff[l];
                    GU[j] += g2 * d->aa[(size_t)s * (size_t)p->nl + (size_t)l];
                    GB[j] += g2;
                    stp = lr / sqrtf(GU[j] + ADAGRAD_EPS);
                    sg[u] = stp * gout[j];
                    dec[u] = stp * l2;
                    bias[j] -= lr / sqrtf(GB[j] + ADAGRAD_EPS) * gout[j];
                } else {
                    sg[u] = lr * gout[j];
                    dec[u] = lr * l2;
                    bias[j] -= sg[u];
                }
            }
        }
    }
    for (s = b->from; s < b->to; s++) {
        const hn_svec *x = &b->xs[s];
        const int32_t *rows = b->rows + b->roff[s];
        const float *gout = d->sig + (size_t)s * d->sig_n + d->soff[p->nl];
        float lr = b->lr[s], lr_t = lr, gg;
        double S = 0;
        if (!b->keep[s]) continue;
        for (i = 0; i < x->n; i++) S += fabs((double)x->val[i]);
        if (S <= 0) continue;
        if (o->optim == HN_OPTIM_ADAM) lr_t = adam_rate(lr, b->step[s]);
        gg = sumsq(gout, D) / (float)D;
        for (i = 0; i < x->n; i++) {
            int64_t r = rows[i];
            float c, *er;
            if (r < 0 || hn_det_part(r, nparts) != part) continue;
            if ((c = (float)(x->val[i] / S)) == 0.0f) continue;
            er = p->E + (size_t)r * D;
            if (o->optim == HN_OPTIM_ADAM) {
                adam_vec(er, st->mE + (size_t)r * D, st->vE + (size_t)r * D, gout, c, l2, lr_t, D);
                continue;
            }
            {
                float stp = lr;
                if (st && st->GE) {
                    st->GE[r] += c * c * gg;
                    stp = lr / sqrtf(st->GE[r] + ADAGRAD_EPS);
                }
                if (l2 > 0)
                    for (k = 0; k < D; k++) er[k] -= stp * (c * gout[k] + l2 * er[k]);
                else
                    axpy(er, gout, -stp * c, D);
            }
        }
    }
}

/* Phase 1, part `part`: the dense weight rows (row k of layer l: the
 * weights fed by input k). */
static void det_dense_rows(hn_model *m, hn_mlp_state *st, const hn_train_opts *o, mlp_det *d, const hn_det_block *b,
                           int32_t part, int32_t nparts)
{
    hn_mlp *p = MLP(m);
    const float l2 = (float)o->l2;
    int32_t l, k, s, j, id = 0;
    for (l = 0; l < p->nl; l++) {
        int32_t ni = p->in[l], no = p->out[l];
        for (k = 0; k < ni; k++, id++) {
            float *wr = p->P + p->woff[l] + (size_t)k * no;
            if (id % nparts != part) continue;
            for (s = b->from; s < b->to; s++) {
                const float *act = d->act + (size_t)s * d->act_n;
                float ak = layer_input(p, act, l)[k];
                if (!b->keep[s] || ak == 0.0f) continue;
                if (o->optim == HN_OPTIM_ADAM) {
                    const float *gout = d->sig + (size_t)s * d->sig_n + d->soff[l];
                    adam_vec(wr, st->mP + p->woff[l] + (size_t)k * no, st->vP + p->woff[l] + (size_t)k * no, gout, ak,
                             l2, adam_rate(b->lr[s], b->step[s]), no);
                } else {
                    const float *sg = d->sg + (size_t)s * (size_t)d->units + d->uoff[l];
                    const float *dec = d->dec + (size_t)s * (size_t)d->units + d->uoff[l];
                    if (l2 > 0)
                        for (j = 0; j < no; j++) wr[j] -= ak * sg[j] + dec[j] * wr[j];
                    else
                        axpy(wr, sg, -ak, no);
                }
            }
        }
    }
}

static void mlp_det_apply(hn_model *m, void *state, const hn_train_opts *o, void *det, const hn_det_block *b,
                          int32_t phase, int32_t part, int32_t nparts)
{
    if (phase == 0) det_units_and_rows(m, state, o, det, b, part, nparts);
    else det_dense_rows(m, state, o, det, b, part, nparts);
}

const hn_kind hn_mlp_kind = {
    .name = "mlp",
    .version = 1,
    .check_opts = mlp_check_opts,
    .init = mlp_init,
    .free = mlp_kfree,
    .clone = mlp_clone,
    .copy = mlp_copy,
    .grow = mlp_grow,
    .margins = mlp_margins,
    .params = mlp_params,
    .shape = mlp_shape,
    .train_begin = mlp_train_begin,
    .train_end = mlp_train_end,
    .task_begin = mlp_task_begin,
    .task_end = mlp_task_end,
    .forward = mlp_forward_train,
    .backward = mlp_backward_train,
    .det_block = mlp_det_block,
    .det_phases = 2,
    .det_refresh = 1,
    .det_begin = mlp_det_begin,
    .det_end = mlp_det_end,
    .det_forward = mlp_det_forward,
    .det_signal = mlp_det_signal,
    .det_apply = mlp_det_apply,
    .stored_rows = mlp_stored_rows,
    .write_header = mlp_write_header,
    .write_body = mlp_write_body,
    .body_bytes = mlp_body_bytes,
    .read = mlp_read,
};
