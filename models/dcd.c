/* dcd.c - the batch solver of the linear kind: dual coordinate descent,
 * one class against the rest, to convergence
 *
 * models/: src/base and libm only. Calls nothing in other files of the
 * folder but dataset.c's accessors and the row table (models_internal.h).
 * Written from the papers (Hsieh et al. 2008, "A dual coordinate descent
 * method for large-scale linear SVM"; Yu, Huang and Lin 2011, "Dual
 * coordinate descent methods for logistic regression and maximum entropy
 * models"), the way LIBLINEAR's -s 1, -s 3 and -s 7 solve them.
 *
 * For each class k (one problem for a binary model: class 1 against 0),
 * with y_i = +1 on class k and -1 elsewhere, x_i extended by the constant
 * bias feature B, and per-example costs C_i = C c_i (c_i = example weight
 * times class weight), the primal is
 *
 *     min_w  1/2 |w|^2 + sum_i C_i loss(y_i w.x_i)
 *       log:      loss(m) = log(1 + e^-m)
 *       hinge:    loss(m) = max(0, 1 - m)
 *       sqhinge:  loss(m) = max(0, 1 - m)^2
 *
 * and the solver works on its dual, keeping w = sum_i y_i a_i x_i.
 *
 * SVM (hinge, sqhinge): min_a 1/2 a^T (Q + D) a - sum a_i, 0 <= a_i <= U_i,
 * Q_ij = y_i y_j x_i.x_j; hinge D = 0, U_i = C_i; sqhinge D_ii = 1/(2 C_i),
 * U = inf. One coordinate: gradient G = y_i w.x_i - 1 + D_ii a_i, projected
 * gradient PG (0 at a bound that G pushes out of), step to the clipped
 * minimizer a_i <- min(max(a_i - G / (|x_i|^2 + D_ii), 0), U_i).
 * Shrinking: a variable at a bound whose gradient points outward by more
 * than the largest violation of the previous pass leaves the active set;
 * convergence (max PG - min PG <= tol) is always confirmed by a pass over
 * every variable.
 *
 * Log loss: min_a 1/2 a^T Q a + sum_i [a_i log a_i + a'_i log a'_i],
 * a_i + a'_i = C_i, both kept (C_i - a_i cancels when a_i is near C_i).
 * Each coordinate is a one-dimensional convex problem in z on (0, C_i):
 *     g'(z) = log(z / (C_i - z)) + |x_i|^2 (z - z_old) + s y_i w.x_i
 * solved by Newton steps on whichever of a_i, a'_i sits below C_i / 2 (no
 * overshoot past C_i there; a step to z <= 0 is replaced by z <- 0.1 z).
 * Stop when the largest |g'| of a pass is below tol; the inner tolerance
 * starts at 0.01 and shrinks tenfold when a pass needed few Newton steps.
 *
 * The dual variables live in the solver (hn_dcd), so a second run at
 * another C starts from the first: a scales by C_new / C_old, which keeps
 * it feasible for every loss (and a + a' = C_i for log loss), and w with
 * it.
 *
 * Warm starts. (1) Toward a model (hn_dcd_anchor, train --init): the
 * primal becomes min 1/2 |w - w0|^2 + sum_i C_i loss(y_i w.x_i), with w0
 * the model's weights. With v = w - w0 it is the problem above with the
 * margins offset by y_i w0.x_i, so the dual keeps its form (one more
 * linear term, a_i y_i w0.x_i) and the coordinate steps are unchanged if
 * the solver keeps w = w0 + sum_i y_i a_i x_i: only the start (all a = 0,
 * w = w0) and the objectives (1/2 |v|^2 in the primal, 1/2 (|w|^2 -
 * |w0|^2) = 1/2 |v|^2 + v.w0 in the dual) differ. (2) From an earlier
 * solve on a subset of the examples (hn_dcd_warm, mine --warm-start):
 * the examples it had keep their a, new ones start at 0 (log loss: the
 * interior start), w is rebuilt from the a. Any feasible a is a valid
 * start of the same problem, so the optimum is the from-scratch one; it
 * is reached in fewer passes when the old a were close to it. Each class has its own seeded random order, so the result does not
 * depend on the number of threads (classes run as tasks on the pool).
 *
 * Probabilities: margins of an SVM are not log-odds. After solving, the
 * margins are scaled by the s > 0 that minimizes the training log loss of
 * softmax(s z) (sigmoid for a binary model) against Platt's smoothed
 * targets (fit_scale): temperature scaling, which keeps every decision and
 * ranking. A binary log-loss model keeps s = 1
 * (its margins already are log-odds). The scale is folded into W and b.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/models_internal.h"
#include "src/base/log.h"
#include "src/base/rng.h"
#include "src/base/threads.h"

struct hn_dcd {
    hn_model *m;
    hn_train_opts o;
    int64_t n, dim;           /* examples; weight rows (features) */
    int64_t *off;             /* n + 1 offsets into col/val */
    int32_t *col;             /* weight-row id of each non-zero */
    float *val;
    double *xsq;              /* |x_i|^2 + B^2 */
    const int32_t *label;     /* borrowed from the dataset */
    double *cost;             /* c_i */
    int32_t K;                /* problems: 1 for a binary model, else nclasses */
    double *alpha, *alpha2;   /* K * n dual variables (alpha2: log loss only, a' = C_i - a) */
    double *w;                /* K * (dim + 1): class k's weights, then its bias weight */
    double *w0;               /* NULL, or the anchor (hn_dcd_anchor), laid out as w */
    double C_prev;            /* C of the previous run, 0 before the first */
    double scale0, scale_last;/* where fit_scale starts (1; a warm start's earlier scale); the last run's */
    hn_pool *pool;
    /* per run */
    double C;
    volatile int *stop;
    hn_dcd_stats *cls;        /* K per-class stats */
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void hn_dcd_free(hn_dcd *s)
{
    if (!s) return;
    free(s->off);
    free(s->col);
    free(s->val);
    free(s->xsq);
    free(s->cost);
    free(s->alpha);
    free(s->alpha2);
    free(s->w);
    free(s->w0);
    free(s->cls);
    hn_pool_free(s->pool);
    free(s);
}

