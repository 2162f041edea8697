/* cli_train.h - training options and the training driver shared by
 * `train` and `mine` (CLI glue)
 */
#ifndef HN_CLI_TRAIN_H
#define HN_CLI_TRAIN_H

#include <getopt.h>
#include <stdio.h>

#include "corpora/corpora.h"
#include "models/models.h"
#include "src/core/classifier.h"
#include "src/core/data.h"
#include "tokenizer/tokenizer.h"

enum {
    HN_OPT_TRAIN_FIRST = 2000,
    HN_OPT_EPOCHS = HN_OPT_TRAIN_FIRST,
    HN_OPT_LR,
    HN_OPT_L2,
    HN_OPT_L1,
    HN_OPT_OPTIM,
    HN_OPT_LOSS,
    HN_OPT_FOCAL_GAMMA,
    HN_OPT_FOCAL_ALPHA,
    HN_OPT_SEED,
    HN_OPT_THREADS,
    HN_OPT_VALID,
    HN_OPT_POSITIVE,
    HN_OPT_CLASS_WEIGHT,
    HN_OPT_FORMAT,
    HN_OPT_LABEL_PREFIX,
    HN_OPT_SKIP_BAD,
    HN_OPT_BATCH,
    HN_OPT_OHEM_KEEP,
    HN_OPT_TRAIN_NEG,
    HN_OPT_MODEL,
    HN_OPT_DIM,
    HN_OPT_HIDDEN,
    HN_OPT_DROPOUT,
    HN_OPT_TRAIN_LAST
};

#define HN_CLI_TRAIN_LONGOPTS                                                 \
    {"output", required_argument, NULL, 'o'},                                 \
    {"epochs", required_argument, NULL, HN_OPT_EPOCHS},                       \
    {"lr", required_argument, NULL, HN_OPT_LR},                               \
    {"l2", required_argument, NULL, HN_OPT_L2},                               \
    {"l1", required_argument, NULL, HN_OPT_L1},                               \
    {"optim", required_argument, NULL, HN_OPT_OPTIM},                         \
    {"loss", required_argument, NULL, HN_OPT_LOSS},                           \
    {"focal-gamma", required_argument, NULL, HN_OPT_FOCAL_GAMMA},             \
    {"focal-alpha", required_argument, NULL, HN_OPT_FOCAL_ALPHA},             \
    {"seed", required_argument, NULL, HN_OPT_SEED},                           \
    {"threads", required_argument, NULL, HN_OPT_THREADS},                     \
    {"valid", required_argument, NULL, HN_OPT_VALID},                         \
    {"positive", required_argument, NULL, HN_OPT_POSITIVE},                   \
    {"class-weight", required_argument, NULL, HN_OPT_CLASS_WEIGHT},           \
    {"format", required_argument, NULL, HN_OPT_FORMAT},                       \
    {"label-prefix", required_argument, NULL, HN_OPT_LABEL_PREFIX},           \
    {"skip-bad", no_argument, NULL, HN_OPT_SKIP_BAD},                         \
    {"batch", required_argument, NULL, HN_OPT_BATCH},                         \
    {"ohem-keep", required_argument, NULL, HN_OPT_OHEM_KEEP},                 \
    {"negative-label", required_argument, NULL, HN_OPT_TRAIN_NEG},            \
    {"model", required_argument, NULL, HN_OPT_MODEL},                         \
    {"dim", required_argument, NULL, HN_OPT_DIM},                             \
    {"hidden", required_argument, NULL, HN_OPT_HIDDEN},                       \
    {"dropout", required_argument, NULL, HN_OPT_DROPOUT}

typedef struct hn_cli_train_cfg {
    hn_tok_opts tok;
    hn_train_opts tr;
    hn_reader_opts ro;
    const char *output;        /* -o */
    const char *valid;         /* --valid FILE or NULL */
    const char *positive;      /* --positive LABEL or NULL */
    const char *class_weight;  /* --class-weight balanced|label=w,... or NULL */
    const char *negative;      /* --negative-label: the negative class for OHEM / ranking */
    int lr_set;                /* --lr given (else the MLP picks its optimizer's default) */
} hn_cli_train_cfg;

void hn_cli_train_cfg_default(hn_cli_train_cfg *c);
/* Apply one training or tokenizer option (HN_CLI_TRAIN_LONGOPTS or
 * HN_CLI_TOK_LONGOPTS); 0, or -1 after printing a usage error. */
int hn_cli_train_option(const char *cmd, int id, const char *arg, hn_cli_train_cfg *c);
/* Check tokenizer and training options; 0 or an exit code (usage error printed). */
int hn_cli_train_check(const char *cmd, const hn_cli_train_cfg *c);
void hn_cli_train_help(FILE *out);

/* Set by SIGINT / SIGTERM once hn_cli_signals_install() ran. */
extern volatile int hn_cli_stop;
void hn_cli_signals_install(void);

/* Load `train_path`, train, track --valid; on success *out is a trained
 * classifier (owned). Returns an exit code, with the message printed. */
int hn_cli_train_run(const char *cmd, const hn_cli_train_cfg *cfg, const char *train_path,
                     hn_classifier **out, hn_err *err);

/* Fit a classifier on an already featurized dataset with label names
 * `labels` (binary: labels reordered so the positive is id 1 — `d` and
 * `valid` are relabeled in place). `tok` is adopted by the classifier. */
int hn_cli_fit(const char *cmd, const hn_cli_train_cfg *cfg, hn_tokenizer *tok, hn_labels *labels, hn_dataset *d,
               hn_dataset *valid, hn_classifier **out, hn_err *err);


#endif /* HN_CLI_TRAIN_H */
