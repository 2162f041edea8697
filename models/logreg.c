/* logreg.c - binary and multinomial logistic regression (and hinge, focal)
 *
 * models/: plumbing and libm only. See models.h for the model's shape.
 *
 * Invariants:
 *  - W holds `rows` contiguous rows of `nout` floats (nout = 1 for binary,
 *    nclasses for multinomial); G (AdaGrad accumulators) holds one float
 *    per row (row-wise AdaGrad: the mean squared gradient of the row) and
 *    exists only while training;
 *  - the row table maps bucket -> row with open addressing (keys are
 *    bucket + 1, 0 = empty), capacity a power of two >= 2 * rows, so memory
 *    follows the buckets seen, not 2^bits.
 *
 * Gradients with respect to the margins z (t = true class, y = [t == 1]
 * for binary, s = +1 if y else -1, p = sigmoid(z) or softmax(z)):
 *   log, binary:       L = log(1 + e^{-s z}),          dL/dz = p - y
 *   log, softmax:      L = -log p_t,                    dL/dz_k = p_k - [k = t]
 *   focal, binary:     L = -a_t (1-p_t)^g log p_t,      p_t = y ? p : 1-p,
 *                      dL/dz = s a_t [g (1-p_t)^g p_t log p_t - (1-p_t)^{g+1}]
 *   focal, softmax:    L = -(1-p_t)^g log p_t,
 *                      dL/dz_k = [g (1-p_t)^{g-1} p_t log p_t - (1-p_t)^g] ([k = t] - p_k)
 *   hinge, binary:     L = max(0, 1 - s z),             dL/dz = -s if s z < 1
 *   hinge, multiclass: L = max(0, 1 + z_j - z_t), j = argmax_{k != t} z_k,
 *                      dL/dz_j = 1, dL/dz_t = -1 when L > 0
 * Each is multiplied by the class weight and the example weight.
 */
#include "models/models.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model_impl.h"
#include "src/base/rng.h"


/* ---- dataset ----------------------------------------------------------- */

void hn_dataset_init(hn_dataset *d)
{
    memset(d, 0, sizeof *d);
}

hn_status hn_dataset_add(hn_dataset *d, const hn_svec *x, int32_t label, float weight)
{
    int64_t nz = d->n ? d->off[d->n] : 0;
    if (d->n + 1 >= d->cap_ex) {
        int64_t c = d->cap_ex ? d->cap_ex * 2 : 1024;
        int64_t *off = realloc(d->off, (size_t)(c + 1) * sizeof *off);
        int32_t *lab;
        float *w;
        if (!off) return HN_ERR_NOMEM;
        d->off = off;
        if (!(lab = realloc(d->label, (size_t)c * sizeof *lab))) return HN_ERR_NOMEM;
        d->label = lab;
        if (!(w = realloc(d->weight, (size_t)c * sizeof *w))) return HN_ERR_NOMEM;
        d->weight = w;
        d->cap_ex = c;
        if (d->n == 0) d->off[0] = 0;
    }
    if (nz + x->n > d->cap_nz) {
        int64_t c = d->cap_nz ? d->cap_nz : 1 << 16;
        uint32_t *idx;
        float *val;
        while (c < nz + x->n) c *= 2;
        if (!(idx = realloc(d->idx, (size_t)c * sizeof *idx))) return HN_ERR_NOMEM;
        d->idx = idx;
        if (!(val = realloc(d->val, (size_t)c * sizeof *val))) return HN_ERR_NOMEM;
        d->val = val;
        d->cap_nz = c;
    }
    if (x->n) {
        memcpy(d->idx + nz, x->idx, (size_t)x->n * sizeof *x->idx);
        memcpy(d->val + nz, x->val, (size_t)x->n * sizeof *x->val);
    }
    d->label[d->n] = label;
    d->weight[d->n] = weight;
    d->n++;
    d->off[d->n] = nz + x->n;
    return HN_OK;
}

hn_svec hn_dataset_get(const hn_dataset *d, int64_t i)
{
    hn_svec x;
    x.n = (int32_t)(d->off[i + 1] - d->off[i]);
    x.idx = d->idx + d->off[i];
    x.val = d->val + d->off[i];
    return x;
}

void hn_dataset_free(hn_dataset *d)
{
    free(d->off);
    free(d->idx);
    free(d->val);
    free(d->label);
    free(d->weight);
    memset(d, 0, sizeof *d);
}

/* ---- options ----------------------------------------------------------- */

static const char *const loss_names[HN_LOSS_COUNT] = {"log", "focal", "hinge", "rank"};
static const char *const optim_names[HN_OPTIM_COUNT] = {"adagrad", "sgd", "adam"};
static const char *const kind_names[HN_MODEL_KIND_COUNT] = {"linear", "mlp"};

const char *hn_loss_name(hn_loss l) { return (unsigned)l < HN_LOSS_COUNT ? loss_names[l] : "?"; }
const char *hn_optim_name(hn_optim o) { return (unsigned)o < HN_OPTIM_COUNT ? optim_names[o] : "?"; }

const char *hn_model_kind_name(hn_model_kind k) { return (unsigned)k < HN_MODEL_KIND_COUNT ? kind_names[k] : "?"; }

hn_status hn_model_kind_parse(const char *s, hn_model_kind *out)
{
    int i;
    for (i = 0; i < HN_MODEL_KIND_COUNT; i++)
        if (!strcmp(s, kind_names[i])) return *out = (hn_model_kind)i, HN_OK;
    return HN_ERR_ARG;
}