hn_status hn_dcd_create(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw, hn_dcd **out,
                        hn_err *err)
{
    hn_dcd *s;
    hn_status st;
    int64_t i, nz, j;
    double B = o->bias_feature;
    *out = NULL;
    if ((st = hn_train_opts_check(o, err)) != HN_OK) return st;
    if (o->solver != HN_SOLVER_DCD) return hn_err_set(err, HN_ERR_ARG, "the batch solver needs --solver dcd");
    if (m->kind != &hn_linear_kind) return hn_err_set(err, HN_ERR_ARG, "--solver dcd trains the linear model only");
    if (d->n == 0) return hn_err_set(err, HN_ERR_ARG, "no training examples");
    for (i = 0; i < d->n; i++)
        if (d->label[i] < 0 || d->label[i] >= m->nclasses)
            return hn_err_set(err, HN_ERR_ARG, "example %lld: class %d out of range", (long long)i, (int)d->label[i]);
    if (!(s = calloc(1, sizeof *s))) goto nomem;
    s->m = m;
    s->o = *o;
    s->n = d->n;
    s->dim = m->rows;
    s->label = d->label;
    s->K = m->nout;
    s->scale0 = 1;
    nz = d->off[d->n];
    s->off = malloc((size_t)(s->n + 1) * sizeof *s->off);
    s->col = malloc((size_t)(nz ? nz : 1) * sizeof *s->col);
    s->val = malloc((size_t)(nz ? nz : 1) * sizeof *s->val);
    s->xsq = malloc((size_t)s->n * sizeof *s->xsq);
    s->cost = malloc((size_t)s->n * sizeof *s->cost);
    s->alpha = calloc((size_t)s->K * (size_t)s->n, sizeof *s->alpha);
    s->w = calloc((size_t)s->K * (size_t)(s->dim + 1), sizeof *s->w);
    s->cls = calloc((size_t)s->K, sizeof *s->cls);
    if (o->loss == HN_LOSS_LOG) s->alpha2 = calloc((size_t)s->K * (size_t)s->n, sizeof *s->alpha2);
    if (!s->off || !s->col || !s->val || !s->xsq || !s->cost || !s->alpha || !s->w || !s->cls ||
        (o->loss == HN_LOSS_LOG && !s->alpha2) || hn_pool_create(o->threads, &s->pool) != HN_OK) {
        hn_dcd_free(s);
        goto nomem;
    }
    /* the dataset in weight-row ids: one lookup per non-zero, once */
    s->off[0] = 0;
    for (i = 0, j = 0; i < s->n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        double sq = B * B;
        int32_t q;
        for (q = 0; q < x.n; q++) {
            int64_t r = row_find(m, x.idx[q]);
            if (r < 0 || x.val[q] == 0.0f) continue;
            s->col[j] = (int32_t)r;
            s->val[j] = x.val[q];
            sq += (double)x.val[q] * x.val[q];
            j++;
        }
        s->off[i + 1] = j;
        s->xsq[i] = sq;
        s->cost[i] = (double)d->weight[i] * (cw ? cw[d->label[i]] : 1.0f);
    }
    *out = s;
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM,
                      "out of memory for the batch solver: %lld examples x %d problems of dual variables and %lld "
                      "weights = %.1f MB",
                      (long long)d->n, (int)m->nout, (long long)m->rows,
                      ((double)d->n * m->nout * (o->loss == HN_LOSS_LOG ? 16 : 8) + (double)m->nout * (m->rows + 1) * 8 +
                       (double)d->off[d->n] * 8) / 1e6);
}

