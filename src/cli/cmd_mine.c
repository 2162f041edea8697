/* cmd_mine.c - `hardneg mine`: the offline hard-negative miner
 *
 * src/cli. Options in, src/core/mine.h's hn_mine_run does the rounds; this
 * file prints the round table, writes the model, --mined, --report and
 * --plot (every round's validation curve, from the scores hn_mine_run
 * hands over each round).
 * SIGINT/SIGTERM stop between steps: the best model so far is written and
 * the message says so (exit 1).
 */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/engines.h"
#include "src/cli/tokopts.h"
#include "src/cli/train_opts.h"
#include "src/cli/tune.h"
#include "src/core/container.h"
#include "src/core/mine.h"
#include "src/eval/metrics.h"
#include "src/eval/svgplot.h"
#include "src/eval/threshold.h"

enum {
    OPT_TRAIN = 3000, OPT_POOL, OPT_POOL_FORMAT, OPT_NEG, OPT_ROUNDS, OPT_PER_ROUND, OPT_SELECT, OPT_MAX_SCORE, OPT_MARGIN,
    OPT_DEDUPE, OPT_CACHE_LIMIT, OPT_EASY, OPT_RETRAIN, OPT_METRIC, OPT_PATIENCE, OPT_MINED, OPT_REPORT, OPT_MAX_DROP,
    OPT_LIKE, OPT_TUNE, OPT_TUNE_METRIC, OPT_AUDIT, OPT_EXCLUDE, OPT_SHARDS, OPT_SCORE_WITH, OPT_JOBS, OPT_SSH,
    OPT_WORK, OPT_PLOT, OPT_WARM_START
};


static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg mine --train FILE --pool FILE [--pool FILE...] --valid FILE\n"
            "                    --negative-label L -o MODEL [options]\n"
            "\n"
            "Train, score the negative pool, add the hardest negatives to a cache, retrain,\n"
            "and repeat while the validation metric improves. Every pool line counts as the\n"
            "negative label. The best model (by validation) is written to MODEL.\n"
            "\n"
            "mining:\n"
            "  --rounds R            mining rounds after the initial model [5]\n"
            "  --pool FILE           a file of unlabeled lines (labels, if any, are ignored),\n"
            "                        every line a negative; repeat for several; - = standard input\n"
            "  --pool-format F       auto, fasttext, tsv, text, mail [auto]\n"
            "  --top K               most negatives added per round (alias --per-round) [1000]\n"
            "  --select S            misclassified (score >= threshold - margin) or top-loss\n"
            "                        (the K highest scores) [misclassified]\n"
            "  --margin M            also take 'nearly wrong' negatives within M [0.1]\n"
            "  --max-score S         skip pool lines scoring above S: likely mislabeled [0.99]\n"
            "  --dedupe D            exact or near (SimHash, also against cache and positives) [near]\n"
            "  --cache-limit N       most cached negatives, 0 = no limit [0]\n"
            "  --easy E              drop cached negatives whose score fell below E; 0 = keep\n"
            "                        (dropped lines are never mined again) [0]\n"
            "  --retrain             retrain from scratch each round [the default]\n"
            "  --warm-start          retrain each round from the previous round's solve: dcd\n"
            "                        keeps the dual variables of the lines it had (new lines\n"
            "                        start at 0): the same optimum as from scratch, in fewer\n"
            "                        passes; sgd and the MLP run their epochs from the previous\n"
            "                        model's weights (optimizer state starts afresh: not faster,\n"
            "                        and worse on CLINC150; see the README) [off]\n"
            "  --metric M            ap, f1, recall@P (binary); accuracy, balanced (mean of\n"
            "                        in-scope accuracy and negative recall), in-scope,\n"
            "                        negative-recall (recall of the negative label while\n"
            "                        in-scope accuracy stays within --max-drop of round 0),\n"
            "                        reject-recall (the same with a reject threshold chosen on\n"
            "                        --valid each round; the best round's is kept in the model)\n"
            "                        [binary: ap; multi-class: reject-recall]\n"
            "  --max-drop D          in-scope accuracy negative-recall and reject-recall may give\n"
            "                        up, against round 0 without a threshold [0.01]\n"
            "  --patience P          stop after P rounds without improvement [2]\n"
            "  --mined FILE          write every mined line: round<TAB>score<TAB>line\n"
            "  --report FILE.json    write the round table as JSON\n"
            "  --plot FILE.svg       draw every round's curve on --valid in one picture:\n"
            "                        binary, precision-recall of the positive label; with a\n"
            "                        reject label, in-scope accuracy against oos recall as\n"
            "                        the reject threshold sweeps (dots: each round's threshold)\n"
            "  --json                the same JSON on standard output (--report -)\n"
            "  --audit N FILE        write N mined lines, sampled by score band, for a person to\n"
            "                        check (pool lines may be positives in disguise)\n"
            "  --exclude FILE        never mine these lines: an audit or --mined file cut down to\n"
            "                        the real positives, or plain / labeled lines\n"
            "\n"
            "scoring the pool elsewhere (the selection is the same as scoring it here):\n"
            "  --pool-shards GLOB    the pool as shard files (quote the pattern), instead of --pool\n"
            "  --score-with E        local (threads here), parallel (GNU parallel; --jobs,\n"
            "                        --sshloginfile), slurm (a job array per round, sbatch --wait;\n"
            "                        $HARDNEG_SBATCH_OPTS adds options), or a template holding\n"
            "                        {cmd}, the score command of one shard, run once a shard with\n"
            "                        sh (e.g. 'ssh host {cmd}') [local]\n"
            "  --jobs N              parallel: shards at once [2]\n"
            "  --sshloginfile F      parallel: run on these hosts (GNU parallel's file)\n"
            "  --work-dir D          the rounds' models, hash files, commands and candidates;\n"
            "                        shared by the hosts [a new folder under $TMPDIR, removed]\n"
            "\n"
            "settings (else the options below, or their defaults):\n"
            "  --like MODEL          train as MODEL was trained: its stored training and feature\n"
            "                        options (see 'hardneg info'); options given here override\n"
            "  --tune SECONDS        first search the settings on --train/--valid for this long\n"
            "                        ('hardneg tune'), then mine with the best; options given\n"
            "                        here are fixed\n"
            "  --tune-metric M       what --tune maximizes (see 'hardneg tune --help')\n"
            "                        [binary: ap; else in-scope-accuracy]\n"
            "\n");
    hn_cli_train_help(out);
    fprintf(out, "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error (I/O, bad data, interrupted), 2 usage error\n");
}

