/* inopts.h - the input options every command that reads examples shares
 *
 * src/cli. One set of names and defaults for reading a file of examples,
 * so train, eval, predict, score, mine, split, threshold, plot and
 * tokenize read the same file the same way (src/core/source.h):
 *
 *   --format F          auto, fasttext, tsv, text, mail [auto]
 *   --label-prefix P    fastText label prefix [__label__]
 *   --skip-bad          skip and count malformed lines [stop at the first]
 *   --max-line-bytes N  cut longer lines (messages) there, and count them [10000000]
 *   --multi-label M     first, copy, error: lines with several labels [first]
 *
 * Each command appends HN_CLI_IN_LONGOPTS to its getopt_long table and
 * forwards these ids to hn_cli_in_option().
 */
#ifndef HN_CLI_INOPTS_H
#define HN_CLI_INOPTS_H

#include <getopt.h>
#include <stdio.h>

#include "corpora/corpora.h"

enum {
    HN_OPT_IN_FIRST = 1500,
    HN_OPT_FORMAT = HN_OPT_IN_FIRST,
    HN_OPT_LABEL_PREFIX,
    HN_OPT_SKIP_BAD,
    HN_OPT_MAX_LINE,
    HN_OPT_MULTI_LABEL,
    HN_OPT_IN_LAST
};

#define HN_CLI_IN_LONGOPTS                                                    \
    {"format", required_argument, NULL, HN_OPT_FORMAT},                       \
    {"label-prefix", required_argument, NULL, HN_OPT_LABEL_PREFIX},           \
    {"skip-bad", no_argument, NULL, HN_OPT_SKIP_BAD},                         \
    {"max-line-bytes", required_argument, NULL, HN_OPT_MAX_LINE},             \
    {"multi-label", required_argument, NULL, HN_OPT_MULTI_LABEL}

/* Is `id` one of these options? */
#define HN_CLI_IS_IN_OPTION(id) ((id) >= HN_OPT_IN_FIRST && (id) < HN_OPT_IN_LAST)

/* Apply option `id` with argument `arg` to `ro`: 0, or HN_EXIT_USAGE after
 * printing the error for `cmd`. */
int hn_cli_in_option(const char *cmd, int id, const char *arg, hn_reader_opts *ro);

/* Print the options with their defaults (`labeled`: the command reads
 * labels, so --multi-label applies). */
void hn_cli_in_help(FILE *out, int labeled);

#endif /* HN_CLI_INOPTS_H */
