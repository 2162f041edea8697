/* progress.h - a progress line on stderr for long streams
 *
 * src/cli. Only when stderr is a terminal and not -q: every half second
 * "\rCMD: 1234567 lines  45.6 MB/s  12% ETA 0:42" (the percentage and ETA
 * when the input's size is known), erased when done. Not a terminal: it
 * prints nothing, so logs and pipes stay clean.
 */
#ifndef HN_CLI_PROGRESS_H
#define HN_CLI_PROGRESS_H

#include <stdint.h>

typedef struct hn_progress {
    const char *cmd;
    int on;
    uint64_t total;      /* input bytes, 0 = unknown */
    double t0, last;
    int shown;
} hn_progress;

/* Start; `path` is the input (its size is used when it is a regular file). */
void hn_progress_start(hn_progress *p, const char *cmd, const char *path);
/* Start over several inputs (their sizes summed; unknown if one is not a regular file). */
void hn_progress_start_files(hn_progress *p, const char *cmd, const char *const *paths, int n);
/* hn_progress_tick with the argument order of mining's progress hook. */
void hn_progress_hook(void *p, int64_t lines, uint64_t bytes);
/* Report `lines` done and `bytes` read (cheap: checks the clock only). */
void hn_progress_tick(hn_progress *p, int64_t lines, uint64_t bytes);
/* Erase the line. */
void hn_progress_end(hn_progress *p);

#endif /* HN_CLI_PROGRESS_H */
