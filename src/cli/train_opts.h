/* train_opts.h - the training options of `train` and `mine` on the
 * command line: parsing, checks and --help (the training is
 * src/core/fit.h's)
 *
 * src/cli. Each command appends HN_CLI_TRAIN_LONGOPTS (and
 * HN_CLI_TOK_LONGOPTS) to its getopt_long table and forwards the ids it
 * does not handle itself to hn_cli_train_option().
 */
#ifndef HN_CLI_TRAIN_H
#define HN_CLI_TRAIN_H

#include <getopt.h>
#include <stdio.h>

#include "corpora/corpora.h"
#include "src/cli/inopts.h"
#include "src/core/fit.h"
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
    HN_OPT_BATCH,
    HN_OPT_OHEM_KEEP,
    HN_OPT_TRAIN_NEG,
    HN_OPT_MODEL,
    HN_OPT_DIM,
    HN_OPT_HIDDEN,
    HN_OPT_DROPOUT,
    HN_OPT_SOLVER,
    HN_OPT_C,
    HN_OPT_TOL,
    HN_OPT_MAX_PASSES,
    HN_OPT_BIAS,
    HN_OPT_DETERMINISTIC,
    HN_OPT_TRAIN_LAST
};

/* Outside the range above: not a model option (not stored in the model's
 * options, not reused by mine --like); `train` only. */
enum { HN_OPT_KEEP_NGRAMS = 2100, HN_OPT_INIT };

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
    {"batch", required_argument, NULL, HN_OPT_BATCH},                         \
    {"ohem-keep", required_argument, NULL, HN_OPT_OHEM_KEEP},                 \
    {"negative-label", required_argument, NULL, HN_OPT_TRAIN_NEG},            \
    {"model", required_argument, NULL, HN_OPT_MODEL},                         \
    {"dim", required_argument, NULL, HN_OPT_DIM},                             \
    {"hidden", required_argument, NULL, HN_OPT_HIDDEN},                       \
    {"dropout", required_argument, NULL, HN_OPT_DROPOUT},                     \
    {"solver", required_argument, NULL, HN_OPT_SOLVER},                       \
    {"C", required_argument, NULL, HN_OPT_C},                                 \
    {"tol", required_argument, NULL, HN_OPT_TOL},                             \
    {"max-passes", required_argument, NULL, HN_OPT_MAX_PASSES},               \
    {"bias", required_argument, NULL, HN_OPT_BIAS},                           \
    {"deterministic", no_argument, NULL, HN_OPT_DETERMINISTIC},               \
    {"keep-ngrams", optional_argument, NULL, HN_OPT_KEEP_NGRAMS},             \
    HN_CLI_IN_LONGOPTS

typedef struct hn_cli_train_cfg {
    hn_tok_opts tok;
    hn_fit_opts fit;           /* trainer options, --positive, --class-weight, --negative-label */
    hn_reader_opts ro;
    const char *output;        /* -o */
    const char *valid;         /* --valid FILE or NULL */
} hn_cli_train_cfg;

void hn_cli_train_cfg_default(hn_cli_train_cfg *c);
/* Apply one training or tokenizer option (HN_CLI_TRAIN_LONGOPTS or
 * HN_CLI_TOK_LONGOPTS): 0, or HN_EXIT_USAGE after printing the error. */
int hn_cli_train_option(const char *cmd, int id, const char *arg, hn_cli_train_cfg *c);
/* Check tokenizer and training options: 0 or HN_EXIT_USAGE (printed). */
int hn_cli_train_check(const char *cmd, const hn_cli_train_cfg *c);
void hn_cli_train_help(FILE *out);

/* The training and tokenizer options of a command line as words, to
 * store in a model and to print as a command: append "--NAME [ARG]"
 * (ARG quoted for a POSIX shell when it needs it) to *words (malloc'd,
 * may be NULL). 0, or -1 out of memory. */
int hn_cli_words_add(char **words, const char *longname, const char *arg);
/* *out = a and b joined by a space (either may be NULL or empty); malloc'd.
 * 0, or -1 out of memory. */
int hn_cli_words_join(char **out, const char *a, const char *b);
/* Apply such words (HN_CLI_TRAIN_LONGOPTS and HN_CLI_TOK_LONGOPTS) to c;
 * -o, --valid and unknown words are errors. 0 or HN_EXIT_USAGE (printed).
 * Values that are kept as pointers (--class-weight, --positive,
 * --negative-label, --token-pattern) point into a copy that lives until
 * the program ends. */
int hn_cli_words_apply(const char *cmd, const char *words, hn_cli_train_cfg *c);
/* Is this option id one hn_cli_words_add should record for `train`
 * (a training or tokenizer option other than -o and --valid)? */
int hn_cli_is_model_option(int id);

#endif /* HN_CLI_TRAIN_H */