static void write_report(FILE *f, const hn_mine_result *res)
{
    int32_t i;
    /* the two recalls are named for the task, as in the table on stderr */
    const char *k1 = res->binary ? "positive_recall" : "in_scope_accuracy";
    const char *k2 = res->binary ? "negative_recall" : "oos_recall";
    fprintf(f, "{\"metric\":\"%s\",\"best_round\":%d,\"rounds\":[", hn_mine_metric_name(res->metric),
            (int)res->best_round);
    for (i = 0; i < res->nrows; i++) {
        const hn_mine_round *r = &res->rows[i];
        fprintf(f,
                "%s{\"round\":%d,\"pool_scored\":%lld,\"misclassified\":%lld,\"above_ceiling\":%lld,"
                "\"duplicates_exact\":%lld,\"duplicates_near\":%lld,\"selected\":%lld,\"cache\":%lld,"
                "\"cache_dropped\":%lld,\"excluded\":%lld,",
                i ? "," : "", (int)r->round, (long long)r->scored, (long long)r->misclassified,
                (long long)r->above_ceiling, (long long)r->dup_exact, (long long)r->dup_near, (long long)r->selected,
                (long long)r->cache, (long long)r->dropped, (long long)r->excluded);
        if (r->below_floor) fprintf(f, "\"metric\":null,\"below_floor\":true,");
        else fprintf(f, "\"metric\":%.17g,\"below_floor\":false,", r->metric);
        if (r->has_threshold) fprintf(f, "\"threshold\":%.17g,", r->threshold);
        fprintf(f, "\"%s\":%.17g,\"%s\":%.17g,\"seconds\":%.3f}", k1, r->in_scope, k2, r->neg_recall, r->seconds);
    }
    fprintf(f, "]}\n");
}

/* ---- --plot: every round's curve on the validation set ------------------ */

/* The validation scores of every round, copied as the rounds end: memory
 * is the validation size times the rounds (20 bytes an example a round). */
typedef struct plot_round {
    int32_t round;
    double *a;        /* binary: P(positive); else the top probability */
    double *oos;      /* else: the out-of-scope score (for the AUROC) */
    int32_t *top;     /* else: the most probable class */
    int has_t;        /* the round's reject threshold, from its row */
    double t;
} plot_round;

typedef struct plot_rounds {
    int binary;
    int32_t neg, nl;
    int64_t n;
    int32_t *gold;    /* the first round's: the validation set is the same every round */
    plot_round *r;
    int32_t nr, cap;
} plot_rounds;

static void plot_rounds_free(plot_rounds *pr)
{
    int32_t i;
    for (i = 0; i < pr->nr; i++) {
        free(pr->r[i].a);
        free(pr->r[i].oos);
        free(pr->r[i].top);
    }
    free(pr->r);
    free(pr->gold);
    memset(pr, 0, sizeof *pr);
}

