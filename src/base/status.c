/* status.c - status strings and hn_err_set
 *
 * src/base: libc only. The string table has exactly HN_STATUS_COUNT entries.
 */
#include "src/base/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_text[HN_STATUS_COUNT] = {
    "ok",
    "out of memory",
    "I/O error",
    "bad format",
    "invalid argument",
    "invalid UTF-8",
    "regular expression error",
    "numeric error (NaN or infinity)",
    "interrupted",
};

const char *hn_status_str(hn_status s)
{
    if ((int)s < 0 || s >= HN_STATUS_COUNT) return "unknown status";
    return status_text[s];
}

hn_status hn_err_set(hn_err *e, hn_status code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->code = code;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void hn_err_clear(hn_err *e)
{
    if (e) {
        e->code = HN_OK;
        e->msg[0] = '\0';
    }
}
