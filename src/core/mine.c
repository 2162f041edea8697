/* mine.c - the mining loop (see mine.h)
 *
 * src/core. Reaches the model through the scorer adapter (scorer.h) that
 * mining/ expects, and trains with fit.c every round.
 */
#include "src/core/mine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/arena.h"
#include "src/base/log.h"
#include "src/eval/metrics.h"
#include "src/core/scorer.h"
#include "src/core/source.h"

static const char *const metric_names[HN_MINE_METRIC_COUNT] = {"ap",       "f1",       "accuracy",       "balanced",
                                                                "in-scope", "recall@P", "negative-recall"};

const char *hn_mine_metric_name(hn_mine_metric m)
{
    return (unsigned)m < HN_MINE_METRIC_COUNT ? metric_names[m] : "default";
}

hn_status hn_mine_metric_parse(const char *s, hn_mine_metric *m, double *arg)
{
    int i;
    if (!strncmp(s, "recall@", 7)) {
        char *end;
        double v = strtod(s + 7, &end);
        if (end == s + 7 || *end || !(v >= 0 && v <= 1)) return HN_ERR_ARG;
        *m = HN_MINE_RECALL_AT_P;
        *arg = v;
        return HN_OK;
    }
    for (i = 0; i < HN_MINE_METRIC_COUNT; i++)
        if (i != HN_MINE_RECALL_AT_P && !strcmp(s, metric_names[i])) return *m = (hn_mine_metric)i, HN_OK;
    return HN_ERR_ARG;
}

