/* tune.h - search training settings on validation data within a time
 * budget (`hardneg tune`, `mine --tune`)
 *
 * src/cli. A trial is a set of `hardneg train` options; it is trained with
 * src/core/fit.h on data featurized once per tokenizer setting and scored
 * with src/core/objective.h on the validation set. Options the user gave
 * are fixed: they are part of every trial and never searched.
 *
 * The search runs in batches of trials, several at once (one training
 * thread each). The first batch holds a few settings known to do well
 * (the defaults, character n-grams, an MLP); each later batch holds
 * perturbations of the best trials so far and fresh random settings, and
 * the online trainers' trials of the last batch that made its top third
 * are trained again with three times the epochs (successive halving: a
 * cheap look first, the full run for the promising). Batches depend only
 * on the seed and the results of earlier batches, so a run with a trial
 * limit gives the same trials whatever the machine's speed. The budget
 * or SIGINT stops the running trials; the best finished one is kept.
 */
#ifndef HN_CLI_TUNE_H
#define HN_CLI_TUNE_H

#include <stdint.h>

#include "src/cli/tokopts.h"
#include "src/cli/train_opts.h"
#include "src/core/classifier.h"
#include "src/core/objective.h"

typedef struct hn_tune_opts {
    hn_cli_train_cfg user;      /* the user's options (fixed in every trial) */
    unsigned char given[HN_OPT_TRAIN_LAST - HN_OPT_TOK_FIRST]; /* options the user set, by id - HN_OPT_TOK_FIRST */
    char *fixed_words;          /* the user's options as words of a command line (owned by the caller) */
    hn_objective metric;
    int32_t negative;           /* set by hn_tune_run: the reject label's id or -1 */
    double budget;              /* seconds [300] */
    int32_t max_trials;         /* 0: until the budget is spent */
    int32_t workers;            /* trials at once [1] */
    const char *train_path, *valid_path, *name;
    int metric_set;
} hn_tune_opts;

typedef struct hn_tune_result {
    hn_classifier *best;        /* owned: hn_tune_result_free */
    hn_cli_train_cfg best_cfg;  /* the winner's options, parsed */
    char best_args[1024];       /* the winner's searched options, as words */
    double best_value;
    int32_t ntrials, nfailed, best_trial;
    int interrupted;            /* SIGINT ended it */
    char *report;               /* owned: the trials as JSON (one object) */
} hn_tune_result;

void hn_tune_opts_default(hn_tune_opts *o);

/* Tune: returns an exit code (messages printed); on HN_EXIT_OK res->best
 * is the best trial's classifier, its threshold set when the metric has
 * one, and its command. */
int hn_tune_run(hn_tune_opts *o, hn_tune_result *res);

void hn_tune_result_free(hn_tune_result *res);

/* Record an option of the user's command line: its id (for `given`) and
 * its words (for the command that reproduces the winner). */
int hn_tune_note_option(hn_tune_opts *o, int id, const char *longname, const char *arg);

#endif /* HN_CLI_TUNE_H */
