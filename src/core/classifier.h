/* classifier.h - the glue: tokenizer + labels + model, and the model file
 *
 * src/ glue: may include everything. A classifier is what `train` writes
 * and `predict`, `eval`, `threshold`, `info` and `mine` read: the
 * tokenizer configuration, the label names, the decision settings and the
 * model weights, in one file:
 *
 *     HNMODEL 1\n                       magic and format version
 *     section tokenizer <bytes>\n ...   hn_tok_opts_save text
 *     section labels <bytes>\n ...      one label per line, class id order
 *     section meta <bytes>\n ...        key value lines: positive label,
 *                                       thresholds, training options, seed
 *     section model <bytes>\n ...       hn_model_write (text header + LE binary)
 *     end <xxh64 hex>\n                 XXH64 (seed 0) of every byte before "end"
 *
 * Files are written to PATH.tmp.PID and renamed, so a crash or a full disk
 * never leaves a half-written model and never clobbers an existing one.
 * Loading checks, in order: magic (not a model file), version (newer than
 * this program), checksum (truncated or corrupted), then each section.
 *
 * Binary models: labels[1] is the positive class, labels[0] the other.
 */
#ifndef HN_CLASSIFIER_H
#define HN_CLASSIFIER_H

#include <stdint.h>

#include "models/models.h"
#include "src/base/arena.h"
#include "src/base/status.h"
#include "tokenizer/tokenizer.h"

#define HN_MODEL_FORMAT_VERSION 1

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
} hn_classifier;

/* Find a label's class id, or -1. */
int32_t hn_classifier_label_id(const hn_classifier *c, const char *name);

/* Write to `path` ("-" = stdout) through a temporary file + rename. */
hn_status hn_classifier_save(const hn_classifier *c, const char *path, hn_err *err);

/* Load and verify. *out is owned: hn_classifier_free. */
hn_status hn_classifier_load(const char *path, hn_classifier **out, hn_err *err);

void hn_classifier_free(hn_classifier *c);

/* Class probabilities of one line of text into p[nlabels]. ctx and arena
 * belong to the calling thread; the arena is reset here. */
hn_status hn_classifier_probs(const hn_classifier *c, hn_tok_ctx *ctx, hn_arena *a, const char *text, size_t len,
                              float *p, hn_err *err);

/* The decision for probabilities p: binary uses the threshold on
 * p[1]; multi-class takes the arg max, or reject_label when its
 * probability is below the threshold. */
int32_t hn_classifier_decide(const hn_classifier *c, const float *p);

#endif /* HN_CLASSIFIER_H */