static inline double dot(const double *w, const hn_dcd *s, int64_t i, double B, int64_t dim)
{
    double z = w[dim] * B;
    int64_t q;
    for (q = s->off[i]; q < s->off[i + 1]; q++) z += w[s->col[q]] * (double)s->val[q];
    return z;
}

static inline void axpy(double *w, const hn_dcd *s, int64_t i, double a, double B, int64_t dim)
{
    int64_t q;
    for (q = s->off[i]; q < s->off[i + 1]; q++) w[s->col[q]] += a * (double)s->val[q];
    w[dim] += a * B;
}

static inline int positive(const hn_dcd *s, int32_t k, int64_t i)
{
    return s->K == 1 ? s->label[i] == 1 : s->label[i] == k;
}

static void shuffle(int32_t *idx, int64_t n, uint64_t *rng)
{
    int64_t i;
    for (i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)hn_rng_below(rng, (uint64_t)i + 1);
        int32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

/* The SVM dual of class k (hinge: l1 = 1; squared hinge: l1 = 0). */
static void solve_svm(hn_dcd *s, int32_t k, int32_t *idx, uint64_t *rng, hn_dcd_stats *cs)
{
    const int l1 = s->o.loss == HN_LOSS_HINGE;
    const double B = s->o.bias_feature, C = s->C, tol = s->o.tol > 0 ? s->o.tol : (l1 ? 1e-3 : 0.1);
    const int64_t n = s->n, dim = s->dim;
    double *alpha = s->alpha + (size_t)k * (size_t)n, *w = s->w + (size_t)k * (size_t)(dim + 1);
    double PGmax_old = HUGE_VAL, PGmin_old = -HUGE_VAL;
    int64_t active = 0, i;
    int32_t pass;
    for (i = 0; i < n; i++)
        if (s->xsq[i] > 0 || !l1) idx[active++] = (int32_t)i; /* an empty line with hinge loss has nothing to solve */
    {
        const int64_t all = active;
        for (pass = 0; pass < s->o.max_passes; pass++) {
            double PGmax = -HUGE_VAL, PGmin = HUGE_VAL;
            int64_t t;
            if (s->stop && *s->stop) {
                cs->interrupted = 1;
                break;
            }
            shuffle(idx, active, rng);
            for (t = 0; t < active; t++) {
                int64_t ii = idx[t];
                double y = positive(s, k, ii) ? 1.0 : -1.0, Ci = C * s->cost[ii];
                double Dii = l1 ? 0 : 0.5 / Ci, U = l1 ? Ci : HUGE_VAL, a = alpha[ii];
                double G = y * dot(w, s, ii, B, dim) - 1 + Dii * a, PG = 0;
                if (a == 0) {
                    if (G > PGmax_old) { /* shrink: stays at 0 */
                        idx[t] = idx[--active];
                        idx[active] = (int32_t)ii;
                        t--;
                        continue;
                    }
                    if (G < 0) PG = G;
                } else if (a == U) {
                    if (G < PGmin_old) { /* shrink: stays at C_i */
                        idx[t] = idx[--active];
                        idx[active] = (int32_t)ii;
                        t--;
                        continue;
                    }
                    if (G > 0) PG = G;
                } else {
                    PG = G;
                }
                if (PG > PGmax) PGmax = PG;
                if (PG < PGmin) PGmin = PG;
                if (fabs(PG) > 1e-12) {
                    double na = a - G / (s->xsq[ii] + Dii);
                    if (na < 0) na = 0;
                    if (na > U) na = U;
                    alpha[ii] = na;
                    axpy(w, s, ii, (na - a) * y, B, dim);
                }
            }
            cs->passes++;
            cs->violation = PGmax - PGmin > 0 ? PGmax - PGmin : 0;
            if (PGmax - PGmin <= tol) {
                if (active == all) {
                    cs->converged = 1;
                    break;
                }
                active = all; /* confirm with every variable */
                PGmax_old = HUGE_VAL;
                PGmin_old = -HUGE_VAL;
                continue;
            }
            PGmax_old = PGmax > 0 ? PGmax : HUGE_VAL;
            PGmin_old = PGmin < 0 ? PGmin : -HUGE_VAL;
        }
    }
}

/* The log-loss dual of class k. */
static void solve_lr(hn_dcd *s, int32_t k, int32_t *idx, uint64_t *rng, hn_dcd_stats *cs)
{
    const double B = s->o.bias_feature, C = s->C, tol = s->o.tol > 0 ? s->o.tol : 1e-3;
    const int64_t n = s->n, dim = s->dim;
    double *alpha = s->alpha + (size_t)k * (size_t)n, *alpha2 = s->alpha2 + (size_t)k * (size_t)n;
    double *w = s->w + (size_t)k * (size_t)(dim + 1);
    double innereps = 1e-2, innereps_min = tol < 1e-8 ? tol : 1e-8;
    int64_t i;
    int32_t pass;
    for (i = 0; i < n; i++) idx[i] = (int32_t)i;
    for (pass = 0; pass < s->o.max_passes; pass++) {
        double Gmax = 0;
        int64_t t, newton = 0;
        if (s->stop && *s->stop) {
            cs->interrupted = 1;
            break;
        }
        shuffle(idx, n, rng);
        for (t = 0; t < n; t++) {
            int64_t ii = idx[t];
            double y = positive(s, k, ii) ? 1.0 : -1.0, Ci = C * s->cost[ii], a = s->xsq[ii];
            double b = y * dot(w, s, ii, B, dim), sign = 1, z, zold, gp;
            double *v1 = &alpha[ii], *v2 = &alpha2[ii];
            int inner;
            if (0.5 * a * (alpha2[ii] - alpha[ii]) + b < 0) { /* the optimum is on the a' side below C/2 */
                v1 = &alpha2[ii];
                v2 = &alpha[ii];
                sign = -1;
            }
            zold = *v1;
            z = zold;
            if (Ci - z < 0.5 * Ci) z *= 0.1;
            gp = a * (z - zold) + sign * b + log(z / (Ci - z));
            if (fabs(gp) > Gmax) Gmax = fabs(gp);
            for (inner = 0; inner < 100 && fabs(gp) >= innereps; inner++) {
                double gpp = a + Ci / (Ci - z) / z, tz = z - gp / gpp;
                z = tz <= 0 ? z * 0.1 : tz;
                gp = a * (z - zold) + sign * b + log(z / (Ci - z));
                newton++;
            }
            if (inner > 0) {
                *v1 = z;
                *v2 = Ci - z;
                axpy(w, s, ii, sign * (z - zold) * y, B, dim);
            }
        }
        cs->passes++;
        cs->violation = Gmax;
        if (Gmax < tol) {
            cs->converged = 1;
            break;
        }
        if (newton <= n / 10) innereps = innereps_min > 0.1 * innereps ? innereps_min : 0.1 * innereps;
    }
}

/* Objective values of class k at the current a and w: primal P(w) and dual
 * D(a) (with P* = D* at the optimum; P - D >= 0 bounds the distance). */
static void objectives(const hn_dcd *s, int32_t k, hn_dcd_stats *cs)
{
    const double B = s->o.bias_feature, C = s->C;
    const int64_t n = s->n, dim = s->dim;
    const double *alpha = s->alpha + (size_t)k * (size_t)n, *w = s->w + (size_t)k * (size_t)(dim + 1);
    double ww = 0, vv = 0, loss = 0, dual = 0;
    int64_t i, j;
    if (s->w0) { /* anchored: 1/2 |w - w0|^2 in the primal, 1/2 (|w|^2 - |w0|^2) in the dual */
        const double *w0 = s->w0 + (size_t)k * (size_t)(dim + 1);
        for (j = 0; j <= dim; j++) {
            ww += w[j] * w[j] - w0[j] * w0[j];
            vv += (w[j] - w0[j]) * (w[j] - w0[j]);
        }
    } else {
        for (j = 0; j <= dim; j++) ww += w[j] * w[j];
        vv = ww;
    }
    for (i = 0; i < n; i++) {
        double y = positive(s, k, i) ? 1.0 : -1.0, Ci = C * s->cost[i], mg = y * dot(w, s, i, B, dim);
        double a = alpha[i];
        switch (s->o.loss) {
        case HN_LOSS_LOG: {
            double a2 = s->alpha2[(size_t)k * (size_t)n + (size_t)i];
            loss += Ci * (mg >= 0 ? log1p(exp(-mg)) : -mg + log1p(exp(mg)));
            dual += (a > 0 ? a * log(a) : 0) + (a2 > 0 ? a2 * log(a2) : 0) - Ci * log(Ci);
            break;
        }
        case HN_LOSS_HINGE:
            if (mg < 1) loss += Ci * (1 - mg);
            dual -= a;
            break;
        default: /* squared hinge */
            if (mg < 1) loss += Ci * (1 - mg) * (1 - mg);
            dual += 0.25 * a * a / Ci - a;
            break;
        }
    }
    cs->primal = 0.5 * vv + loss;
    cs->dual = -(0.5 * ww + dual);
}

static void solve_task(void *arg, int32_t k)
{
    hn_dcd *s = arg;
    hn_dcd_stats *cs = &s->cls[k];
    int32_t *idx = malloc((size_t)s->n * sizeof *idx);
    uint64_t rng = s->o.seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(k + 1));
    double t0 = now_s();
    memset(cs, 0, sizeof *cs);
    if (!idx) {
        cs->nomem = 1;
        return;
    }
    if (s->C_prev > 0 && s->C != s->C_prev) { /* warm start: a scales with C, and so does w */
        double r = s->C / s->C_prev;
        int64_t i, j;
        double *a = s->alpha + (size_t)k * (size_t)s->n, *w = s->w + (size_t)k * (size_t)(s->dim + 1);
        for (i = 0; i < s->n; i++) a[i] *= r;
        if (s->alpha2)
            for (i = 0; i < s->n; i++) s->alpha2[(size_t)k * (size_t)s->n + (size_t)i] *= r;
        if (s->w0) { /* w = w0 + v: v scales with a */
            const double *w0 = s->w0 + (size_t)k * (size_t)(s->dim + 1);
            for (j = 0; j <= s->dim; j++) w[j] = w0[j] + r * (w[j] - w0[j]);
        } else {
            for (j = 0; j <= s->dim; j++) w[j] *= r;
        }
    } else if (s->C_prev == 0 && s->o.loss == HN_LOSS_LOG) { /* an interior start: a_i = min(1e-3 C_i, 1e-8) */
        int64_t i;
        double *a = s->alpha + (size_t)k * (size_t)s->n, *a2 = s->alpha2 + (size_t)k * (size_t)s->n;
        double *w = s->w + (size_t)k * (size_t)(s->dim + 1);
        for (i = 0; i < s->n; i++) {
            double Ci = s->C * s->cost[i], v = 1e-3 * Ci < 1e-8 ? 1e-3 * Ci : 1e-8;
            a[i] = v;
            a2[i] = Ci - v;
            axpy(w, s, i, (positive(s, k, i) ? 1.0 : -1.0) * v, s->o.bias_feature, s->dim);
        }
    }
    if (s->o.loss == HN_LOSS_LOG) solve_lr(s, k, idx, &rng, cs);
    else solve_svm(s, k, idx, &rng, cs);
    objectives(s, k, cs);
    cs->seconds = now_s() - t0;
    free(idx);
}

