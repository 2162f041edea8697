/* loss.c - losses on the margins, their gradients, and the stable numerics
 * (sigmoid, softmax) prediction shares with them
 *
 * models/: src/base and libm only; calls no other file of the folder.
 * Nothing here allocates: the softmax of the multinomial losses goes into
 * the caller's work array.
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
 *   sqhinge, binary:   L = max(0, 1 - s z)^2,           dL/dz = -2 s max(0, 1 - s z)
 *   sqhinge, multi:    L = max(0, 1 + z_j - z_t)^2,     dL/dz_j = 2 h, dL/dz_t = -2 h, h = max(0, 1 + z_j - z_t)
 *   rank (pair term):  L = w log(1 + e^{-(zp - zn)}), dL/dzp = -w sigmoid(zn - zp) = -dL/dzn
 * Each is multiplied by the class weight and the example weight.
 */
#include <math.h>
#include <string.h>

#include "models/models_internal.h"

static const char *const loss_names[HN_LOSS_COUNT] = {"log", "focal", "hinge", "rank", "sqhinge"};

const char *hn_loss_name(hn_loss l) { return (unsigned)l < HN_LOSS_COUNT ? loss_names[l] : "?"; }

hn_status hn_loss_parse(const char *s, hn_loss *out)
{
    int i;
    for (i = 0; i < HN_LOSS_COUNT; i++)
        if (!strcmp(s, loss_names[i])) return *out = (hn_loss)i, HN_OK;
    return HN_ERR_ARG;
}

double hn_sigmoid(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    {
        double e = exp(z);
        return e / (1.0 + e);
    }
}

double hn_log1pexp_neg(double mg)
{
    return mg >= 0 ? log1p(exp(-mg)) : -mg + log1p(exp(mg));
}

void hn_softmax_f(const float *z, int32_t n, float *p)
{
    double mx = z[0], s = 0;
    int32_t k;
    for (k = 1; k < n; k++)
        if (z[k] > mx) mx = z[k];
    for (k = 0; k < n; k++) s += exp((double)z[k] - mx);
    for (k = 0; k < n; k++) p[k] = (float)(exp((double)z[k] - mx) / s);
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

double hn_loss_grad(hn_loss loss, const hn_train_opts *o, int32_t nclasses, const float *z, int32_t t, float cw_t,
                    float *g, double *work)
{
    double L = 0;
    int32_t k;
    if (nclasses == 2) {
        double zz = z[0], s = t == 1 ? 1.0 : -1.0, y = t == 1, p = hn_sigmoid(zz), d = 0;
        switch (loss) {
        case HN_LOSS_LOG:
        case HN_LOSS_RANK: /* the per-example part; the pair term is added by the trainer */
            L = hn_log1pexp_neg(s * zz);
            d = p - y;
            break;
        case HN_LOSS_FOCAL: {
            double gm = o->focal_gamma, a = t == 1 ? o->focal_alpha : 1 - o->focal_alpha;
            double logpt = -hn_log1pexp_neg(s * zz), pt = exp(logpt);
            /* 1 - p_t computed without cancellation: sigmoid(-s z) */
            double q = hn_sigmoid(-s * zz);
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
        case HN_LOSS_SQHINGE:
            if (s * zz < 1) {
                double h = 1 - s * zz;
                L = h * h;
                d = -2 * s * h;
            }
            break;
        default: break;
        }
        g[0] = (float)(d * cw_t);
        return L * cw_t;
    }
    {
        double *p = work, lse = softmax(z, nclasses, p);
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
        case HN_LOSS_HINGE:
        case HN_LOSS_SQHINGE: {
            int32_t j = t == 0 ? 1 : 0;
            for (k = 0; k < nclasses; k++)
                if (k != t && z[k] > z[j]) j = k;
            for (k = 0; k < nclasses; k++) g[k] = 0;
            if (1 + z[j] - z[t] > 0) {
                double h = 1 + (double)z[j] - z[t];
                double d = loss == HN_LOSS_SQHINGE ? 2 * h : 1;
                L = loss == HN_LOSS_SQHINGE ? h * h : h;
                g[j] = (float)(d * cw_t);
                g[t] = (float)(-d * cw_t);
            }
            break;
        }
        default: break;
        }
        return L * cw_t;
    }
}

double hn_rank_pair_grad(float zp, float zn, float w, float *gp, float *gn)
{
    double d = (double)zp - zn, s = hn_sigmoid(-d);
    *gp = (float)(-w * s);
    *gn = (float)(w * s);
    return w * hn_log1pexp_neg(d);
}