static hn_status keep_valid(void *user, const hn_mine_valid *v, hn_err *err)
{
    plot_rounds *pr = user;
    plot_round *q;
    size_t n = (size_t)(v->n > 0 ? v->n : 1);
    if (!pr->gold) {
        if (!(pr->gold = malloc(n * sizeof *pr->gold))) goto nomem;
        memcpy(pr->gold, v->gold, (size_t)v->n * sizeof *pr->gold);
        pr->binary = v->binary;
        pr->neg = v->negative;
        pr->nl = v->nlabels;
        pr->n = v->n;
    }
    if (pr->nr == pr->cap) {
        int32_t cap = pr->cap ? pr->cap * 2 : 8;
        plot_round *r = realloc(pr->r, (size_t)cap * sizeof *r);
        if (!r) goto nomem;
        pr->r = r;
        pr->cap = cap;
    }
    q = &pr->r[pr->nr];
    memset(q, 0, sizeof *q);
    q->round = v->round;
    if (!(q->a = malloc(n * sizeof *q->a))) goto nomem;
    pr->nr++; /* freed with the others from here on */
    if (v->binary) {
        memcpy(q->a, v->score, (size_t)v->n * sizeof *q->a);
        return HN_OK;
    }
    if (!(q->oos = malloc(n * sizeof *q->oos)) || !(q->top = malloc(n * sizeof *q->top))) goto nomem;
    memcpy(q->a, v->top_prob, (size_t)v->n * sizeof *q->a);
    memcpy(q->oos, v->oos_score, (size_t)v->n * sizeof *q->oos);
    memcpy(q->top, v->top, (size_t)v->n * sizeof *q->top);
    return HN_OK;
nomem:
    return hn_err_set(err, HN_ERR_NOMEM, "--plot: out of memory keeping the validation scores of round %d",
                      (int)v->round);
}

static void round_name(char *buf, size_t size, int32_t round, int32_t best)
{
    snprintf(buf, size, "round %d%s%s", (int)round, round == 0 ? ", no mining" : "", round == best ? ", best" : "");
}

/* Precision-recall curves of the positive label, one a round. */
static hn_status plot_binary(FILE *f, const plot_rounds *pr, int32_t best, const char *title, hn_err *err)
{
    int32_t *y = malloc((size_t)pr->n * sizeof *y), i;
    hn_binary_metrics *bm = calloc((size_t)pr->nr, sizeof *bm);
    hn_plot_curve *c = calloc((size_t)pr->nr, sizeof *c);
    char (*names)[64] = calloc((size_t)pr->nr, sizeof *names);
    hn_status st = HN_OK;
    int64_t j;
    if (!y || !bm || !c || !names) {
        st = hn_err_set(err, HN_ERR_NOMEM, "--plot: out of memory");
        goto done;
    }
    for (j = 0; j < pr->n; j++) y[j] = pr->gold[j] != pr->neg && pr->gold[j] < pr->nl;
    for (i = 0; i < pr->nr; i++) {
        if ((st = hn_binary_compute(y, pr->r[i].a, pr->n, 0.5, &bm[i], err)) != HN_OK) goto done;
        round_name(names[i], sizeof names[i], pr->r[i].round, best);
        c[i].name = names[i];
        c[i].points = bm[i].curve;
        c[i].n = bm[i].curve_len;
        c[i].has_ap = bm[i].has_average_precision;
        c[i].average_precision = bm[i].average_precision;
    }
    st = hn_svgplot_pr_write(f, c, pr->nr, title, err);
done:
    if (bm)
        for (i = 0; i < pr->nr; i++) hn_binary_free(&bm[i]);
    free(y);
    free(bm);
    free(c);
    free(names);
    return st;
}

/* In-scope accuracy against out-of-scope recall, one curve a round, each
 * round's reject threshold a dot on its curve. */