/* The s in [1e-3, 1e3] minimizing the log loss of softmax(s z) (sigmoid
 * for one margin) over margins z (n rows of K floats) against smoothed
 * targets: Platt's (N_c + 1) / (N_c + 2) on the true class c (N_c its
 * training examples), the rest spread evenly over the other classes. Hard
 * 0/1 targets would send s to infinity on separable training data (every
 * probability 0 or 1, rankings lost to ties); smoothed ones keep it finite.
 * The loss is convex in s: f'(s) = sum_i (E_p[z] - E_q[z]), f''(s) =
 * sum_i Var_p[z] >= 0; Newton from s = start (1, or a warm start's last
 * scale: the same minimizer in fewer steps), halving instead of crossing 0. */
static double fit_scale(const float *z, const int32_t *t, const int64_t *count, int64_t n, int32_t K, double start)
{
    double sc = start;
    int it;
    for (it = 0; it < 50; it++) {
        double g = 0, h = 0, ns;
        int64_t i;
        int32_t k;
        for (i = 0; i < n; i++) {
            const float *zi = z + (size_t)i * (size_t)K;
            int32_t c = t[i];
            double tc = ((double)count[c] + 1) / ((double)count[c] + 2);
            if (K == 1) { /* c is 0 or 1; the target of class 1 */
                double q = c == 1 ? tc : 1 - tc, p = 1 / (1 + exp(-sc * zi[0]));
                g += zi[0] * (p - q);
                h += (double)zi[0] * zi[0] * p * (1 - p);
            } else {
                double mx = zi[0], sum = 0, e1 = 0, e2 = 0, eq = 0, zsum = 0;
                for (k = 1; k < K; k++)
                    if (zi[k] > mx) mx = zi[k];
                for (k = 0; k < K; k++) {
                    double e = exp(sc * (zi[k] - mx));
                    sum += e;
                    e1 += e * zi[k];
                    e2 += e * (double)zi[k] * zi[k];
                    zsum += zi[k];
                }
                e1 /= sum;
                e2 /= sum;
                eq = tc * zi[c] + (1 - tc) * (zsum - zi[c]) / (K - 1);
                g += e1 - eq;
                h += e2 - e1 * e1;
            }
        }
        if (!(h > 0)) break; /* flat: nothing to fit */
        ns = sc - g / h;
        if (ns <= 0) ns = sc / 2;
        if (ns < 1e-3) ns = 1e-3;
        if (ns > 1e3) ns = 1e3;
        if (fabs(ns - sc) < 1e-9 * sc) {
            sc = ns;
            break;
        }
        sc = ns;
    }
    return sc;
}

