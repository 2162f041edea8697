/* util.c - the program's plumbing: logging to stderr, usage and runtime
 * errors, checked number parsing, signals
 *
 * src/cli. Everything here prints to stderr on behalf of a subcommand.
 * Convention: every function of src/cli that can fail returns an exit
 * code (0 ok, 1 runtime, 2 usage) after printing the message.
 */
#include "src/cli/cli.h"

#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/log.h"
#include "src/base/outfile.h"

int hn_cli_verbosity = 1;

static void log_stderr(hn_log_level level, const char *msg, void *user)
{
    (void)user;
    if (hn_cli_verbosity == 0 && level > HN_LOG_ERROR) return;
    if (hn_cli_verbosity == 1 && level > HN_LOG_INFO) return;
    fprintf(stderr, "hardneg: %s%s\n", level == HN_LOG_WARN ? "warning: " : "", msg);
}

void hn_cli_log_init(void)
{
    hn_log_set(log_stderr, NULL);
}

int hn_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hardneg: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'hardneg %s --help'.\n", cmd);
    return HN_EXIT_USAGE;
}

int hn_cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hardneg: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return HN_EXIT_RUNTIME;
}

int hn_cli_fail_err(const char *cmd, hn_status st, const hn_err *err)
{
    const char *msg = (err && err->msg[0]) ? err->msg : hn_status_str(st);
    fprintf(stderr, "hardneg: %s: %s\n", cmd, msg);
    return st == HN_ERR_ARG ? HN_EXIT_USAGE : HN_EXIT_RUNTIME;
}

int hn_cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) {
        hn_cli_usage_error(cmd, "%s: '%s' is not an integer", opt, s);
        return HN_EXIT_USAGE;
    }
    if (v < lo || v > hi) {
        hn_cli_usage_error(cmd, "%s: %ld is out of range [%ld, %ld]", opt, v, lo, hi);
        return HN_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int hn_cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        hn_cli_usage_error(cmd, "%s: '%s' is not a finite number", opt, s);
        return HN_EXIT_USAGE;
    }
    if (v < lo || v > hi) {
        hn_cli_usage_error(cmd, "%s: %g is out of range [%g, %g]", opt, v, lo, hi);
        return HN_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int hn_cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    if (*s == '-') {
        hn_cli_usage_error(cmd, "%s: '%s' must not be negative", opt, s);
        return HN_EXIT_USAGE;
    }
    v = strtoull(s, &end, 0);
    if (end == s || *end != '\0' || errno == ERANGE) {
        hn_cli_usage_error(cmd, "%s: '%s' is not an unsigned integer", opt, s);
        return HN_EXIT_USAGE;
    }
    *out = (uint64_t)v;
    return 0;
}

volatile int hn_cli_stop;

static void on_signal(int sig)
{
    (void)sig;
    hn_cli_stop = 1;
}

void hn_cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int hn_cli_missing_value(const char *cmd, const char *arg)
{
    return hn_cli_usage_error(cmd, "option '%s' needs a value", arg);
}

/* fastText's option names and hardneg's. */
static const char *const fasttext_names[][2] = {
    {"epoch", "--epochs N"},          {"lr", "--lr X"},
    {"wordNgrams", "--ngrams N"},     {"minn", "--char-ngrams MIN:MAX"},
    {"maxn", "--char-ngrams MIN:MAX"}, {"dim", "--dim D (with --model mlp)"},
    {"thread", "--threads N"},        {"loss", "--loss L"},
    {"bucket", "--bits B (2^B buckets)"}, {"label", "--label-prefix P"},
    {"input", "the FILE argument"},   {"output", "-o FILE"},
    {"verbose", "-v"},                {"seed", "--seed S"},
    {"autotune-validation", "'hardneg tune --valid FILE'"},
    {"autotune-duration", "'hardneg tune --budget SECONDS'"},
};

/* Edit distance, capped (short strings only). */
static int distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b), i, j, d[64][64];
    if (la > 62 || lb > 62) return 99;
    for (i = 0; i <= la; i++) d[i][0] = i;
    for (j = 0; j <= lb; j++) d[0][j] = j;
    for (i = 1; i <= la; i++)
        for (j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]), x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
            d[i][j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
        }
    return d[la][lb];
}

