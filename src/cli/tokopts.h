/* tokopts.h - the tokenizer's command-line options, shared by every
 * subcommand that builds a tokenizer (tokenize, train, mine)
 *
 * src/cli. Each command appends HN_CLI_TOK_LONGOPTS to its getopt_long
 * table and forwards unknown option ids to hn_cli_tok_option().
 */
#ifndef HN_CLI_TOKOPTS_H
#define HN_CLI_TOKOPTS_H

#include <getopt.h>
#include <stdio.h>

#include "tokenizer/tokenizer.h"

enum {
    HN_OPT_TOK_FIRST = 1000,
    HN_OPT_NO_NFKC = HN_OPT_TOK_FIRST,
    HN_OPT_NO_CASEFOLD,
    HN_OPT_NO_STRIP_MARKS,
    HN_OPT_NO_REWRITE,
    HN_OPT_TOKEN_PATTERN,
    HN_OPT_NGRAMS,
    HN_OPT_CHAR_NGRAMS,
    HN_OPT_BITS,
    HN_OPT_HASH_SEED,
    HN_OPT_SIGNED_HASH,
    HN_OPT_WEIGHTING,
    HN_OPT_NO_L2,
    HN_OPT_TOK_LAST
};

#define HN_CLI_TOK_LONGOPTS                                                   \
    {"no-nfkc", no_argument, NULL, HN_OPT_NO_NFKC},                           \
    {"no-casefold", no_argument, NULL, HN_OPT_NO_CASEFOLD},                   \
    {"no-strip-marks", no_argument, NULL, HN_OPT_NO_STRIP_MARKS},             \
    {"no-rewrite", required_argument, NULL, HN_OPT_NO_REWRITE},               \
    {"token-pattern", required_argument, NULL, HN_OPT_TOKEN_PATTERN},         \
    {"ngrams", required_argument, NULL, HN_OPT_NGRAMS},                       \
    {"char-ngrams", required_argument, NULL, HN_OPT_CHAR_NGRAMS},             \
    {"bits", required_argument, NULL, HN_OPT_BITS},                           \
    {"hash-seed", required_argument, NULL, HN_OPT_HASH_SEED},                 \
    {"signed-hash", no_argument, NULL, HN_OPT_SIGNED_HASH},                   \
    {"weighting", required_argument, NULL, HN_OPT_WEIGHTING},                 \
    {"no-l2", no_argument, NULL, HN_OPT_NO_L2}

/* Apply option `id` with argument `arg`. Returns 0, or prints a usage
 * error for `cmd` and returns HN_EXIT_USAGE. */
int hn_cli_tok_option(const char *cmd, int id, const char *arg, hn_tok_opts *o);

/* Print the tokenizer options with their defaults. */
void hn_cli_tok_help(FILE *out);

#endif /* HN_CLI_TOKOPTS_H */
