/* lines.c - streaming line reader (see lines.h)
 *
 * Reading is by 1 MB blocks (fread) into buf; a line that lies inside the
 * block is returned in place (its end byte overwritten with NUL), so most
 * lines cost no copy. A line that crosses the block's end is gathered in
 * `line`, keeping at most max_line bytes of it. A "\r" that ends a block
 * may be the first half of "\r\n": skip_lf drops a "\n" that starts the
 * next block.
 *
 * Invariants: pos <= end <= cap; buf has cap + 1 bytes (room for a NUL
 * after the last line of the input); lineno counts returned lines.
 */
#include "src/base/lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK ((size_t)1 << 20)

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
    r->max_line = HN_LINES_MAX_DEFAULT;
    if (!(r->path = dup_str(name)) || !(r->buf = malloc(BLOCK + 1))) {
        free(r->path);
        r->path = NULL;
        return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", name);
    }
    r->cap = BLOCK;
    r->f = f;
    r->borrowed = 1;
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
    r->borrowed = 0;
    return HN_OK;
}

/* Refill the block (unread bytes are none). HN_OK with eof set at the end. */
static hn_status refill(hn_lines *r, hn_err *err)
{
    size_t n;
    r->pos = r->end = 0;
    if (r->eof) return HN_OK;
    errno = 0;
    n = fread(r->buf, 1, r->cap, r->f);
    r->end = n;
    if (n < r->cap) {
        if (ferror(r->f))
            return hn_err_set(err, HN_ERR_IO, "%s:%lld: read error: %s", r->path, (long long)r->lineno + 1,
                              strerror(errno ? errno : EIO));
        r->eof = 1;
    }
    return HN_OK;
}

/* Keep `n` more bytes of the current line in r->line: up to max_line + 4
 * (the bytes past max_line tell where a UTF-8 character starts). */
static hn_status gather(hn_lines *r, const char *p, size_t n, size_t *total)
{
    size_t keep = r->max_line + 4, room = r->max_line ? (r->line_len < keep ? keep - r->line_len : 0) : n;
    *total += n;
    if (n > room) n = room;
    if (r->line_len + n + 1 > r->line_cap) {
        size_t c = r->line_cap ? r->line_cap : 4096;
        char *q;
        while (c < r->line_len + n + 1) c *= 2;
        if (!(q = realloc(r->line, c))) return HN_ERR_NOMEM;
        r->line = q;
        r->line_cap = c;
    }
    memcpy(r->line + r->line_len, p, n);
    r->line_len += n;
    return HN_OK;
}

/* Cut a line of n bytes to max_line at a UTF-8 character boundary. */
static size_t cut(hn_lines *r, const char *p, size_t n)
{
    size_t k;
    if (!r->max_line || n <= r->max_line) return n;
    k = r->max_line;
    while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80) k--; /* p[k] would be the first byte cut */
    r->truncated++;
    return k;
}

hn_status hn_lines_next(hn_lines *r, char **line, size_t *len, hn_err *err)
{
    int gathering = 0;
    size_t total = 0;
    *line = NULL;
    *len = 0;
    if (!r->f) return HN_OK;
    r->line_len = 0;
    for (;;) {
        char *s, *nl, *cr, *e;
        size_t avail, n;
        if (r->pos == r->end) {
            hn_status st;
            if (r->eof) {
                if (!gathering) return HN_OK; /* end of input */
                break;                          /* a last line without a line end */
            }
            if ((st = refill(r, err)) != HN_OK) return st;
            if (!r->started && r->end > 0) { /* byte order marks */
                unsigned char *u = (unsigned char *)r->buf;
                r->started = 1;
                if (r->end >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
                    return hn_err_set(err, HN_ERR_FORMAT,
                                      "%s: UTF-16 or UTF-32 text (byte order mark %02X %02X); hardneg reads UTF-8: "
                                      "convert it with iconv -f UTF-16 -t UTF-8",
                                      r->path, u[0], u[1]);
                if (r->end >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
                    r->pos = 3;
                    r->bytes += 3;
                }
                /* old Mac line ends: a "\r" and not one "\n" in the first block */
                r->cr_ends = memchr(r->buf + r->pos, '\r', r->end - r->pos) &&
                             !memchr(r->buf + r->pos, '\n', r->end - r->pos);
            }
            if (r->skip_lf && r->pos < r->end) {
                r->skip_lf = 0;
                if (r->buf[r->pos] == '\n') {
                    r->pos++;
                    r->bytes++;
                }
            }
            continue;
        }
        if (r->skip_lf) { /* set by a "\r" at the very end of the previous call's block */
            r->skip_lf = 0;
            if (r->buf[r->pos] == '\n') {
                r->pos++;
                r->bytes++;
                continue;
            }
        }
        s = r->buf + r->pos;
        avail = r->end - r->pos;
        nl = memchr(s, '\n', avail);
        cr = r->cr_ends ? memchr(s, '\r', nl ? (size_t)(nl - s) : avail) : NULL;
        e = cr ? cr : nl;
        if (!e) { /* no line end in the block: keep what there is and read on */
            r->bytes += avail;
            if (gather(r, s, avail, &total) != HN_OK)
                return hn_err_set(err, HN_ERR_NOMEM, "%s:%lld: out of memory for a line", r->path,
                                  (long long)r->lineno + 1);
            gathering = 1;
            r->pos = r->end;
            continue;
        }
        n = (size_t)(e - s);
        r->pos += n + 1;
        r->bytes += n + 1;
        if (cr) {
            if (r->pos < r->end) {
                if (r->buf[r->pos] == '\n') { /* "\r\n" */
                    r->pos++;
                    r->bytes++;
                }
            } else {
                r->skip_lf = 1; /* the "\n" may start the next block */
            }
        }
        r->lineno++;
        if (!gathering) { /* the whole line is in the block: return it in place */
            if (!cr && n > 0 && s[n - 1] == '\r') n--; /* "\r\n" */
            n = cut(r, s, n);
            s[n] = '\0';
            *line = s;
            *len = n;
            return HN_OK;
        }
        if (gather(r, s, n, &total) != HN_OK)
            return hn_err_set(err, HN_ERR_NOMEM, "%s:%lld: out of memory for a line", r->path, (long long)r->lineno);
        goto done;
    }
    r->lineno++;
done:
    if (!r->cr_ends && r->line_len > 0 && r->line[r->line_len - 1] == '\r' && total <= r->line_len) {
        r->line_len--; /* "\r\n" (a line kept whole: not cut in the middle) */
        total--;
    }
    if (r->max_line && total > r->max_line) { /* cut at max_line, at a character boundary */
        size_t k = r->max_line;
        while (k > 0 && k < r->line_len && ((unsigned char)r->line[k] & 0xC0) == 0x80) k--;
        r->line_len = k;
        r->truncated++;
    }
    r->line[r->line_len] = '\0';
    *line = r->line;
    *len = r->line_len;
    return HN_OK;
}

void hn_lines_close(hn_lines *r)
{
    if (r->f && !r->borrowed && r->f != stdin) fclose(r->f);
    r->f = NULL;
    free(r->buf);
    r->buf = NULL;
    free(r->line);
    r->line = NULL;
    r->cap = r->line_cap = r->line_len = 0;
    free(r->path);
    r->path = NULL;
}