static hn_status plot_reject(FILE *f, const plot_rounds *pr, int32_t best, const char *title, hn_err *err)
{
    int32_t *y = malloc((size_t)pr->n * sizeof *y), i, nm = 0;
    hn_reject_curve *rc = calloc((size_t)pr->nr, sizeof *rc);
    hn_plot_series *sv = calloc((size_t)pr->nr, sizeof *sv);
    hn_plot_mark *mk = calloc((size_t)pr->nr, sizeof *mk);
    char (*names)[64] = calloc((size_t)pr->nr, sizeof *names), (*figs)[32] = calloc((size_t)pr->nr, sizeof *figs);
    hn_plot_axes ax;
    hn_status st = HN_OK;
    int64_t j;
    if (!y || !rc || !sv || !mk || !names || !figs) {
        st = hn_err_set(err, HN_ERR_NOMEM, "--plot: out of memory");
        goto done;
    }
    for (j = 0; j < pr->n; j++) y[j] = pr->gold[j] == pr->neg;
    for (i = 0; i < pr->nr; i++) {
        hn_binary_metrics bm;
        const plot_round *q = &pr->r[i];
        if ((st = hn_reject_curve_compute(q->a, q->top, pr->gold, pr->n, pr->neg, &rc[i], err)) != HN_OK) goto done;
        if ((st = hn_binary_compute(y, q->oos, pr->n, 0.5, &bm, err)) != HN_OK) goto done;
        if (bm.has_roc_auc) snprintf(figs[i], sizeof figs[i], "OOS AUROC %.4f", bm.roc_auc);
        else snprintf(figs[i], sizeof figs[i], "OOS AUROC undefined");
        hn_binary_free(&bm);
        round_name(names[i], sizeof names[i], q->round, best);
        sv[i].name = names[i];
        sv[i].figure = figs[i];
        sv[i].x = &rc[i].points[0].oos_recall;
        sv[i].y = &rc[i].points[0].in_scope_accuracy;
        sv[i].stride = sizeof rc[i].points[0];
        sv[i].n = rc[i].len;
        if (q->has_t) {
            hn_reject_point p = hn_reject_curve_at(&rc[i], q->t);
            mk[nm].x = p.oos_recall;
            mk[nm].y = p.in_scope_accuracy;
            mk[nm].series = i;
            mk[nm].shape = HN_PLOT_MARK_DOT;
            mk[nm].label = nm == 0 ? "dots: each round's reject threshold" : NULL;
            nm++;
        }
    }
    ax.title = title;
    ax.xlabel = "Out-of-scope recall";
    ax.ylabel = "In-scope accuracy";
    st = hn_svgplot_write(f, &ax, sv, pr->nr, mk, nm, err);
done:
    if (rc)
        for (i = 0; i < pr->nr; i++) hn_reject_curve_free(&rc[i]);
    free(y);
    free(rc);
    free(sv);
    free(mk);
    free(names);
    free(figs);
    return st;
}

static int write_plot(const plot_rounds *pr, const hn_mine_result *res, const char *valid, const char *path)
{
    hn_outfile of;
    hn_err err;
    hn_status st;
    char title[300];
    const char *base = strrchr(valid, '/') ? strrchr(valid, '/') + 1 : valid;
    if (pr->nr == 0) return hn_cli_fail("mine", "--plot: no round was evaluated");
    if (pr->binary) snprintf(title, sizeof title, "Precision-recall on %.200s, every mining round", base);
    else snprintf(title, sizeof title, "In-scope accuracy against oos recall on %.200s, every mining round", base);
    if ((st = hn_outfile_open(&of, path, &err)) != HN_OK) return hn_cli_fail_err("mine", st, &err);
    st = pr->binary ? plot_binary(of.f, pr, res->best_round, title, &err)
                    : plot_reject(of.f, pr, res->best_round, title, &err);
    if (st != HN_OK) {
        hn_outfile_abort(&of);
        return hn_cli_fail("mine", "%s: %s", path, err.msg);
    }
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) return hn_cli_fail_err("mine", st, &err);
    return HN_EXIT_OK;
}

static void print_row(const hn_mine_round *r, int best, const hn_mine_result *res, void *user)
{
    char metric[32], thr[32] = "";
    plot_rounds *pr = user;
    if (pr && pr->nr > 0 && pr->r[pr->nr - 1].round == r->round) {
        pr->r[pr->nr - 1].has_t = r->has_threshold;
        pr->r[pr->nr - 1].t = r->threshold;
    }
    if (r->round == 0)
        hn_log(HN_LOG_INFO, "mine: round     scored  miscls  excluded  selected    cache       metric  %s  %s%s  seconds",
               res->binary ? "pos-rec" : "in-scope", res->binary ? "neg-rec" : "oos-rec",
               r->has_threshold ? "  threshold" : "");
    if (r->below_floor) snprintf(metric, sizeof metric, "%s", "below floor"); /* in-scope fell more than --max-drop */
    else snprintf(metric, sizeof metric, "%.4f", r->metric);
    if (r->has_threshold) snprintf(thr, sizeof thr, "  %9.4f", r->threshold);
    hn_log(HN_LOG_INFO, "mine: %5d %10lld %7lld %9lld %9lld %8lld  %11s  %8.4f  %7.4f%s  %7.1f%s", (int)r->round,
           (long long)r->scored, (long long)r->misclassified, (long long)r->excluded, (long long)r->selected,
           (long long)r->cache, metric,
           r->in_scope, r->neg_recall, thr, r->seconds, best ? "  *best" : "");
}

