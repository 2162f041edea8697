/* calibration.c - reliability bins, ECE, Brier score, log loss; fitting
 * and applying temperature, Platt, isotonic and prior maps; the
 * reliability diagram (see calibration.h)
 *
 * src/eval: libc, libm, src/base. Sums run in double in input order, as
 * numpy's bincount and mean do, so the figures match scikit-learn's to
 * rounding; the quantile edges copy numpy 1.24's percentile ("linear":
 * virtual index (n - 1) q, the two-sided lerp) bit for bit, so an example
 * lands in the same bin as in sklearn's calibration_curve.
 *
 * The math of the fits:
 *   temperature: f(beta) = mean_i [ logsumexp(beta z_i) - beta z_i,y ],
 *     f'(beta) = mean_i (E_p[z_i] - z_i,y), f''(beta) = mean_i Var_p(z_i)
 *     >= 0 with p = softmax(beta z_i): convex, so Newton steps kept inside
 *     a bracket [lo, hi] where f' changes sign (bisection when a step
 *     leaves it). Binary: z_i,0 = 0, z_i,1 = z_i.
 *   Platt: minimize sum_i -[t_i log q_i + (1 - t_i) log(1 - q_i)] with
 *     q_i = 1 / (1 + exp(A z_i + B)) (Platt's sign; we store a = -A,
 *     b = -B), Newton with backtracking line search, as in Lin, Lin and
 *     Weng 2007, Algorithm 1.
 *   isotonic: pool adjacent violators over the distinct z (ties averaged
 *     first, as scikit-learn does), then interior points of a flat run
 *     dropped: the piecewise-linear interpolant is unchanged.
 */
#include "src/eval/calibration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOG_LOSS_EPS 1e-15

/* ---- measuring ------------------------------------------------------------ */

