/* log.c - the logging hook (see log.h) */
#include "src/base/log.h"

#include <stdarg.h>
#include <stdio.h>

static hn_log_fn log_fn;
static void *log_user;

void hn_log_set(hn_log_fn fn, void *user)
{
    log_fn = fn;
    log_user = user;
}

void hn_log(hn_log_level level, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    if (!log_fn) return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    log_fn(level, buf, log_user);
}
