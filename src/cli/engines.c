/* engines.c - pool shards scored by GNU parallel, Slurm or a template of
 * the user's (engines.h)
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "src/cli/engines.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/base/log.h"
#include "src/cli/cli.h"
#include "src/core/container.h"

static int is_builtin(const char *name) { return !strcmp(name, "parallel") || !strcmp(name, "slurm"); }

/* a word for a POSIX shell, single-quoted */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputs("'\\''", f);
        else fputc(*s, f);
    }
    fputc('\'', f);
}

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[4096];
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog);
        if (access(buf, X_OK) == 0) return 1;
        path = colon ? colon + 1 : NULL;
    }
    return 0;
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int hn_engine_init(hn_engine *e, const char *name, const char *work_dir)
{
    const char *env = getenv("HARDNEG_ENGINES");
    char *slash;
    ssize_t n;
    e->name = name;
    if (!is_builtin(name) && !strstr(name, "{cmd}"))
        return hn_cli_usage_error("mine", "--score-with: '%s' is not local, parallel, slurm, or a template holding "
                                          "{cmd} (the score command of one shard)", name);
    if (!strcmp(name, "parallel") && !on_path("parallel"))
        return hn_cli_usage_error("mine", "--score-with parallel: GNU parallel is not installed (apt-get install "
                                          "parallel)");
    if (!strcmp(name, "slurm") && !on_path("sbatch"))
        return hn_cli_usage_error("mine", "--score-with slurm: sbatch is not on PATH (Slurm's client: apt-get install "
                                          "slurm-client, and a cluster to submit to)");
    if ((n = readlink("/proc/self/exe", e->self, sizeof e->self - 1)) < 0)
        return hn_cli_fail("mine", "cannot find this program: %s", strerror(errno));
    e->self[n] = '\0';
    /* the engine scripts: $HARDNEG_ENGINES, installed beside the program, or the source tree */
    e->scripts[0] = '\0';
    if (env && *env) {
        snprintf(e->scripts, sizeof e->scripts, "%s", env);
    } else {
        char dir[3800];
        snprintf(dir, sizeof dir, "%.3799s", e->self);
        if ((slash = strrchr(dir, '/'))) *slash = '\0';
        snprintf(e->scripts, sizeof e->scripts, "%s/../share/hardneg/engines", dir);
        if (!is_dir(e->scripts)) snprintf(e->scripts, sizeof e->scripts, "%s/../mining/engines", dir);
    }
    if (is_builtin(name) && !is_dir(e->scripts))
        return hn_cli_fail("mine", "--score-with %s: the engine scripts are not at %s (set HARDNEG_ENGINES)", name,
                           e->scripts);
    if (work_dir) {
        if (mkdir(work_dir, 0700) != 0 && errno != EEXIST)
            return hn_cli_fail("mine", "--work-dir %s: %s", work_dir, strerror(errno));
        if (!is_dir(work_dir)) return hn_cli_fail("mine", "--work-dir %s: not a folder", work_dir);
        snprintf(e->work, sizeof e->work, "%s", work_dir);
        e->own_work = 0;
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(e->work, sizeof e->work, "%s/hardneg-mine-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(e->work)) return hn_cli_fail("mine", "%s: cannot make a work folder: %s", e->work, strerror(errno));
        e->own_work = 1;
    }
    hn_log(HN_LOG_INFO, "mine: %d shards scored by %s; work folder %s", e->nshards, name, e->work);
    return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

void hn_engine_done(hn_engine *e)
{
    if (e->own_work && e->work[0]) nftw(e->work, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run argv and wait: 0, or -1 with why. */
static int run(char *const *argv, char *why, size_t n)
{
    pid_t pid = fork();
    int status;
    if (pid < 0) return snprintf(why, n, "fork: %s", strerror(errno)), -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return snprintf(why, n, "waitpid: %s", strerror(errno)), -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status)) snprintf(why, n, "exit status %d", WEXITSTATUS(status));
    else snprintf(why, n, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return -1;
}

static hn_status write_hashes(const char *path, const hn_hashset *s, hn_err *err)
{
    FILE *f = fopen(path, "w");
    hn_status st;
    if (!f) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    st = hn_hashset_write(s, f);
    if (fclose(f) != 0 || st != HN_OK) return hn_err_set(err, HN_ERR_IO, "%s: write error", path);
    return HN_OK;
}

/* The score command of shard i, as one line of a shell script. */
static void score_command(FILE *f, const hn_engine *e, const char *dir, int i, const char *neg,
                          const hn_select_opts *so)
{
    double lo = so->mode == HN_SELECT_MISCLASSIFIED ? so->threshold - so->margin : 0;
    put_quoted(f, e->self);
    fprintf(f, " score -q --top %lld --negative-label ", (long long)so->per_round);
    put_quoted(f, neg);
    fprintf(f, " --max-score %.17g --min-score %.17g --threshold %.17g --threads %d", so->max_score, lo < 0 ? 0 : lo,
            so->mode == HN_SELECT_MISCLASSIFIED ? so->threshold : 0.5, (int)e->score_threads);
    fprintf(f, " --format %s --max-line-bytes %zu", hn_format_name(e->pool_ro.format), e->pool_ro.max_line_bytes);
    if (e->pool_ro.skip_bad) fputs(" --skip-bad", f);
    fputs(" --label-prefix ", f);
    put_quoted(f, e->pool_ro.label_prefix);
    fprintf(f, " --known '%s/known.hashes' --excluded '%s/excluded.hashes'", dir, dir);
    fprintf(f, " --counts '%s/shard-%d.counts' -o '%s/shard-%d.tsv' '%s/model.hn' ", dir, i, dir, i, dir);
    put_quoted(f, e->shards[i]);
}

static hn_status read_counts(const char *path, hn_pool_stats *ps, hn_err *err)
{
    FILE *f = fopen(path, "r");
    long long scored, mis, above, known, excl, kept;
    int got;
    if (!f) return hn_err_set(err, HN_ERR_IO, "%s: %s (did the shard's job run?)", path, strerror(errno));
    got = fscanf(f, "{\"scored\":%lld,\"misclassified\":%lld,\"above_ceiling\":%lld,\"known\":%lld,\"excluded\":%lld,"
                    "\"kept\":%lld",
                 &scored, &mis, &above, &known, &excl, &kept);
    fclose(f);
    if (got != 6) return hn_err_set(err, HN_ERR_FORMAT, "%s: not the counts of hardneg score", path);
    ps->scored += scored;
    ps->misclassified += mis;
    ps->above_ceiling += above;
    ps->dup_exact += known;
    ps->excluded += excl;
    return HN_OK;
}

hn_status hn_engine_score_pool(void *user, const hn_classifier *cl, int32_t negative, int32_t round,
                               const hn_hashset *known, const hn_hashset *exclude, const hn_select_opts *so,
                               hn_topk *out, hn_pool_stats *ps, hn_err *err)
{
    hn_engine *e = user;
    char dir[4200], path[4300], why[256];
    char **outs = NULL;
    FILE *f;
    hn_status st;
    int i, rc;
    snprintf(dir, sizeof dir, "%s/round-%d", e->work, (int)round);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return hn_err_set(err, HN_ERR_IO, "%s: %s", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/model.hn", dir);
    if ((st = hn_classifier_save(cl, path, err)) != HN_OK) return st;
    snprintf(path, sizeof path, "%s/known.hashes", dir);
    if ((st = write_hashes(path, known, err)) != HN_OK) return st;
    snprintf(path, sizeof path, "%s/excluded.hashes", dir);
    if ((st = write_hashes(path, exclude, err)) != HN_OK) return st;
    /* the commands: one line a shard */
    snprintf(path, sizeof path, "%s/commands", dir);
    if (!(f = fopen(path, "w"))) return hn_err_set(err, HN_ERR_IO, "%s: %s", path, strerror(errno));
    for (i = 0; i < e->nshards; i++) {
        if (is_builtin(e->name)) {
            score_command(f, e, dir, i, cl->labels[negative], so);
        } else { /* the user's template around the command */
            const char *t = e->name, *at;
            while ((at = strstr(t, "{cmd}"))) {
                fwrite(t, 1, (size_t)(at - t), f);
                score_command(f, e, dir, i, cl->labels[negative], so);
                t = at + 5;
            }
            fputs(t, f);
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) return hn_err_set(err, HN_ERR_IO, "%s: write error", path);
    /* run them */
    {
        char jobs[32], script[4200], sh[] = "sh", dash_e[] = "-e", hosts[4096];
        snprintf(jobs, sizeof jobs, "%d", (int)e->jobs);
        snprintf(hosts, sizeof hosts, "%s", e->sshloginfile ? e->sshloginfile : "");
        if (!strcmp(e->name, "parallel")) {
            char *argv[] = {sh, script, path, jobs, hosts, NULL};
            snprintf(script, sizeof script, "%s/parallel.sh", e->scripts);
            rc = run(argv, why, sizeof why);
        } else if (!strcmp(e->name, "slurm")) {
            char *argv[] = {sh, script, path, dir, NULL};
            snprintf(script, sizeof script, "%s/slurm.sh", e->scripts);
            rc = run(argv, why, sizeof why);
        } else {
            char *argv[] = {sh, dash_e, path, NULL};
            rc = run(argv, why, sizeof why);
        }
        if (rc != 0) {
            if (hn_cli_stop) return hn_err_set(err, HN_ERR_INTERRUPTED, "interrupted while the shards were scored");
            return hn_err_set(err, HN_ERR_IO, "round %d: the %s engine failed (%s); its commands are in %s",
                              (int)round, is_builtin(e->name) ? e->name : "template", why, path);
        }
    }
    /* merge: the K best of the shards' K best are the K best of the pool */
    if (!(outs = calloc((size_t)e->nshards, sizeof *outs))) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    st = HN_OK;
    for (i = 0; i < e->nshards && st == HN_OK; i++) {
        snprintf(path, sizeof path, "%s/shard-%d.counts", dir, i);
        if ((st = read_counts(path, ps, err)) != HN_OK) break;
        snprintf(path, sizeof path, "%s/shard-%d.tsv", dir, i);
        if (!(outs[i] = strdup(path))) st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    if (st == HN_OK) st = hn_merge_shards((const char *const *)outs, e->nshards, so->per_round, out, err);
    for (i = 0; i < e->nshards; i++) free(outs[i]);
    free(outs);
    return st;
}
