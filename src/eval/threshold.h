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

/* hn_threshold_reject with HN_REJECT_OOS_AT_IN_SCOPE: the threshold with
 * the highest out-of-scope recall among those keeping in-scope accuracy
 * >= min_in_scope (ties: the lowest). When none does (in-scope accuracy
 * is below it even rejecting nothing), *value is in-scope accuracy - 1 at
 * threshold 0: below every feasible value, and higher the closer it gets. */
hn_status hn_threshold_reject_at(const double *top_prob, const int32_t *top, const int32_t *gold, int64_t n,
                                 int32_t negative, double min_in_scope, double *threshold, double *value,
                                 hn_err *err);

#endif /* HN_THRESHOLD_H */
