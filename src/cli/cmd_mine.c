/* cmd_mine.c - `hardneg mine`: the offline hard-negative miner
 *
 * src/ CLI glue over mining/ (selection, dedupe, cache, early stop) and
 * the training driver of cli_train.c:
 *
 *     model <- fit(train)                                   round 0
 *     for round 1..R:
 *         score the pool (streamed, threaded) and select (mining.h)
 *         cache += selected; every mined line goes to --mined with its
 *                  score and round
 *         model <- fit(train + cache as the negative label)  (from scratch)
 *         cache -= entries the new model finds easy (score < --easy),
 *                  then the lowest over --cache-limit
 *         metric <- evaluate(model, valid); keep the best model;
 *         stop after --patience rounds without improvement
 *
 * The validation file is only evaluated, never mined from. SIGINT/SIGTERM
 * stop between steps: the best model so far is written and the message
 * says so. Retraining is from scratch with the same seed, so with
 * --threads 1 a run is reproducible: same round table, same mined lines.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mining/mining.h"
#include "src/core/classifier.h"
#include "src/cli/cli.h"
#include "src/core/data.h"
#include "src/cli/tokopts.h"
#include "src/cli/train_opts.h"
#include "src/base/log.h"
#include "src/eval/metrics.h"
#include "src/core/scorer.h"

enum {
    OPT_TRAIN = 3000, OPT_POOL, OPT_NEG, OPT_ROUNDS, OPT_PER_ROUND, OPT_SELECT, OPT_MAX_SCORE, OPT_MARGIN,
    OPT_DEDUPE, OPT_CACHE_LIMIT, OPT_EASY, OPT_RETRAIN, OPT_METRIC, OPT_PATIENCE, OPT_MINED, OPT_REPORT, OPT_MAX_DROP
};

typedef enum metric_kind { M_AP, M_F1, M_ACCURACY, M_BALANCED, M_INSCOPE, M_RECALL_AT_P, M_NEG_RECALL, M_COUNT } metric_kind;

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
            "  --per-round K         most negatives added per round [1000]\n"
            "  --select S            misclassified (score >= threshold - margin) or top-loss\n"
            "                        (the K highest scores) [misclassified]\n"
            "  --margin M            also take 'nearly wrong' negatives within M [0.1]\n"
            "  --max-score S         skip pool lines scoring above S: likely mislabeled [0.99]\n"
            "  --dedupe D            exact or near (SimHash, also against cache and positives) [near]\n"
            "  --cache-limit N       most cached negatives, 0 = no limit [0]\n"
            "  --easy E              drop cached negatives whose score fell below E; 0 = keep\n"
            "                        (dropped lines are never mined again) [0]\n"
            "  --retrain             retrain from scratch each round (the only mode so far)\n"
            "  --metric M            ap, f1, recall@P (binary); accuracy, balanced (mean of\n"
            "                        in-scope accuracy and negative recall), in-scope,\n"
            "                        negative-recall (recall of the negative label while\n"
            "                        in-scope accuracy stays within --max-drop of round 0)\n"
            "                        [binary: ap; multi-class: negative-recall]\n"
            "  --max-drop D          in-scope accuracy the negative-recall metric may give up [0.01]\n"
            "  --patience P          stop after P rounds without improvement [2]\n"
            "  --mined FILE          write every mined line: round<TAB>score<TAB>line\n"
            "  --report FILE.json    write the round table as JSON\n"
            "\n");
    hn_cli_train_help(out);
    fprintf(out, "\n");
    hn_cli_tok_help(out);
    fprintf(out, "\nexit status: 0 ok, 1 runtime error (I/O, bad data, interrupted), 2 usage error\n");
}

typedef struct round_row {
    int32_t round;
    int64_t scored, misclassified, above_ceiling, dup_exact, dup_near, selected, cache, dropped;
    double metric, in_scope, neg_recall, seconds;
} round_row;

typedef struct mine_state {
    hn_cli_train_cfg cfg;
    const char *train_path, *valid_path, *neg_label, *mined_path, *report_path;
    const char *pools[64];
    int npools;
    hn_select_opts so;
    int64_t cache_limit;
    double easy;
    int32_t rounds, patience;
    metric_kind metric;
    double metric_arg;
    double max_drop, base_in_scope;
} mine_state;

static const char *metric_name(metric_kind m)
{
    static const char *const n[M_COUNT] = {"ap", "f1", "accuracy", "balanced", "in-scope", "recall@P", "negative-recall"};
    return n[m];
}

/* Evaluate on the featurized validation set. */
static int evaluate(const hn_classifier *cl, const hn_dataset *v, int32_t neg, const mine_state *ms, round_row *row)
{
    int64_t i, n = v->n;
    int32_t nl = cl->nlabels;
    float *p = malloc((size_t)nl * sizeof *p);
    double *score = malloc((size_t)(n ? n : 1) * sizeof *score);
    int32_t *pred = malloc((size_t)(n ? n : 1) * sizeof *pred), *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    hn_reject_metrics rj;
    int rc = 0;
    if (!p || !score || !pred || !gold) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < n; i++) {
        hn_svec x = hn_dataset_get(v, i);
        hn_model_predict(cl->model, &x, p);
        pred[i] = hn_classifier_decide(cl, p);
        score[i] = 1.0 - p[neg];
        /* labels the model does not know (-1) count as always wrong */
        gold[i] = v->label[i] >= 0 ? v->label[i] : nl;
    }
    if (hn_reject_compute(gold, pred, n, neg, &rj, NULL) != HN_OK) {
        rc = -1;
        goto done;
    }
    row->in_scope = rj.in_scope_accuracy;
    row->neg_recall = rj.oos_recall;
    switch (ms->metric) {
    case M_AP:
    case M_F1:
    case M_RECALL_AT_P: {
        hn_binary_metrics bm;
        for (i = 0; i < n; i++) gold[i] = gold[i] != neg && gold[i] < nl;
        if (hn_binary_compute(gold, score, n, cl->threshold, &bm, NULL) != HN_OK) {
            rc = -1;
            goto done;
        }
        if (ms->metric == M_AP) row->metric = bm.average_precision;
        else if (ms->metric == M_F1) row->metric = bm.f1;
        else row->metric = hn_pr_recall_at_precision(bm.curve, bm.curve_len, ms->metric_arg).recall;
        hn_binary_free(&bm);
        break;
    }
    case M_ACCURACY: {
        int64_t c = 0;
        for (i = 0; i < n; i++) c += gold[i] == pred[i];
        row->metric = n ? (double)c / (double)n : 0;
        break;
    }
    case M_BALANCED: row->metric = (rj.in_scope_accuracy + rj.oos_recall) / 2; break;
    case M_NEG_RECALL:
        /* recall of the negative label, as long as in-scope accuracy stays
         * within max_drop of round 0's; rounds that drop more rank below
         * every round that does not (by their in-scope accuracy) */
        if (row->round == 0) ((mine_state *)ms)->base_in_scope = rj.in_scope_accuracy;
        row->metric = rj.in_scope_accuracy >= ms->base_in_scope - ms->max_drop ? rj.oos_recall : rj.in_scope_accuracy - 2;
        break;
    default: row->metric = rj.in_scope_accuracy; break;
    }
