/* eval_report.h - the report of `hardneg eval`, shared by its two paths
 *
 * src/cli (implemented in src/cli/eval_report.c, part of the hardneg
 * program, not of libhardneg). `hardneg eval --scores FILE` reads labels
 * and scores from a file; `hardneg eval MODEL TEST` scores TEST with a
 * model. Both end in hn_eval_report(), which takes plain arrays, computes
 * every figure with src/eval/metrics.h, and prints the text report or the JSON
 * object to `out`, writes the --pr-curve TSV and the --plot SVG, and prints
 * warnings and errors as "hardneg: eval: ..." on stderr.
 *
 * Binary task (in->score != NULL):
 *     int32_t *gold;  double *score;   // gold[i] 1 = positive, 0 = negative
 *     hn_eval_input in = {0};
 *     hn_eval_opts o;
 *     hn_eval_opts_default(&o);         // then apply the command-line options
 *     in.source = "test.txt";           // named in the report and the plot legend
 *     in.n = n; in.gold = gold; in.score = score;   // score: P(positive) or a margin
 *     in.positive_label = "spam"; in.negative_label = "ham";
 *     return hn_eval_report(&in, &o, stdout);
 *
 * Multi-class task (in->score == NULL):
 *     in.n = n; in.gold = gold; in.pred = pred;      // class ids in [0, k)
 *     in.k = k; in.class_names = names;              // k names, id order
 *     in.prob = top_prob;                            // optional, may be NULL
 *     in.negative_id = id of "oos" or -1;            // reject-option figures
 *     o.reject_below = T;                            // optional: pred becomes
 *                                                    // negative_id when prob < T
 * With a reject label and probabilities, --plot draws in-scope accuracy
 * against out-of-scope recall as the reject threshold on the top
 * probability (in->top_prob, else in->prob) sweeps from 0 (the arg max
 * decision, in->top, else in->pred) to above every probability; the arg
 * max point and the threshold in effect (o.reject_below, else
 * in->reject_threshold) are marked, the out-of-scope AUROC is in the legend.
 * Gold ids must be in [0, k). To keep test examples whose gold label the
 * model does not know, give those labels extra ids after the model's
 * classes (append their names to class_names): they are then always
 * wrong, exactly as scikit-learn counts them.
 *
 * Calibration (src/eval/calibration.h; every figure scikit-learn's): ECE
 * with equal-width and equal-mass bins, the largest bin gap, Brier score
 * and log loss. Binary: of the scores as P(positive), defined when every
 * score is in [0, 1]. Multi-class: ECE of the top label (in->top and
 * in->top_prob; else the predicted label and in->prob), Brier score and
 * log loss of the whole distribution in->probs (a model's; undefined for a
 * scores file, which has one probability a line). Undefined figures are
 * "undefined (why)" in text and null in JSON.
 *
 * Edge cases: a binary test set without positives still gets a report,
 * with ROC AUC and AP "undefined (no positives)" (JSON null) and a warning
 * on stderr; exit status 0. Writing a PR curve or plot needs positives
 * (exit 1 before anything is printed). Not thread-safe (writes stdio).
 */
#ifndef HN_EVAL_REPORT_H
#define HN_EVAL_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "corpora/corpora.h"

#define HN_EVAL_MAX_TARGETS 16

typedef struct hn_eval_input {
    const char *source;            /* name of the evaluated data, for messages and the legend; borrowed */
    int64_t n;                     /* examples, >= 1 */
    const int32_t *gold;           /* borrowed, n entries (see above) */
    /* binary */
    const double *score;           /* borrowed, n entries; non-NULL selects the binary report */
    const char *positive_label;    /* display names; borrowed */
    const char *negative_label;
    /* multi-class */
    const int32_t *pred;           /* borrowed, n entries (copied if reject_below applies) */
    const double *prob;            /* borrowed, n entries, or NULL */
    int32_t k;
    const char *const *class_names; /* borrowed, k names */
    int32_t negative_id;           /* the out-of-scope class, or -1 for no reject-option figures */
    int has_reject_threshold;      /* pred already rejects to negative_id below this top probability */
    double reject_threshold;       /* (a model's stored threshold): marked on the --plot curve */
    /* calibration figures (optional; see "Calibration" below) */
    const float *probs;            /* borrowed, n x k_model probabilities (a model's), or NULL */
    int32_t k_model;               /* columns of probs */
    const int32_t *top;            /* multi-class, borrowed or NULL: the most probable class */
    const double *top_prob;        /* its probability */
} hn_eval_input;

typedef struct hn_eval_opts {
    double threshold;              /* binary: positive when score >= threshold [0.5] */
    double reject_below;           /* multi-class: predict negative_id when prob < this; < 0 off [off] */
    int32_t n_at_recall;           /* precision at these recalls [0.9, 0.99] */
    double at_recall[HN_EVAL_MAX_TARGETS];
    int32_t n_at_precision;        /* recall at these precisions [0.99] */
    double at_precision[HN_EVAL_MAX_TARGETS];
    int32_t top_confusions;        /* most confused pairs listed [10] */
    int32_t bootstrap;             /* resamples for 95% intervals, 0 = none [0] */
    uint64_t seed;                 /* bootstrap seed [1] */
    int json;                      /* one JSON object instead of the text report [0] */
    const char *pr_curve_path;     /* TSV "threshold precision recall", or NULL; borrowed */
    const char *plot_path;         /* SVG of the PR curve (binary) or of in-scope accuracy against
                                      out-of-scope recall (reject label), or NULL; borrowed */
    int32_t calibration_bins;      /* bins of ECE and the reliability diagram [10] */
    const char *plot_calibration_path; /* SVG reliability diagram, or NULL; borrowed */
    const char *oos_scores_path;   /* reject models: "gold_is_oos<TAB>oos score" a line, or NULL; borrowed */
} hn_eval_opts;

/* Fill the defaults shown in brackets above; `hardneg eval --help` prints them. */
void hn_eval_opts_default(hn_eval_opts *o);

/* Compute and write the whole report (see the file comment). Returns an
 * exit code, 0 ok or 1 runtime error (inconsistent input such as an id out
 * of range or a NaN score, out of memory, a file that cannot be written,
 * a PR curve or plot requested without positives or for a multi-class
 * task); the message is already on stderr as "hardneg: eval: ...".
 * Files (--pr-curve, --plot) are written first, through a temporary and
 * rename, so a failure leaves neither a half report nor a half file. */
int hn_eval_report(const hn_eval_input *in, const hn_eval_opts *o, FILE *out);

/* `hardneg eval MODEL TEST` (eval_model.c): score TEST with the model,
 * then hn_eval_report. `threshold_set` says whether --threshold was given.
 * Returns an exit code; messages are printed. */
int hn_eval_model(const char *model_path, const char *test_path, const hn_reader_opts *ro, hn_eval_opts *o,
                  const char *negative, const char *positive, int threshold_set, double threshold, FILE *out);

#endif /* HN_EVAL_REPORT_H */
