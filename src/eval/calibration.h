/* calibration.h - probabilities that mean what they say: measuring
 * calibration (reliability bins, ECE, Brier score, log loss), fitting a
 * calibration map (temperature scaling, Platt scaling, isotonic
 * regression, prior correction) and applying it, and the reliability
 * diagram as SVG
 *
 * src/eval: figures over arrays, never a model; src/base and libm only.
 * src/core keeps an hn_calib in each classifier and applies it to the
 * model's margins (classifier.h); `hardneg calibrate` fits it, `eval`
 * reports the figures.
 *
 * Measuring (every figure is scikit-learn 1.2's, checked to 1e-9 by
 * tests/cli/calibrate_sklearn.sh):
 *   - reliability bins: sklearn.calibration.calibration_curve(y, p,
 *     n_bins, strategy) with its counts: "uniform" bins are equal-width
 *     (edges i / nbins), "quantile" bins equal-mass (edges at numpy's
 *     linear percentiles of p); p goes to the bin of the first interior
 *     edge >= p (numpy.searchsorted, side left), so a bin is (lo, hi],
 *     the first [0, hi];
 *   - ECE = sum over bins of count/n * |fraction positive - mean p|
 *     (empty bins count 0); MCE the largest such gap;
 *   - Brier score: binary sklearn.metrics.brier_score_loss(y, p) = mean
 *     (y - p)^2; multi-class mean over examples of sum_k (p_k - [k = y])^2
 *     (the original Brier 1950 form: twice the binary one for two classes);
 *   - log loss: sklearn.metrics.log_loss with eps 1e-15: probabilities
 *     clipped to [eps, 1 - eps], each row renormalized, mean -log p_gold.
 * For a multi-class model the reliability bins are top-label (Guo et al.
 * 2017): y = the top class is right, p = its probability.
 *
 * Calibration maps (hn_calib, applied to margins z: binary z = the
 * log-odds of class 1, multi-class z_k the class margins):
 *   - temperature T: p = softmax(z / T) (binary: sigmoid(z / T)); fit by
 *     minimizing the validation log loss over beta = 1/T (convex in beta:
 *     Newton steps inside a bisection bracket); keeps every arg max;
 *   - Platt (binary): p = sigmoid(a z + b), fit as Lin, Lin and Weng 2007
 *     ("A note on Platt's probabilistic outputs") with Platt's targets
 *     (N+ + 1)/(N+ + 2) and 1/(N- + 2), as scikit-learn's sigmoid method;
 *   - isotonic (binary): p = a non-decreasing piecewise-linear function of
 *     z through (x_i, y_i), constant beyond the ends (sklearn's
 *     IsotonicRegression(out_of_bounds="clip")), fit by pool adjacent
 *     violators;
 *   - prior correction: with training-time priors q and deployment priors
 *     r, p_k is multiplied by r_k / q_k and the row renormalized (Saerens,
 *     Latinne and Decaestecker 2002), applied after the map; stored as the
 *     log ratios.
 * Thread-safety: everything here is reentrant; an hn_calib is read-only
 * once fit.
 */
#ifndef HN_CALIBRATION_H
#define HN_CALIBRATION_H

#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"

/* ---- measuring ------------------------------------------------------------ */

typedef enum hn_bin_strategy {
    HN_BIN_STRATEGY_UNIFORM,   /* equal-width bins (sklearn "uniform") */
    HN_BIN_STRATEGY_QUANTILE,  /* equal-mass bins (sklearn "quantile") */
    HN_BIN_STRATEGY_COUNT
} hn_bin_strategy;

#define HN_CALIB_MAX_BINS 1000

typedef struct hn_calib_bin {
    double lo, hi;        /* edges (quantile bins may be empty or repeat edges) */
    int64_t count;        /* examples in the bin */
    double mean_prob;     /* mean p of the bin (sklearn's prob_pred); 0 when empty */
    double frac_pos;      /* share of y = 1 (sklearn's prob_true); 0 when empty */
} hn_calib_bin;

typedef struct hn_calib_curve {
    int32_t nbins;
    hn_calib_bin *bins;   /* owned, nbins entries, empty bins included */
    int64_t n;
    double ece;           /* expected calibration error */
    double mce;           /* maximum calibration error over non-empty bins */
} hn_calib_curve;

/* Reliability bins of probabilities p[n] (each in [0, 1]) against
 * outcomes y[n] (0 or 1). nbins in [1, HN_CALIB_MAX_BINS], n >= 1.
 * HN_ERR_ARG for a p outside [0, 1] (or NaN) naming its index,
 * HN_ERR_NOMEM. *out is owned: hn_calib_curve_free. */
hn_status hn_calib_curve_compute(const int32_t *y, const double *p, int64_t n, int32_t nbins, hn_bin_strategy s,
                                 hn_calib_curve *out, hn_err *err);
void hn_calib_curve_free(hn_calib_curve *c);   /* zeroed or NULL: no-op */