/* Run, then write the model, the mined lines and the report. */
static int run(hn_mine_opts *o, const char *output, const char *mined_path, const char *report_path,
               const char *audit_path, const char *plot_path, const char *words)
{
    hn_mine_result res;
    plot_rounds pr;
    hn_outfile mined, rep, audit;
    hn_err err;
    hn_status st;
    int rc = HN_EXIT_OK, have_mined = 0, have_audit = 0;
    memset(&res, 0, sizeof res);
    memset(&pr, 0, sizeof pr);
    if (plot_path) {
        o->on_valid = keep_valid;
        o->valid_user = &pr;
    }
    if (mined_path) {
        if ((st = hn_outfile_open(&mined, mined_path, &err)) != HN_OK) return hn_cli_fail_err("mine", st, &err);
        have_mined = 1;
        o->mined = mined.f;
    }
    if (audit_path) {
        if ((st = hn_outfile_open(&audit, audit_path, &err)) != HN_OK) {
            if (have_mined) hn_outfile_abort(&mined);
            return hn_cli_fail_err("mine", st, &err);
        }
        have_audit = 1;
        o->audit = audit.f;
    }
    if ((st = hn_mine_run(o, print_row, &pr, &hn_cli_stop, &res, &err)) != HN_OK) {
        rc = hn_cli_fail_err("mine", st, &err);
        goto done;
    }
    if (words && !(res.best->options = strdup(words))) {
        rc = hn_cli_fail("mine", "out of memory");
        goto done;
    }
    if (o->fit.keep_ngrams > 0) { /* the strings of the training file and the pool (the mined lines come from it) */
        const char *paths[65];
        const hn_reader_opts *ros[65];
        int i;
        paths[0] = o->train_path;
        ros[0] = &o->ro;
        for (i = 0; i < o->npools; i++) {
            paths[i + 1] = o->pools[i];
            ros[i + 1] = &o->pool_ro;
        }
        if ((st = hn_fit_keep_ngrams(&o->fit, res.best, paths, ros, o->npools + 1, &hn_cli_stop, &err)) != HN_OK) {
            rc = hn_cli_fail_err("mine", st, &err);
            goto done;
        }
    }
    if ((st = hn_classifier_save(res.best, output, &err)) != HN_OK) {
        rc = hn_cli_fail_err("mine", st, &err);
        goto done;
    }
    if (res.interrupted) {
        hn_log(HN_LOG_ERROR, "mine: interrupted; wrote the best model so far (round %d) to %s", (int)res.best_round,
               output);
        rc = HN_EXIT_RUNTIME;
    } else {
        hn_log(HN_LOG_INFO, "mine: best round %d (%s %.4f); wrote %s", (int)res.best_round,
               hn_mine_metric_name(res.metric), res.best_metric, output);
    }
    if (report_path) {
        if ((st = hn_outfile_open(&rep, report_path, &err)) != HN_OK) {
            rc = hn_cli_fail_err("mine", st, &err);
            goto done;
        }
        write_report(rep.f, &res);
        if ((st = hn_outfile_commit(&rep, &err)) != HN_OK) {
            rc = hn_cli_fail_err("mine", st, &err);
            goto done;
        }
    }
    if (plot_path) {
        int prc = write_plot(&pr, &res, o->valid_path, plot_path);
        if (prc != HN_EXIT_OK) rc = prc;
    }
done:
    if (have_mined) {
        /* the mined lines belong with the model that was written */
        if (res.best && (rc == HN_EXIT_OK || res.interrupted)) {
            if ((st = hn_outfile_commit(&mined, &err)) != HN_OK && rc == HN_EXIT_OK) rc = hn_cli_fail_err("mine", st, &err);
        } else {
            hn_outfile_abort(&mined);
        }
    }
    if (have_audit) {
        if (res.best && rc == HN_EXIT_OK) {
            if ((st = hn_outfile_commit(&audit, &err)) != HN_OK) rc = hn_cli_fail_err("mine", st, &err);
        } else {
            hn_outfile_abort(&audit);
        }
    }
    hn_mine_result_free(&res);
    plot_rounds_free(&pr);
    return rc;
}

