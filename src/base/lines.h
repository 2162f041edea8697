/* lines.h - streaming line reader: one reused buffer, file:line tracking
 *
 * src/base: libc only. Reads with POSIX getline(), so lines of any length
 * work. Each line comes without its "\n" or "\r\n"; a UTF-8 byte order mark
 * at the start of the input is dropped; a last line without a newline is
 * still a line. Lines may contain NUL bytes: always use the length.
 * "-" reads standard input. Constant memory: the buffer is the longest line.
 */
#ifndef HN_LINES_H
#define HN_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/base/status.h"

typedef struct hn_lines {
    FILE *f;          /* owned unless it is stdin */
    char *path;       /* owned copy of the name, "-" for stdin */
    char *buf;        /* owned getline buffer */
    size_t cap;
    int64_t lineno;   /* 1-based number of the last line returned */
    uint64_t bytes;   /* bytes read so far, newlines included */
} hn_lines;

/* Open `path` ("-" = stdin). On failure returns HN_ERR_IO / HN_ERR_NOMEM
 * with "path: reason" in err, and `r` needs no close. */
hn_status hn_lines_open(hn_lines *r, const char *path, hn_err *err);

/* Wrap an already open stream (borrowed: not closed by hn_lines_close).
 * `name` is used in messages. */
hn_status hn_lines_from_file(hn_lines *r, FILE *f, const char *name, hn_err *err);

/* Next line: *line points into the reader's buffer (borrowed, valid until
 * the next call, NUL-terminated, may be modified), *len its length.
 * At end of input returns HN_OK with *line == NULL. A read error returns
 * HN_ERR_IO naming the file and line. */
hn_status hn_lines_next(hn_lines *r, char **line, size_t *len, hn_err *err);

/* Close the file (unless borrowed) and free the buffer. Safe on a reader
 * that failed to open or was already closed. */
void hn_lines_close(hn_lines *r);

#endif /* HN_LINES_H */
