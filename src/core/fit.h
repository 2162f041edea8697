/* fit.h - train a classifier from labeled files or a featurized dataset
 *
 * src/core. What `train` does and what `mine` does every round: decide the
 * binary positive class, the class weights and the negative class from
 * label names, create the model, train it, and with a validation set
 * evaluate every epoch and keep the best one. Progress goes through
 * hn_log ("NAME: epoch 3/20  loss ...").
 *
 *     hn_fit_opts o; hn_classifier *c; hn_err err;
 *     hn_fit_opts_default(&o);
 *     o.train.epochs = 20;
 *     if (hn_fit_files(&o, &tok_opts, &reader_opts, "train.txt", "val.txt", NULL, &c, &err) != HN_OK) ...
 *     hn_classifier_save(c, "model.hn", &err);
 */
#ifndef HN_FIT_H
#define HN_FIT_H

#include "corpora/corpora.h"
#include "models/models.h"
#include "src/base/labels.h"
#include "src/base/status.h"
#include "src/core/classifier.h"
#include "tokenizer/tokenizer.h"

#define HN_FIT_MAX_C 32

typedef struct hn_fit_opts {
    hn_train_opts train;       /* the trainer's options */
    int solver_set;            /* train.solver was chosen by the user; else hn_fit_solver decides */
    int loss_set;              /* train.loss was chosen by the user */
    const char *online_option; /* the first option given that only --solver sgd has (--epochs, --lr, ...) or NULL */
    const char *batch_option;  /* the first option given that only --solver dcd has (--C, --tol, ...) or NULL */
    int32_t nC;                /* --solver dcd: values of C to try, best on the validation set kept; 0 = train.C */
    double Cs[HN_FIT_MAX_C];
    int lr_set;                /* train.lr was chosen; else the kind's default rate (MLP 0.1, with Adam 0.001) */
    const char *positive;      /* binary: the positive label [NULL: the rarer; ties: the one seen second] */
    const char *negative;      /* the negative class for OHEM / ranking [NULL] */
    const char *class_weight;  /* "balanced" (n / (K n_k), as scikit-learn), "LABEL=W,...", or NULL (all 1) */
    const char *name;          /* prefix of log lines ["fit"] */
    int quiet;                 /* log progress at HN_LOG_DEBUG instead of INFO */
    int32_t keep_ngrams;       /* hn_fit_files: > 0 reads the training file once more and stores the
                                  n-gram table, this many strings a bucket (ngrams.h) [0: none] */
    /* Warm starts (README "Design decisions"). */
    const hn_classifier *init; /* borrowed or NULL: continue from this classifier (train --init): its
                                  tokenizer, labels (in order; new labels are appended), model kind
                                  and shape. The model grows rows for new buckets (hn_model_grow);
                                  the online trainer starts from its weights (optimizer state
                                  fresh), the batch solver regularizes toward them
                                  (hn_dcd_anchor) */
    hn_dcd_duals *duals;       /* borrowed or NULL (batch solver only): when it holds duals (n > 0)
                                  the solve starts from them through duals_map (hn_dcd_warm); the
                                  solve's own duals replace them when it is done (mine --warm-start) */
    const int64_t *duals_map;  /* d->n entries: the index in `duals` of each example, or -1 */
} hn_fit_opts;

void hn_fit_opts_default(hn_fit_opts *o);

/* The solver and loss the options mean when --solver was not given: the
 * linear model is solved to convergence by dual coordinate descent
 * (squared hinge unless --loss says log or hinge, C = train.C) unless an
 * option only the online trainer has was given (online_option), or the
 * loss is one only it has (focal, rank); the MLP trains online. dcd,
 * chosen or not, defaults to the squared hinge loss. Applied to `tr` (a
 * copy of o->train). */
void hn_fit_solver(const hn_fit_opts *o, hn_train_opts *tr);

/* Check o: the training options and the class-weight syntax. HN_ERR_ARG
 * naming the option. */
hn_status hn_fit_opts_check(const hn_fit_opts *o, hn_err *err);

/* With two labels: move the positive one (o->positive, else the rarer;
 * ties: the one seen second) to id 1, renumbering d and valid (may be
 * NULL) in place. hn_fit does it; doing it again changes nothing, so
 * data prepared once can be fit many times, also at once from several
 * threads. HN_ERR_ARG for an unknown --positive. */
hn_status hn_fit_choose_positive(const hn_fit_opts *o, hn_labels *labels, hn_dataset *d, hn_dataset *valid,
                                 hn_err *err);

/* Fit on a featurized dataset `d` whose class ids are `labels`' ids. With
 * o->init, labels must begin with the init classifier's labels in its
 * order (HN_ERR_ARG otherwise), and the positive class of a binary model
 * stays the init's label 1 (--positive naming the other one is HN_ERR_ARG).
 * Otherwise, with two labels the model is binary and the positive label is moved to id 1
 * (d, valid and labels are renumbered in place). `valid` (may be NULL or
 * empty) is evaluated after every epoch: binary by average precision
 * (the validation loss when it has no positives), multi-class by
 * accuracy; the best epoch's weights are kept. `tok` is adopted (freed
 * on failure too); `labels` is left empty (its names move into the
 * classifier). `stop` (may be NULL) interrupts: HN_ERR_INTERRUPTED.
 * Errors: HN_ERR_ARG for options that do not fit the data (an unknown
 * --positive, --negative-label or --class-weight label), HN_ERR_FORMAT
 * for data that cannot be trained on (fewer than two labels), and the
 * trainer's. */
hn_status hn_fit(const hn_fit_opts *o, hn_tokenizer *tok, hn_labels *labels, hn_dataset *d, hn_dataset *valid,
                 volatile int *stop, hn_classifier **out, hn_err *err);

/* The n-gram side table of c (ngrams.h) from the records of npaths files,
 * each read with its reader options, o->keep_ngrams strings a bucket;
 * replaces c->ngrams. train reads its training file; mine the training
 * file and the pool; tune the training file. Standard input ("-") cannot
 * be read a second time: HN_ERR_ARG. */
hn_status hn_fit_keep_ngrams(const hn_fit_opts *o, hn_classifier *c, const char *const *paths,
                             const hn_reader_opts *const *ros, int npaths, volatile int *stop, hn_err *err);

/* Build the tokenizer of `tok` (with o->init: the init's; its labels
 * come first, those new in train_path after them), load `train_path` (and `valid_path`, may
 * be NULL; its labels not seen in training count as errors) with reader
 * options `ro`, and hn_fit. With o->keep_ngrams, then read train_path
 * again for the n-gram table (c->ngrams): standard input ("-") cannot be
 * read twice, so it is HN_ERR_ARG before any work. */
hn_status hn_fit_files(const hn_fit_opts *o, const hn_tok_opts *tok, const hn_reader_opts *ro, const char *train_path,
                       const char *valid_path, volatile int *stop, hn_classifier **out, hn_err *err);

#endif /* HN_FIT_H */