hn_status hn_loss_parse(const char *s, hn_loss *out)
{
    int i;
    for (i = 0; i < HN_LOSS_COUNT; i++)
        if (!strcmp(s, loss_names[i])) return *out = (hn_loss)i, HN_OK;
    return HN_ERR_ARG;
}

hn_status hn_optim_parse(const char *s, hn_optim *out)
{
    int i;
    for (i = 0; i < HN_OPTIM_COUNT; i++)
        if (!strcmp(s, optim_names[i])) return *out = (hn_optim)i, HN_OK;
    return HN_ERR_ARG;
}

void hn_train_opts_default(hn_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 5;
    o->lr = 0.5;
    o->l2 = 1e-6;
    o->l1 = 0;
    o->optim = HN_OPTIM_ADAGRAD;
    o->loss = HN_LOSS_LOG;
    o->focal_gamma = 2;
    o->focal_alpha = 0.25;
    o->seed = 1;
    o->threads = 1;
    o->batch = 1;
    o->ohem_keep = 1.0;
    o->negative_class = -1;
    o->model = HN_MODEL_LINEAR;
    o->dim = 100;
    o->hidden[0] = 256;
    o->hidden[1] = 0;
    o->dropout = 0.5;
}

hn_status hn_train_opts_check(const hn_train_opts *o, hn_err *err)
{
    if (o->epochs < 1 || o->epochs > 10000) return hn_err_set(err, HN_ERR_ARG, "--epochs must be in [1, 10000]");
    if (!isfinite(o->lr) || o->lr <= 0) return hn_err_set(err, HN_ERR_ARG, "--lr must be a finite number > 0");
    if (!isfinite(o->l2) || o->l2 < 0) return hn_err_set(err, HN_ERR_ARG, "--l2 must be a finite number >= 0");
    if (!isfinite(o->l1) || o->l1 < 0) return hn_err_set(err, HN_ERR_ARG, "--l1 must be a finite number >= 0");
    if (!isfinite(o->focal_gamma) || o->focal_gamma < 0)
        return hn_err_set(err, HN_ERR_ARG, "--focal-gamma must be a finite number >= 0");
    if (!(o->focal_alpha > 0 && o->focal_alpha < 1)) return hn_err_set(err, HN_ERR_ARG, "--focal-alpha must be in (0, 1)");
    if (o->threads < 1 || o->threads > 256) return hn_err_set(err, HN_ERR_ARG, "--threads must be in [1, 256]");
    if (o->batch < 1 || o->batch > 65536) return hn_err_set(err, HN_ERR_ARG, "--batch must be in [1, 65536]");
    if (!(o->ohem_keep > 0 && o->ohem_keep <= 1)) return hn_err_set(err, HN_ERR_ARG, "--ohem-keep must be in (0, 1]");
    if ((unsigned)o->loss >= HN_LOSS_COUNT || (unsigned)o->optim >= HN_OPTIM_COUNT ||
        (unsigned)o->model >= HN_MODEL_KIND_COUNT)
        return hn_err_set(err, HN_ERR_ARG, "unknown loss, optimizer or model");
    if (o->model == HN_MODEL_LINEAR && o->optim == HN_OPTIM_ADAM)
        return hn_err_set(err, HN_ERR_ARG, "--optim adam needs --model mlp (the linear model uses adagrad or sgd)");
    if (o->model == HN_MODEL_MLP) {
        if (o->dim < 1 || o->dim > HN_MLP_MAX_DIM)
            return hn_err_set(err, HN_ERR_ARG, "--dim must be in [1, %d]", HN_MLP_MAX_DIM);
        if (o->hidden[0] < 1 || o->hidden[0] > HN_MLP_MAX_DIM || o->hidden[1] < 0 ||
            o->hidden[1] > HN_MLP_MAX_DIM)
            return hn_err_set(err, HN_ERR_ARG, "--hidden widths must be in [1, %d]", HN_MLP_MAX_DIM);
        if (!(o->dropout >= 0 && o->dropout <= 0.99)) return hn_err_set(err, HN_ERR_ARG, "--dropout must be in [0, 0.99]");
        if (o->l1 > 0) return hn_err_set(err, HN_ERR_ARG, "--l1 is for the linear model (the MLP uses --l2 and --dropout)");
    }
    return HN_OK;
}

hn_model *hn_model_new_empty(int32_t nclasses, int32_t bits)
{
    hn_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->nclasses = nclasses;
    m->nout = nclasses == 2 ? 1 : nclasses;
    m->bits = bits;
    if (!(m->b = calloc((size_t)m->nout, sizeof *m->b))) {
        free(m);
        return NULL;
    }
    return m;
}

hn_status hn_model_create(int32_t nclasses, int32_t bits, const hn_dataset *d, hn_model **out, hn_err *err)
{
    hn_model *m;
    int64_t i, nz, distinct_max;
    *out = NULL;
    if (nclasses < 2) return hn_err_set(err, HN_ERR_ARG, "need at least 2 classes, got %d", (int)nclasses);
    if (bits < 1 || bits > 30) return hn_err_set(err, HN_ERR_ARG, "bits must be in [1, 30]");
    if (!(m = hn_model_new_empty(nclasses, bits))) goto nomem;
    nz = d && d->n ? d->off[d->n] : 0;
    distinct_max = nz < ((int64_t)1 << bits) ? nz : ((int64_t)1 << bits);
    if (alloc_table(m, distinct_max) != HN_OK) goto nomem;
    for (i = 0; i < nz; i++) row_insert(m, d->idx[i]);
    if (m->rows && !(m->W = calloc((size_t)m->rows * (size_t)m->nout, sizeof *m->W))) goto nomem;
    *out = m;
    return HN_OK;
nomem:
    hn_model_free(m);
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the model (%d classes)", (int)nclasses);
}