/* Binary Brier score and log loss of p[n] = P(y = 1) (see above). */
double hn_brier_binary(const int32_t *y, const double *p, int64_t n);
double hn_log_loss_binary(const int32_t *y, const double *p, int64_t n);

/* Multi-class Brier score and log loss of the n x k row-major matrix P
 * (floats, as models give them) for gold classes gold[n]. A gold id
 * outside [0, k) (a label the model does not know) counts with
 * probability 0. */
double hn_brier_multi(const float *P, const int32_t *gold, int64_t n, int32_t k);
double hn_log_loss_multi(const float *P, const int32_t *gold, int64_t n, int32_t k);

const char *hn_bin_strategy_name(hn_bin_strategy s);

/* ---- calibration maps ------------------------------------------------------- */

typedef enum hn_calib_method {
    HN_CALIB_METHOD_NONE,         /* the model's own probabilities */
    HN_CALIB_METHOD_TEMPERATURE,  /* softmax(z / T), sigmoid(z / T) */
    HN_CALIB_METHOD_PLATT,        /* binary: sigmoid(a z + b) */
    HN_CALIB_METHOD_ISOTONIC,     /* binary: isotonic map of z */
    HN_CALIB_METHOD_COUNT
} hn_calib_method;

typedef struct hn_calib {
    hn_calib_method method;
    double temperature;       /* TEMPERATURE */
    double platt_a, platt_b;  /* PLATT */
    int32_t iso_n;            /* ISOTONIC: breakpoints, x increasing, y non-decreasing */
    double *iso_x, *iso_y;    /* owned, iso_n each */
    int32_t nprior;           /* 0, or the number of classes: prior correction on */
    double *prior_shift;      /* owned, nprior log ratios log(r_k / q_k) */
    char note[160];           /* how it was fit ("temperature on val.txt") */
} hn_calib;

/* The identity map (method NONE, no prior correction). */
void hn_calib_init(hn_calib *c);
void hn_calib_free(hn_calib *c);             /* frees the owned arrays; c stays valid (NONE) */
/* Deep copy; HN_ERR_NOMEM (dst then NONE). */
hn_status hn_calib_copy(hn_calib *dst, const hn_calib *src);
/* Does c change anything? (a method other than NONE, or a prior correction) */
int hn_calib_active(const hn_calib *c);

const char *hn_calib_method_name(hn_calib_method m);
hn_status hn_calib_method_parse(const char *s, hn_calib_method *out);

/* Probabilities p[nclasses] from margins z (1 for a binary model,
 * nclasses otherwise), as the model would give them followed by the map
 * and the prior correction. Margins are clamped to +-1e30 first, as
 * hn_model_predict does. z may be p (in place). Never allocates. */
void hn_calib_apply(const hn_calib *c, const float *z, int32_t nclasses, float *p);

/* Fit T for margins z (n x nout row-major; nout 1 means binary with
 * y[i] in {0, 1}, else y[i] is the gold class in [0, nout); rows with y <
 * 0 are skipped). T is in [1e-3, 1e3]; *nll_before / *nll_after (may be
 * NULL) receive the mean log loss at T = 1 and at the fit. HN_ERR_ARG with
 * no usable row. */
hn_status hn_calib_fit_temperature(const float *z, int32_t nout, const int32_t *y, int64_t n, double *T,
                                   double *nll_before, double *nll_after, hn_err *err);

/* Fit Platt's a, b for binary margins z[n] and outcomes y[n] in {0, 1}.
 * HN_ERR_ARG without both outcomes, HN_ERR_NUMERIC if the line search fails. */
hn_status hn_calib_fit_platt(const double *z, const int32_t *y, int64_t n, double *a, double *b, hn_err *err);

/* Fit the isotonic map of z[n] to y[n] in {0, 1} into c (method, iso_*).
 * HN_ERR_NOMEM, HN_ERR_ARG for n < 1. */
hn_status hn_calib_fit_isotonic(const double *z, const int32_t *y, int64_t n, hn_calib *c, hn_err *err);

/* Prior correction from priors `from` to `to` (k probabilities each, every
 * one > 0; they need not sum to 1 exactly). HN_ERR_ARG, HN_ERR_NOMEM. */
hn_status hn_calib_set_prior(hn_calib *c, const double *from, const double *to, int32_t k, hn_err *err);

/* ---- the reliability diagram ------------------------------------------------ */

/* One SVG document: the diagonal, each non-empty bin's fraction of
 * positives against its mean probability (a marker and a bar from the
 * diagonal, so the gap is what one sees), and below it the bin counts as
 * a histogram; the legend gives ECE. `title`, `xlabel`, `ylabel` are
 * escaped for XML (may be NULL). HN_ERR_IO when the stream reports a write
 * error. */
hn_status hn_calib_svg_write(FILE *f, const hn_calib_curve *c, const char *title, const char *xlabel,
                             const char *ylabel, hn_err *err);

#endif /* HN_CALIBRATION_H */
