/* calibration.c - fit a classifier's probability map on validation data
 * (see calibration.h)
 *
 * src/core. The fit always starts from the raw model's margins, so
 * calibrating twice replaces the first map instead of stacking on it.
 * Prior correction: the "from" priors are the validation frequencies (the
 * map was fit there, so its probabilities follow them); the target priors
 * are the user's, the classes not given sharing the rest in proportion to
 * their validation frequencies.
 */
#include "src/core/calibration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hn_calibrate_opts_default(hn_calibrate_opts *o)
{
    memset(o, 0, sizeof *o);
    o->auto_method = 1;
    o->method = HN_CALIB_METHOD_NONE;
    o->prior = NULL;
    o->bins = 10;
    o->source = "";
}

/* log loss, Brier, ECE (equal-width, top label / P(positive)) and accuracy
 * of the probabilities map k gives to margins z. P: m x nl scratch, q
 * and hit: m scratch each. */
static hn_status measure(const hn_calib *k, const float *z, const int32_t *y, int64_t m, int32_t nl, int32_t bins,
                         float *P, double *q, int32_t *hit, double *ll, double *brier, double *ece, double *acc,
                         hn_err *err)
{
    int32_t nout = nl == 2 ? 1 : nl, c;
    int64_t i, right = 0;
    hn_calib_curve cv;
    hn_status st;
    for (i = 0; i < m; i++) {
        float *p = P + (size_t)i * (size_t)nl;
        int32_t top = 0;
        hn_calib_apply(k, z + (size_t)i * (size_t)nout, nl, p);
        for (c = 1; c < nl; c++)
            if (p[c] > p[top]) top = c;
        if (nl == 2) {
            q[i] = p[1];
            hit[i] = y[i] == 1;
            top = p[1] >= 0.5f ? 1 : 0;
        } else {
            q[i] = p[top];
            hit[i] = top == y[i];
        }
        right += top == y[i];
    }
    if (nl == 2) {
        *ll = hn_log_loss_binary(hit, q, m);
        *brier = hn_brier_binary(hit, q, m);
    } else {
        *ll = hn_log_loss_multi(P, y, m, nl);
        *brier = hn_brier_multi(P, y, m, nl);
    }
    if ((st = hn_calib_curve_compute(hit, q, m, bins, HN_BIN_STRATEGY_UNIFORM, &cv, err)) != HN_OK) return st;
    *ece = cv.ece;
    hn_calib_curve_free(&cv);
    *acc = (double)right / (double)m;
    return HN_OK;
}

/* The target priors: given ones as they are, the others sharing the rest. */
static hn_status target_priors(const hn_classifier *c, const double *given, const double *from, double *to, hn_err *err)
{
    int32_t k, nl = c->nlabels, unlisted = 0;
    double sum = 0, from_rest = 0;
    for (k = 0; k < nl; k++) {
        if (given[k] < 0) {
            unlisted++;
            from_rest += from[k];
            continue;
        }
        if (!(given[k] > 0 && given[k] <= 1))
            return hn_err_set(err, HN_ERR_ARG, "--prior: %s=%g is not a probability in (0, 1]", c->labels[k], given[k]);
        sum += given[k];
    }
    if (sum > 1 + 1e-9) return hn_err_set(err, HN_ERR_ARG, "--prior: the priors given sum to %.9g, more than 1", sum);
    if (!unlisted && fabs(sum - 1) > 1e-6)
        return hn_err_set(err, HN_ERR_ARG, "--prior: every class is given and the priors sum to %.9g, not 1", sum);
    if (unlisted && 1 - sum < 1e-12)
        return hn_err_set(err, HN_ERR_ARG, "--prior: the priors given sum to 1, which leaves nothing for the other %d "
                          "class%s", (int)unlisted, unlisted == 1 ? "" : "es");
    for (k = 0; k < nl; k++) to[k] = given[k] >= 0 ? given[k] : (1 - sum) * from[k] / from_rest;
    return HN_OK;
}