done:
    free(p);
    free(score);
    free(pred);
    free(gold);
    return rc;
}

static hn_status copy_labels(const hn_labels *src, hn_labels *dst)
{
    int32_t i;
    hn_labels_init(dst);
    for (i = 0; i < src->n; i++) {
        int32_t id = hn_labels_add(dst, src->names[i]);
        if (id < 0) return HN_ERR_NOMEM;
        dst->count[id] = src->count[i];
    }
    return HN_OK;
}

/* Exact hashes of every training line, SimHashes of the positive ones. */
static hn_status collect_train_hashes(const mine_state *ms, hn_hashset *seen, uint64_t **sims, int64_t *nsims,
                                      hn_err *err)
{
    hn_reader *r = NULL;
    hn_record rec;
    int got;
    hn_status st;
    int64_t cap = 0;
    *sims = NULL;
    *nsims = 0;
    if ((st = hn_reader_open(ms->train_path, &ms->cfg.ro, &r, err)) != HN_OK) return st;
    while ((st = hn_reader_next(r, &rec, &got, err)) == HN_OK && got) {
        if ((st = hn_hashset_add(seen, hn_text_hash(rec.text, rec.text_len))) != HN_OK) break;
        if (rec.nlabels > 0 && strcmp(rec.labels[0], ms->neg_label) != 0) {
            if (*nsims == cap) {
                int64_t nc = cap ? cap * 2 : 1024;
                uint64_t *p = realloc(*sims, (size_t)nc * sizeof *p);
                if (!p) {
                    st = HN_ERR_NOMEM;
                    break;
                }
                *sims = p;
                cap = nc;
            }
            (*sims)[(*nsims)++] = hn_simhash(rec.text, rec.text_len);
        }
    }
    hn_reader_free(r);
    if (st == HN_ERR_NOMEM) hn_err_set(err, st, "out of memory");
    return st;
}