hn_status hn_model_create_mlp(int32_t nclasses, int32_t bits, const hn_dataset *d, const hn_train_opts *o,
                              hn_model **out, hn_err *err)
{
    hn_model *m = NULL;
    hn_status st;
    *out = NULL;
    if ((st = hn_train_opts_check(o, err)) != HN_OK) return st;
    if (o->model != HN_MODEL_MLP) return hn_err_set(err, HN_ERR_ARG, "hn_model_create_mlp: options are not for an MLP");
    if ((st = hn_model_create(nclasses, bits, d, &m, err)) != HN_OK) return st;
    free(m->W); /* rows become embeddings */
    m->W = NULL;
    if ((st = hn_mlp_create(m, o, err)) != HN_OK) {
        hn_model_free(m);
        return st;
    }
    *out = m;
    return HN_OK;
}

hn_status hn_model_create_for(int32_t nclasses, int32_t bits, const hn_dataset *d, const hn_train_opts *o,
                              hn_model **out, hn_err *err)
{
    if (o->model == HN_MODEL_MLP) return hn_model_create_mlp(nclasses, bits, d, o, out, err);
    return hn_model_create(nclasses, bits, d, out, err);
}

void hn_model_free(hn_model *m)
{
    if (!m) return;
    hn_mlp_free(m->mlp);
    free(m->keys);
    free(m->slot);
    free(m->W);
    free(m->b);
    free(m);
}

hn_model *hn_model_clone(const hn_model *m)
{
    hn_model *c = hn_model_new_empty(m->nclasses, m->bits);
    size_t cap = (size_t)m->mask + 1, wn = (size_t)m->rows * (size_t)m->nout;
    if (!c) return NULL;
    c->rows = m->rows;
    c->mask = m->mask;
    c->keys = malloc(cap * sizeof *c->keys);
    c->slot = malloc(cap * sizeof *c->slot);
    if (m->mlp) {
        wn = 0;
        c->mlp = hn_mlp_clone(m->mlp, m->rows);
    }
    c->W = m->mlp ? NULL : malloc((wn ? wn : 1) * sizeof *c->W);
    if (!c->keys || !c->slot || (!m->mlp && !c->W) || (m->mlp && !c->mlp)) {
        hn_model_free(c);
        return NULL;
    }
    memcpy(c->keys, m->keys, cap * sizeof *c->keys);
    memcpy(c->slot, m->slot, cap * sizeof *c->slot);
    if (wn) memcpy(c->W, m->W, wn * sizeof *c->W);
    memcpy(c->b, m->b, (size_t)m->nout * sizeof *c->b);
    return c;
}

void hn_model_copy_weights(hn_model *dst, const hn_model *src)
{
    if (dst->rows != src->rows || dst->nout != src->nout || !dst->mlp != !src->mlp) abort(); /* caller's bug */
    if (src->mlp) {
        hn_mlp_copy(dst->mlp, src->mlp, src->rows);
        return;
    }
    memcpy(dst->W, src->W, (size_t)src->rows * (size_t)src->nout * sizeof *src->W);
    memcpy(dst->b, src->b, (size_t)src->nout * sizeof *src->b);
}

int32_t hn_model_nclasses(const hn_model *m) { return m->nclasses; }
int32_t hn_model_bits(const hn_model *m) { return m->bits; }
int64_t hn_model_rows(const hn_model *m) { return m->rows; }

/* ---- scoring ------------------------------------------------------------ */

/* z += v * w over n floats; restrict lets the compiler vectorize it. */
static inline void axpy(float *restrict z, const float *restrict w, float v, int32_t n)
{
    int32_t k;
    for (k = 0; k < n; k++) z[k] += v * w[k];
}

void hn_model_margins(const hn_model *m, const hn_svec *x, float *z)
{
    int32_t i, k, no = m->nout;
    if (m->mlp) {
        hn_mlp_margins(m, x, z);
        return;
    }
    for (k = 0; k < no; k++) z[k] = m->b[k];
    for (i = 0; i < x->n; i += HN_ROW_CHUNK) {
        int64_t rows[HN_ROW_CHUNK];
        int32_t j, n = x->n - i < HN_ROW_CHUNK ? x->n - i : HN_ROW_CHUNK;
        rows_resolve(m, x->idx + i, n, m->W, (size_t)no, rows);
        for (j = 0; j < n; j++) {
            int64_t r = rows[j];
            if (r < 0) continue;
            if (no == 1) z[0] += x->val[i + j] * m->W[r];
            else axpy(z, m->W + r * no, x->val[i + j], no);
        }
    }
}

/* One multinomial row update (see train_slice). Returns nothing; l1 after. */
static inline void row_step(float *restrict wr, const float *restrict g, float v, float l2, float step, int32_t n)
{
    int32_t k;
    for (k = 0; k < n; k++) wr[k] -= step * (g[k] * v + l2 * wr[k]);
}

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

static inline double sigmoid(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    {
        double e = exp(z);
        return e / (1.0 + e);
    }
}

/* log(1 + exp(-m)) without overflow */
static inline double log1pexp_neg(double mg)
{
    return mg >= 0 ? log1p(exp(-mg)) : -mg + log1p(exp(mg));
}

