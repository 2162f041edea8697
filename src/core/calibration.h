/* calibration.h - fit a classifier's probability map on validation data
 *
 * src/core. The maps and the figures are src/eval/calibration.h's; this
 * is the driver `hardneg calibrate` uses: score a featurized validation
 * set with the raw model (margins, any calibration already in the
 * classifier ignored), fit the map, set the prior correction, and measure
 * log loss, ECE and accuracy before and after on the same data.
 *
 *     hn_calibrate_opts o; hn_calibrate_report r;
 *     hn_calibrate_opts_default(&o);               // the method for the model: Platt or temperature
 *     o.source = "val.txt";
 *     if (hn_classifier_calibrate(c, &valid, &o, &r, &err) == HN_OK)
 *         hn_classifier_save(c, "calibrated.hn", &err);
 */
#ifndef HN_CORE_CALIBRATION_H
#define HN_CORE_CALIBRATION_H

#include <stdint.h>

#include "models/models.h"
#include "src/base/status.h"
#include "src/core/classifier.h"
#include "src/eval/calibration.h"

typedef struct hn_calibrate_opts {
    int auto_method;          /* 1: Platt for a binary model, temperature otherwise [1] */
    hn_calib_method method;   /* when auto_method is 0; NONE = prior correction only */
    const double *prior;      /* NULL, or nlabels target priors; an entry < 0 is "not given": those
                                 classes share what the given ones leave, in proportion to their
                                 validation frequencies [NULL] */
    int32_t bins;             /* ECE bins of the report [10] */
    const char *source;       /* the validation file's name, for the note [""] */
} hn_calibrate_opts;

void hn_calibrate_opts_default(hn_calibrate_opts *o);

typedef struct hn_calibrate_report {
    int64_t n;                   /* validation examples used (gold label known to the model) */
    hn_calib_method method;
    double log_loss_before, log_loss_after;
    double brier_before, brier_after;
    double ece_before, ece_after;            /* equal-width bins, top label (binary: P(positive)) */
    double accuracy_before, accuracy_after;  /* arg max (binary: p >= 0.5), no threshold */
    double from_prior_min;       /* smallest validation prior used by the prior correction (0 without) */
} hn_calibrate_report;

/* Fit c->calib on the featurized dataset d (labels are c's class ids;
 * examples with an unknown label, -1, are skipped) and report. On error
 * c->calib is unchanged. HN_ERR_ARG: a method that does not fit the model
 * (Platt or isotonic on a multi-class model), priors that are not
 * probabilities or sum past 1, a class without validation examples under
 * a prior correction; HN_ERR_FORMAT: no usable example; HN_ERR_NOMEM;
 * HN_ERR_NUMERIC. */
hn_status hn_classifier_calibrate(hn_classifier *c, const hn_dataset *d, const hn_calibrate_opts *o,
                                  hn_calibrate_report *r, hn_err *err);

#endif /* HN_CORE_CALIBRATION_H */
