/* metrics.h - evaluation metrics over arrays: binary, multi-class, reject
 * option, bootstrap intervals
 *
 * src/eval: libc, libm and src/base (status.h, rng.h) only. Every
 * function here is pure: it reads borrowed arrays, writes results through
 * out-parameters, never prints and never touches a file. All figures are
 * doubles; counts are int64_t. Thread-safe: no global state.
 *
 * Conventions follow scikit-learn 1.2 so that figures can be compared to it
 * to 1e-9 (tests/cli/eval_sklearn.sh does exactly that):
 *   - precision, recall, F1 with zero_division=0: a 0/0 ratio is 0;
 *   - MCC is 0 when any marginal count is 0 (matthews_corrcoef);
 *   - ROC AUC counts a tied (positive, negative) pair as one half, which is
 *     what the trapezoids of roc_auc_score amount to;
 *   - average precision is the step-wise sum over distinct scores t, from
 *     the highest down, of (R(t) - R(previous t)) * P(t)
 *     (average_precision_score, no interpolation);
 *   - the PR curve has one point per distinct score, ordered like
 *     precision_recall_curve returns it: thresholds ascending (recall
 *     falling), then a last point (recall 0, precision 1) with threshold
 *     +inf. scikit-learn >= 1.1 keeps every threshold (older releases
 *     stopped at the first point of full recall); we match the 1.2 we test
 *     against. Cutting at full recall changes neither AP nor any
 *     precision-at-recall figure.
 *   - multi-class macro/weighted averages run over the classes that occur
 *     in gold or in predictions (labels=None), micro over the same.
 *
 * Work: one qsort of the scores (descending) per call, then O(n) sweeps.
 * The bootstrap sorts once and resamples with multiplicity counts, so each
 * round is O(n) too.
 *
 * Example:
 *     hn_binary_metrics m;
 *     if ((st = hn_binary_compute(gold, score, n, 0.5, &m, &err)) != HN_OK) ...;
 *     if (m.has_average_precision) printf("AP %.4f\n", m.average_precision);
 *     hn_pr_target t = hn_pr_precision_at_recall(m.curve, m.curve_len, 0.9);
 *     hn_binary_free(&m);
 */
#ifndef HN_METRICS_H
#define HN_METRICS_H

#include <stdint.h>

#include "src/base/status.h"

/* ---- binary ------------------------------------------------------------ */

/* One operating point: predict positive when score >= threshold. */
typedef struct hn_pr_point {
    double threshold;  /* a distinct score; +inf for the last point */
    double precision;  /* tp / (tp + fp); 1 for the last point */
    double recall;     /* tp / positives */
    int64_t tp, fp;
} hn_pr_point;

typedef struct hn_binary_metrics {
    int64_t n, positives, negatives;
    double threshold;              /* the one the counts below use */
    int64_t tp, fp, tn, fn;
    double accuracy;               /* (tp + tn) / n */
    double precision;              /* tp / (tp + fp), 0 if nothing predicted positive */
    double recall;                 /* tp / positives, 0 if no positives */
    double f1;                     /* 2 tp / (2 tp + fp + fn), 0 if 0/0 */
    double mcc;                    /* Matthews correlation, 0 if a marginal is 0 */
    double false_positive_rate;    /* fp / negatives ("blocked ham"), 0 if no negatives */
    double baseline_accuracy;      /* max(positives, negatives) / n: always predict the majority */
    /* Ranking figures are undefined without positives (both) or without
     * negatives (ROC AUC); then the flag is 0 and the value is 0, never NaN. */
    int has_roc_auc;
    double roc_auc;
    int has_average_precision;
    double average_precision;
    /* The PR curve (owned, freed by hn_binary_free): curve_len points in
     * scikit-learn order, the last one (recall 0, precision 1, threshold
     * +inf). NULL with curve_len 0 when there are no positives. */
    hn_pr_point *curve;
    int64_t curve_len;
} hn_binary_metrics;