void hn_mine_opts_default(hn_mine_opts *o)
{
    memset(o, 0, sizeof *o);
    hn_fit_opts_default(&o->fit);
    o->fit.name = "mine";
    hn_tok_opts_default(&o->tok);
    hn_reader_opts_default(&o->ro);
    o->ro.need_labels = 1;
    hn_reader_opts_default(&o->pool_ro);
    hn_select_opts_default(&o->select);
    o->select.margin = 0.1;
    o->select.max_score = 0.99;
    o->rounds = 5;
    o->patience = 2;
    o->max_drop = 0.01;
    o->metric = HN_MINE_METRIC_COUNT;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Evaluate on the featurized validation set into row. `base_in_scope` is
 * round 0's in-scope accuracy (set when row->round == 0). */
static hn_status evaluate(const hn_classifier *cl, const hn_dataset *v, int32_t neg, const hn_mine_opts *o,
                          hn_mine_metric metric, double *base_in_scope, hn_mine_round *row, hn_err *err)
{
    hn_scores s;
    hn_reject_metrics rj;
    hn_status st;
    int32_t nl = cl->nlabels;
    int64_t i, n = v->n;
    if ((st = hn_classifier_score_dataset(cl, v, -1, neg, NULL, &s, err)) != HN_OK) return st;
    /* labels the model does not know (-1) count as always wrong */
    for (i = 0; i < n; i++)
        if (s.gold[i] < 0) s.gold[i] = nl;
    if ((st = hn_reject_compute(s.gold, s.pred, n, neg, &rj, err)) != HN_OK) goto done;
    row->in_scope = rj.in_scope_accuracy;
    row->neg_recall = rj.oos_recall;
    switch (metric) {
    case HN_MINE_AP:
    case HN_MINE_F1:
    case HN_MINE_RECALL_AT_P: {
        hn_binary_metrics bm;
        for (i = 0; i < n; i++) s.gold[i] = s.gold[i] != neg && s.gold[i] < nl;
        if ((st = hn_binary_compute(s.gold, s.score, n, cl->threshold, &bm, err)) != HN_OK) goto done;
        if (metric == HN_MINE_AP) row->metric = bm.average_precision;
        else if (metric == HN_MINE_F1) row->metric = bm.f1;
        else row->metric = hn_pr_recall_at_precision(bm.curve, bm.curve_len, o->metric_arg).recall;
        hn_binary_free(&bm);
        break;
    }
    case HN_MINE_ACCURACY: {
        int64_t c = 0;
        for (i = 0; i < n; i++) c += s.gold[i] == s.pred[i];
        row->metric = n ? (double)c / (double)n : 0;
        break;
    }
    case HN_MINE_BALANCED: row->metric = (rj.in_scope_accuracy + rj.oos_recall) / 2; break;
    case HN_MINE_NEG_RECALL:
        /* recall of the negative label, as long as in-scope accuracy stays
         * within max_drop of round 0's; rounds that drop more rank below
         * every round that does not (by their in-scope accuracy) */
        if (row->round == 0) *base_in_scope = rj.in_scope_accuracy;
        row->metric = rj.in_scope_accuracy >= *base_in_scope - o->max_drop ? rj.oos_recall : rj.in_scope_accuracy - 2;
        break;
    default: row->metric = rj.in_scope_accuracy; break;
    }
done:
    hn_scores_free(&s);
    return st;
}

/* Exact hashes of every training line, SimHashes of the positive ones. */
static hn_status collect_train_hashes(const hn_mine_opts *o, hn_hashset *seen, uint64_t **sims, int64_t *nsims,
                                      hn_err *err)
{
    hn_source *r = NULL;
    hn_example rec;
    int got;
    hn_status st;
    int64_t cap = 0;
    *sims = NULL;
    *nsims = 0;
    if ((st = hn_source_open(o->train_path, &o->ro, &r, err)) != HN_OK) return st;
    while ((st = hn_source_next(r, &rec, &got, err)) == HN_OK && got) {
        if ((st = hn_hashset_add(seen, hn_text_hash(rec.text, rec.len))) != HN_OK) break;
        if (rec.nlabels > 0 && strcmp(rec.labels[0], o->negative_label) != 0) {
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
            (*sims)[(*nsims)++] = hn_simhash(rec.text, rec.len);
        }
    }
    hn_source_free(r);
    if (st == HN_ERR_NOMEM) hn_err_set(err, st, "out of memory");
    return st;
}

void hn_mine_result_free(hn_mine_result *res)
{
    hn_classifier_free(res->best);
    free(res->rows);
    memset(res, 0, sizeof *res);
}

/* Everything one run holds, freed in one place. */
typedef struct miner {
    const hn_mine_opts *o;
    hn_fit_opts fit;
    hn_tokenizer *tok;
    hn_tok_ctx *ctx;
    hn_arena arena;
    hn_labels labels;
    hn_dataset d0, v, d;
    hn_cache cache;
    hn_hashset seen;
    uint64_t *sims;
    int64_t nsims;
    hn_clf_scorer *cs;
    hn_scorer sc;
    hn_classifier *cur;
    int32_t neg;
    double base_in_scope;
    hn_select_opts select;      /* o->select, reading pools through pool_texts */
    hn_pool_texts pool_texts;
    hn_text_reader pool_reader;
} miner;

static void miner_free(miner *mn)
{
    hn_source_free(mn->pool_texts.s);
    hn_clf_scorer_free(mn->cs);
    hn_tok_ctx_free(mn->ctx);
    hn_tok_free(mn->tok);
    hn_arena_release(&mn->arena);
    hn_labels_free(&mn->labels);
    hn_dataset_free(&mn->d0);
    hn_dataset_free(&mn->v);
    hn_dataset_free(&mn->d);
    hn_cache_free(&mn->cache);
    hn_hashset_free(&mn->seen);
    free(mn->sims);
}

/* Round r > 0: score the pool with the current model and add the
 * selection to the cache (and to o->mined). */
static hn_status mine_round(miner *mn, int32_t r, hn_mine_round *row, volatile int *stop, hn_err *err)
{
    const hn_mine_opts *o = mn->o;
    hn_topk sel;
    hn_pool_stats ps;
    hn_status st;
    int64_t i, nnear = 0;
    uint64_t *allnear = NULL;
    if (mn->select.near_bits >= 0) { /* positives + cache */
        allnear = malloc((size_t)(mn->nsims + mn->cache.n + 1) * sizeof *allnear);
        if (!allnear) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        if (mn->nsims) memcpy(allnear, mn->sims, (size_t)mn->nsims * sizeof *mn->sims);
        for (i = 0; i < mn->cache.n; i++) allnear[mn->nsims + i] = mn->cache.e[i].sim;
        nnear = mn->nsims + mn->cache.n;
    }
    st = hn_mine_select(o->pools, o->npools, &mn->sc, &mn->select, &mn->seen, allnear, nnear, &sel, &ps, stop, err);
    free(allnear);
    if (st != HN_OK) return st;
    row->scored = ps.scored;
    row->misclassified = ps.misclassified;
    row->above_ceiling = ps.above_ceiling;
    row->dup_exact = ps.dup_exact;
    row->dup_near = ps.dup_near;
    row->selected = sel.n;
    for (i = 0; i < sel.n; i++) {
        if (hn_hashset_add(&mn->seen, sel.h[i].hash) != HN_OK) {
            st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
            break;
        }
        if (o->mined) {
            fprintf(o->mined, "%d\t%.9g\t", (int)r, (double)sel.h[i].score);
            fwrite(sel.h[i].text, 1, sel.h[i].len, o->mined);
            fputc('\n', o->mined);
        }
    }
    if (st == HN_OK && hn_cache_add(&mn->cache, &sel, r) != HN_OK) st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    hn_topk_free(&sel);
    if (st == HN_OK && row->selected == 0) hn_log(HN_LOG_INFO, "mine: round %d found no new hard negatives", (int)r);
    return st;
}

/* The training set of a round: the training file plus the cache as the
 * negative label; then fit. */
static hn_status retrain(miner *mn, volatile int *stop, hn_classifier **out, hn_err *err)
{
    hn_labels lcopy;
    hn_tokenizer *t2 = NULL;
    hn_status st;
    int64_t i;
    hn_dataset_free(&mn->d);
    hn_dataset_init(&mn->d);
    for (i = 0; i < mn->d0.n; i++) {
        hn_svec x = hn_dataset_get(&mn->d0, i);
        if (hn_dataset_add(&mn->d, &x, mn->d0.label[i], mn->d0.weight[i]) != HN_OK)
            return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < mn->cache.n; i++) {
        hn_svec x;
        hn_arena_reset(&mn->arena);
        if ((st = hn_tok_featurize(mn->tok, mn->ctx, mn->cache.e[i].text, mn->cache.e[i].len, &mn->arena, &x, err)) !=
            HN_OK)
            return st;
        if (hn_dataset_add(&mn->d, &x, mn->neg, 1.0f) != HN_OK) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    if (hn_labels_copy(&mn->labels, &lcopy) != HN_OK) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    lcopy.count[mn->neg] += mn->cache.n;
    if ((st = hn_tok_create(&mn->o->tok, &t2, err)) != HN_OK) {
        hn_labels_free(&lcopy);
        return st;
    }
    st = hn_fit(&mn->fit, t2, &lcopy, &mn->d, NULL, stop, out, err);
    hn_labels_free(&lcopy);
    return st;
}

hn_status hn_mine_run(const hn_mine_opts *o, hn_mine_round_fn on_round, void *user, volatile int *stop,
                      hn_mine_result *res, hn_err *err)
{
    miner mn;
    hn_load_stats ls;
    hn_status st;
    hn_early_stop es;
    hn_mine_metric metric;
    int32_t r;
    char poskeep[256];

    memset(res, 0, sizeof *res);
    memset(&mn, 0, sizeof mn);
    mn.o = o;
    mn.fit = o->fit;
    mn.fit.negative = o->negative_label;
    mn.fit.quiet = 1; /* per-epoch lines at debug level */
    mn.select = o->select;
    hn_pool_texts_init(&mn.pool_texts, &o->pool_ro, "mine", &mn.pool_reader);
    mn.select.reader = &mn.pool_reader;
    hn_cache_init(&mn.cache, o->cache_limit);
    hn_hashset_init(&mn.seen);
    hn_arena_init(&mn.arena, 1 << 16);
    hn_labels_init(&mn.labels);
    hn_dataset_init(&mn.d0);
    hn_dataset_init(&mn.v);
    hn_dataset_init(&mn.d);
    if (!o->train_path || !o->valid_path || !o->negative_label || o->npools < 1) {
        st = hn_err_set(err, HN_ERR_ARG, "mining needs a training file, a validation file, a pool and a negative label");
        goto fail;
    }
    if (!(res->rows = calloc((size_t)o->rounds + 1, sizeof *res->rows))) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = hn_tok_create(&o->tok, &mn.tok, err)) != HN_OK) goto fail;
    if ((st = hn_tok_ctx_create(mn.tok, &mn.ctx, err)) != HN_OK) goto fail;
    if ((st = hn_load_labeled(o->train_path, &o->ro, mn.tok, &mn.labels, HN_UNKNOWN_ADD, &mn.d0, &ls, err)) != HN_OK)
        goto fail;
    if ((mn.neg = hn_labels_add(&mn.labels, o->negative_label)) < 0) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (mn.labels.n == 2) { /* binary: the positive is the other label, put at id 1 once */
        if (mn.neg == 1) {
            int64_t i;
            hn_labels_swap(&mn.labels, 0, 1);
            for (i = 0; i < mn.d0.n; i++) mn.d0.label[i] = 1 - mn.d0.label[i];
            mn.neg = 0;
        }
        snprintf(poskeep, sizeof poskeep, "%s", mn.labels.names[1]);
        mn.fit.positive = poskeep;
    }
    if ((st = hn_load_labeled(o->valid_path, &o->ro, mn.tok, &mn.labels, HN_UNKNOWN_KEEP, &mn.v, &ls, err)) != HN_OK)
        goto fail;
    metric = o->metric != HN_MINE_METRIC_COUNT ? o->metric : mn.labels.n == 2 ? HN_MINE_AP : HN_MINE_NEG_RECALL;
    res->metric = metric;
    res->binary = mn.labels.n == 2;
    if ((st = collect_train_hashes(o, &mn.seen, &mn.sims, &mn.nsims, err)) != HN_OK) goto fail;
    hn_early_stop_init(&es, o->patience);
    hn_log(HN_LOG_INFO, "mine: %lld training examples, %d labels, negative '%s', metric %s", (long long)mn.d0.n,
           (int)mn.labels.n, o->negative_label, hn_mine_metric_name(metric));
    for (r = 0; r <= o->rounds; r++) {
        hn_mine_round *row = &res->rows[res->nrows];
        hn_classifier *fresh = NULL;
        double t0 = now_s();
        int stop_now = 0, isbest;
        memset(row, 0, sizeof *row);
        row->round = r;
        if (r > 0 && (st = mine_round(&mn, r, row, stop, err)) != HN_OK) {
            if (st == HN_ERR_INTERRUPTED) break;
            goto fail;
        }
        if ((st = retrain(&mn, stop, &fresh, err)) != HN_OK) {
            if (st == HN_ERR_INTERRUPTED) break;
            goto fail;
        }
        if (mn.cur && mn.cur != res->best) hn_classifier_free(mn.cur);
        mn.cur = fresh;
        if (!mn.cs) {
            if ((st = hn_clf_scorer_create(mn.cur, mn.neg, mn.select.threads, &mn.cs, &mn.sc, err)) != HN_OK) goto fail;
        } else {
            hn_clf_scorer_set(mn.cs, mn.cur);
        }
        if (r > 0 && (st = hn_cache_shrink(&mn.cache, &mn.sc, o->easy, &row->dropped, err)) != HN_OK) goto fail;
        row->cache = mn.cache.n;
        if ((st = evaluate(mn.cur, &mn.v, mn.neg, o, metric, &mn.base_in_scope, row, err)) != HN_OK) goto fail;
        row->seconds = now_s() - t0;
        isbest = hn_early_stop_update(&es, r, row->metric, &stop_now);
        if (isbest) {
            if (res->best && res->best != mn.cur) hn_classifier_free(res->best);
            res->best = mn.cur;
            res->best_round = r;
            res->best_metric = es.best;
        }
        res->nrows++;
        if (on_round) on_round(row, isbest, res, user);
        if (stop_now) {
            hn_log(HN_LOG_INFO, "mine: no improvement for %d rounds; stopping", (int)o->patience);
            break;
        }
        if (stop && *stop) break;
    }
    if (stop && *stop) res->interrupted = 1;
    if (mn.cur != res->best) hn_classifier_free(mn.cur);
    mn.cur = NULL;
    if (!res->best) {
        st = hn_err_set(err, HN_ERR_INTERRUPTED, "interrupted before the first model was trained; no model written");
        goto fail;
    }
    snprintf(res->best->threshold_note, sizeof res->best->threshold_note, "default (mined, round %d)",
             (int)res->best_round);
    miner_free(&mn);
    return HN_OK;
fail:
    if (mn.cur != res->best) hn_classifier_free(mn.cur);
    miner_free(&mn);
    hn_mine_result_free(res);
    return st;
}