hn_status hn_dcd_anchor(hn_dcd *s, hn_err *err)
{
    const hn_linear *lin = s->m->impl;
    const double B = s->o.bias_feature;
    const int32_t no = s->m->nout;
    int64_t r, n = (int64_t)s->K * (s->dim + 1);
    int32_t k;
    if (s->C_prev > 0) return hn_err_set(err, HN_ERR_ARG, "the batch solver's anchor is set before its first run");
    if (!s->w0 && !(s->w0 = malloc((size_t)n * sizeof *s->w0)))
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory for the initial weights");
    for (k = 0; k < s->K; k++) {
        double *w0 = s->w0 + (size_t)k * (size_t)(s->dim + 1);
        for (r = 0; r < s->dim; r++) w0[r] = lin->W[(size_t)r * (size_t)no + (size_t)k];
        /* the bias is carried by a feature of value B; without one (B = 0) it stays at 0 */
        w0[s->dim] = B > 0 ? (double)lin->b[k] / B : 0;
        if (B == 0 && lin->b[k] != 0)
            hn_log(HN_LOG_WARN, "batch solver: --bias 0 has no bias feature: the initial model's bias is dropped");
    }
    for (r = 0; r < n; r++) s->w[r] += s->w0[r];
    return HN_OK;
}