/* Evaluate binary scores. gold[i] is 1 for a positive, 0 for a negative
 * (anything else is HN_ERR_ARG); score[i] is higher for more positive
 * (NaN is HN_ERR_ARG; +-inf sort as expected). Both borrowed, n >= 1.
 * Counts and threshold figures use "positive when score >= threshold".
 * On success *out owns the curve: release it with hn_binary_free. On error
 * *out needs no free. Returns HN_OK, HN_ERR_ARG or HN_ERR_NOMEM. */
hn_status hn_binary_compute(const int32_t *gold, const double *score, int64_t n, double threshold,
                            hn_binary_metrics *out, hn_err *err);

/* Free the curve and clear it; safe on a zeroed struct and twice. */
void hn_binary_free(hn_binary_metrics *m);

/* The figures that only need the four counts (accuracy, precision, recall,
 * F1, MCC, false positive rate, baseline) filled from m->tp/fp/tn/fn.
 * hn_binary_compute calls it; useful for counts from elsewhere. */
void hn_binary_from_counts(hn_binary_metrics *m);

/* An operating point chosen on the PR curve for a target. */
typedef struct hn_pr_target {
    double target;
    int reached;       /* 0: no point meets the target; the fields below are 0 */
    double precision;
    double recall;
    double threshold;  /* predict positive when score >= threshold */
} hn_pr_target;

/* Best precision among the curve's operating points with recall >= target
 * (ties: the higher recall, then the higher threshold). The (recall 0,
 * precision 1) end point is not an operating point. `curve` is borrowed;
 * len 0 gives reached = 0. */
hn_pr_target hn_pr_precision_at_recall(const hn_pr_point *curve, int64_t len, double target);

/* Best recall among operating points with precision >= target (ties: the
 * higher precision, then the higher threshold). */
hn_pr_target hn_pr_recall_at_precision(const hn_pr_point *curve, int64_t len, double target);

/* ROC operating points from the curve of m (m->negatives > 0 and
 * m->positives > 0, else 0): the lowest false positive rate (fp /
 * negatives) among the thresholds whose recall is >= tpr (FPR95 with tpr
 * 0.95), and the highest recall among those whose false positive rate is
 * <= fpr (spam recall at a ham FPR of 0.1% with fpr 0.001). */
double hn_fpr_at_recall(const hn_binary_metrics *m, double tpr);
double hn_recall_at_fpr(const hn_binary_metrics *m, double fpr);

/* TREC's logistic average misclassification of two rates in [0, 1]:
 * logit^-1((logit(a) + logit(b)) / 2), rates clamped to [1e-9, 1 - 1e-9]
 * so that a perfect rate stays finite. */
double hn_lam(double a, double b);

/* ---- multi-class ------------------------------------------------------- */

typedef struct hn_class_metrics {
    int64_t support;    /* examples whose gold is this class */
    int64_t predicted;  /* examples predicted as this class */
    int64_t tp;
    double precision, recall, f1;  /* zero_division = 0 */
    int used;           /* 1 when support + predicted > 0: part of the averages */
} hn_class_metrics;

typedef struct hn_multiclass_metrics {
    int64_t n;
    int32_t k;              /* class ids are 0..k-1 */
    int32_t classes_used;   /* classes with support or predictions */
    int64_t correct;
    double accuracy;
    double macro_precision, macro_recall, macro_f1;        /* unweighted mean over used classes */
    double micro_precision, micro_recall, micro_f1;        /* pooled counts (= accuracy here) */
    double weighted_precision, weighted_recall, weighted_f1; /* mean weighted by support */
    hn_class_metrics *per_class;  /* owned, k entries */
    int64_t *confusion;           /* owned, k * k, confusion[gold * k + pred] */
} hn_multiclass_metrics;

/* Evaluate single-label predictions: gold[i], pred[i] in [0, k) (else
 * HN_ERR_ARG), borrowed, n >= 1, k >= 1. Release *out with
 * hn_multiclass_free. Returns HN_OK, HN_ERR_ARG or HN_ERR_NOMEM (the
 * confusion matrix needs k * k counts). */
hn_status hn_multiclass_compute(const int32_t *gold, const int32_t *pred, int64_t n, int32_t k,
                                hn_multiclass_metrics *out, hn_err *err);

/* Free both arrays; safe on a zeroed struct and twice. */
void hn_multiclass_free(hn_multiclass_metrics *m);