hn_status hn_classifier_calibrate(hn_classifier *c, const hn_dataset *d, const hn_calibrate_opts *o,
                                  hn_calibrate_report *r, hn_err *err)
{
    int32_t nl = c->nlabels, nout = nl == 2 ? 1 : nl, k;
    int64_t i, m = 0;
    float *z = NULL, *P = NULL;
    double *zd = NULL, *q = NULL, *from = NULL, *to = NULL;
    int32_t *y = NULL, *hit = NULL;
    hn_calib fresh, none;
    hn_calib_method method;
    hn_status st = HN_OK;

    memset(r, 0, sizeof *r);
    hn_calib_init(&fresh);
    hn_calib_init(&none);
    method = o->auto_method ? (nl == 2 ? HN_CALIB_METHOD_PLATT : HN_CALIB_METHOD_TEMPERATURE) : o->method;
    if ((method == HN_CALIB_METHOD_PLATT || method == HN_CALIB_METHOD_ISOTONIC) && nl != 2)
        return hn_err_set(err, HN_ERR_ARG, "--method %s is for binary models; this one has %d classes: use temperature",
                          hn_calib_method_name(method), (int)nl);
    if (o->bins < 1 || o->bins > HN_CALIB_MAX_BINS)
        return hn_err_set(err, HN_ERR_ARG, "bins: %d is not in [1, %d]", (int)o->bins, HN_CALIB_MAX_BINS);
    for (i = 0; i < d->n; i++) m += d->label[i] >= 0 && d->label[i] < nl;
    if (m == 0) return hn_err_set(err, HN_ERR_FORMAT, "no validation example has a label the model knows");
    z = malloc((size_t)m * (size_t)nout * sizeof *z);
    P = malloc((size_t)m * (size_t)nl * sizeof *P);
    zd = malloc((size_t)m * sizeof *zd);
    q = malloc((size_t)m * sizeof *q);
    y = malloc((size_t)m * sizeof *y);
    hit = malloc((size_t)m * sizeof *hit);
    from = calloc((size_t)nl, sizeof *from);
    to = malloc((size_t)nl * sizeof *to);
    if (!z || !P || !zd || !q || !y || !hit || !from || !to) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory calibrating on %lld examples", (long long)m);
        goto done;
    }
    for (i = 0, m = 0; i < d->n; i++) {
        hn_svec x;
        if (d->label[i] < 0 || d->label[i] >= nl) continue;
        x = hn_dataset_get(d, i);
        hn_model_margins(c->model, &x, z + (size_t)m * (size_t)nout);
        y[m] = d->label[i];
        zd[m] = z[(size_t)m * (size_t)nout];
        from[y[m]] += 1;
        m++;
    }
    r->n = m;
    r->method = method;
    switch (method) {
    case HN_CALIB_METHOD_TEMPERATURE:
        if ((st = hn_calib_fit_temperature(z, nout, y, m, &fresh.temperature, NULL, NULL, err)) != HN_OK) goto done;
        break;
    case HN_CALIB_METHOD_PLATT:
        if ((st = hn_calib_fit_platt(zd, y, m, &fresh.platt_a, &fresh.platt_b, err)) != HN_OK) goto done;
        break;
    case HN_CALIB_METHOD_ISOTONIC:
        if ((st = hn_calib_fit_isotonic(zd, y, m, &fresh, err)) != HN_OK) goto done;
        break;
    default: break;
    }
    fresh.method = method;
    for (k = 0; k < nl; k++) from[k] /= (double)m;
    if (o->prior) {
        r->from_prior_min = 1;
        for (k = 0; k < nl; k++) {
            if (from[k] <= 0) {
                st = hn_err_set(err, HN_ERR_ARG, "--prior: no validation example has the label '%s', so its prior there "
                                "is unknown", c->labels[k]);
                goto done;
            }
            if (from[k] < r->from_prior_min) r->from_prior_min = from[k];
        }
        if ((st = target_priors(c, o->prior, from, to, err)) != HN_OK) goto done;
        if ((st = hn_calib_set_prior(&fresh, from, to, nl, err)) != HN_OK) goto done;
    }
    snprintf(fresh.note, sizeof fresh.note, "%s%s%s%s", hn_calib_method_name(method),
             o->source && o->source[0] ? " on " : "", o->source ? o->source : "", o->prior ? ", prior corrected" : "");
    if ((st = measure(&none, z, y, m, nl, o->bins, P, q, hit, &r->log_loss_before, &r->brier_before, &r->ece_before,
                      &r->accuracy_before, err)) != HN_OK)
        goto done;
    if ((st = measure(&fresh, z, y, m, nl, o->bins, P, q, hit, &r->log_loss_after, &r->brier_after, &r->ece_after,
                      &r->accuracy_after, err)) != HN_OK)
        goto done;
    if (!isfinite(r->log_loss_after)) {
        st = hn_err_set(err, HN_ERR_NUMERIC, "the calibrated log loss is not finite");
        goto done;
    }
    hn_calib_free(&c->calib);
    c->calib = fresh; /* ownership of the arrays moves to c */
    hn_calib_init(&fresh);
done:
    hn_calib_free(&fresh);
    free(z);
    free(P);
    free(zd);
    free(q);
    free(y);
    free(hit);
    free(from);
    free(to);
    return st;
}
