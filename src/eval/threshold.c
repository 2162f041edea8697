/* threshold.c - threshold sweeps (see threshold.h) */
#include "src/eval/threshold.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

hn_status hn_reject_curve_compute(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                                  int32_t negative, hn_reject_curve *out, hn_err *err)
{
    tp *e;
    int64_t j, nin = 0, nout = 0;
    int64_t acc_in = 0, acc_oos = 0, rej_oos = 0;
    memset(out, 0, sizeof *out);
    if (n < 1) return hn_err_set(err, HN_ERR_ARG, "no examples to choose a threshold on");
    if (!(e = malloc((size_t)n * sizeof *e)) || !(out->points = malloc((size_t)(n + 1) * sizeof *out->points))) {
        free(e);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
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
            hn_reject_point *q = &out->points[out->len++];
            q->threshold = j == 0 ? 0 : j < n ? e[j].s : nextafter(e[n - 1].s, 2.0);
            q->in_scope_correct = acc_in;
            q->oos_caught = acc_oos + rej_oos;
            q->in_scope_accuracy = nin ? (double)acc_in / (double)nin : 0;
            q->oos_recall = nout ? (double)(acc_oos + rej_oos) / (double)nout : 0;
        }
        if (j < n) {
            acc_in -= e[j].ok_accept && !e[j].is_oos;
            acc_oos -= e[j].ok_accept && e[j].is_oos;
            rej_oos += e[j].is_oos;
        }
    }
    out->in_scope = nin;
    out->oos = nout;
    out->lowest = e[0].s;
    free(e);
    return HN_OK;
}

void hn_reject_curve_free(hn_reject_curve *c)
{
    if (!c) return;
    free(c->points);
    memset(c, 0, sizeof *c);
}

hn_reject_point hn_reject_curve_at(const hn_reject_curve *c, double t)
{
    int64_t lo = 0, hi = c->len - 1;
    if (t <= c->lowest) return c->points[0];
    while (lo < hi) { /* the first point with threshold >= t */
        int64_t mid = lo + (hi - lo) / 2;
        if (c->points[mid].threshold >= t) hi = mid;
        else lo = mid + 1;
    }
    return c->points[lo];
}

static hn_status reject_sweep(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                              int32_t negative, hn_reject_objective obj, double min_in, double *threshold,
                              double *value, hn_err *err)
{
    hn_reject_curve c;
    hn_status st;
    int64_t j, best_i = 0;
    double best_val = -HUGE_VAL;
    if ((st = hn_reject_curve_compute(top_prob, top, gold, n, negative, &c, err)) != HN_OK) return st;
    for (j = 0; j < c.len; j++) {
        const hn_reject_point *q = &c.points[j];
        double val;
        if (obj == HN_REJECT_BALANCED)
            val = 0.5 * (q->in_scope_accuracy + q->oos_recall);
        else if (obj == HN_REJECT_OOS_AT_IN_SCOPE)
            val = q->in_scope_accuracy >= min_in ? q->oos_recall : j == 0 ? q->in_scope_accuracy - 1 : -HUGE_VAL;
        else
            val = (double)(q->in_scope_correct + q->oos_caught) / (double)n;
        if (val > best_val) {
            best_val = val;
            best_i = j;
        }
    }
    *threshold = c.points[best_i].threshold;
    *value = best_val;
    hn_reject_curve_free(&c);
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