typedef struct hn_confusion_pair {
    int32_t gold, pred;
    int64_t count;
} hn_confusion_pair;

/* The up to `max` most frequent off-diagonal (gold, pred) pairs, largest
 * count first (ties: lower gold id, then lower pred id), written to `out`
 * (caller's array of `max` entries). Returns how many were written. */
int32_t hn_multiclass_top_confusions(const hn_multiclass_metrics *m, hn_confusion_pair *out, int32_t max);

/* ---- reject option (CLINC150 definition) ------------------------------- */

typedef struct hn_reject_metrics {
    int64_t in_scope;          /* examples whose gold is not the negative label */
    int64_t in_scope_correct;  /* of those, predicted exactly (predicting the negative label is wrong) */
    int64_t oos;               /* examples whose gold is the negative label */
    int64_t oos_caught;        /* of those, predicted negative */
    int64_t predicted_oos;     /* examples predicted negative */
    /* Each ratio is undefined when its denominator is 0: flag 0, value 0. */
    int has_in_scope_accuracy, has_oos_recall, has_oos_precision;
    double in_scope_accuracy;  /* in_scope_correct / in_scope */
    double oos_recall;         /* oos_caught / oos */
    double oos_precision;      /* oos_caught / predicted_oos */
} hn_reject_metrics;

/* Reject-option figures. `negative` is the id of the out-of-scope label, or
 * -1 when it occurs nowhere (then every example is in scope). */
hn_status hn_reject_compute(const int32_t *gold, const int32_t *pred, int64_t n, int32_t negative,
                            hn_reject_metrics *out, hn_err *err);

/* The threshold-free score of "out of scope" for each of n examples: 1 -
 * the largest probability of a class other than `negative` in its row of
 * `probs` (n x k, borrowed), into score[i] (the caller's n doubles). A
 * confident out-of-scope example scores high; the score ranks examples
 * for the out-of-scope AUROC, AUPR and FPR95. k >= 2, 0 <= negative < k. */
void hn_oos_scores(const float *probs, int64_t n, int32_t k, int32_t negative, double *score);

/* ---- bootstrap --------------------------------------------------------- */

/* A 95% percentile interval: the 2.5th and 97.5th percentiles (linear
 * interpolation, numpy's default) of the figure over the resamples where
 * it is defined. `valid` counts those resamples; with valid == 0 the
 * interval is undefined and lo = hi = 0. */
typedef struct hn_interval {
    double lo, hi;
    int64_t valid;
} hn_interval;

typedef struct hn_binary_boot {
    int32_t rounds;
    uint64_t seed;
    hn_interval accuracy, precision, recall, f1, average_precision, roc_auc;
} hn_binary_boot;

/* Resample the n examples with replacement `rounds` times (rounds >= 1)
 * and compute
 * intervals for the threshold figures (at `threshold`) and AP / ROC AUC.
 * The draws: one state `uint64_t s = seed`; each round draws n indices
 * `hn_rng_below(&s, n)` (src/base/rng.h), rounds one after the other. Same
 * seed, same data: same intervals, bit for bit. Returns HN_OK,
 * HN_ERR_ARG or HN_ERR_NOMEM. */
hn_status hn_binary_bootstrap(const int32_t *gold, const double *score, int64_t n, double threshold,
                              int32_t rounds, uint64_t seed, hn_binary_boot *out, hn_err *err);

typedef struct hn_multiclass_boot {
    int32_t rounds;
    uint64_t seed;
    hn_interval accuracy, macro_f1;
    hn_interval in_scope_accuracy, oos_recall;  /* only when negative >= 0 */
} hn_multiclass_boot;

/* Same for multi-class predictions: accuracy and macro F1, plus in-scope
 * accuracy and oos recall when `negative` >= 0 (else those stay valid 0). */
hn_status hn_multiclass_bootstrap(const int32_t *gold, const int32_t *pred, int64_t n, int32_t k,
                                  int32_t negative, int32_t rounds, uint64_t seed,
                                  hn_multiclass_boot *out, hn_err *err);

#endif /* HN_METRICS_H */