void hn_dcd_duals_free(hn_dcd_duals *dd)
{
    if (!dd) return;
    free(dd->alpha);
    free(dd->alpha2);
    free(dd->cost);
    memset(dd, 0, sizeof *dd);
}

hn_status hn_dcd_duals_get(const hn_dcd *s, hn_dcd_duals *out, hn_err *err)
{
    size_t na = (size_t)s->K * (size_t)s->n;
    hn_dcd_duals_free(out);
    if (s->C_prev <= 0) return hn_err_set(err, HN_ERR_ARG, "the batch solver has not run: no dual variables yet");
    out->alpha = malloc(na * sizeof *out->alpha);
    out->cost = malloc((size_t)s->n * sizeof *out->cost);
    if (s->alpha2) out->alpha2 = malloc(na * sizeof *out->alpha2);
    if (!out->alpha || !out->cost || (s->alpha2 && !out->alpha2)) {
        hn_dcd_duals_free(out);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory keeping the dual variables (%.1f MB)",
                          (double)na * (s->alpha2 ? 16 : 8) / 1e6);
    }
    memcpy(out->alpha, s->alpha, na * sizeof *out->alpha);
    if (s->alpha2) memcpy(out->alpha2, s->alpha2, na * sizeof *out->alpha2);
    memcpy(out->cost, s->cost, (size_t)s->n * sizeof *out->cost);
    out->n = s->n;
    out->K = s->K;
    out->loss = s->o.loss;
    out->C = s->C_prev;
    out->scale = s->scale_last;
    return HN_OK;
}

