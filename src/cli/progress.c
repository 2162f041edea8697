/* progress.c - the progress line (see progress.h) */
#include "src/cli/progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/cli/cli.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void hn_progress_start(hn_progress *p, const char *cmd, const char *path)
{
    struct stat st;
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->on = hn_cli_verbosity > 0 && isatty(STDERR_FILENO);
    if (p->on && path && strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        p->total = (uint64_t)st.st_size;
    p->t0 = p->last = now_s();
}

void hn_progress_start_files(hn_progress *p, const char *cmd, const char *const *paths, int n)
{
    int i;
    uint64_t total = 0;
    hn_progress_start(p, cmd, NULL);
    for (i = 0; i < n && p->on; i++) {
        struct stat st;
        if (!strcmp(paths[i], "-") || stat(paths[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            total = 0;
            break;
        }
        total += (uint64_t)st.st_size;
    }
    p->total = total;
}

void hn_progress_hook(void *p, int64_t lines, uint64_t bytes)
{
    hn_progress_tick(p, lines, bytes);
}

void hn_progress_tick(hn_progress *p, int64_t lines, uint64_t bytes)
{
    double t, el, rate;
    if (!p->on) return;
    t = now_s();
    if (t - p->last < 0.5) return;
    p->last = t;
    el = t - p->t0;
    rate = el > 0 ? (double)bytes / el : 0;
    fprintf(stderr, "\r%s: %lld lines  %.1f MB/s", p->cmd, (long long)lines, rate / 1e6);
    if (p->total && bytes <= p->total && rate > 0) {
        double left = (double)(p->total - bytes) / rate;
        fprintf(stderr, "  %d%%  ETA %d:%02d", (int)(100.0 * (double)bytes / (double)p->total), (int)(left / 60),
                (int)left % 60);
    }
    fputs("   ", stderr);
    p->shown = 1;
}

void hn_progress_end(hn_progress *p)
{
    if (p->shown) fputs("\r\033[K", stderr);
    p->shown = 0;
}
