/* threshold.h - choosing a decision threshold from scores: the sweeps
 *
 * src/eval: figures over arrays, never a model; src/base and libm only.
 *   - binary: the threshold on P(positive) with the best F1 on a PR curve
 *     (hn_binary_compute's), or the one that reaches a precision or a
 *     recall target (metrics.h: hn_pr_precision_at_recall and friends);
 *   - multi-class with a reject label: the threshold on the top
 *     probability below which the reject label is predicted (the CLINC150
 *     paper's oos-threshold protocol).
 * Ties go to the lowest threshold.
 */
#ifndef HN_THRESHOLD_H
#define HN_THRESHOLD_H

#include <stdint.h>

#include "src/base/status.h"
#include "src/eval/metrics.h"

/* The finite threshold of `curve` (len points) with the highest F1; *f1
 * receives it. 0.5 and F1 -1 when no point has a finite threshold. */
double hn_threshold_best_f1(const hn_pr_point *curve, int64_t len, double *f1);

typedef enum hn_reject_objective {
    HN_REJECT_ACCURACY,   /* accuracy over every example; an out-of-scope one is right when rejected */
    HN_REJECT_BALANCED,   /* mean of in-scope accuracy and out-of-scope recall */
    HN_REJECT_OOS_AT_IN_SCOPE, /* out-of-scope recall, keeping in-scope accuracy >= min_in_scope */
    HN_REJECT_OBJECTIVE_COUNT
} hn_reject_objective;

/* Reject threshold T: an example whose top probability top_prob[i] < T
 * gets the reject label. top[i] is its most probable class, gold[i] its
 * true class (-1 or any id other than a class: always wrong when
 * accepted), `negative` the reject label. Candidates are 0 and every
 * distinct top probability (and one above the largest); *threshold gets
 * the best for `obj`, *value its objective. HN_ERR_NOMEM, HN_ERR_ARG for
 * n < 1. */
hn_status hn_threshold_reject(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                              int32_t negative, hn_reject_objective obj, double *threshold, double *value,
                              hn_err *err);

/* One operating point of a reject threshold T: examples whose top
 * probability is < T get the reject label, the others their top class. */
typedef struct hn_reject_point {
    double threshold;          /* T */
    int64_t in_scope_correct;  /* in-scope examples accepted with the right top class */
    int64_t oos_caught;        /* out-of-scope examples rejected, or accepted with the reject label on top */
    double in_scope_accuracy;  /* in_scope_correct / in_scope (0 without in-scope examples) */
    double oos_recall;         /* oos_caught / oos (0 without out-of-scope examples) */
} hn_reject_point;

/* Every operating point of the reject threshold, as the CLINC150 paper
 * draws them (out-of-scope recall against in-scope accuracy). */
typedef struct hn_reject_curve {
    hn_reject_point *points;   /* owned (hn_reject_curve_free); len entries, threshold rising: first
                                  T = 0 (nothing rejected: the arg max decision), then every distinct
                                  top probability, last one above the largest (everything rejected) */
    int64_t len;
    int64_t in_scope, oos;     /* examples whose gold is not / is the reject label */
    double lowest;             /* the lowest top probability: every T up to it rejects nothing */
} hn_reject_curve;

/* The sweep behind hn_threshold_reject, kept whole: the same arguments,
 * the curve into *out (free it with hn_reject_curve_free). An example
 * whose gold is -1 or any id other than a class is in scope and always
 * wrong when accepted. O(n log n), one allocation of n + 1 points and one
 * of n sort keys. HN_ERR_NOMEM, HN_ERR_ARG for n < 1. */
hn_status hn_reject_curve_compute(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                                  int32_t negative, hn_reject_curve *out, hn_err *err);
void hn_reject_curve_free(hn_reject_curve *c);

/* The operating point at threshold t: the first point when t <= lowest,
 * else the first point whose threshold is >= t (the scores below t are
 * exactly those below that threshold), the last when none is. `c` has
 * len >= 1. */
hn_reject_point hn_reject_curve_at(const hn_reject_curve *c, double t);

/* hn_threshold_reject with HN_REJECT_OOS_AT_IN_SCOPE: the threshold with
 * the highest out-of-scope recall among those keeping in-scope accuracy
 * >= min_in_scope (ties: the lowest). When none does (in-scope accuracy
 * is below it even rejecting nothing), *value is in-scope accuracy - 1 at
 * threshold 0: below every feasible value, and higher the closer it gets. */
hn_status hn_threshold_reject_at(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                                 int32_t negative, double min_in_scope, double *threshold, double *value,
                                 hn_err *err);

#endif /* HN_THRESHOLD_H */