static void write_report(FILE *f, const mine_state *ms, const round_row *rows, int32_t nrows, int32_t best)
{
    int32_t i;
    fprintf(f, "{\"metric\":\"%s\",\"best_round\":%d,\"rounds\":[", metric_name(ms->metric), (int)best);
    for (i = 0; i < nrows; i++) {
        const round_row *r = &rows[i];
        fprintf(f,
                "%s{\"round\":%d,\"pool_scored\":%lld,\"misclassified\":%lld,\"above_ceiling\":%lld,"
                "\"duplicates_exact\":%lld,\"duplicates_near\":%lld,\"selected\":%lld,\"cache\":%lld,"
                "\"cache_dropped\":%lld,\"metric\":%.17g,\"in_scope_accuracy\":%.17g,\"negative_recall\":%.17g,"
                "\"seconds\":%.3f}",
                i ? "," : "", (int)r->round, (long long)r->scored, (long long)r->misclassified,
                (long long)r->above_ceiling, (long long)r->dup_exact, (long long)r->dup_near, (long long)r->selected,
                (long long)r->cache, (long long)r->dropped, r->metric, r->in_scope, r->neg_recall, r->seconds);
    }
    fprintf(f, "]}\n");
}

static void print_row(const round_row *r, int best)
{
    hn_log(HN_LOG_INFO, "mine: %5d %10lld %9lld %8lld %7lld %9.4f %8.4f %8.4f %7.1f%s", (int)r->round,
           (long long)r->scored, (long long)r->misclassified, (long long)r->selected, (long long)r->cache, r->metric,
           r->in_scope, r->neg_recall, r->seconds, best ? "  *best" : "");
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int run(mine_state *ms)
{
    hn_err err;
    hn_status st;
    hn_tokenizer *tok = NULL;
    hn_labels labels, lcopy;
    hn_dataset d0, v, d;
    hn_load_stats ls;
    hn_classifier *cur = NULL, *best = NULL;
    hn_clf_scorer *cs = NULL;
    hn_scorer sc;
    hn_cache cache;
    hn_hashset seen;
    uint64_t *sims = NULL;
    int64_t nsims = 0;
    hn_early_stop es;
    round_row rows[1024];
    int32_t nrows = 0, neg, r, best_round = 0;
    int rc = HN_EXIT_OK, interrupted = 0;
    FILE *mined = NULL, *rep = NULL;
    char *mined_tmp = NULL, *rep_tmp = NULL;
    hn_arena a;
    hn_tok_ctx *ctx = NULL;
    char poskeep[256];

    hn_err_clear(&err);
    hn_labels_init(&labels);
    hn_dataset_init(&d0);
    hn_dataset_init(&v);
    hn_dataset_init(&d);
    hn_cache_init(&cache, ms->cache_limit);
    hn_hashset_init(&seen);
    hn_arena_init(&a, 1 << 16);
    if ((st = hn_tok_create(&ms->cfg.tok, &tok, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
    if ((st = hn_tok_ctx_create(tok, &ctx, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
    if ((st = hn_load_labeled(ms->train_path, &ms->cfg.ro, tok, &labels, HN_UNKNOWN_ADD, &d0, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err("mine", st, &err);
        goto done;
    }
    if ((neg = hn_labels_add(&labels, ms->neg_label)) < 0) { rc = hn_cli_fail("mine", "out of memory"); goto done; }
    if (labels.n == 2) { /* binary: the positive is the other label, put at id 1 once */
        if (neg == 1) {
            int64_t i;
            char *tn = labels.names[0];
            int64_t tc = labels.count[0];
            labels.names[0] = labels.names[1];
            labels.names[1] = tn;
            labels.count[0] = labels.count[1];
            labels.count[1] = tc;
            for (i = 0; i < d0.n; i++) d0.label[i] = 1 - d0.label[i];
            neg = 0;
        }
        snprintf(poskeep, sizeof poskeep, "%s", labels.names[1]);
        ms->cfg.positive = poskeep;
    }
    if ((st = hn_load_labeled(ms->valid_path, &ms->cfg.ro, tok, &labels, HN_UNKNOWN_KEEP, &v, &ls, &err)) != HN_OK) {
        rc = hn_cli_fail_err("mine", st, &err);
        goto done;
    }
    if (ms->metric == M_COUNT) ms->metric = labels.n == 2 ? M_AP : M_NEG_RECALL;
    if ((st = collect_train_hashes(ms, &seen, &sims, &nsims, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
    if (ms->mined_path && !(mined = hn_cli_out_open(ms->mined_path, &mined_tmp, &err))) { rc = hn_cli_fail_err("mine", HN_ERR_IO, &err); goto done; }
    hn_early_stop_init(&es, ms->patience);
    hn_log(HN_LOG_INFO, "mine: %lld training examples, %d labels, negative '%s', metric %s", (long long)d0.n,
           (int)labels.n, ms->neg_label, metric_name(ms->metric));
    /* for a binary model "in-scope" accuracy is the recall of the positive class */
    hn_log(HN_LOG_INFO, "mine: round     scored  miscls  selected  cache    metric %s neg-rec  seconds",
           labels.n == 2 ? " pos-rec" : "in-scope");
    for (r = 0; r <= ms->rounds; r++) {
        round_row *row = &rows[nrows];
        double t0 = now_s();
        hn_tokenizer *t2 = NULL;
        int stop = 0, isbest;
        memset(row, 0, sizeof *row);
        row->round = r;
        if (r > 0) { /* score the pool with the current model and select */
            hn_topk sel;
            hn_pool_stats ps;
            int64_t i;
            const uint64_t *near = NULL;
            uint64_t *allnear = NULL;
            int64_t nnear = 0;
            if (ms->so.near_bits >= 0) { /* positives + cache */
                allnear = malloc((size_t)(nsims + cache.n + 1) * sizeof *allnear);
                if (!allnear) { rc = hn_cli_fail("mine", "out of memory"); goto done; }
                if (nsims) memcpy(allnear, sims, (size_t)nsims * sizeof *sims);
                for (i = 0; i < cache.n; i++) allnear[nsims + i] = cache.e[i].sim;
                nnear = nsims + cache.n;
                near = allnear;
            }
            st = hn_mine_select(ms->pools, ms->npools, &sc, &ms->so, &seen, near, nnear, &sel, &ps, &hn_cli_stop, &err);
            free(allnear);
            if (st == HN_ERR_INTERRUPTED) { interrupted = 1; break; }
            if (st != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
            row->scored = ps.scored;
            row->misclassified = ps.misclassified;
            row->above_ceiling = ps.above_ceiling;
            row->dup_exact = ps.dup_exact;
            row->dup_near = ps.dup_near;
            row->selected = sel.n;
            for (i = 0; i < sel.n; i++) {
                if (hn_hashset_add(&seen, sel.h[i].hash) != HN_OK) { rc = hn_cli_fail("mine", "out of memory"); hn_topk_free(&sel); goto done; }
                if (mined) {
                    fprintf(mined, "%d\t%.9g\t", (int)r, (double)sel.h[i].score);
                    fwrite(sel.h[i].text, 1, sel.h[i].len, mined);
                    fputc('\n', mined);
                }
            }
            if (hn_cache_add(&cache, &sel, r) != HN_OK) { rc = hn_cli_fail("mine", "out of memory"); hn_topk_free(&sel); goto done; }
            hn_topk_free(&sel);
            if (row->selected == 0) hn_log(HN_LOG_INFO, "mine: round %d found no new hard negatives", (int)r);
        }
        /* training set: d0 + cache as the negative label */
        hn_dataset_free(&d);
        hn_dataset_init(&d);
        {
            int64_t i;
            for (i = 0; i < d0.n; i++) {
                hn_svec x = hn_dataset_get(&d0, i);
                if (hn_dataset_add(&d, &x, d0.label[i], d0.weight[i]) != HN_OK) { rc = hn_cli_fail("mine", "out of memory"); goto done; }
            }
            for (i = 0; i < cache.n; i++) {
                hn_svec x;
                hn_arena_reset(&a);
                if ((st = hn_tok_featurize(tok, ctx, cache.e[i].text, cache.e[i].len, &a, &x, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
                if (hn_dataset_add(&d, &x, neg, 1.0f) != HN_OK) { rc = hn_cli_fail("mine", "out of memory"); goto done; }
            }
        }
        if (copy_labels(&labels, &lcopy) != HN_OK) { rc = hn_cli_fail("mine", "out of memory"); goto done; }
        lcopy.count[neg] += cache.n;
        if ((st = hn_tok_create(&ms->cfg.tok, &t2, &err)) != HN_OK) { hn_labels_free(&lcopy); rc = hn_cli_fail_err("mine", st, &err); goto done; }
        {
            int vq = hn_cli_verbosity;
            hn_classifier *fresh = NULL;
            if (hn_cli_verbosity < 2) hn_cli_verbosity = 0; /* per-epoch lines only with -v */
            rc = hn_cli_fit("mine", &ms->cfg, t2, &lcopy, &d, NULL, &fresh, &err);
            hn_cli_verbosity = vq;
            hn_labels_free(&lcopy);
            if (rc != HN_EXIT_OK) {
                if (hn_cli_stop) { interrupted = 1; rc = HN_EXIT_OK; break; }
                goto done;
            }
            if (cur && cur != best) hn_classifier_free(cur);
            cur = fresh;
        }
        if (!cs) {
            if ((st = hn_clf_scorer_create(cur, neg, ms->so.threads, &cs, &sc, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
        } else {
            hn_clf_scorer_set(cs, cur);
        }
        if (r > 0 && (st = hn_cache_shrink(&cache, &sc, ms->easy, &row->dropped, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
        row->cache = cache.n;
        if (evaluate(cur, &v, neg, ms, row) != 0) { rc = hn_cli_fail("mine", "out of memory evaluating"); goto done; }
        row->seconds = now_s() - t0;
        isbest = hn_early_stop_update(&es, r, row->metric, &stop);
        if (isbest) {
            if (best && best != cur) hn_classifier_free(best);
            best = cur;
            best_round = r;
        }
        print_row(row, isbest);
        nrows++;
        if (stop) {
            hn_log(HN_LOG_INFO, "mine: no improvement for %d rounds; stopping", (int)ms->patience);
            break;
        }
        if (hn_cli_stop) { interrupted = 1; break; }
        if (nrows >= (int32_t)(sizeof rows / sizeof rows[0])) break;
    }
    if (!best) {
        rc = hn_cli_fail("mine", "interrupted before the first model was trained; no model written");
        goto done;
    }
    snprintf(best->threshold_note, sizeof best->threshold_note, "default (mined, round %d)", (int)best_round);
    if ((st = hn_classifier_save(best, ms->cfg.output, &err)) != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
    if (interrupted) {
        hn_log(HN_LOG_ERROR, "mine: interrupted; wrote the best model so far (round %d) to %s", (int)best_round, ms->cfg.output);
        rc = HN_EXIT_RUNTIME;
    } else {
        hn_log(HN_LOG_INFO, "mine: best round %d (%s %.4f); wrote %s", (int)best_round, metric_name(ms->metric),
               es.best, ms->cfg.output);
    }
    if (ms->report_path) {
        if (!(rep = hn_cli_out_open(ms->report_path, &rep_tmp, &err))) { rc = hn_cli_fail_err("mine", HN_ERR_IO, &err); goto done; }
        write_report(rep, ms, rows, nrows, best_round);
        st = hn_cli_out_close(rep, ms->report_path, rep_tmp, 1, &err);
        rep = NULL;
        rep_tmp = NULL;
        if (st != HN_OK) { rc = hn_cli_fail_err("mine", st, &err); goto done; }
    }
done:
    if (mined) {
        hn_status cst = hn_cli_out_close(mined, ms->mined_path, mined_tmp, 1, &err);
        if (cst != HN_OK && rc == HN_EXIT_OK) rc = hn_cli_fail_err("mine", cst, &err);
    }
    if (rep) hn_cli_out_close(rep, ms->report_path, rep_tmp, 0, &err);
    hn_clf_scorer_free(cs);
    if (cur != best) hn_classifier_free(cur);
    hn_classifier_free(best);
    hn_tok_ctx_free(ctx);
    hn_tok_free(tok);
    hn_arena_release(&a);
    hn_labels_free(&labels);
    hn_dataset_free(&d0);
    hn_dataset_free(&v);
    hn_dataset_free(&d);
    hn_cache_free(&cache);
    hn_hashset_free(&seen);
    free(sims);
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
        {"select", required_argument, NULL, OPT_SELECT},
        {"max-score", required_argument, NULL, OPT_MAX_SCORE},
        {"margin", required_argument, NULL, OPT_MARGIN},
        {"dedupe", required_argument, NULL, OPT_DEDUPE},
        {"cache-limit", required_argument, NULL, OPT_CACHE_LIMIT},
        {"easy", required_argument, NULL, OPT_EASY},
        {"retrain", no_argument, NULL, OPT_RETRAIN},
        {"metric", required_argument, NULL, OPT_METRIC},
        {"patience", required_argument, NULL, OPT_PATIENCE},
        {"mined", required_argument, NULL, OPT_MINED},
        {"report", required_argument, NULL, OPT_REPORT},
        {"max-drop", required_argument, NULL, OPT_MAX_DROP},
        HN_CLI_TRAIN_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_TOK_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    mine_state ms;
    int c, rc;
    long v;
    double x;
    memset(&ms, 0, sizeof ms);
    hn_cli_train_cfg_default(&ms.cfg);
    hn_select_opts_default(&ms.so);
    ms.so.margin = 0.1;
    ms.so.max_score = 0.99;
    ms.easy = 0;
    ms.rounds = 5;
    ms.patience = 2;
    ms.max_drop = 0.01;
    ms.metric = M_COUNT;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TRAIN: ms.train_path = optarg; break;
        case OPT_POOL:
            if (ms.npools == 64) return hn_cli_usage_error("mine", "at most 64 --pool files");
            ms.pools[ms.npools++] = optarg;
            break;
        case OPT_NEG: ms.neg_label = optarg; break;
        case OPT_ROUNDS:
            if (hn_cli_parse_long("mine", "--rounds", optarg, 0, 1000, &v)) return HN_EXIT_USAGE;
            ms.rounds = (int32_t)v;
            break;
        case OPT_PER_ROUND:
            if (hn_cli_parse_long("mine", "--per-round", optarg, 1, 100000000, &v)) return HN_EXIT_USAGE;
            ms.so.per_round = v;
            break;
        case OPT_SELECT:
            if (!strcmp(optarg, "misclassified")) ms.so.mode = HN_SELECT_MISCLASSIFIED;
            else if (!strcmp(optarg, "top-loss")) ms.so.mode = HN_SELECT_TOP_LOSS;
            else return hn_cli_usage_error("mine", "--select: unknown '%s' (misclassified, top-loss)", optarg);
            break;
        case OPT_MAX_SCORE:
            if (hn_cli_parse_double("mine", "--max-score", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            ms.so.max_score = x;
            break;
        case OPT_MARGIN:
            if (hn_cli_parse_double("mine", "--margin", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            ms.so.margin = x;
            break;
        case OPT_DEDUPE:
            if (!strcmp(optarg, "exact")) ms.so.near_bits = -1;
            else if (!strcmp(optarg, "near")) ms.so.near_bits = 3;
            else return hn_cli_usage_error("mine", "--dedupe: unknown '%s' (exact, near)", optarg);
            break;
        case OPT_CACHE_LIMIT:
            if (hn_cli_parse_long("mine", "--cache-limit", optarg, 0, 1000000000, &v)) return HN_EXIT_USAGE;
            ms.cache_limit = v;
            break;
        case OPT_EASY:
            if (hn_cli_parse_double("mine", "--easy", optarg, 0, 1, &x)) return HN_EXIT_USAGE;
            ms.easy = x;
            break;
        case OPT_RETRAIN: break;
        case OPT_METRIC:
            if (!strcmp(optarg, "ap")) ms.metric = M_AP;
            else if (!strcmp(optarg, "f1")) ms.metric = M_F1;
            else if (!strcmp(optarg, "accuracy")) ms.metric = M_ACCURACY;
            else if (!strcmp(optarg, "balanced")) ms.metric = M_BALANCED;
            else if (!strcmp(optarg, "in-scope")) ms.metric = M_INSCOPE;
            else if (!strcmp(optarg, "negative-recall")) ms.metric = M_NEG_RECALL;
            else if (!strncmp(optarg, "recall@", 7)) {
                if (hn_cli_parse_double("mine", "--metric recall@P", optarg + 7, 0, 1, &ms.metric_arg)) return HN_EXIT_USAGE;
                ms.metric = M_RECALL_AT_P;
            } else {
                return hn_cli_usage_error("mine", "--metric: unknown '%s'", optarg);
            }
            break;
        case OPT_PATIENCE:
            if (hn_cli_parse_long("mine", "--patience", optarg, 1, 1000, &v)) return HN_EXIT_USAGE;
            ms.patience = (int32_t)v;
            break;
        case OPT_MINED: ms.mined_path = optarg; break;
        case OPT_REPORT: ms.report_path = optarg; break;
        case OPT_MAX_DROP:
            if (hn_cli_parse_double("mine", "--max-drop", optarg, 0, 1, &ms.max_drop)) return HN_EXIT_USAGE;
            break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_usage_error("mine", "option '%s' needs a value", argv[optind - 1]);
        case '?': return hn_cli_usage_error("mine", "unknown option '%s'", argv[optind - 1]);
        default:
            if (hn_cli_train_option("mine", c, optarg, &ms.cfg)) return HN_EXIT_USAGE;
        }
    }
    if (optind < argc) return hn_cli_usage_error("mine", "unexpected argument '%s'", argv[optind]);
    if (!ms.train_path) return hn_cli_usage_error("mine", "missing --train FILE");
    if (!ms.npools) return hn_cli_usage_error("mine", "missing --pool FILE");
    if (!ms.valid_path && !(ms.valid_path = ms.cfg.valid)) return hn_cli_usage_error("mine", "missing --valid FILE");
    if (!ms.neg_label) return hn_cli_usage_error("mine", "missing --negative-label L");
    if (!ms.cfg.output) return hn_cli_usage_error("mine", "missing -o MODEL");
    if ((rc = hn_cli_train_check("mine", &ms.cfg)) != 0) return rc;
    ms.so.threads = ms.cfg.tr.threads;
    ms.cfg.negative = ms.neg_label;
    ms.cfg.valid = NULL;
    hn_cli_signals_install();
    return run(&ms);
}