hn_status hn_dcd_warm(hn_dcd *s, const hn_dcd_duals *dd, const int64_t *map, hn_err *err)
{
    const double B = s->o.bias_feature, C = dd->C;
    int64_t i, j, kept = 0;
    int32_t k;
    if (s->C_prev > 0) return hn_err_set(err, HN_ERR_ARG, "the batch solver is warm-started before its first run");
    if (dd->K != s->K || dd->loss != s->o.loss || !(C > 0))
        return hn_err_set(err, HN_ERR_ARG, "the earlier solve does not fit (%d problems, %s loss; now %d, %s)",
                          (int)dd->K, hn_loss_name(dd->loss), (int)s->K, hn_loss_name(s->o.loss));
    for (k = 0; k < s->K; k++) {
        double *a = s->alpha + (size_t)k * (size_t)s->n, *w = s->w + (size_t)k * (size_t)(s->dim + 1);
        double *a2 = s->alpha2 ? s->alpha2 + (size_t)k * (size_t)s->n : NULL;
        if (s->w0) memcpy(w, s->w0 + (size_t)k * (size_t)(s->dim + 1), (size_t)(s->dim + 1) * sizeof *w);
        else memset(w, 0, (size_t)(s->dim + 1) * sizeof *w);
        for (i = 0; i < s->n; i++) {
            double Ci = C * s->cost[i], v;
            j = map ? map[i] : -1;
            if (j >= dd->n) return hn_err_set(err, HN_ERR_ARG, "warm start: example %lld out of range", (long long)j);
            if (j >= 0 && dd->cost[j] > 0) { /* a_i / C_i is what carries over when c_i changed */
                double r = s->cost[i] / dd->cost[j];
                v = dd->alpha[(size_t)k * (size_t)dd->n + (size_t)j] * r;
                if (a2) a2[i] = dd->alpha2[(size_t)k * (size_t)dd->n + (size_t)j] * r;
                kept += k == 0;
            } else if (a2) { /* log loss: the interior start of a cold run */
                v = 1e-3 * Ci < 1e-8 ? 1e-3 * Ci : 1e-8;
                a2[i] = Ci - v;
            } else {
                v = 0;
            }
            if (s->o.loss == HN_LOSS_HINGE && v > Ci) v = Ci;
            a[i] = v;
            if (v != 0) axpy(w, s, i, (positive(s, k, i) ? 1.0 : -1.0) * v, B, s->dim);
        }
    }
    s->C_prev = C;
    if (dd->scale > 0) s->scale0 = dd->scale;
    hn_log(HN_LOG_DEBUG, "batch solver: warm start, %lld of %lld examples keep their dual variables", (long long)kept,
           (long long)s->n);
    return HN_OK;
}

