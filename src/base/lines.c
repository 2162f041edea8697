/* lines.c - streaming line reader (see lines.h)
 *
 * Invariant: r->f is NULL after close; r->lineno counts returned lines.
 */
#include "src/base/lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

hn_status hn_lines_from_file(hn_lines *r, FILE *f, const char *name, hn_err *err)
{
    memset(r, 0, sizeof *r);
    if (!(r->path = dup_str(name))) return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", name);
    r->f = f;
    return HN_OK;
}

hn_status hn_lines_open(hn_lines *r, const char *path, hn_err *err)
{
    FILE *f;
    hn_status st;
    memset(r, 0, sizeof *r);
    if (strcmp(path, "-") == 0) return hn_lines_from_file(r, stdin, "-", err);
    if (!(f = fopen(path, "rb"))) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    if ((st = hn_lines_from_file(r, f, path, err)) != HN_OK) {
        fclose(f);
        return st;
    }
    return HN_OK;
}

hn_status hn_lines_next(hn_lines *r, char **line, size_t *len, hn_err *err)
{
    ssize_t n;
    char *p;
    *line = NULL;
    *len = 0;
    if (!r->f) return HN_OK;
    errno = 0;
    n = getline(&r->buf, &r->cap, r->f);
    if (n < 0) {
        if (ferror(r->f)) {
            return hn_err_set(err, errno == ENOMEM ? HN_ERR_NOMEM : HN_ERR_IO, "%s:%lld: read error: %s",
                              r->path, (long long)r->lineno + 1, strerror(errno ? errno : EIO));
        }
        return HN_OK; /* end of input */
    }
    r->bytes += (uint64_t)n;
    r->lineno++;
    p = r->buf;
    if (n > 0 && p[n - 1] == '\n') n--;
    if (n > 0 && p[n - 1] == '\r') n--;
    p[n] = '\0';
    if (r->lineno == 1 && n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF) {
        p += 3;
        n -= 3;
    }
    *line = p;
    *len = (size_t)n;
    return HN_OK;
}

void hn_lines_close(hn_lines *r)
{
    if (r->f && r->f != stdin && strcmp(r->path ? r->path : "", "-") != 0) fclose(r->f);
    r->f = NULL;
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
    free(r->path);
    r->path = NULL;
}
