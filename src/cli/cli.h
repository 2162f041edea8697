/* cli.h - shared pieces of the hardneg command line
 *
 * src/cli: the program; may include everything and is the only code that
 * prints or exits. Each subcommand is `int cmd_<name>(int argc, char
 * **argv)` in src/cli/cmd_<name>.c, one row in main.c's table; argv[0] is
 * the subcommand name; it returns an exit code (0 ok, 1 runtime error,
 * 2 usage error) and never calls exit(). Only main() exits.
 *
 * One convention for every helper here: 0 on success, else the exit code,
 * with the message already printed.
 */
#ifndef HN_CLI_H
#define HN_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"

enum { HN_EXIT_OK = 0, HN_EXIT_RUNTIME = 1, HN_EXIT_USAGE = 2 };

int cmd_tokenize(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_threshold(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_mine(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* Verbosity set by -q / -v: 0 quiet, 1 normal (default), 2 verbose. */
extern int hn_cli_verbosity;

/* Install the stderr log hook honouring hn_cli_verbosity. */
void hn_cli_log_init(void);

/* Print "hardneg: CMD: MESSAGE" and "Try 'hardneg CMD --help'." to stderr;
 * returns HN_EXIT_USAGE. */
int hn_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "hardneg: CMD: MESSAGE" to stderr; returns HN_EXIT_RUNTIME. */
int hn_cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "hardneg: CMD: <err->msg or status text>"; returns the exit code
 * for the status (HN_ERR_ARG -> 2, everything else -> 1). */
int hn_cli_fail_err(const char *cmd, hn_status st, const hn_err *err);

/* Checked number parsing: whole string, no overflow, inside [lo, hi].
 * On failure they print a usage error naming `opt` and return
 * HN_EXIT_USAGE; 0 on success. */
int hn_cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
int hn_cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);
int hn_cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);

/* "option '--x' needs a value" as a usage error. */
int hn_cli_missing_value(const char *cmd, const char *arg);

/* The usage error for getopt_long's '?': names the offending argument
 * (not its neighbour), suggests the closest option of `longopts` (may be
 * NULL), and for a fastText-style single-dash option (-epoch, -wordNgrams)
 * gives hardneg's spelling. Uses getopt's optind and optopt. */
struct option;
int hn_cli_unknown_option_in(const char *cmd, char **argv, const struct option *longopts);
#define hn_cli_unknown_option(cmd, argv, optind_unused) hn_cli_unknown_option_in((cmd), (argv), longopts)

/* Before any work: every output (not "-") can be written (its folder
 * exists and is writable), no output is also an input, and no two outputs
 * are the same file. 0, or the exit code after printing why (2 for a
 * collision, 1 for an output that cannot be written). */
int hn_cli_check_files(const char *cmd, const char *const *inputs, int nin, const char *const *outputs, int nout);

/* Copy standard input to an unlinked temporary file (in $TMPDIR, else /tmp)
 * that can be read again from the start, for inputs read more than once
 * (mine's pool every round). *path receives "/dev/fd/N" (owned), *fd the
 * descriptor to close at the end. 0 or the exit code (printed). Nothing is
 * left on disk, even if the process is killed. */
int hn_cli_spool_stdin(const char *cmd, char **path, int *fd);

/* What a model file holds: "key<TAB>value" lines, or with `json` one JSON
 * object (no newline after it). `info` prints it; `train --json` nests it. */
struct hn_classifier;
void hn_cli_model_info(FILE *f, const struct hn_classifier *cl, int json);

/* Set by SIGINT / SIGTERM once hn_cli_signals_install() ran; long jobs
 * poll it and stop cleanly (no half-written output). */
extern volatile int hn_cli_stop;
void hn_cli_signals_install(void);

#endif /* HN_CLI_H */