hn_status hn_dcd_run(hn_dcd *s, double C, volatile int *stop, hn_dcd_stats *st, hn_err *err)
{
    hn_model *m = s->m;
    hn_linear *lin = m->impl;
    const int64_t dim = s->dim;
    const int32_t K = s->K, no = m->nout;
    double t0 = now_s(), scale = 1;
    int32_t k;
    int64_t r;
    if (!isfinite(C) || C <= 0) return hn_err_set(err, HN_ERR_ARG, "--C must be a finite number > 0");
    s->C = C;
    s->stop = stop;
    hn_pool_run(s->pool, K, solve_task, s);
    memset(st, 0, sizeof *st);
    for (k = 0; k < K; k++) {
        const hn_dcd_stats *c = &s->cls[k];
        if (c->nomem) return hn_err_set(err, HN_ERR_NOMEM, "out of memory in the batch solver");
        if (c->passes > st->passes) st->passes = c->passes;
        st->not_converged += !c->converged;
        st->primal += c->primal;
        st->dual += c->dual;
        if (c->violation > st->violation) st->violation = c->violation;
        st->interrupted |= c->interrupted;
    }
    if (st->interrupted) return hn_err_set(err, HN_ERR_INTERRUPTED, "training interrupted (batch solver, C %g)", C);
    {
        double tp = 0;
        for (k = 0; k < K; k++) tp += s->cls[k].passes;
        hn_log(HN_LOG_DEBUG, "batch solver: C %g, %.1f passes a problem on average, %.2fs solving", C, tp / K,
               now_s() - t0);
    }
    s->C_prev = C;
    /* the weights into the model, row-major */
    for (r = 0; r < dim; r++)
        for (k = 0; k < K; k++) lin->W[(size_t)r * (size_t)no + (size_t)k] = (float)s->w[(size_t)k * (size_t)(dim + 1) + (size_t)r];
    for (k = 0; k < K; k++) lin->b[k] = (float)(s->w[(size_t)k * (size_t)(dim + 1) + (size_t)dim] * s->o.bias_feature);
    for (r = 0; r < (int64_t)no * dim + no; r++) {
        float v = r < (int64_t)no * dim ? lin->W[r] : lin->b[r - (int64_t)no * dim];
        if (!isfinite(v)) return hn_err_set(err, HN_ERR_NUMERIC, "batch solver: non-finite weight (C %g)", C);
    }
    if (!(s->o.loss == HN_LOSS_LOG && K == 1)) { /* temperature: see the file comment */
        float *z = malloc((size_t)s->n * (size_t)K * sizeof *z);
        int64_t i;
        if (!z) return hn_err_set(err, HN_ERR_NOMEM, "out of memory scaling the margins");
        for (i = 0; i < s->n; i++) {
            float *zi = z + (size_t)i * (size_t)K;
            int64_t q;
            for (k = 0; k < K; k++) zi[k] = lin->b[k];
            for (q = s->off[i]; q < s->off[i + 1]; q++) {
                const float *wr = lin->W + (size_t)s->col[q] * (size_t)no;
                float v = s->val[q];
                for (k = 0; k < K; k++) zi[k] += v * wr[k];
            }
        }
        {
            int64_t *count = calloc((size_t)m->nclasses, sizeof *count);
            if (!count) {
                free(z);
                return hn_err_set(err, HN_ERR_NOMEM, "out of memory scaling the margins");
            }
            for (i = 0; i < s->n; i++) count[s->label[i]]++;
            scale = fit_scale(z, s->label, count, s->n, K, s->scale0);
            free(count);
        }
        free(z);
        for (r = 0; r < (int64_t)no * dim; r++) lin->W[r] *= (float)scale;
        for (k = 0; k < no; k++) lin->b[k] *= (float)scale;
    }
    st->scale = scale;
    s->scale_last = scale;
    st->seconds = now_s() - t0;
    if (st->not_converged)
        hn_log(HN_LOG_WARN, "batch solver: %d of %d problems stopped at --max-passes %d before reaching --tol (C %g)",
               (int)st->not_converged, (int)K, (int)s->o.max_passes, C);
    return HN_OK;
}

hn_status hn_dcd_train(hn_model *m, const hn_dataset *d, const hn_train_opts *o, const float *cw, hn_epoch_fn on_epoch,
                       void *user, volatile int *stop, hn_err *err)
{
    hn_dcd *s = NULL;
    hn_dcd_stats st;
    hn_status rc;
    if ((rc = hn_dcd_create(m, d, o, cw, &s, err)) != HN_OK) return rc;
    rc = hn_dcd_run(s, o->C, stop, &st, err);
    hn_dcd_free(s);
    if (rc == HN_OK && on_epoch) on_epoch(st.passes, st.primal / (double)d->n, st.seconds, user);
    return rc;
}