/* Stable softmax of z[n] into p[n] (doubles); returns log-sum-exp. */
static double softmax(const float *z, int32_t n, double *p)
{
    double mx = z[0], s = 0;
    int32_t k;
    for (k = 1; k < n; k++)
        if (z[k] > mx) mx = z[k];
    for (k = 0; k < n; k++) s += (p[k] = exp((double)z[k] - mx));
    for (k = 0; k < n; k++) p[k] /= s;
    return mx + log(s);
}

void hn_model_predict(const hn_model *m, const hn_svec *x, float *p)
{
    float zs[256], *z = m->nout <= 256 ? zs : malloc((size_t)m->nout * sizeof *z);
    int32_t k;
    if (!z) { /* out of memory: uniform, never a crash */
        for (k = 0; k < m->nclasses; k++) p[k] = 1.0f / (float)m->nclasses;
        return;
    }
    hn_model_margins(m, x, z);
    /* finite weights can still sum past FLT_MAX: keep the margins finite so
     * probabilities are never NaN */
    for (k = 0; k < m->nout; k++)
        if (!(z[k] >= -1e30f)) z[k] = -1e30f;
        else if (z[k] > 1e30f) z[k] = 1e30f;
    if (m->nout == 1) {
        double q = sigmoid(z[0]);
        p[1] = (float)q;
        p[0] = (float)(1.0 - q);
    } else {
        double mx = z[0], s = 0;
        for (k = 1; k < m->nout; k++)
            if (z[k] > mx) mx = z[k];
        for (k = 0; k < m->nout; k++) s += exp((double)z[k] - mx);
        for (k = 0; k < m->nout; k++) p[k] = (float)(exp((double)z[k] - mx) / s);
    }
    if (z != zs) free(z);
}

/* ---- losses ------------------------------------------------------------- */

double hn_loss_grad(hn_loss loss, const hn_train_opts *o, int32_t nclasses, const float *z, int32_t t, float cw_t,
                    float *g)
{
    double L = 0;
    int32_t k;
    if (nclasses == 2) {
        double zz = z[0], s = t == 1 ? 1.0 : -1.0, y = t == 1, p = sigmoid(zz), d = 0;
        switch (loss) {
        case HN_LOSS_LOG:
        case HN_LOSS_RANK: /* the per-example part; the pair term is added in train_batches */
            L = log1pexp_neg(s * zz);
            d = p - y;
            break;
        case HN_LOSS_FOCAL: {
            double gm = o->focal_gamma, a = t == 1 ? o->focal_alpha : 1 - o->focal_alpha;
            double logpt = -log1pexp_neg(s * zz), pt = exp(logpt), q = 1 - pt;
            /* 1 - p_t computed without cancellation: sigmoid(-s z) */
            q = sigmoid(-s * zz);
            L = -a * pow(q, gm) * logpt;
            d = s * a * (gm * pow(q, gm) * pt * logpt - pow(q, gm + 1));
            break;
        }
        case HN_LOSS_HINGE:
            if (s * zz < 1) {
                L = 1 - s * zz;
                d = -s;
            }
            break;
        default: break;
        }
        g[0] = (float)(d * cw_t);
        return L * cw_t;
    }
    {
        double ps[256], *p = nclasses <= 256 ? ps : malloc((size_t)nclasses * sizeof *p);
        double lse;
        if (!p) {
            for (k = 0; k < nclasses; k++) g[k] = 0;
            return 0;
        }
        lse = softmax(z, nclasses, p);
        switch (loss) {
        case HN_LOSS_LOG:
        case HN_LOSS_RANK:
            L = lse - z[t];
            for (k = 0; k < nclasses; k++) g[k] = (float)((p[k] - (k == t)) * cw_t);
            break;
        case HN_LOSS_FOCAL: {
            double gm = o->focal_gamma, pt = p[t], logpt = (double)z[t] - lse, q = 1 - pt, c;
            L = -pow(q, gm) * logpt;
            c = q > 1e-12 ? gm * pow(q, gm - 1) * pt * logpt - pow(q, gm) : 0;
            for (k = 0; k < nclasses; k++) g[k] = (float)(c * ((k == t) - p[k]) * cw_t);
            break;
        }
        case HN_LOSS_HINGE: {
            int32_t j = t == 0 ? 1 : 0;
            for (k = 0; k < nclasses; k++)
                if (k != t && z[k] > z[j]) j = k;
            for (k = 0; k < nclasses; k++) g[k] = 0;
            if (1 + z[j] - z[t] > 0) {
                L = 1 + (double)z[j] - z[t];
                g[j] = cw_t;
                g[t] = -cw_t;
            }
            break;
        }
        default: break;
        }
        if (p != ps) free(p);
        return L * cw_t;
    }
}

double hn_model_example_loss(const hn_model *m, const hn_train_opts *o, const float *cw, const hn_svec *x, int32_t t)
{
    float zs[256], gs[256];
    float *z = m->nout <= 256 ? zs : malloc((size_t)m->nout * sizeof *z);
    float *g = m->nout <= 256 ? gs : malloc((size_t)m->nout * sizeof *g);
    double L = 0;
    if (z && g) {
        hn_model_margins(m, x, z);
        L = hn_loss_grad(o->loss, o, m->nclasses, z, t, cw ? cw[t] : 1.0f, g);
    }
    if (z != zs) free(z);
    if (g != gs) free(g);
    return L;
}

/* ---- training ------------------------------------------------------------ */

typedef struct train_shared {
    hn_model *m;
    float *G, *Gb;           /* AdaGrad accumulators */
    const hn_dataset *d;
    const hn_train_opts *o;
    const float *cw;
    const int64_t *order;
    int64_t total_updates;   /* epochs * n, for the SGD schedule */
    volatile int *stop;
    hn_mlp_state *ms;        /* MLP optimizer state (NULL: linear) */
    size_t act_n;            /* MLP: activation floats per example */
    size_t scratch_n;        /* MLP: backward scratch floats */
    int32_t epoch;
} train_shared;

