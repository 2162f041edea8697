/* objective.h - one figure to maximize on validation data, and the
 * decision threshold that goes with it
 *
 * src/core. `hardneg tune` compares trials by one number; this names it
 * (`--metric`), computes it for a classifier on a featurized validation
 * set, and says which threshold the classifier should keep to reach it
 * (binary: P(positive) >= T; multi-class with a reject label: reject when
 * the top probability < T). Every figure is the one `eval` reports.
 *
 *   ap                          binary: average precision of P(positive)
 *   f1                          binary: F1 of the positive class at the best
 *                               threshold; multi-class: micro F1 (= accuracy)
 *   f1:LABEL                    F1 of LABEL (binary: at the best threshold)
 *   macro-f1                    mean F1 over the classes
 *   accuracy                    share of examples right (binary: at 0.5)
 *   precision@recall=R          binary: best precision with recall >= R
 *   recall@precision=P          binary: best recall with precision >= P
 *   in-scope-accuracy           multi-class with --negative-label: CLINC150's
 *   oos-recall@in-scope>=A      ... out-of-scope recall with a reject threshold
 *                               that keeps in-scope accuracy >= A
 */
#ifndef HN_OBJECTIVE_H
#define HN_OBJECTIVE_H

#include <stdint.h>

#include "src/base/status.h"
#include "src/core/classifier.h"

typedef enum hn_objective_kind {
    HN_OBJ_AP,
    HN_OBJ_F1,
    HN_OBJ_F1_LABEL,
    HN_OBJ_MACRO_F1,
    HN_OBJ_ACCURACY,
    HN_OBJ_PRECISION_AT_RECALL,
    HN_OBJ_RECALL_AT_PRECISION,
    HN_OBJ_IN_SCOPE_ACCURACY,
    HN_OBJ_OOS_AT_IN_SCOPE,
    HN_OBJ_COUNT
} hn_objective_kind;

typedef struct hn_objective {
    hn_objective_kind kind;
    double target;      /* R, P or A */
    char label[128];    /* f1:LABEL */
} hn_objective;

/* Parse a --metric value; HN_ERR_ARG listing the metrics. */
hn_status hn_objective_parse(const char *s, hn_objective *o, hn_err *err);

/* The --metric spelling of o into buf. */
const char *hn_objective_str(const hn_objective *o, char *buf, size_t n);

/* Does o apply to a model with `nlabels` classes (binary = 2) and, for the
 * reject metrics, a negative label? HN_ERR_ARG saying which metric fits. */
hn_status hn_objective_check(const hn_objective *o, int32_t nlabels, int has_negative, hn_err *err);

/* The result of one evaluation. */
typedef struct hn_objective_value {
    double value;        /* higher is better */
    double tie;          /* what breaks a tie on value, higher is better: the accuracy over every
                            example (multi-class; the out-of-scope ones count), minus the mean
                            log loss (binary: which model is surer of the same ranking) */
    int has_threshold;   /* 1: keep `threshold` in the model (binary or reject) */
    double threshold;
} hn_objective_value;

/* Evaluate c on v (labels as c's; -1 or unknown ids are always wrong).
 * `negative` is the reject label's id for the reject metrics (else -1).
 * HN_ERR_NOMEM, HN_ERR_ARG (f1:LABEL naming no class of c). */
hn_status hn_objective_eval(const hn_objective *o, const hn_classifier *c, const hn_dataset *v, int32_t negative,
                            hn_objective_value *out, hn_err *err);

#endif /* HN_OBJECTIVE_H */
