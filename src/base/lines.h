/* lines.h - streaming line reader: one reused buffer, file:line tracking
 *
 * src/base: libc only. Every line-oriented input goes through it, so every
 * command splits a file the same way:
 *   - line ends are "\n" and "\r\n"; in a file whose first block (1 MB)
 *     holds a "\r" and no "\n" (old Mac files) a lone "\r" ends lines too,
 *     as Python's universal newlines; elsewhere a lone "\r" is a character
 *     of the line, so one input line stays one line; the end is not part
 *     of the line;
 *   - a UTF-8 byte order mark at the start is dropped; a UTF-16 or UTF-32
 *     one is an error that says how to convert the file;
 *   - a last line without a line end is still a line;
 *   - lines may contain NUL bytes: always use the length;
 *   - a line longer than max_line bytes (10 MB unless set) is cut there (at
 *     a UTF-8 character boundary) and counted in `truncated`; the rest of
 *     it is read and dropped, so one huge line costs max_line bytes, not
 *     its length.
 * "-" reads standard input. Memory: a 1 MB read buffer plus the longest
 * (cut) line that crosses a buffer boundary.
 */
#ifndef HN_LINES_H
#define HN_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"

#define HN_LINES_MAX_DEFAULT ((size_t)10 << 20)

typedef struct hn_lines {
    FILE *f;          /* owned unless it is stdin or borrowed */
    int borrowed;
    char *path;       /* owned copy of the name, "-" for stdin */
    char *buf;        /* owned read buffer: unread bytes are buf[pos..end) */
    size_t cap, pos, end;
    char *line;       /* owned: a line that crossed the read buffer's end */
    size_t line_len, line_cap;
    int eof, skip_lf, started;
    int cr_ends;      /* a lone "\r" ends lines: an old Mac file */
    size_t max_line;  /* cut lines longer than this; 0 = never [HN_LINES_MAX_DEFAULT] */
    int64_t lineno;   /* 1-based number of the last line returned */
    int64_t truncated;/* lines cut at max_line */
    uint64_t bytes;   /* bytes read so far, line ends included */
} hn_lines;

/* Open `path` ("-" = stdin). On failure returns HN_ERR_IO / HN_ERR_NOMEM
 * with "path: reason" in err, and `r` needs no close. */
hn_status hn_lines_open(hn_lines *r, const char *path, hn_err *err);

/* Wrap an already open stream (borrowed: not closed by hn_lines_close).
 * `name` is used in messages. */
hn_status hn_lines_from_file(hn_lines *r, FILE *f, const char *name, hn_err *err);

/* Next line: *line points into the reader's buffers (borrowed, valid until
 * the next call, NUL-terminated, may be modified), *len its length.
 * At end of input returns HN_OK with *line == NULL. A read error returns
 * HN_ERR_IO naming the file and line; a UTF-16/32 file HN_ERR_FORMAT. */
hn_status hn_lines_next(hn_lines *r, char **line, size_t *len, hn_err *err);

/* Close the file (unless borrowed or stdin) and free the buffers. Safe on
 * a reader that was never opened successfully after a memset to 0. */
void hn_lines_close(hn_lines *r);

#endif /* HN_LINES_H */
