/* classifier.h - a classifier: tokenizer + label names + model + decision
 *
 * src/core: the top of the library; may include every library folder. A
 * classifier is what `train` and `mine` build and `predict`, `eval`,
 * `threshold`, `info`, `score` and `plot` use: the tokenizer configuration,
 * the label names, the decision settings and the model weights. Its file
 * form (the .hn container) is container.h's.
 *
 * Binary models: labels[1] is the positive class, labels[0] the other.
 *
 *     hn_classifier *c; hn_err err; float p[16];
 *     hn_classifier_load("spam.hn", &c, &err);       // container.h
 *     hn_tok_ctx *ctx; hn_arena a;
 *     hn_tok_ctx_create(c->tok, &ctx, &err); hn_arena_init(&a, 1 << 16);
 *     hn_classifier_probs(c, ctx, &a, text, len, p, &err);
 *     printf("%s\n", c->labels[hn_classifier_decide(c, p)]);
 */
#ifndef HN_CLASSIFIER_H
#define HN_CLASSIFIER_H

#include <stdint.h>

#include "corpora/corpora.h"
#include "models/models.h"
#include "src/base/arena.h"
#include "src/base/labels.h"
#include "src/base/status.h"
#include "src/core/data.h"
#include "src/eval/calibration.h"
#include "tokenizer/tokenizer.h"

struct hn_ngram_table;  /* src/core/ngrams.h */

typedef struct hn_classifier {
    hn_tok_opts tok_opts;
    hn_tokenizer *tok;          /* owned */
    int32_t nlabels;
    char **labels;              /* owned, nlabels strings */
    hn_model *model;            /* owned */
    hn_train_opts train_opts;   /* as trained (for info and retraining) */
    double threshold;           /* binary: positive when p >= threshold [0.5];
                                   multi-class with reject_label: reject when
                                   top p < threshold [0 = never] */
    int32_t reject_label;       /* class predicted when rejecting; -1 = none */
    char threshold_note[128];   /* how the threshold was chosen ("default", "f1 on val.txt", ...) */
    int64_t train_examples;
    int32_t best_epoch;         /* the epoch --valid kept (0: the last one) */
    char *command;              /* owned or NULL: the command that made it (train, tune, mine) */
    char *options;              /* owned or NULL: its training and feature options, as command-line words */
    hn_calib calib;             /* the probability map `hardneg calibrate` fit (owned arrays); method NONE
                                   and no prior: the model's own probabilities, exactly as before */
    struct hn_ngram_table *ngrams; /* owned or NULL: bucket -> the n-grams seen there (train --keep-ngrams) */
} hn_classifier;

/* A classifier from its parts, with the default decision (threshold 0.5,
 * no reject label). Adopts `tok`, the `nlabels` names (the array and the
 * strings) and `model` (NULL for now: set c->model later) whether or not
 * it succeeds. *out is owned: hn_classifier_free. */
hn_status hn_classifier_create(hn_tokenizer *tok, char **labels, int32_t nlabels, hn_model *model,
                               const hn_train_opts *train_opts, hn_classifier **out, hn_err *err);

void hn_classifier_free(hn_classifier *c);   /* NULL is a no-op */

/* Find a label's class id, or -1. */
int32_t hn_classifier_label_id(const hn_classifier *c, const char *name);

/* Class probabilities of one line of text into p[nlabels]. ctx and arena
 * belong to the calling thread; the arena is reset here. A calibrated
 * classifier (c->calib) gives calibrated probabilities. */
hn_status hn_classifier_probs(const hn_classifier *c, hn_tok_ctx *ctx, hn_arena *a, const char *text, size_t len,
                              float *p, hn_err *err);

/* The classifier's probabilities p[nlabels] of a featurized x: the
 * model's, through c->calib when it is active. z is scratch of nlabels
 * floats (may be p). Never fails, never allocates; thread-safe. */
void hn_classifier_probs_of(const hn_classifier *c, const hn_svec *x, float *p, float *z);

/* The decision for probabilities p: binary uses the threshold on
 * p[1]; multi-class takes the arg max, or reject_label when its
 * probability is below the threshold. */
int32_t hn_classifier_decide(const hn_classifier *c, const float *p);

/* ---- labeled data in the model's terms ----------------------------------- */

/* Read the labeled file `path` (reader options ro, or --format mail) and
 * featurize it with the classifier's tokenizer into *d. `labels` is
 * initialized here with the model's labels at their class ids; a gold
 * label the model does not know gets the next free id after them (so it
 * always counts as wrong) when `unknown` is HN_UNKNOWN_ADD, is kept as -1
 * with HN_UNKNOWN_KEEP, or is an error with HN_UNKNOWN_ERROR. */
hn_status hn_classifier_load_data(const hn_classifier *c, const char *path, const hn_reader_opts *ro,
                                  hn_unknown_label unknown, hn_labels *labels, hn_dataset *d, hn_load_stats *stats,
                                  hn_err *err);

/* What a classifier makes of every example of a featurized dataset. All
 * arrays have n entries and are owned (hn_scores_free). */
typedef struct hn_scores {
    int64_t n;
    int32_t *gold;      /* d's labels (as loaded: -1 or ids past the model's for unknown ones) */
    int32_t *pred;      /* the decision (threshold, reject label) */
    int32_t *top;       /* the most probable class */
    double *top_prob;   /* its probability */
    double *score;      /* see hn_classifier_score_dataset */
    double loss;        /* mean loss (loss_opts) over examples with a known gold label; 0 without loss_opts */
} hn_scores;

/* Score every example of d with c. The score is p[positive] when
 * positive >= 0 (one class against the rest), else 1 - p[negative] when
 * negative >= 0, else p[1] for a binary model and 0 otherwise. With loss_opts the mean training loss
 * (loss_opts->loss) of the examples with a known label goes to out->loss.
 * Single-threaded and deterministic. HN_ERR_NOMEM. */
hn_status hn_classifier_score_dataset(const hn_classifier *c, const hn_dataset *d, int32_t positive, int32_t negative,
                                      const hn_train_opts *loss_opts, hn_scores *out, hn_err *err);
/* The same, and when `probs` is not NULL every example's probabilities
 * into probs[i * nlabels + k] (the caller's n x nlabels floats), for the
 * figures that need the whole distribution (Brier score, log loss). */
hn_status hn_classifier_score_dataset_probs(const hn_classifier *c, const hn_dataset *d, int32_t positive,
                                            int32_t negative, const hn_train_opts *loss_opts, hn_scores *out,
                                            float *probs, hn_err *err);
void hn_scores_free(hn_scores *s);

#endif /* HN_CLASSIFIER_H */
