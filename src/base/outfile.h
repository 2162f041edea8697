/* outfile.h - the one atomic file writer: never a half-written or
 * clobbered output
 *
 * src/base: libc only. Every file the library or the program writes (model
 * files, reports, mined lines, curves, plots) goes through this:
 *
 *     hn_outfile o;
 *     if ((st = hn_outfile_open(&o, path, &err)) != HN_OK) return st;
 *     fprintf(o.f, ...);                       // write through o.f
 *     st = ok ? hn_outfile_commit(&o, &err)    // now the file is there, whole
 *             : (hn_outfile_abort(&o), st);    // or nothing changed at all
 *
 * What it does with the target `path`:
 *   "-"               standard output, written directly (commit flushes
 *                     and checks it; never closed);
 *   a regular file or a new name
 *                     a unique temporary file (mkstemp) in the target's
 *                     own folder, renamed over the target by commit, so
 *                     readers see the old file or the new one, never a mix;
 *                     two writers of one path (even in separate PID
 *                     namespaces) never share a temporary; the target's
 *                     mode is kept (a new file gets 0666 less the umask, as
 *                     fopen would give it);
 *   a symlink         followed: the link stays a link and its final target
 *                     is replaced as above;
 *   a FIFO, a character or block device, a socket
 *                     written directly, never replaced by a regular file
 *                     (`-o /dev/null` stays the device).
 * Until commit the bytes go to a file without a name in the target's folder
 * (O_TMPFILE), so a killed run leaves nothing behind; at commit it is
 * named ".NAME.tmp-XXXXXX" beside the target for the instant before the
 * rename. Where the file system has no O_TMPFILE a named temporary of that
 * form is used throughout; abort (and a failed commit) removes it.
 *
 * Not thread-safe for one hn_outfile; distinct ones are independent.
 */
#ifndef HN_OUTFILE_H
#define HN_OUTFILE_H

#include <stdio.h>

#include "src/base/status.h"

typedef struct hn_outfile {
    FILE *f;        /* write here (stdout for "-") */
    char *path;     /* owned copy of the path as given (for messages) */
    char *target;   /* owned: the file that commit replaces, symlinks resolved; NULL when direct */
    char *tmp;      /* owned: the temporary being written; NULL when direct */
    int direct;     /* 1: stdout or a special file, written in place */
    int anon;       /* 1: writing a file without a name (O_TMPFILE) until commit */
    int has_mode;   /* target existed: keep its mode */
    unsigned mode;
} hn_outfile;

/* Prepare `path` for writing (see above). On error nothing was created and
 * `o` needs no abort: HN_ERR_IO "path: reason" (for example a folder that
 * does not exist or cannot be written), HN_ERR_NOMEM. */
hn_status hn_outfile_open(hn_outfile *o, const char *path, hn_err *err);

/* Finish: flush, check every write, fsync, close, set the mode and rename
 * the temporary into place. On failure the temporary is removed, the
 * target is untouched, and err says "path: write error: reason". `o` is
 * released either way. */
hn_status hn_outfile_commit(hn_outfile *o, hn_err *err);

/* Throw the output away: close and remove the temporary (a direct output
 * is only closed, or left open if it is stdout). Safe to call on a zeroed
 * or already finished `o`. */
void hn_outfile_abort(hn_outfile *o);

/* Would hn_outfile_open(path) succeed? Checks, without creating anything,
 * that the target's folder exists and is writable (or that a special file
 * can be opened for writing), so a command can refuse a bad -o before an
 * hour of work. HN_OK or HN_ERR_IO "path: reason". */
hn_status hn_outfile_check(const char *path, hn_err *err);

/* 1 when the two paths name the same existing file (same device and inode,
 * symlinks followed), else 0. "-" is never the same file as anything. */
int hn_same_file(const char *a, const char *b);

/* 1 when writing `a` and `b` would write the same file: the same existing
 * file, or, for names that do not exist yet, the same name in the same
 * folder (symlinks followed). "-" never is. */
int hn_same_target(const char *a, const char *b);

#endif /* HN_OUTFILE_H */
