/* mine.h - the offline hard-negative miner: train, score the pool, add the
 * hardest negatives, retrain, repeat
 *
 * src/core. mining/ owns the pieces (selection, dedupe, cache, early stop)
 * and sees models only through hn_scorer; this is the loop that puts them
 * together with a classifier, so a program that links the library can
 * mine as `hardneg mine` does:
 *
 *     model <- fit(train)                                   round 0
 *     for round 1..R:
 *         score the pool (streamed, threaded) and select (mining.h)
 *         cache += selected; every mined line goes to o->mined with its
 *                  round and score
 *         model <- fit(train + cache as the negative label)  (from scratch,
 *                  or with warm_start from the previous round's solve)
 *         cache -= entries the new model finds easy (score < easy),
 *                  then the lowest over cache_limit
 *         metric <- evaluate(model, valid); keep the best model;
 *         stop after `patience` rounds without improvement
 *
 * The validation file is only evaluated, never mined from. Retraining is
 * from scratch (or from the previous round, warm_start) with the same
 * seed, so with one thread a run is reproducible: same rounds, same
 * mined lines.
 */
#ifndef HN_MINE_H
#define HN_MINE_H

#include <stdint.h>
#include <stdio.h>

#include "corpora/corpora.h"
#include "mining/mining.h"
#include "src/base/status.h"
#include "src/core/classifier.h"
#include "src/core/fit.h"
#include "tokenizer/tokenizer.h"

typedef enum hn_mine_metric {
    HN_MINE_AP,            /* binary: average precision of the positive class */
    HN_MINE_F1,            /* binary: F1 at the model's threshold */
    HN_MINE_ACCURACY,      /* every validation example */
    HN_MINE_BALANCED,      /* mean of in-scope accuracy and negative recall */
    HN_MINE_IN_SCOPE,      /* in-scope accuracy */
    HN_MINE_RECALL_AT_P,   /* binary: recall at precision >= metric_arg */
    HN_MINE_NEG_RECALL,    /* negative recall while in-scope accuracy stays within max_drop of round 0 */
    HN_MINE_REJECT_RECALL, /* negative recall with a reject threshold chosen on validation for the round,
                              keeping in-scope accuracy within max_drop of round 0's (without one) */
    HN_MINE_METRIC_COUNT   /* as an option: the default (binary: ap; multi-class: reject-recall) */
} hn_mine_metric;

const char *hn_mine_metric_name(hn_mine_metric m);
/* "ap", "f1", "accuracy", "balanced", "in-scope", "negative-recall",
 * "reject-recall", "recall@P" (P in [0, 1] into *arg). HN_ERR_ARG otherwise. */
hn_status hn_mine_metric_parse(const char *s, hn_mine_metric *m, double *arg);

/* One round's scores of the validation set, for pictures of the rounds
 * (`hardneg mine --plot`). Every array has n entries and is borrowed for
 * the call only: copy what you keep. */
typedef struct hn_mine_valid {
    int32_t round;
    int64_t n;
    int binary;                   /* two labels: the negative and the positive */
    int32_t nlabels, negative;    /* the model's labels; the negative's id */
    const int32_t *gold;          /* class ids; a label the model does not know is nlabels */
    const double *score;          /* P(not negative): binary, P(positive) */
    const int32_t *top;           /* the most probable class */
    const double *top_prob;       /* its probability */
    const double *oos_score;      /* several labels: 1 - the top probability of the other labels
                                     (metrics.h hn_oos_scores); NULL for binary */
} hn_mine_valid;

