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
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/log.h"

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