int cmd_mine(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"train", required_argument, NULL, OPT_TRAIN},
        {"pool", required_argument, NULL, OPT_POOL},
        {"negative-label", required_argument, NULL, OPT_NEG},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"per-round", required_argument, NULL, OPT_PER_ROUND},
        {"top", required_argument, NULL, OPT_PER_ROUND},
        {"pool-format", required_argument, NULL, OPT_POOL_FORMAT},
        {"select", required_argument, NULL, OPT_SELECT},
        {"max-score", required_argument, NULL, OPT_MAX_SCORE},
        {"margin", required_argument, NULL, OPT_MARGIN},
        {"dedupe", required_argument, NULL, OPT_DEDUPE},
        {"cache-limit", required_argument, NULL, OPT_CACHE_LIMIT},
        {"easy", required_argument, NULL, OPT_EASY},
        {"retrain", no_argument, NULL, OPT_RETRAIN},
        {"warm-start", no_argument, NULL, OPT_WARM_START},
        {"metric", required_argument, NULL, OPT_METRIC},
        {"patience", required_argument, NULL, OPT_PATIENCE},
        {"mined", required_argument, NULL, OPT_MINED},
        {"report", required_argument, NULL, OPT_REPORT},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"json", no_argument, NULL, 'j'},
        {"max-drop", required_argument, NULL, OPT_MAX_DROP},
        {"like", required_argument, NULL, OPT_LIKE},
        {"audit", required_argument, NULL, OPT_AUDIT},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"pool-shards", required_argument, NULL, OPT_SHARDS},
        {"score-with", required_argument, NULL, OPT_SCORE_WITH},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"sshloginfile", required_argument, NULL, OPT_SSH},
        {"work-dir", required_argument, NULL, OPT_WORK},
        {"tune", required_argument, NULL, OPT_TUNE},
        {"tune-metric", required_argument, NULL, OPT_TUNE_METRIC},
        HN_CLI_TRAIN_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    hn_mine_opts mo;
    int retrain_given = 0;
    hn_cli_train_cfg cfg;
    const char *pools[64], *mined_path = NULL, *report_path = NULL, *audit_path = NULL, *plot_path = NULL;
    int c, rc, json = 0;
    long v;
    double x;
    hn_mine_opts_default(&mo);
    hn_cli_train_cfg_default(&cfg);
    cfg.fit.name = "mine";
    optind = 1;
    opterr = 0;
    /* reachable until the end: an early return is not a leak */
    static char *user_words;
    const char *like = NULL, *shards_glob = NULL, *score_with = "local", *work_dir = NULL;
    static glob_t shards; /* reachable until the end, as user_words */
    hn_engine eng;
    memset(&eng, 0, sizeof eng);
    eng.jobs = 2;
    long tune_budget = 0;
    hn_tune_opts to;
    hn_tune_opts_default(&to);
    for (;;) {
        int li = -1;
        if ((c = getopt_long(argc, argv, ":o:qvh", longopts, &li)) == -1) break;
        if (li >= 0 && hn_cli_is_model_option(c) &&
            hn_tune_note_option(&to, c, longopts[li].name, longopts[li].has_arg ? optarg : NULL) != 0)
            return hn_cli_fail("mine", "out of memory");
        user_words = to.fixed_words;
        switch (c) {
        case OPT_TRAIN: mo.train_path = optarg; break;
        case OPT_LIKE: like = optarg; break;
        case OPT_EXCLUDE: mo.exclude_path = optarg; break;
        case OPT_SHARDS: shards_glob = optarg; break;
        case OPT_SCORE_WITH: score_with = optarg; break;
        case OPT_JOBS:
            if (hn_cli_parse_long("mine", "--jobs", optarg, 1, 100000, &v)) return HN_EXIT_USAGE;
            eng.jobs = (int32_t)v;
            break;
        case OPT_SSH: eng.sshloginfile = optarg; break;
        case OPT_WORK: work_dir = optarg; break;
        case OPT_AUDIT:
            if (hn_cli_parse_long("mine", "--audit", optarg, 1, 100000000, &v)) return HN_EXIT_USAGE;
            mo.audit_n = v;
            if (optind >= argc || (argv[optind][0] == '-' && argv[optind][1]))
                return hn_cli_usage_error("mine", "--audit N FILE: missing FILE after %ld", v);
            audit_path = argv[optind++];
            break;
        case OPT_TUNE:
            if (hn_cli_parse_long("mine", "--tune", optarg, 1, 7 * 86400, &tune_budget)) return HN_EXIT_USAGE;
            break;
        case OPT_TUNE_METRIC: {
            hn_err e;
            if (hn_objective_parse(optarg, &to.metric, &e) != HN_OK) return hn_cli_usage_error("mine", "%s", e.msg);
            to.metric_set = 1;
            break;
        }
        case OPT_POOL:
            if (mo.npools == 64) return hn_cli_usage_error("mine", "at most 64 --pool files");
            pools[mo.npools++] = optarg;
            break;
        case OPT_NEG: mo.negative_label = optarg; break;
        case OPT_POOL_FORMAT:
            if (hn_format_parse(optarg, &mo.pool_ro.format) != HN_OK)
                return hn_cli_usage_error("mine", "--pool-format: unknown '%s' (auto, fasttext, tsv, text, mail)", optarg);
            break;
        case OPT_ROUNDS:
            if (hn_cli_parse_long("mine", "--rounds", optarg, 0, 1000, &v)) return HN_EXIT_USAGE;
            mo.rounds = (int32_t)v;
            break;
        case OPT_PER_ROUND:
            if (hn_cli_parse_long("mine", "--top", optarg, 1, 100000000, &v)) return HN_EXIT_USAGE;
            mo.select.per_round = v;
            break;
        case OPT_SELECT:
            if (!strcmp(optarg, "misclassified")) mo.select.mode = HN_SELECT_MISCLASSIFIED;
            else if (!strcmp(optarg, "top-loss")) mo.select.mode = HN_SELECT_TOP_LOSS;
            else return hn_cli_usage_error("mine", "--select: unknown '%s' (misclassified, top-loss)", optarg);
            break;
        case OPT_MAX_SCORE:
            if (hn_cli_parse_double("mine", "--max-score", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            mo.select.max_score = x;
            break;
        case OPT_MARGIN:
            if (hn_cli_parse_double("mine", "--margin", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            mo.select.margin = x;
            break;
        case OPT_DEDUPE:
            if (!strcmp(optarg, "exact")) mo.select.near_bits = -1;
            else if (!strcmp(optarg, "near")) mo.select.near_bits = 3;
            else return hn_cli_usage_error("mine", "--dedupe: unknown '%s' (exact, near)", optarg);
            break;
        case OPT_CACHE_LIMIT:
            if (hn_cli_parse_long("mine", "--cache-limit", optarg, 0, 1000000000, &v)) return HN_EXIT_USAGE;
            mo.cache_limit = v;
            break;
        case OPT_EASY:
            if (hn_cli_parse_double("mine", "--easy", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            mo.easy = x;
            break;
        case OPT_RETRAIN:
            if (mo.warm_start) return hn_cli_usage_error("mine", "--retrain and --warm-start: choose one");
            retrain_given = 1;
            break;
        case OPT_WARM_START:
            if (retrain_given) return hn_cli_usage_error("mine", "--retrain and --warm-start: choose one");
            mo.warm_start = 1;
            break;
        case OPT_METRIC:
            if (hn_mine_metric_parse(optarg, &mo.metric, &mo.metric_arg) != HN_OK)
                return hn_cli_usage_error("mine", "--metric: unknown '%s' (ap, f1, recall@P, accuracy, balanced, "
                                                  "in-scope, negative-recall, reject-recall)", optarg);
            break;
        case OPT_PATIENCE:
            if (hn_cli_parse_long("mine", "--patience", optarg, 1, 1000, &v)) return HN_EXIT_USAGE;
            mo.patience = (int32_t)v;
            break;
        case OPT_MINED: mined_path = optarg; break;
        case OPT_REPORT: report_path = optarg; break;
        case OPT_PLOT: plot_path = optarg; break;
        case 'j': json = 1; break;
        case OPT_MAX_DROP:
            if (hn_cli_parse_double("mine", "--max-drop", optarg, 0, 1, &mo.max_drop)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value("mine", argv[optind - 1]);
        case '?': return hn_cli_unknown_option("mine", argv, optind);
        default:
            if (hn_cli_train_option("mine", c, optarg, &cfg)) return HN_EXIT_USAGE;
        }
    }
    if (optind < argc) return hn_cli_usage_error("mine", "unexpected argument '%s'", argv[optind]);
    if (!mo.train_path) return hn_cli_usage_error("mine", "missing --train FILE");
    if (shards_glob) {
        int g;
        size_t k;
        if (mo.npools) return hn_cli_usage_error("mine", "give --pool or --pool-shards, not both");
        if ((g = glob(shards_glob, 0, NULL, &shards)) != 0 || shards.gl_pathc == 0)
            return hn_cli_usage_error("mine", "--pool-shards '%s': no file matches", shards_glob);
        if (shards.gl_pathc > 64 && !strcmp(score_with, "local"))
            return hn_cli_usage_error("mine", "--pool-shards: %zu files; at most 64 with --score-with local",
                                      shards.gl_pathc);
        for (k = 0; k < shards.gl_pathc && k < 64; k++) pools[k] = shards.gl_pathv[k];
        mo.npools = shards.gl_pathc < 64 ? (int)shards.gl_pathc : 64;
    } else if (strcmp(score_with, "local") != 0) {
        return hn_cli_usage_error("mine", "--score-with %s needs --pool-shards GLOB", score_with);
    }
    if (!mo.npools) return hn_cli_usage_error("mine", "missing --pool FILE");
    if (!(mo.valid_path = cfg.valid)) return hn_cli_usage_error("mine", "missing --valid FILE");
    if (!mo.negative_label) return hn_cli_usage_error("mine", "missing --negative-label L");
    if (!cfg.output) return hn_cli_usage_error("mine", "missing -o MODEL");
    if ((rc = hn_cli_train_check("mine", &cfg)) != 0) return rc;
    if (like && tune_budget) return hn_cli_usage_error("mine", "--like and --tune both choose the settings: give one");
    if (tune_budget && (!strcmp(mo.train_path, "-") || !strcmp(mo.valid_path, "-")))
        return hn_cli_usage_error("mine", "--tune reads --train and --valid many times: give them as files");
    if (like || tune_budget) {
        char *words = NULL;
        if (like) {
            hn_classifier *lc = NULL;
            hn_err e;
            hn_status ls;
            const char *ins[1] = {like};
            if ((rc = hn_cli_check_files("mine", ins, 1, NULL, 0)) != 0) return rc;
            if ((ls = hn_classifier_load(like, &lc, &e)) != HN_OK) return hn_cli_fail_err("mine", ls, &e);
            if (!lc->options) {
                hn_classifier_free(lc);
                return hn_cli_usage_error("mine", "--like %s: the model does not say how it was trained (it was "
                                                  "made before models kept their options); give the options", like);
            }
            rc = hn_cli_words_join(&words, lc->options, user_words);
            hn_classifier_free(lc);
            if (rc != 0) return hn_cli_fail("mine", "out of memory");
        } else {
            hn_tune_result tr;
            to.user = cfg;
            to.user.fit.negative = mo.negative_label;
            to.workers = cfg.fit.train.threads;
            to.budget = (double)tune_budget;
            to.train_path = mo.train_path;
            to.valid_path = mo.valid_path;
            to.name = "mine: tune";
            hn_cli_signals_install();
            if ((rc = hn_tune_run(&to, &tr)) != HN_EXIT_OK) return rc;
            if (hn_cli_stop) {
                hn_tune_result_free(&tr);
                return hn_cli_fail("mine", "interrupted while tuning; nothing written");
            }
            hn_log(HN_LOG_INFO, "mine: tuned in %d trials: %s", (int)tr.ntrials, tr.best_args);
            rc = hn_cli_words_join(&words, user_words, tr.best_args);
            hn_tune_result_free(&tr);
            if (rc != 0) return hn_cli_fail("mine", "out of memory");
        }
        {
            /* the settings again from scratch: theirs, then the user's */
            hn_cli_train_cfg keep = cfg;
            hn_cli_train_cfg_default(&cfg);
            cfg.fit.name = "mine";
            rc = hn_cli_words_apply("mine", words, &cfg);
            cfg.output = keep.output;
            cfg.valid = keep.valid;
            cfg.ro = keep.ro;
            cfg.fit.keep_ngrams = keep.fit.keep_ngrams; /* not a model option: not in the words */
            if (rc == 0) rc = hn_cli_train_check("mine", &cfg);
            if (rc != 0) {
                free(words);
                return rc;
            }
            hn_log(HN_LOG_INFO, "mine: training with %s", words);
        }
        free(user_words); /* joined into words */
        user_words = to.fixed_words = words; /* the model's options from now on */
    }
    if (json && report_path && strcmp(report_path, "-"))
        return hn_cli_usage_error("mine", "--json is --report -: give one of them");
    if (json) report_path = "-";
    if (report_path && !strcmp(report_path, "-") && !strcmp(cfg.output, "-"))
        return hn_cli_usage_error("mine", "the report and -o - both want standard output: give -o a file");
    {
        const char *ins[72], *outs[5] = {cfg.output, mined_path, report_path, audit_path, plot_path};
        int nin = 0, i;
        ins[nin++] = mo.train_path;
        ins[nin++] = mo.valid_path;
        ins[nin++] = mo.exclude_path;
        ins[nin++] = like;
        for (i = 0; i < mo.npools; i++) ins[nin++] = pools[i];
        if ((rc = hn_cli_check_files("mine", ins, nin, outs, 5)) != 0) return rc;
    }
    mo.pools = pools;
    mo.fit = cfg.fit;
    mo.tok = cfg.tok;
    mo.ro = cfg.ro;
    mo.pool_ro.max_line_bytes = cfg.ro.max_line_bytes;
    mo.pool_ro.skip_bad = cfg.ro.skip_bad;
    memcpy(mo.pool_ro.label_prefix, cfg.ro.label_prefix, sizeof mo.pool_ro.label_prefix);
    mo.select.threads = cfg.fit.train.threads;
    {
        /* the pool is read once per round, --train and --valid twice (examples,
         * then the hashes of lines never to mine): standard input is kept in
         * a nameless file */
        char *spooled = NULL;
        int fd = -1, i, nstd = 0;
        for (i = 0; i < mo.npools; i++) nstd += !strcmp(pools[i], "-");
        nstd += !strcmp(mo.train_path, "-") + !strcmp(mo.valid_path, "-");
        if (nstd > 1) return hn_cli_usage_error("mine", "standard input can feed one of --train, --valid, --pool");
        if (nstd) {
            if ((rc = hn_cli_spool_stdin("mine", &spooled, &fd)) != 0) return rc;
            for (i = 0; i < mo.npools; i++)
                if (!strcmp(pools[i], "-")) pools[i] = spooled;
            if (!strcmp(mo.train_path, "-")) mo.train_path = spooled;
            if (!strcmp(mo.valid_path, "-")) mo.valid_path = spooled;
        }
        if (strcmp(score_with, "local") != 0) {
            eng.shards = (const char *const *)shards.gl_pathv;
            eng.nshards = (int)shards.gl_pathc;
            eng.pool_ro = mo.pool_ro;
            eng.score_threads = mo.select.threads;
            if ((rc = hn_engine_init(&eng, score_with, work_dir)) != 0) return rc;
            mo.score_pool = hn_engine_score_pool;
            mo.score_user = &eng;
        }
        hn_cli_signals_install();
        rc = run(&mo, cfg.output, mined_path, report_path, audit_path, plot_path, user_words);
        hn_engine_done(&eng);
        if (fd >= 0) close(fd);
        free(spooled);
        free(user_words);
        user_words = NULL;
        return rc;
    }
}
