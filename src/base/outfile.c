/* outfile.c - the atomic file writer (see outfile.h)
 *
 * Symlinks are resolved by hand (readlink, up to 40 hops as the kernel
 * allows) rather than with realpath(), because the final target of a
 * link may not exist yet.
 *
 * The data goes first to a file without a name: open(O_TMPFILE) in the
 * target's folder (Linux). Only at commit is it linked under a temporary
 * name (linkat through /proc/self/fd) and renamed over the target, so a
 * run killed at any point before leaves nothing behind, not even a
 * temporary. Where O_TMPFILE is not supported (or /proc is missing at
 * commit) a mkstemp() temporary in the same folder is used instead; it is
 * removed on every error and abort. Both stay in the target's folder, so
 * rename() never crosses a file system.
 */
#define _GNU_SOURCE /* O_TMPFILE, linkat */
#include "src/base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Folder part of `path` ("." when it has none), owned. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;
    size_t n;
    if (!slash) return dup_str(".");
    n = slash == path ? 1 : (size_t)(slash - path);
    if (!(d = malloc(n + 1))) return NULL;
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* Follow symlinks from `path` to the file they end at (which may not
 * exist). Owned result, NULL on out of memory or a loop (errno ELOOP). */
static char *resolve(const char *path)
{
    char *cur = dup_str(path);
    int hops;
    for (hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        char buf[4096], *next;
        ssize_t n;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) return cur;
        if ((n = readlink(cur, buf, sizeof buf - 1)) < 0) return cur;
        buf[n] = '\0';
        if (buf[0] == '/') {
            next = dup_str(buf);
        } else { /* relative to the link's folder */
            char *d = dir_of(cur);
            size_t len = d ? strlen(d) + 1 + (size_t)n + 1 : 0;
            next = d ? malloc(len) : NULL;
            if (next) snprintf(next, len, "%s/%s", d, buf);
            free(d);
        }
        free(cur);
        cur = next;
    }
    if (cur) {
        free(cur);
        errno = ELOOP;
    }
    return NULL;
}

static unsigned new_file_mode(void)
{
    mode_t m = umask(022);
    umask(m);
    return 0666u & ~(unsigned)m;
}

/* An anonymous (O_TMPFILE) file gets its temporary name: linked through
 * /proc/self/fd, under a fresh random name from the pattern in o->tmp;
 * without /proc, its bytes are copied into a mkstemp() file. */