typedef struct train_job {
    train_shared *sh;
    int64_t from, to;        /* slice of order */
    int64_t done_before;     /* updates before this epoch (SGD schedule) */
    double loss, wsum;
    int stopped;
    float *act;              /* MLP: act_n floats per batch slot, then scratch_n for the
                                backward pass, then nout for refreshed margins */
    uint64_t *slot_rng;      /* MLP: dropout stream state before each slot's forward */
    uint64_t rng;            /* MLP dropout draws */
    int32_t nt;              /* threads (Adam's step estimate) */
} train_job;

/* Margins of x for training; an MLP keeps its activations in batch slot j. */
static void fwd(train_job *jb, int32_t j, const hn_svec *x, float *z)
{
    const hn_model *m = jb->sh->m;
    if (m->mlp) {
        jb->slot_rng[j] = jb->rng;
        hn_mlp_forward(m, x, jb->act + (size_t)j * jb->sh->act_n, (float)jb->sh->o->dropout, &jb->rng, z);
    } else {
        hn_model_margins(m, x, z);
    }
}

#define ADAGRAD_EPS 1e-8f

static void update_coord(float *w, float *G, float grad, float lr, const hn_train_opts *o)
{
    float step;
    if (o->optim == HN_OPTIM_ADAGRAD) {
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

/* Apply the gradient g (w.r.t. the margins) of one example to the rows it
 * touches and to the bias. */
static void apply_grad(train_shared *sh, const hn_svec *x, const float *g, float lr)
{
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t no = m->nout, k, i;
    float l2 = (float)o->l2;
    for (i = 0; i < x->n; i++) {
        int64_t r = row_find(m, x->idx[i]);
        float v = x->val[i], *wr;
        if (r < 0) continue;
        wr = m->W + r * no;
        if (no == 1) {
            float grad = g[0] * v + l2 * wr[0];
            if (grad != 0.0f) update_coord(wr, sh->G ? sh->G + r : NULL, grad, lr, o);
            continue;
        }
        /* multinomial: one AdaGrad accumulator per row (the mean squared
         * gradient over the classes), so a row costs one sqrt, and the
         * class loop is a plain axpy the compiler vectorizes */
        {
            float step = lr;
            if (sh->G) {
                sh->G[r] += row_sq(wr, g, v, l2, no) / (float)no;
                step = lr / sqrtf(sh->G[r] + ADAGRAD_EPS);
            }
            row_step(wr, g, v, l2, step, no);
            if (o->l1 > 0) {
                float th = step * (float)o->l1;
                for (k = 0; k < no; k++) wr[k] = wr[k] > th ? wr[k] - th : (wr[k] < -th ? wr[k] + th : 0.0f);
            }
        }
    }
    for (k = 0; k < no; k++) {
        if (g[k] == 0.0f) continue;
        if (sh->Gb) {
            sh->Gb[k] += g[k] * g[k];
            m->b[k] -= lr / sqrtf(sh->Gb[k] + ADAGRAD_EPS) * g[k];
        } else {
            m->b[k] -= lr * g[k];
        }
    }
}

double hn_rank_pair_grad(float zp, float zn, float w, float *gp, float *gn)
{
    /* L = w log(1 + exp(-(zp - zn))); dL/dzp = -w sigmoid(-(zp - zn)) = -dL/dzn */
    double d = (double)zp - zn, s = sigmoid(-d);
    *gp = (float)(-w * s);
    *gn = (float)(w * s);
    return w * log1pexp_neg(d);
}

static void apply_grad(train_shared *sh, const hn_svec *x, const float *g, float lr);

/* Apply dL/dz = g of the example in batch slot j at position e of the order. */
static void bwd(train_job *jb, int32_t j, int64_t e, const hn_svec *x, const float *g, float lr)
{
    train_shared *sh = jb->sh;
    if (sh->m->mlp) {
        int32_t B = sh->o->batch > 1 ? sh->o->batch : 1;
        /* Adam's step count: exact with one thread; with nt threads each
         * has done about (e - from) of the epoch's shared updates per nt */
        int64_t step = (int64_t)(sh->epoch - 1) * sh->d->n + (e - jb->from) * jb->nt + 1;
        float *act = jb->act + (size_t)j * sh->act_n, *scratch = jb->act + (size_t)B * sh->act_n;
        /* in a batch, the margins that chose the example were computed
         * before the batch's earlier updates: refresh the activations with
         * the same dropout mask, so each update sees the weights it changes
         * (stale ReLU activations let a batch of same-sign steps kill a unit) */
        if (B > 1) {
            uint64_t r = jb->slot_rng[j];
            hn_mlp_forward(sh->m, x, act, (float)sh->o->dropout, &r, scratch + sh->scratch_n);
        }
        hn_mlp_backward(sh->m, sh->ms, sh->o, x, act, g, lr, step, scratch);
    } else {
        apply_grad(sh, x, g, lr);
    }
}

static float lr_at(const train_shared *sh, const train_job *jb, int64_t e)
{
    const hn_train_opts *o = sh->o;
    float lr = (float)o->lr;
    if (o->optim == HN_OPTIM_SGD) {
        double prog = (double)(jb->done_before + (e - jb->from)) / (double)sh->total_updates;
        lr = (float)(o->lr * (1.0 - prog));
        if (lr < 1e-7f) lr = 1e-7f;
    }
    return lr;
}

/* Is example class t a "negative" for OHEM and the ranking loss? */
static int is_negative(const hn_model *m, const hn_train_opts *o, int32_t t)
{
    if (o->negative_class >= 0) return t == o->negative_class;
    if (m->nclasses == 2) return t == 0;
    return 1; /* multi-class without a negative label: every example competes */
}

typedef struct bitem {
    float loss;
    int32_t j;
} bitem;

static int by_loss_desc(const void *a, const void *b)
{
    const bitem *x = a, *y = b;
    if (x->loss != y->loss) return x->loss > y->loss ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* Mini-batch path: OHEM (keep every positive and the top ohem_keep of the
 * batch's negatives by loss) and/or the pairwise ranking loss (each
 * positive against the hardest negative of its batch, added to the log
 * loss so probabilities stay calibrated). Margins are computed for the
 * whole batch first, then the kept examples are applied one by one. */
static void train_batches(train_job *jb, float *Z, float *Gr, bitem *items, int32_t *keep)
{
    train_shared *sh = jb->sh;
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t no = m->nout, B = o->batch, j;
    int64_t b0;
    hn_loss base = o->loss == HN_LOSS_RANK ? HN_LOSS_LOG : o->loss;
    for (b0 = jb->from; b0 < jb->to; b0 += B) {
        int32_t bn = (int32_t)((jb->to - b0) < B ? (jb->to - b0) : B), nneg = 0, kneg;
        float lr = lr_at(sh, jb, b0);
        if (sh->stop && *sh->stop) {
            jb->stopped = 1;
            return;
        }
        for (j = 0; j < bn; j++) {
            int64_t ex = sh->order[b0 + j];
            hn_svec x = hn_dataset_get(sh->d, ex);
            int32_t t = sh->d->label[ex];
            float w = sh->d->weight[ex] * (sh->cw ? sh->cw[t] : 1.0f);
            double L;
            fwd(jb, j, &x, Z + (size_t)j * no);
            L = hn_loss_grad(base, o, m->nclasses, Z + (size_t)j * no, t, w, Gr + (size_t)j * no);
            jb->loss += L;
            jb->wsum += w;
            keep[j] = 1;
            if (is_negative(m, o, t)) {
                items[nneg].loss = (float)L;
                items[nneg].j = j;
                nneg++;
            }
        }
        if (o->loss == HN_LOSS_RANK && no == 1 && nneg > 0) {
            int32_t hard = items[0].j, q;
            for (q = 1; q < nneg; q++)
                if (Z[items[q].j] > Z[hard]) hard = items[q].j;
            for (j = 0; j < bn; j++) {
                int64_t ex = sh->order[b0 + j];
                int32_t t = sh->d->label[ex];
                float gp, gn, w = sh->d->weight[ex] * (sh->cw ? sh->cw[t] : 1.0f);
                if (is_negative(m, o, t)) continue;
                jb->loss += hn_rank_pair_grad(Z[j], Z[hard], w, &gp, &gn);
                Gr[j] += gp;
                Gr[hard] += gn;
            }
        }
        if (o->ohem_keep < 1.0 && nneg > 0) {
            qsort(items, (size_t)nneg, sizeof *items, by_loss_desc);
            kneg = (int32_t)ceil(o->ohem_keep * nneg);
            for (j = kneg; j < nneg; j++) keep[items[j].j] = 0;
        }
        for (j = 0; j < bn; j++) {
            hn_svec x;
            if (!keep[j]) continue;
            x = hn_dataset_get(sh->d, sh->order[b0 + j]);
            bwd(jb, j, b0 + j, &x, Gr + (size_t)j * no, lr);
        }
    }
}

static void *train_slice(void *arg)
{
    train_job *jb = arg;
    train_shared *sh = jb->sh;
    hn_model *m = sh->m;
    const hn_train_opts *o = sh->o;
    int32_t no = m->nout;
    float zs[256], gs[256];
    float *z = no <= 256 ? zs : malloc((size_t)no * sizeof *z);
    float *g = no <= 256 ? gs : malloc((size_t)no * sizeof *g);
    int64_t e;
    if (!z || !g) {
        jb->stopped = 2;
        goto out;
    }
    if (o->batch > 1 || o->loss == HN_LOSS_RANK || o->ohem_keep < 1.0) {
        int32_t B = o->batch > 1 ? o->batch : 1;
        float *Z = malloc((size_t)B * (size_t)no * sizeof *Z), *Gr = malloc((size_t)B * (size_t)no * sizeof *Gr);
        bitem *items = malloc((size_t)B * sizeof *items);
        int32_t *keep = malloc((size_t)B * sizeof *keep);
        if (Z && Gr && items && keep) train_batches(jb, Z, Gr, items, keep);
        else jb->stopped = 2;
        free(Z);
        free(Gr);
        free(items);
        free(keep);
        goto out;
    }
    for (e = jb->from; e < jb->to; e++) {
        int64_t ex = sh->order[e];
        hn_svec x = hn_dataset_get(sh->d, ex);
        int32_t t = sh->d->label[ex];
        float w = sh->d->weight[ex] * (sh->cw ? sh->cw[t] : 1.0f);
        if (sh->stop && *sh->stop) {
            jb->stopped = 1;
            break;
        }
        fwd(jb, 0, &x, z);
        jb->loss += hn_loss_grad(o->loss, o, m->nclasses, z, t, w, g);
        jb->wsum += w;
        bwd(jb, 0, e, &x, g, lr_at(sh, jb, e));
    }
out:
    if (z != zs) free(z);
    if (g != gs) free(g);
    return NULL;
}

hn_status hn_model_train(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw,
                         hn_epoch_fn on_epoch, void *user, volatile int *stop, hn_err *err)
{
    hn_status st = HN_OK;
    train_shared sh;
    train_job *jobs = NULL;
    pthread_t *th = NULL;
    int64_t *order = NULL, i, n = d->n;
    int32_t ep, t, nt = o->threads;
    uint64_t rng = o->seed;
    size_t wn = (size_t)m->rows * (size_t)m->nout;
    if ((st = hn_train_opts_check(o, err)) != HN_OK) return st;
    if ((m->mlp != NULL) != (o->model == HN_MODEL_MLP))
        return hn_err_set(err, HN_ERR_ARG, "training options are for a %s model, the model is %s",
                          hn_model_kind_name(o->model), m->mlp ? "an MLP" : "linear");
    if (n == 0) return hn_err_set(err, HN_ERR_ARG, "no training examples");
    if (o->loss == HN_LOSS_RANK && m->nclasses != 2)
        return hn_err_set(err, HN_ERR_ARG, "--loss rank needs a binary model (2 labels), got %d labels", (int)m->nclasses);
    if (o->negative_class >= m->nclasses) return hn_err_set(err, HN_ERR_ARG, "negative class out of range");
    for (i = 0; i < n; i++)
        if (d->label[i] < 0 || d->label[i] >= m->nclasses)
            return hn_err_set(err, HN_ERR_ARG, "example %lld: class %d out of range", (long long)i, (int)d->label[i]);
    if (nt > n) nt = (int32_t)n;
    memset(&sh, 0, sizeof sh);
    order = malloc((size_t)n * sizeof *order);
    jobs = calloc((size_t)nt, sizeof *jobs);
    th = calloc((size_t)nt, sizeof *th);
    if (m->mlp) {
        int32_t B = o->batch > 1 ? o->batch : 1;
        sh.act_n = hn_mlp_act_size(m);
        sh.scratch_n = hn_mlp_scratch_size(m);
        sh.ms = hn_mlp_state_new(m, o);
        for (t = 0; t < nt && jobs; t++) {
            jobs[t].act = malloc(((size_t)B * sh.act_n + sh.scratch_n + (size_t)m->nout) * sizeof *jobs[t].act);
            jobs[t].slot_rng = malloc((size_t)B * sizeof *jobs[t].slot_rng);
            if (!jobs[t].act || !jobs[t].slot_rng) break;
        }
        if (!sh.ms || (jobs && t < nt)) {
            st = hn_err_set(err, HN_ERR_NOMEM, "out of memory for the MLP training state");
            goto done;
        }
    } else if (o->optim == HN_OPTIM_ADAGRAD) {
        sh.G = calloc(m->rows ? (size_t)m->rows : 1, sizeof *sh.G); /* one accumulator per row */
        sh.Gb = calloc((size_t)m->nout, sizeof *sh.Gb);
    }
    if (!order || !jobs || !th || (!m->mlp && o->optim == HN_OPTIM_ADAGRAD && (!sh.G || !sh.Gb))) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory for training state (%zu weights)", wn);
        goto done;
    }
    for (i = 0; i < n; i++) order[i] = i;
    sh.m = m;
    sh.d = d;
    sh.o = o;
    sh.cw = cw;
    sh.order = order;
    sh.total_updates = (int64_t)o->epochs * n;
    sh.stop = stop;
    for (ep = 1; ep <= o->epochs; ep++) {
        double loss = 0, wsum = 0;
        struct timespec t0, t1;
        int stopped = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sh.epoch = ep;
        for (i = n - 1; i > 0; i--) { /* Fisher-Yates */
            int64_t j = (int64_t)hn_rng_below(&rng, (uint64_t)i + 1), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (t = 0; t < nt; t++) {
            jobs[t].sh = &sh;
            jobs[t].from = n * t / nt;
            jobs[t].to = n * (t + 1) / nt;
            jobs[t].done_before = (int64_t)(ep - 1) * n + jobs[t].from;
            jobs[t].loss = jobs[t].wsum = 0;
            jobs[t].stopped = 0;
            jobs[t].rng = o->seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)(ep * 1000 + t + 1));
            jobs[t].nt = nt;
        }
        if (nt == 1) {
            train_slice(&jobs[0]);
        } else {
            int32_t started = 0;
            for (t = 0; t < nt; t++) {
                if (pthread_create(&th[t], NULL, train_slice, &jobs[t]) != 0) break;
                started++;
            }
            for (t = started; t < nt; t++) train_slice(&jobs[t]); /* could not start: run here */
            for (t = 0; t < started; t++) pthread_join(th[t], NULL);
        }
        for (t = 0; t < nt; t++) {
            loss += jobs[t].loss;
            wsum += jobs[t].wsum;
            if (jobs[t].stopped == 1) stopped = 1;
            if (jobs[t].stopped == 2) {
                st = hn_err_set(err, HN_ERR_NOMEM, "out of memory in a training thread");
                goto done;
            }
        }
        if (stopped) {
            st = hn_err_set(err, HN_ERR_INTERRUPTED, "training interrupted in epoch %d", (int)ep);
            goto done;
        }
        loss = wsum > 0 ? loss / wsum : 0;
        if (!isfinite(loss)) {
            st = hn_err_set(err, HN_ERR_NUMERIC, "epoch %d: training loss is %s (try a smaller --lr)", (int)ep,
                            isnan(loss) ? "NaN" : "infinite");
            goto done;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (on_epoch && on_epoch(ep, loss, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9,
                                 user))
            break;
    }
done:
    if (jobs)
        for (t = 0; t < nt; t++) {
            free(jobs[t].act);
            free(jobs[t].slot_rng);
        }
    hn_mlp_state_free(sh.ms);
    free(order);
    free(jobs);
    free(th);
    free(sh.G);
    free(sh.Gb);
    return st;
}

/* ---- serialization ------------------------------------------------------- */

hn_status hn_model_write(const hn_model *m, FILE *f, hn_err *err)
{
    int64_t r, kept = 0;
    int32_t k, no = m->nout;
    size_t rowbytes = 4 + 4 * (size_t)no;
    unsigned char *buf;
    uint64_t cap = m->mask + 1, pos;
    if (m->mlp) return hn_mlp_write(m, f, err);
    if (!(buf = malloc(rowbytes))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    /* rows whose weights are all zero (untouched, or zeroed by L1) are not stored */
    for (r = 0; r < m->rows; r++) {
        for (k = 0; k < no; k++)
            if (m->W[r * no + k] != 0.0f) break;
        kept += k < no;
    }
    fprintf(f, "linear 1\nclasses %d\nbits %d\nrows %lld\n\n", (int)m->nclasses, (int)m->bits, (long long)kept);
    for (k = 0; k < no; k++) {
        hn_put_f32(buf, m->b[k]);
        fwrite(buf, 1, 4, f);
    }
    /* rows in bucket order of the table: deterministic for a given training run */
    for (pos = 0; pos < cap; pos++) {
        const float *w;
        if (!m->keys[pos]) continue;
        w = m->W + (int64_t)m->slot[pos] * no;
        for (k = 0; k < no; k++)
            if (w[k] != 0.0f) break;
        if (k == no) continue;
        hn_put_u32(buf, m->keys[pos] - 1);
        for (k = 0; k < no; k++) hn_put_f32(buf + 4 + 4 * k, w[k]);
        fwrite(buf, 1, rowbytes, f);
    }
    free(buf);
    return ferror(f) ? hn_err_set(err, HN_ERR_IO, "write error") : HN_OK;
}

hn_status hn_model_read(const unsigned char *buf, size_t len, hn_model **out, hn_err *err)
{
    const unsigned char *p = buf, *end = buf + len, *hdr_end = NULL;
    int nclasses = 0, bits = 0, version = 0;
    long long rows = -1;
    hn_model *m = NULL;
    size_t i, need;
    int32_t k, no;
    *out = NULL;
    for (i = 0; i + 1 < len; i++)
        if (buf[i] == '\n' && buf[i + 1] == '\n') {
            hdr_end = buf + i + 2;
            break;
        }
    if (!hdr_end) return hn_err_set(err, HN_ERR_FORMAT, "model section: no header");
    {
        char hdr[256];
        size_t hl = (size_t)(hdr_end - buf);
        if (hl >= sizeof hdr) return hn_err_set(err, HN_ERR_FORMAT, "model section: header too long");
        memcpy(hdr, buf, hl);
        hdr[hl] = '\0';
        if (!strncmp(hdr, "mlp ", 4)) return hn_mlp_read(hdr, hdr_end, end, out, err);
        if (sscanf(hdr, "linear %d\nclasses %d\nbits %d\nrows %lld\n", &version, &nclasses, &bits, &rows) != 4)
            return hn_err_set(err, HN_ERR_FORMAT, "model section: bad header");
    }
    if (version != 1) return hn_err_set(err, HN_ERR_FORMAT, "model section: unsupported linear model version %d", version);
    if (nclasses < 2 || nclasses > 1000000 || bits < 1 || bits > 30 || rows < 0 || rows > ((long long)1 << bits))
        return hn_err_set(err, HN_ERR_FORMAT, "model section: bad shape (classes %d, bits %d, rows %lld)", nclasses, bits,
                          rows);
    p = hdr_end;
    no = nclasses == 2 ? 1 : nclasses;
    need = 4 * (size_t)no + (size_t)rows * (4 + 4 * (size_t)no);
    if ((size_t)(end - p) != need)
        return hn_err_set(err, HN_ERR_FORMAT, "model section: %zu bytes of weights, expected %zu", (size_t)(end - p), need);
    if (!(m = hn_model_new_empty(nclasses, bits)) || alloc_table(m, rows) != HN_OK ||
        (rows && !(m->W = malloc((size_t)rows * (size_t)no * sizeof *m->W)))) {
        hn_model_free(m);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory loading the model");
    }
    for (k = 0; k < no; k++, p += 4)
        if (!isfinite(m->b[k] = hn_get_f32(p))) {
            hn_model_free(m);
            return hn_err_set(err, HN_ERR_FORMAT, "model section: non-finite bias");
        }
    for (i = 0; i < (size_t)rows; i++) {
        uint32_t bucket = hn_get_u32(p);
        int64_t r;
        if (bucket >> bits) {
            hn_model_free(m);
            return hn_err_set(err, HN_ERR_FORMAT, "model section: bucket %u out of range", bucket);
        }
        r = row_insert(m, bucket);
        if (r != (int64_t)i) {
            hn_model_free(m);
            return hn_err_set(err, HN_ERR_FORMAT, "model section: bucket %u stored twice", bucket);
        }
        p += 4;
        for (k = 0; k < no; k++, p += 4)
            if (!isfinite(m->W[(size_t)r * no + k] = hn_get_f32(p))) {
                hn_model_free(m);
                return hn_err_set(err, HN_ERR_FORMAT, "model section: non-finite weight");
            }
    }
    *out = m;
    return HN_OK;
}