const char *hn_bin_strategy_name(hn_bin_strategy s)
{
    return s == HN_BIN_STRATEGY_QUANTILE ? "equal-mass" : "equal-width";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's _lerp: a + (b - a) t, computed from b when t >= 0.5 */
static double np_lerp(double a, double b, double t)
{
    double d = b - a;
    return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

void hn_calib_curve_free(hn_calib_curve *c)
{
    if (!c) return;
    free(c->bins);
    memset(c, 0, sizeof *c);
}

hn_status hn_calib_curve_compute(const int32_t *y, const double *p, int64_t n, int32_t nbins, hn_bin_strategy s,
                                 hn_calib_curve *out, hn_err *err)
{
    double *edges = NULL, *sorted = NULL, *sum_p = NULL, *sum_y = NULL;
    int64_t i;
    int32_t b;
    hn_status st = HN_OK;
    memset(out, 0, sizeof *out);
    if (n < 1) return hn_err_set(err, HN_ERR_ARG, "no examples to bin");
    if (nbins < 1 || nbins > HN_CALIB_MAX_BINS)
        return hn_err_set(err, HN_ERR_ARG, "bins: %d is not in [1, %d]", (int)nbins, HN_CALIB_MAX_BINS);
    for (i = 0; i < n; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return hn_err_set(err, HN_ERR_ARG, "probability %d (%g) is not in [0, 1]", (int)(i + 1), p[i]);
    edges = malloc((size_t)(nbins + 1) * sizeof *edges);
    sum_p = calloc((size_t)nbins, sizeof *sum_p);
    sum_y = calloc((size_t)nbins, sizeof *sum_y);
    out->bins = calloc((size_t)nbins, sizeof *out->bins);
    if (!edges || !sum_p || !sum_y || !out->bins) goto nomem;
    {
        double step = 1.0 / nbins; /* numpy.linspace(0, 1, nbins + 1): i * step, the last exactly 1 */
        if (s == HN_BIN_STRATEGY_QUANTILE) {
            if (!(sorted = malloc((size_t)n * sizeof *sorted))) goto nomem;
            memcpy(sorted, p, (size_t)n * sizeof *sorted);
            qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
            for (b = 0; b <= nbins; b++) {
                double q = b == nbins ? 1.0 : (double)b * step, v;
                q = q * 100.0 / 100.0; /* np.percentile(p, q * 100) divides by 100 again */
                v = (double)(n - 1) * q;
                if (v >= (double)(n - 1)) {
                    edges[b] = sorted[n - 1];
                } else {
                    double fl = floor(v);
                    int64_t lo = (int64_t)fl;
                    if (lo < 0) lo = 0;
                    edges[b] = np_lerp(sorted[lo], sorted[lo + 1], v - fl);
                }
            }
        } else {
            for (b = 0; b <= nbins; b++) edges[b] = b == nbins ? 1.0 : (double)b * step;
        }
    }
    for (i = 0; i < n; i++) {
        /* searchsorted(edges[1:-1], p, side="left"): interior edges < p */
        int32_t lo = 0, hi = nbins - 1;
        while (lo < hi) {
            int32_t mid = (lo + hi) / 2;
            if (edges[mid + 1] < p[i]) lo = mid + 1;
            else hi = mid;
        }
        out->bins[lo].count++;
        sum_p[lo] += p[i];
        sum_y[lo] += y[i] ? 1.0 : 0.0;
    }
    out->nbins = nbins;
    out->n = n;
    out->ece = 0;
    out->mce = 0;
    for (b = 0; b < nbins; b++) {
        hn_calib_bin *bn = &out->bins[b];
        bn->lo = edges[b];
        bn->hi = edges[b + 1];
        if (bn->count > 0) {
            double gap;
            bn->mean_prob = sum_p[b] / (double)bn->count;
            bn->frac_pos = sum_y[b] / (double)bn->count;
            gap = fabs(bn->frac_pos - bn->mean_prob);
            out->ece += (double)bn->count / (double)n * gap;
            if (gap > out->mce) out->mce = gap;
        }
    }
    goto done;
nomem:
    st = hn_err_set(err, HN_ERR_NOMEM, "out of memory binning %lld probabilities", (long long)n);
    hn_calib_curve_free(out);
done:
    free(edges);
    free(sorted);
    free(sum_p);
    free(sum_y);
    return st;
}

double hn_brier_binary(const int32_t *y, const double *p, int64_t n)
{
    double s = 0;
    int64_t i;
    for (i = 0; i < n; i++) {
        double d = (y[i] ? 1.0 : 0.0) - p[i];
        s += d * d;
    }
    return n > 0 ? s / (double)n : 0;
}

static double clip(double v)
{
    return v < LOG_LOSS_EPS ? LOG_LOSS_EPS : v > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : v;
}

/* sklearn: the column [1 - p, p], clipped, renormalized; -log of the gold one */
double hn_log_loss_binary(const int32_t *y, const double *p, int64_t n)
{
    double s = 0;
    int64_t i;
    for (i = 0; i < n; i++) {
        double q1 = clip(p[i]), q0 = clip(1 - p[i]), sum = q0 + q1;
        s += -log((y[i] ? q1 : q0) / sum);
    }
    return n > 0 ? s / (double)n : 0;
}

double hn_brier_multi(const float *P, const int32_t *gold, int64_t n, int32_t k)
{
    double s = 0;
    int64_t i;
    int32_t c;
    for (i = 0; i < n; i++) {
        const float *r = P + (size_t)i * (size_t)k;
        double row = 0;
        for (c = 0; c < k; c++) {
            double d = (double)r[c] - (c == gold[i] ? 1.0 : 0.0);
            row += d * d;
        }
        if (gold[i] < 0 || gold[i] >= k) row += 1.0; /* the gold class has probability 0 */
        s += row;
    }
    return n > 0 ? s / (double)n : 0;
}

double hn_log_loss_multi(const float *P, const int32_t *gold, int64_t n, int32_t k)
{
    double s = 0;
    int64_t i;
    int32_t c;
    for (i = 0; i < n; i++) {
        const float *r = P + (size_t)i * (size_t)k;
        double sum = 0, g = LOG_LOSS_EPS;
        for (c = 0; c < k; c++) sum += clip((double)r[c]);
        if (gold[i] >= 0 && gold[i] < k) g = clip((double)r[gold[i]]);
        else sum += LOG_LOSS_EPS;
        s += -log(g / sum);
    }
    return n > 0 ? s / (double)n : 0;
}

/* ---- the map ----------------------------------------------------------------- */

void hn_calib_init(hn_calib *c)
{
    memset(c, 0, sizeof *c);
    c->method = HN_CALIB_METHOD_NONE;
    c->temperature = 1;
    c->platt_a = 1;
}

void hn_calib_free(hn_calib *c)
{
    if (!c) return;
    free(c->iso_x);
    free(c->iso_y);
    free(c->prior_shift);
    hn_calib_init(c);
}

hn_status hn_calib_copy(hn_calib *dst, const hn_calib *src)
{
    *dst = *src;
    dst->iso_x = dst->iso_y = dst->prior_shift = NULL;
    if (src->iso_n > 0) {
        dst->iso_x = malloc((size_t)src->iso_n * sizeof *dst->iso_x);
        dst->iso_y = malloc((size_t)src->iso_n * sizeof *dst->iso_y);
        if (!dst->iso_x || !dst->iso_y) goto nomem;
        memcpy(dst->iso_x, src->iso_x, (size_t)src->iso_n * sizeof *dst->iso_x);
        memcpy(dst->iso_y, src->iso_y, (size_t)src->iso_n * sizeof *dst->iso_y);
    }
    if (src->nprior > 0) {
        if (!(dst->prior_shift = malloc((size_t)src->nprior * sizeof *dst->prior_shift))) goto nomem;
        memcpy(dst->prior_shift, src->prior_shift, (size_t)src->nprior * sizeof *dst->prior_shift);
    }
    return HN_OK;
nomem:
    hn_calib_free(dst);
    return HN_ERR_NOMEM;
}

int hn_calib_active(const hn_calib *c)
{
    return c->method != HN_CALIB_METHOD_NONE || c->nprior > 0;
}

static const char *const method_names[HN_CALIB_METHOD_COUNT] = {"none", "temperature", "platt", "isotonic"};

const char *hn_calib_method_name(hn_calib_method m)
{
    return m >= 0 && m < HN_CALIB_METHOD_COUNT ? method_names[m] : "?";
}

hn_status hn_calib_method_parse(const char *s, hn_calib_method *out)
{
    int i;
    for (i = 0; i < HN_CALIB_METHOD_COUNT; i++)
        if (!strcmp(s, method_names[i])) {
            *out = (hn_calib_method)i;
            return HN_OK;
        }
    return HN_ERR_ARG;
}

static double sigmoid(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    {
        double e = exp(z);
        return e / (1.0 + e);
    }
}

static double clampz(float z)
{
    return !(z >= -1e30f) ? -1e30 : z > 1e30f ? 1e30 : (double)z;
}

/* isotonic: linear interpolation through the breakpoints, flat beyond */
static double iso_eval(const hn_calib *c, double z)
{
    int32_t lo = 0, hi = c->iso_n - 1;
    if (c->iso_n <= 0) return 0.5;
    if (z <= c->iso_x[0]) return c->iso_y[0];
    if (z >= c->iso_x[hi]) return c->iso_y[hi];
    while (hi - lo > 1) { /* iso_x[lo] < z < iso_x[hi] */
        int32_t mid = (lo + hi) / 2;
        if (c->iso_x[mid] <= z) lo = mid;
        else hi = mid;
    }
    {
        double t = (z - c->iso_x[lo]) / (c->iso_x[hi] - c->iso_x[lo]);
        return c->iso_y[lo] + t * (c->iso_y[hi] - c->iso_y[lo]);
    }
}

void hn_calib_apply(const hn_calib *c, const float *z, int32_t nclasses, float *p)
{
    int32_t k;
    if (nclasses == 2) {
        double s = clampz(z[0]), q;
        switch (c->method) {
        case HN_CALIB_METHOD_TEMPERATURE: s /= c->temperature; break;
        case HN_CALIB_METHOD_PLATT: s = c->platt_a * s + c->platt_b; break;
        case HN_CALIB_METHOD_ISOTONIC: {
            double v = iso_eval(c, s);
            if (c->nprior != 2) {
                p[1] = (float)v;
                p[0] = (float)(1.0 - v);
                return;
            }
            v = v < 1e-300 ? 1e-300 : v > 1 - 1e-16 ? 1 - 1e-16 : v;
            s = log(v) - log1p(-v);
            break;
        }
        default: break;
        }
        if (c->nprior == 2) s += c->prior_shift[1] - c->prior_shift[0];
        q = sigmoid(s);
        p[1] = (float)q;
        p[0] = (float)(1.0 - q);
        return;
    }
    {
        /* softmax in double, max subtracted first; exp is recomputed in the
         * last pass instead of kept, so nothing is allocated */
        double mx = -HUGE_VAL, sum = 0, inv = c->method == HN_CALIB_METHOD_TEMPERATURE ? 1.0 / c->temperature : 1.0;
        int prior = c->nprior == nclasses;
        for (k = 0; k < nclasses; k++) {
            double w = clampz(z[k]) * inv + (prior ? c->prior_shift[k] : 0);
            if (w > mx) mx = w;
        }
        for (k = 0; k < nclasses; k++) sum += exp(clampz(z[k]) * inv + (prior ? c->prior_shift[k] : 0) - mx);
        for (k = 0; k < nclasses; k++)
            p[k] = (float)(exp(clampz(z[k]) * inv + (prior ? c->prior_shift[k] : 0) - mx) / sum);
    }
}

/* ---- fitting: temperature ------------------------------------------------------ */

/* Mean loss, first and second derivative in beta at beta. */
static void temp_eval(const float *z, int32_t nout, const int32_t *y, int64_t n, double beta, double *f, double *g,
                      double *h, int64_t *used)
{
    int64_t i, m = 0;
    int32_t k;
    double F = 0, G = 0, H = 0;
    for (i = 0; i < n; i++) {
        const float *r = z + (size_t)i * (size_t)nout;
        if (y[i] < 0 || (nout > 1 && y[i] >= nout)) continue;
        m++;
        if (nout == 1) {
            /* classes 0 (margin 0) and 1 (margin z): loss log(1 + exp(-s beta z)), s = +-1 */
            double zz = clampz(r[0]), s = y[i] ? 1.0 : -1.0, mgn = s * beta * zz;
            double q = sigmoid(beta * zz); /* p(class 1) */
            F += mgn >= 0 ? log1p(exp(-mgn)) : -mgn + log1p(exp(mgn));
            G += (q - (y[i] ? 1.0 : 0.0)) * zz;
            H += q * (1 - q) * zz * zz;
        } else {
            double mx = -HUGE_VAL, sum = 0, ez = 0, ez2 = 0;
            for (k = 0; k < nout; k++) {
                double v = beta * clampz(r[k]);
                if (v > mx) mx = v;
            }
            for (k = 0; k < nout; k++) {
                double zk = clampz(r[k]), e = exp(beta * zk - mx);
                sum += e;
                ez += e * zk;
                ez2 += e * zk * zk;
            }
            ez /= sum;
            ez2 /= sum;
            F += mx + log(sum) - beta * clampz(r[y[i]]);
            G += ez - clampz(r[y[i]]);
            H += ez2 - ez * ez > 0 ? ez2 - ez * ez : 0;
        }
    }
    if (m > 0) {
        F /= (double)m;
        G /= (double)m;
        H /= (double)m;
    }
    *f = F;
    *g = G;
    *h = H;
    *used = m;
}

hn_status hn_calib_fit_temperature(const float *z, int32_t nout, const int32_t *y, int64_t n, double *T,
                                   double *nll_before, double *nll_after, hn_err *err)
{
    const double bmin = 1e-3, bmax = 1e3;
    double f, g, h, lo, hi, beta = 1;
    int64_t used;
    int it;
    temp_eval(z, nout, y, n, 1.0, &f, &g, &h, &used);
    if (used == 0) return hn_err_set(err, HN_ERR_ARG, "no example with a label the model knows");
    if (nll_before) *nll_before = f;
    /* bracket the root of f' (f' increases with beta) */
    if (g < 0) {
        lo = 1;
        hi = 2;
        for (;;) {
            temp_eval(z, nout, y, n, hi, &f, &g, &h, &used);
            if (g >= 0 || hi >= bmax) break;
            lo = hi;
            hi = hi * 2 > bmax ? bmax : hi * 2;
        }
    } else {
        hi = 1;
        lo = 0.5;
        for (;;) {
            temp_eval(z, nout, y, n, lo, &f, &g, &h, &used);
            if (g <= 0 || lo <= bmin) break;
            hi = lo;
            lo = lo / 2 < bmin ? bmin : lo / 2;
        }
    }
    if (g < 0 && hi >= bmax) beta = bmax;      /* separable: the sharper the better; stop at T = 1e-3 */
    else if (g > 0 && lo <= bmin) beta = bmin; /* no signal: T = 1e3 */
    else {
        beta = (lo + hi) / 2;
        for (it = 0; it < 200; it++) {
            double nb;
            temp_eval(z, nout, y, n, beta, &f, &g, &h, &used);
            if (g > 0) hi = beta;
            else lo = beta;
            nb = h > 0 ? beta - g / h : (lo + hi) / 2;
            if (!(nb > lo && nb < hi)) nb = (lo + hi) / 2;
            if (fabs(nb - beta) <= 1e-12 * beta || hi - lo <= 1e-12 * hi) {
                beta = nb;
                break;
            }
            beta = nb;
        }
    }
    temp_eval(z, nout, y, n, beta, &f, &g, &h, &used);
    if (!isfinite(f)) return hn_err_set(err, HN_ERR_NUMERIC, "temperature scaling: the log loss is not finite");
    if (nll_after) *nll_after = f;
    *T = 1.0 / beta;
    return HN_OK;
}

/* ---- fitting: Platt ---------------------------------------------------------------- */

hn_status hn_calib_fit_platt(const double *z, const int32_t *y, int64_t n, double *a, double *b, hn_err *err)
{
    double prior1 = 0, prior0 = 0, hiT, loT, A = 0, B, fval = 0;
    const double sigma = 1e-12, eps = 1e-5, min_step = 1e-10;
    int64_t i;
    int it;
    for (i = 0; i < n; i++) {
        if (y[i]) prior1++;
        else prior0++;
    }
    if (prior1 == 0 || prior0 == 0)
        return hn_err_set(err, HN_ERR_ARG, "Platt scaling needs examples of both classes (%.0f positive, %.0f negative)",
                          prior1, prior0);
    hiT = (prior1 + 1) / (prior1 + 2);
    loT = 1 / (prior0 + 2);
    B = log((prior0 + 1) / (prior1 + 1));
    for (i = 0; i < n; i++) {
        double t = y[i] ? hiT : loT, fApB = z[i] * A + B;
        fval += fApB >= 0 ? t * fApB + log1p(exp(-fApB)) : (t - 1) * fApB + log1p(exp(fApB));
    }
    for (it = 0; it < 100; it++) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0, det, dA, dB, gd, step;
        for (i = 0; i < n; i++) {
            double t = y[i] ? hiT : loT, fApB = z[i] * A + B, p, q, d1, d2;
            if (fApB >= 0) {
                p = exp(-fApB) / (1.0 + exp(-fApB));
                q = 1.0 / (1.0 + exp(-fApB));
            } else {
                p = 1.0 / (1.0 + exp(fApB));
                q = exp(fApB) / (1.0 + exp(fApB));
            }
            d2 = p * q;
            h11 += z[i] * z[i] * d2;
            h22 += d2;
            h21 += z[i] * d2;
            d1 = t - p;
            g1 += z[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < eps && fabs(g2) < eps) break;
        det = h11 * h22 - h21 * h21;
        dA = -(h22 * g1 - h21 * g2) / det;
        dB = -(-h21 * g1 + h11 * g2) / det;
        gd = g1 * dA + g2 * dB;
        for (step = 1; step >= min_step; step /= 2) {
            double nA = A + step * dA, nB = B + step * dB, nf = 0;
            for (i = 0; i < n; i++) {
                double t = y[i] ? hiT : loT, fApB = z[i] * nA + nB;
                nf += fApB >= 0 ? t * fApB + log1p(exp(-fApB)) : (t - 1) * fApB + log1p(exp(fApB));
            }
            if (nf < fval + 0.0001 * step * gd) {
                A = nA;
                B = nB;
                fval = nf;
                break;
            }
        }
        if (step < min_step) {
            if (it == 0) return hn_err_set(err, HN_ERR_NUMERIC, "Platt scaling: the line search failed");
            break; /* as close as the line search gets */
        }
    }
    if (!isfinite(A) || !isfinite(B)) return hn_err_set(err, HN_ERR_NUMERIC, "Platt scaling: no finite fit");
    *a = -A;
    *b = -B;
    return HN_OK;
}

/* ---- fitting: isotonic -------------------------------------------------------------- */

typedef struct zy {
    double z;
    int32_t y;
} zy;

static int cmp_zy(const void *a, const void *b)
{
    const zy *p = a, *q = b;
    return (p->z > q->z) - (p->z < q->z);
}

hn_status hn_calib_fit_isotonic(const double *z, const int32_t *y, int64_t n, hn_calib *c, hn_err *err)
{
    zy *v = NULL;
    double *x = NULL, *val = NULL, *w = NULL;
    int64_t i, m = 0, nb, *start = NULL;
    hn_status st = HN_OK;
    if (n < 1) return hn_err_set(err, HN_ERR_ARG, "isotonic regression needs examples");
    v = malloc((size_t)n * sizeof *v);
    x = malloc((size_t)n * sizeof *x);
    val = malloc((size_t)n * sizeof *val);
    w = malloc((size_t)n * sizeof *w);
    start = malloc((size_t)n * sizeof *start);
    if (!v || !x || !val || !w || !start) goto nomem;
    for (i = 0; i < n; i++) {
        v[i].z = z[i];
        v[i].y = y[i] ? 1 : 0;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_zy);
    /* distinct z, their mean outcome and weight */
    for (i = 0; i < n; i++) {
        if (m > 0 && v[i].z == x[m - 1]) {
            val[m - 1] += v[i].y;
            w[m - 1] += 1;
        } else {
            x[m] = v[i].z;
            val[m] = v[i].y;
            w[m] = 1;
            m++;
        }
    }
    for (i = 0; i < m; i++) val[i] /= w[i];
    /* pool adjacent violators: blocks [start[b], start[b + 1]) with mean val and weight w */
    nb = 0;
    {
        double *bv = malloc((size_t)m * sizeof *bv), *bw = malloc((size_t)m * sizeof *bw);
        int64_t b;
        if (!bv || !bw) {
            free(bv);
            free(bw);
            goto nomem;
        }
        for (i = 0; i < m; i++) {
            bv[nb] = val[i];
            bw[nb] = w[i];
            start[nb] = i;
            nb++;
            while (nb > 1 && bv[nb - 2] >= bv[nb - 1]) {
                double tw = bw[nb - 2] + bw[nb - 1];
                if (bv[nb - 2] == bv[nb - 1]) { /* equal: merge without changing the value */
                    bw[nb - 2] = tw;
                } else {
                    bv[nb - 2] = (bv[nb - 2] * bw[nb - 2] + bv[nb - 1] * bw[nb - 1]) / tw;
                    bw[nb - 2] = tw;
                }
                nb--;
            }
        }
        for (b = 0; b < nb; b++) {
            int64_t e = b + 1 < nb ? start[b + 1] : m, j;
            for (j = start[b]; j < e; j++) val[j] = bv[b];
        }
        free(bv);
        free(bw);
    }
    /* keep the ends of each flat run: the interpolant is the same */
    {
        int64_t k = 0;
        for (i = 0; i < m; i++) {
            if (i > 0 && i + 1 < m && val[i] == val[i - 1] && val[i] == val[i + 1]) continue;
            x[k] = x[i];
            val[k] = val[i];
            k++;
        }
        m = k;
    }
    hn_calib_free(c);
    c->iso_x = malloc((size_t)m * sizeof *c->iso_x);
    c->iso_y = malloc((size_t)m * sizeof *c->iso_y);
    if (!c->iso_x || !c->iso_y) {
        hn_calib_free(c);
        goto nomem;
    }
    memcpy(c->iso_x, x, (size_t)m * sizeof *x);
    memcpy(c->iso_y, val, (size_t)m * sizeof *val);
    c->iso_n = (int32_t)m;
    c->method = HN_CALIB_METHOD_ISOTONIC;
    goto done;
nomem:
    st = hn_err_set(err, HN_ERR_NOMEM, "out of memory fitting isotonic regression on %lld examples", (long long)n);
done:
    free(v);
    free(x);
    free(val);
    free(w);
    free(start);
    return st;
}

hn_status hn_calib_set_prior(hn_calib *c, const double *from, const double *to, int32_t k, hn_err *err)
{
    int32_t i;
    double *s;
    if (k < 2) return hn_err_set(err, HN_ERR_ARG, "prior correction needs at least 2 classes");
    for (i = 0; i < k; i++)
        if (!(from[i] > 0 && from[i] <= 1 && to[i] > 0 && to[i] <= 1))
            return hn_err_set(err, HN_ERR_ARG, "prior of class %d: %g -> %g: priors must be in (0, 1]", (int)i, from[i],
                              to[i]);
    if (!(s = malloc((size_t)k * sizeof *s))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (i = 0; i < k; i++) s[i] = log(to[i]) - log(from[i]);
    free(c->prior_shift);
    c->prior_shift = s;
    c->nprior = k;
    return HN_OK;
}

/* ---- the reliability diagram ----------------------------------------------------------- */

enum { SVG_W = 640, SVG_H = 640, LEFT = 80, TOP = 50, PLOT = 420, HIST_TOP = 500, HIST_H = 80 };

static void xml_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if (ch < 0x20) fputc('?', f);
            else if (ch >= 0x80) { /* valid UTF-8 as is, anything else U+FFFD */
                int len = ch >= 0xF0 && ch <= 0xF4 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC2 && ch <= 0xDF ? 2 : 0, j;
                for (j = 1; j < len; j++)
                    if (((unsigned char)s[j] & 0xC0) != 0x80) len = 0;
                if (len) {
                    fwrite(s, 1, (size_t)len, f);
                    s += len - 1;
                } else {
                    fputs("\xEF\xBF\xBD", f);
                }
            } else fputc(*s, f);
        }
    }
}

static double X(double p)
{
    return LEFT + p * PLOT;
}

static double Y(double p)
{
    return TOP + (1 - p) * PLOT;
}

hn_status hn_calib_svg_write(FILE *f, const hn_calib_curve *c, const char *title, const char *xlabel,
                             const char *ylabel, hn_err *err)
{
    int32_t b, t;
    int64_t maxc = 0;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"sans-serif\" font-size=\"13\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            SVG_W, SVG_H, SVG_W, SVG_H);
    if (title) {
        fprintf(f, "<text x=\"%d\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">", LEFT + PLOT / 2);
        xml_text(f, title);
        fputs("</text>\n", f);
    }
    /* grid and ticks */
    for (t = 0; t <= 10; t++) {
        double v = t / 10.0;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>\n", X(v), TOP, X(v), TOP + PLOT);
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", LEFT, Y(v), LEFT + PLOT, Y(v));
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%.1f</text>\n", X(v),
                HIST_TOP + HIST_H + 16, v);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%.1f</text>\n", LEFT - 6, Y(v) + 4, v);
    }
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", LEFT, TOP, PLOT,
            PLOT);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"5,4\"/>\n", X(0),
            Y(0), X(1), Y(1));
    /* gaps: a bar from the diagonal to the observed share, then the markers joined */
    for (b = 0; b < c->nbins; b++) {
        const hn_calib_bin *bn = &c->bins[b];
        if (!bn->count) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#D55E00\" stroke-width=\"3\" "
                   "stroke-opacity=\"0.5\"/>\n",
                X(bn->mean_prob), Y(bn->mean_prob), X(bn->mean_prob), Y(bn->frac_pos));
        if (bn->count > maxc) maxc = bn->count;
    }
    fputs("<polyline fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\" points=\"", f);
    for (b = 0; b < c->nbins; b++)
        if (c->bins[b].count) fprintf(f, "%.1f,%.1f ", X(c->bins[b].mean_prob), Y(c->bins[b].frac_pos));
    fputs("\"/>\n", f);
    for (b = 0; b < c->nbins; b++)
        if (c->bins[b].count)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#0072B2\"><title>bin %d: %lld examples, mean p "
                       "%.4f, observed %.4f</title></circle>\n",
                    X(c->bins[b].mean_prob), Y(c->bins[b].frac_pos), (int)b + 1, (long long)c->bins[b].count,
                    c->bins[b].mean_prob, c->bins[b].frac_pos);
    /* the histogram of bin counts under the plot, bars spanning each bin */
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", LEFT, HIST_TOP,
            PLOT, HIST_H);
    for (b = 0; b < c->nbins; b++) {
        const hn_calib_bin *bn = &c->bins[b];
        double h = maxc ? (double)bn->count / (double)maxc * (HIST_H - 14) : 0, x0 = X(bn->lo), x1 = X(bn->hi);
        if (!bn->count) continue;
        if (x1 - x0 < 1) x1 = x0 + 1;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#56B4E9\" stroke=\"white\"/>\n", x0,
                HIST_TOP + HIST_H - h, x1 - x0, h);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%lld</text>\n", (x0 + x1) / 2,
                HIST_TOP + HIST_H - h - 2, (long long)bn->count);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">count</text>\n", LEFT - 6,
            HIST_TOP + HIST_H / 2);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", LEFT + PLOT / 2, HIST_TOP + HIST_H + 36);
    xml_text(f, xlabel ? xlabel : "Mean predicted probability");
    fputs("</text>\n", f);
    fprintf(f, "<text x=\"20\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 20 %d)\">", TOP + PLOT / 2,
            TOP + PLOT / 2);
    xml_text(f, ylabel ? ylabel : "Observed frequency");
    fputs("</text>\n", f);
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"190\" height=\"46\" fill=\"white\" stroke=\"#999\"/>\n"
            "<text x=\"%d\" y=\"%d\">ECE %.4f (%d bins)</text>\n"
            "<text x=\"%d\" y=\"%d\">%lld examples</text>\n",
            LEFT + 10, TOP + 10, LEFT + 20, TOP + 28, c->ece, (int)c->nbins, LEFT + 20, TOP + 46, (long long)c->n);
    fputs("</svg>\n", f);
    if (ferror(f)) return hn_err_set(err, HN_ERR_IO, "write error");
    return HN_OK;
}
