/* status.h - status codes and the error record every fallible call fills
 *
 * src/base: libc only. Every fallible function in libhardneg returns an
 * hn_status and, when context helps, takes an `hn_err *err` (may be NULL)
 * that receives one line such as "train.txt:1832: invalid UTF-8".
 */
#ifndef HN_STATUS_H
#define HN_STATUS_H

typedef enum hn_status {
    HN_OK = 0,
    HN_ERR_NOMEM,   /* allocation failed or an arena ran out */
    HN_ERR_IO,      /* read/write/open failure */
    HN_ERR_FORMAT,  /* malformed input file or model file */
    HN_ERR_ARG,     /* invalid option or argument */
    HN_ERR_UTF8,    /* invalid UTF-8 in strict mode */
    HN_ERR_REGEX,   /* a pattern failed to compile or match */
    HN_ERR_NUMERIC, /* NaN or infinity during training */
    HN_ERR_INTERRUPTED, /* stopped by a signal */
    HN_STATUS_COUNT
} hn_status;

/* Static text for a status; never NULL, also for out-of-range values. */
const char *hn_status_str(hn_status s);

typedef struct hn_err {
    hn_status code;
    char msg[512];
} hn_err;

/* Record `code` and a printf-style message in `e` (when e is not NULL) and
 * return `code`, so callers can write `return hn_err_set(err, ...)`. */
hn_status hn_err_set(hn_err *e, hn_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear an error record to HN_OK and an empty message. */
void hn_err_clear(hn_err *e);

#endif /* HN_STATUS_H */
