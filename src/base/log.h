/* log.h - the logging hook: the only way library code talks to a person
 *
 * src/base: libc only. Library code never prints; it calls hn_log(), which
 * forwards to the function installed with hn_log_set(). With no function
 * installed, messages are dropped. The CLI installs one that writes to
 * stderr and honours -q / -v.
 */
#ifndef HN_LOG_H
#define HN_LOG_H

typedef enum hn_log_level {
    HN_LOG_ERROR = 0,
    HN_LOG_WARN,
    HN_LOG_INFO,
    HN_LOG_DEBUG,
    HN_LOG_LEVEL_COUNT
} hn_log_level;

typedef void (*hn_log_fn)(hn_log_level level, const char *msg, void *user);

/* Install `fn` (NULL to silence); `user` is passed back on every call.
 * Not thread-safe: call it before starting threads. */
void hn_log_set(hn_log_fn fn, void *user);

/* Format and forward one message (no trailing newline needed).
 * Thread-safe as long as the installed function is. */
void hn_log(hn_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* HN_LOG_H */