int hn_cli_unknown_option_in(const char *cmd, char **argv, const struct option *longopts)
{
    const char *arg = argv[optind - 1], *name;
    size_t i;
    if (optopt && argv[optind] && argv[optind][0] == '-' && argv[optind][1] && argv[optind][1] != '-' &&
        strchr(argv[optind] + 1, optopt))
        arg = argv[optind]; /* the error is inside a cluster getopt has not left yet */
    if (arg[0] == '-' && arg[1] != '-' && strlen(arg) > 2) { /* -epoch: a fastText-style option */
        name = arg + 1;
        for (i = 0; i < sizeof fasttext_names / sizeof fasttext_names[0]; i++)
            if (!strcmp(name, fasttext_names[i][0]))
                return hn_cli_usage_error(cmd, "unknown option '%s': hardneg spells fastText's -%s as %s", arg, name,
                                          fasttext_names[i][1]);
        return hn_cli_usage_error(cmd, "unknown option '%s': long options take two dashes ('-%s')", arg, arg);
    }
    if (arg[0] == '-' && arg[1] == '-' && longopts) {
        char want[64];
        const char *best = NULL;
        int bd = 99;
        snprintf(want, sizeof want, "%s", arg + 2);
        if (strchr(want, '=')) *strchr(want, '=') = '\0';
        for (; longopts->name; longopts++) {
            size_t ln = strlen(longopts->name);
            int dd = distance(want, longopts->name);
            if (ln >= 2 && !strncmp(want, longopts->name, ln) && want[ln] == '-') dd = 1; /* --lr-rate: --lr */
            if (dd < bd) {
                bd = dd;
                best = longopts->name;
            }
        }
        if (best && bd <= 2 + (int)strlen(want) / 4)
            return hn_cli_usage_error(cmd, "unknown option '%s' (did you mean '--%s'?)", arg, best);
    }
    return hn_cli_usage_error(cmd, "unknown option '%s'", arg);
}

int hn_cli_check_files(const char *cmd, const char *const *inputs, int nin, const char *const *outputs, int nout)
{
    int i, j;
    hn_err err;
    for (i = 0; i < nout; i++) {
        if (outputs[i] && !strcmp(outputs[i], "-"))
            for (j = 0; j < i; j++)
                if (outputs[j] && !strcmp(outputs[j], "-"))
                    return hn_cli_usage_error(cmd, "two outputs go to standard output: give one of them a file");
        if (!outputs[i] || !strcmp(outputs[i], "-")) continue;
        for (j = 0; j < nin; j++)
            if (inputs[j] && hn_same_target(outputs[i], inputs[j]))
                return hn_cli_usage_error(cmd, "the output '%s' is also the input '%s': refusing to overwrite it",
                                          outputs[i], inputs[j]);
        for (j = 0; j < i; j++)
            if (outputs[j] && hn_same_target(outputs[i], outputs[j]))
                return hn_cli_usage_error(cmd, "two outputs are the same file ('%s' and '%s')", outputs[j], outputs[i]);
        if (hn_outfile_check(outputs[i], &err) != HN_OK) return hn_cli_fail(cmd, "%s", err.msg);
    }
    return 0;
}

int hn_cli_spool_stdin(const char *cmd, char **path, int *fd)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[4096], buf[1 << 16];
    size_t n;
    int f;
    *path = NULL;
    *fd = -1;
    snprintf(tmpl, sizeof tmpl, "%s/hardneg-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
    if ((f = mkstemp(tmpl)) < 0) return hn_cli_fail(cmd, "%s: cannot keep standard input: %s", tmpl, strerror(errno));
    unlink(tmpl); /* nameless from now on: nothing to clean up */
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(f, buf + off, n - off);
            if (w < 0) {
                close(f);
                return hn_cli_fail(cmd, "keeping standard input in %s: %s", dir && *dir ? dir : "/tmp", strerror(errno));
            }
            off += (size_t)w;
        }
    }
    if (ferror(stdin)) {
        close(f);
        return hn_cli_fail(cmd, "-: read error");
    }
    if (!(*path = malloc(32))) {
        close(f);
        return hn_cli_fail(cmd, "out of memory");
    }
    snprintf(*path, 32, "/dev/fd/%d", f);
    *fd = f;
    hn_log(HN_LOG_INFO, "%s: standard input is read more than once: kept aside, and named %s from here on", cmd,
           *path);
    return 0;
}
