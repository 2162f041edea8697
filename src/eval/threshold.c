/* threshold.c - threshold sweeps (see threshold.h) */
#include "src/eval/threshold.h"

#include <math.h>
#include <stdlib.h>

double hn_threshold_best_f1(const hn_pr_point *curve, int64_t len, double *f1)
{
    double best_t = 0.5, bf = -1;
    int64_t k;
    for (k = 0; k < len; k++) {
        const hn_pr_point *q = &curve[k];
        double f = (q->precision + q->recall) > 0 ? 2 * q->precision * q->recall / (q->precision + q->recall) : 0;
        if (!isfinite(q->threshold)) continue;
        if (f > bf || (f == bf && q->threshold < best_t)) {
            bf = f;
            best_t = q->threshold;
        }
    }
    *f1 = bf;
    return best_t;
}

typedef struct tp {
    double s;
    int32_t ok_accept; /* correct if accepted */
    int32_t is_oos;
} tp;

static int by_s(const void *a, const void *b)
{
    double x = ((const tp *)a)->s, y = ((const tp *)b)->s;
    return (x > y) - (x < y);
}

static hn_status reject_sweep(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                              int32_t negative, hn_reject_objective obj, double min_in, double *threshold,
                              double *value, hn_err *err)
{
    tp *e;
    int64_t j, nin = 0, nout = 0, best_i = 0;
    int64_t acc_in = 0, acc_oos = 0, rej_oos = 0;
    double best_val = -HUGE_VAL;
    if (n < 1) return hn_err_set(err, HN_ERR_ARG, "no examples to choose a threshold on");
    if (!(e = malloc((size_t)n * sizeof *e))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (j = 0; j < n; j++) {
        e[j].s = top_prob[j];
        e[j].ok_accept = gold[j] >= 0 && top[j] == gold[j];
        e[j].is_oos = gold[j] == negative;
        nin += !e[j].is_oos;
        nout += e[j].is_oos;
    }
    qsort(e, (size_t)n, sizeof *e, by_s);
    /* threshold T rejects every example with s < T. Sweep j: examples
     * [0, j) rejected, [j, n) accepted. Running counts: accepted in-scope
     * correct, accepted out-of-scope predicted as such, rejected
     * out-of-scope. */
    for (j = 0; j < n; j++) {
        acc_in += e[j].ok_accept && !e[j].is_oos;
        acc_oos += e[j].ok_accept && e[j].is_oos;
    }
    for (j = 0; j <= n; j++) {
        if (j == 0 || j == n || e[j].s != e[j - 1].s) {
            double val;
            double in_acc = nin ? (double)acc_in / (double)nin : 0;
            double oos_rec = nout ? (double)(acc_oos + rej_oos) / (double)nout : 0;
            if (obj == HN_REJECT_BALANCED)
                val = 0.5 * (in_acc + oos_rec);
            else if (obj == HN_REJECT_OOS_AT_IN_SCOPE)
                val = in_acc >= min_in ? oos_rec : j == 0 ? in_acc - 1 : -HUGE_VAL;
            else
                val = (double)(acc_in + acc_oos + rej_oos) / (double)n;
            if (val > best_val) {
                best_val = val;
                best_i = j;
            }
        }
        if (j < n) {
            acc_in -= e[j].ok_accept && !e[j].is_oos;
            acc_oos -= e[j].ok_accept && e[j].is_oos;
            rej_oos += e[j].is_oos;
        }
    }
    *threshold = best_i == 0 ? 0 : best_i < n ? e[best_i].s : nextafter(e[n - 1].s, 2.0);
    *value = best_val;
    free(e);
    return HN_OK;
}

hn_status hn_threshold_reject(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                              int32_t negative, hn_reject_objective obj, double *threshold, double *value,
                              hn_err *err)
{
    if (obj == HN_REJECT_OOS_AT_IN_SCOPE) return hn_err_set(err, HN_ERR_ARG, "that objective needs a minimum in-scope accuracy");
    return reject_sweep(top_prob, top, gold, n, negative, obj, 0, threshold, value, err);
}

hn_status hn_threshold_reject_at(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                                 int32_t negative, double min_in_scope, double *threshold, double *value,
                                 hn_err *err)
{
    return reject_sweep(top_prob, top, gold, n, negative, HN_REJECT_OOS_AT_IN_SCOPE, min_in_scope, threshold, value,
                        err);
}
