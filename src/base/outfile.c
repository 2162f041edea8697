/* outfile.c - the atomic file writer (see outfile.h)
 *
 * Symlinks are resolved by hand (readlink, up to 40 hops as the kernel
 * allows) rather than with realpath(), because the final target of a
 * link may not exist yet. The temporary is created with mkstemp() in the
 * resolved target's folder, so rename() never crosses a file system.
 */
#include "src/base/outfile.h"

#include <errno.h>
#include <fcntl.h>
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

void hn_outfile_abort(hn_outfile *o)
{
    if (o->f && o->f != stdout) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
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