typedef struct hn_mine_opts {
    hn_fit_opts fit;              /* training every round (fit.negative is set to negative_label) */
    hn_tok_opts tok;              /* the features */
    hn_reader_opts ro;            /* how train and valid are read */
    hn_reader_opts pool_ro;       /* how pool files are read: every line (or message) a text,
                                     labels stripped [format auto] */
    const char *train_path, *valid_path;   /* borrowed */
    const char *const *pools;     /* npools pool files, every line a negative; borrowed */
    int npools;
    const char *negative_label;   /* the negative class (oos, ham) */
    hn_select_opts select;        /* per round: K, mode, margin, ceiling, dedupe, threads */
    int64_t cache_limit;          /* most cached negatives, 0 = no limit [0] */
    double easy;                  /* drop cached negatives scoring below this; 0 = keep [0] */
    int32_t rounds;               /* after round 0 [5] */
    int32_t patience;             /* rounds without improvement before stopping [2] */
    hn_mine_metric metric;        /* [HN_MINE_METRIC_COUNT: by task] */
    double metric_arg;            /* P of recall@P */
    double max_drop;              /* in-scope accuracy negative-recall may give up [0.01] */
    FILE *mined;                  /* every mined line as round<TAB>score<TAB>line; NULL: none; borrowed */
    const char *exclude_path;     /* lines never to mine (judged positive); NULL: none. A line
                                     "round<TAB>score<TAB>text" (as --mined and --audit write) means
                                     its text; other lines are read as the pool is; '#' lines are
                                     comments */
    int64_t audit_n;              /* lines of the audit sample [0: none] */
    FILE *audit;                  /* where the audit sample goes; borrowed */
    /* Pool scoring somewhere else (a cluster): when set, each round calls it
     * instead of scoring the pools here. It must give what hn_mine_select
     * would before the near-duplicate step: the top select.per_round lines
     * with select.threshold - select.margin <= score <= select.max_score
     * whose hash is in neither `known` nor `exclude`, sorted best first
     * (hn_topk_sort), and the counts. `cl` is the round's model. */
    hn_status (*score_pool)(void *user, const hn_classifier *cl, int32_t negative, int32_t round,
                            const hn_hashset *known, const hn_hashset *exclude, const hn_select_opts *so,
                            hn_topk *out, hn_pool_stats *ps, hn_err *err);
    void *score_user;
    /* Called with every round's validation scores after the round is
     * trained, before its metric (so before on_round); a status other than
     * HN_OK ends the run with it. NULL: none (and no extra work). */
    hn_status (*on_valid)(void *user, const hn_mine_valid *v, hn_err *err);
    void *valid_user;
    int warm_start;               /* retrain each round from the previous round's solve instead of from
                                     scratch: the batch solver keeps its dual variables for the examples
                                     it had (the new lines start at 0: the same optimum, fewer passes);
                                     the online trainer and the MLP start from the previous model's
                                     weights (grown for new buckets) [0] */
} hn_mine_opts;

/* Defaults shown in brackets above (select: misclassified, margin 0.1,
 * ceiling 0.99, near dedupe). */
void hn_mine_opts_default(hn_mine_opts *o);

typedef struct hn_mine_round {
    int32_t round;
    int64_t scored, misclassified, above_ceiling, dup_exact, dup_near, selected, cache, dropped, excluded;
    double metric, in_scope, neg_recall, seconds;
    int below_floor;              /* in-scope accuracy fell more than max_drop: ranked below every round
                                     that did not (by its in-scope accuracy); metric is not a recall then */
    int has_threshold;            /* reject-recall: the reject threshold chosen for this round */
    double threshold;             /* in_scope and neg_recall are at it */
} hn_mine_round;

typedef struct hn_mine_result {
    hn_classifier *best;          /* owned: the best round's model (NULL if none was trained) */
    int32_t best_round;
    double best_metric;
    hn_mine_metric metric;        /* the metric used (the default resolved) */
    int binary;                   /* the task had two labels */
    hn_mine_round *rows;          /* owned, nrows entries */
    int32_t nrows;
    int interrupted;              /* `stop` ended the run; best holds the best so far */
} hn_mine_result;

/* Called after every round with its row (is_best: the best so far). */
typedef void (*hn_mine_round_fn)(const hn_mine_round *row, int is_best, const hn_mine_result *res, void *user);

/* Run the miner. On HN_OK, res->best is the model to keep (also when
 * interrupted after round 0). `stop` (may be NULL) is polled between and
 * inside steps. Errors name the file (and line) at fault; res is freed
 * and zeroed on error. */
hn_status hn_mine_run(const hn_mine_opts *o, hn_mine_round_fn on_round, void *user, volatile int *stop,
                      hn_mine_result *res, hn_err *err);
void hn_mine_result_free(hn_mine_result *res);

#endif /* HN_MINE_H */