static hn_status give_name(hn_outfile *o, int fd, hn_err *err)
{
    char proc[64], *pat = o->tmp;
    size_t len = strlen(pat);
    int tries;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    for (tries = 0; tries < 100; tries++) {
        static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        uint64_t r = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)o ^ (uint64_t)tries * 0xBF58476D1CE4E5B9ull;
        struct stat sb;
        int k;
        if (fstat(fd, &sb) == 0) r ^= (uint64_t)sb.st_ino * 0x94D049BB133111EBull;
        for (k = 0; k < 6; k++, r /= 62) pat[len - 6 + k] = abc[r % 62];
        if (linkat(AT_FDCWD, proc, AT_FDCWD, pat, AT_SYMLINK_FOLLOW) == 0) {
            o->anon = 0; /* it has a name now: abort removes it */
            return HN_OK;
        }
        if (errno != EEXIST) break;
    }
    { /* no /proc: copy into a named temporary */
        char buf[1 << 16];
        ssize_t n;
        int out;
        memcpy(pat + len - 6, "XXXXXX", 6);
        if ((out = mkstemp(pat)) < 0) return hn_err_set(err, HN_ERR_IO, "%s: %s", o->path, strerror(errno));
        o->anon = 0;
        if (lseek(fd, 0, SEEK_SET) != 0) {
            close(out);
            return hn_err_set(err, HN_ERR_IO, "%s: %s", o->path, strerror(errno));
        }
        while ((n = read(fd, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n) {
                close(out);
                return hn_err_set(err, HN_ERR_IO, "%s: write error: %s", o->path, strerror(errno));
            }
        if (n < 0 || fchmod(out, o->has_mode ? (mode_t)o->mode : (mode_t)new_file_mode()) != 0 || fsync(out) != 0) {
            close(out);
            return hn_err_set(err, HN_ERR_IO, "%s: %s", o->path, strerror(errno));
        }
        close(out);
    }
    return HN_OK;
}


void hn_outfile_abort(hn_outfile *o)
{
    if (o->f && o->f != stdout) fclose(o->f);
    if (o->tmp && !o->anon) unlink(o->tmp); /* an anonymous file vanishes with its descriptor */
    free(o->path);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

hn_status hn_outfile_open(hn_outfile *o, const char *path, hn_err *err)
{
    struct stat st;
    char *dir = NULL;
    size_t n;
    int fd;
    memset(o, 0, sizeof *o);
    if (!(o->path = dup_str(path))) goto nomem;
    if (!strcmp(path, "-")) {
        o->f = stdout;
        o->direct = 1;
        return HN_OK;
    }
    if (!(o->target = resolve(path))) {
        if (errno == ELOOP) {
            hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(ELOOP));
            hn_outfile_abort(o);
            return HN_ERR_IO;
        }
        goto nomem;
    }
    if (stat(o->target, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            hn_err_set(err, HN_ERR_IO, "%s: is a directory", path);
            hn_outfile_abort(o);
            return HN_ERR_IO;
        }
        if (!S_ISREG(st.st_mode)) { /* FIFO, device, socket: write in place */
            if (!(o->f = fopen(o->target, "wb"))) {
                hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
                hn_outfile_abort(o);
                return HN_ERR_IO;
            }
            o->direct = 1;
            return HN_OK;
        }
        o->has_mode = 1;
        o->mode = (unsigned)st.st_mode & 07777u;
    }
    if (!(dir = dir_of(o->target))) goto nomem;
    {
        const char *base = strrchr(o->target, '/');
        base = base ? base + 1 : o->target;
        n = strlen(dir) + strlen(base) + 16;
        if (!(o->tmp = malloc(n))) goto nomem;
        snprintf(o->tmp, n, "%s/.%s.tmp-XXXXXX", dir, base);
    }
#ifdef O_TMPFILE
    if ((fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) >= 0) {
        o->anon = 1; /* o->tmp is only the pattern of the name it gets at commit */
    } else
#endif
    if ((fd = mkstemp(o->tmp)) < 0) {
        hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        free(dir);
        hn_outfile_abort(o);
        return HN_ERR_IO;
    }
    free(dir);
    if (!(o->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        if (o->anon) {
            free(o->tmp);
            o->tmp = NULL;
        }
        hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(e));
        hn_outfile_abort(o);
        return HN_ERR_IO;
    }
    return HN_OK;
nomem:
    free(dir);
    hn_outfile_abort(o);
    return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
}

hn_status hn_outfile_commit(hn_outfile *o, hn_err *err)
{
    hn_status st = HN_OK;
    const char *name = o->path ? o->path : "?";
    if (!o->f) {
        hn_outfile_abort(o);
        return hn_err_set(err, HN_ERR_IO, "%s: not open", name);
    }
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) {
        st = hn_err_set(err, HN_ERR_IO, "%s: write error: %s", name, strerror(errno ? errno : EIO));
    } else if (o->f == stdout) {
        o->f = NULL; /* stdout stays open: main closes it */
    } else if (o->direct) {
        int c = fclose(o->f);
        o->f = NULL;
        if (c != 0) st = hn_err_set(err, HN_ERR_IO, "%s: write error: %s", name, strerror(errno ? errno : EIO));
    } else {
        int fd = fileno(o->f), c;
        if (fchmod(fd, o->has_mode ? (mode_t)o->mode : (mode_t)new_file_mode()) != 0 ||
            (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)) {
            st = hn_err_set(err, HN_ERR_IO, "%s: write error: %s", name, strerror(errno));
        }
        if (st == HN_OK && o->anon) st = give_name(o, fd, err);
        c = fclose(o->f);
        o->f = NULL;
        if (st == HN_OK && c != 0)
            st = hn_err_set(err, HN_ERR_IO, "%s: write error: %s", name, strerror(errno ? errno : EIO));
        if (st == HN_OK && rename(o->tmp, o->target) != 0)
            st = hn_err_set(err, HN_ERR_IO, "%s: %s", name, strerror(errno));
        if (st == HN_OK) { /* renamed: nothing left to remove */
            free(o->tmp);
            o->tmp = NULL;
        }
    }
    hn_outfile_abort(o);
    return st;
}

hn_status hn_outfile_check(const char *path, hn_err *err)
{
    struct stat st;
    char *target, *dir;
    int ok;
    if (!strcmp(path, "-")) return HN_OK;
    if (!(target = resolve(path)))
        return hn_err_set(err, errno == ELOOP ? HN_ERR_IO : HN_ERR_NOMEM, "%s: %s", path, strerror(errno));
    if (stat(target, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            free(target);
            return hn_err_set(err, HN_ERR_IO, "%s: is a directory", path);
        }
        if (!S_ISREG(st.st_mode)) {
            ok = access(target, W_OK) == 0;
            free(target);
            return ok ? HN_OK : hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
        }
    }
    dir = dir_of(target);
    free(target);
    if (!dir) return hn_err_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        hn_err_set(err, HN_ERR_IO, "%s: folder '%s' does not exist", path, dir);
        free(dir);
        return HN_ERR_IO;
    }
    ok = access(dir, W_OK | X_OK) == 0;
    if (!ok) hn_err_set(err, HN_ERR_IO, "%s: cannot write in folder '%s': %s", path, dir, strerror(errno));
    free(dir);
    return ok ? HN_OK : HN_ERR_IO;
}

int hn_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b || !strcmp(a, "-") || !strcmp(b, "-")) return 0;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int hn_same_target(const char *a, const char *b)
{
    struct stat sa, sb;
    char *ta, *tb, *da = NULL, *db = NULL;
    int same = 0;
    if (!a || !b || !strcmp(a, "-") || !strcmp(b, "-")) return 0;
    if (hn_same_file(a, b)) return 1;
    ta = resolve(a);
    tb = resolve(b);
    if (ta && tb) {
        const char *ba = strrchr(ta, '/'), *bb = strrchr(tb, '/');
        ba = ba ? ba + 1 : ta;
        bb = bb ? bb + 1 : tb;
        da = dir_of(ta);
        db = dir_of(tb);
        same = da && db && !strcmp(ba, bb) && stat(da, &sa) == 0 && stat(db, &sb) == 0 && sa.st_dev == sb.st_dev &&
               sa.st_ino == sb.st_ino;
    }
    free(ta);
    free(tb);
    free(da);
    free(db);
    return same;
}
