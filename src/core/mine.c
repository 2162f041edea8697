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
#include "src/base/rng.h"
#include "src/base/lines.h"
#include "src/core/scorer.h"
#include "src/eval/threshold.h"
#include "src/core/source.h"

static const char *const metric_names[HN_MINE_METRIC_COUNT] = {
    "ap", "f1", "accuracy", "balanced", "in-scope", "recall@P", "negative-recall", "reject-recall"};

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
    float *probs = NULL;   /* only for on_valid's out-of-scope scores */
    double *oos = NULL;
    size_t nn = (size_t)(n > 0 ? n : 1);
    if (o->on_valid && nl > 2 &&
        (!(probs = malloc(nn * (size_t)nl * sizeof *probs)) || !(oos = malloc(nn * sizeof *oos)))) {
        free(probs);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory keeping the validation scores of round %d", (int)row->round);
    }
    st = hn_classifier_score_dataset_probs(cl, v, -1, neg, NULL, &s, probs, err);
    if (st != HN_OK) {
        free(probs);
        free(oos);
        return st;
    }
    /* labels the model does not know (-1) count as always wrong */
    for (i = 0; i < n; i++)
        if (s.gold[i] < 0) s.gold[i] = nl;
    if (o->on_valid) {
        hn_mine_valid mv;
        memset(&mv, 0, sizeof mv);
        mv.round = row->round;
        mv.n = n;
        mv.binary = nl == 2;
        mv.nlabels = nl;
        mv.negative = neg;
        mv.gold = s.gold;
        mv.score = s.score;
        mv.top = s.top;
        mv.top_prob = s.top_prob;
        if (probs) {
            hn_oos_scores(probs, n, nl, neg, oos);
            mv.oos_score = oos;
        }
        st = o->on_valid(o->valid_user, &mv, err);
        free(probs);
        free(oos);
        if (st != HN_OK) goto done;
    }
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
        row->below_floor = rj.in_scope_accuracy < *base_in_scope - o->max_drop;
        row->metric = row->below_floor ? rj.in_scope_accuracy - 2 : rj.oos_recall;
        break;
    case HN_MINE_REJECT_RECALL: {
        /* the round and its reject threshold together: the most negative
         * recall a threshold buys while in-scope accuracy stays within
         * max_drop of round 0's without a threshold */
        hn_reject_metrics at;
        int32_t *pred = s.pred;
        if (row->round == 0) *base_in_scope = rj.in_scope_accuracy;
        if ((st = hn_threshold_reject_at(s.top_prob, s.top, s.gold, n, neg, *base_in_scope - o->max_drop,
                                         &row->threshold, &row->metric, err)) != HN_OK)
            goto done;
        row->has_threshold = 1;
        row->below_floor = row->metric < 0;
        if (row->below_floor) row->metric -= 1; /* in-scope accuracy - 2: below every round that holds */
        for (i = 0; i < n; i++) pred[i] = s.top_prob[i] < row->threshold ? neg : s.top[i];
        if ((st = hn_reject_compute(s.gold, pred, n, neg, &at, err)) != HN_OK) goto done;
        row->in_scope = at.in_scope_accuracy;
        row->neg_recall = at.oos_recall;
        break;
    }
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

/* The lines a person judged positive: their exact hashes. */
static hn_status read_exclude(const hn_mine_opts *o, hn_hashset *ex, int64_t *n, hn_err *err)
{
    hn_lines r;
    char *line;
    size_t len;
    hn_status st;
    size_t pl = strlen(o->pool_ro.label_prefix);
    *n = 0;
    if ((st = hn_lines_open(&r, o->exclude_path, err)) != HN_OK) return st;
    while ((st = hn_lines_next(&r, &line, &len, err)) == HN_OK && line) {
        char *t = line, *end = line + len, *p;
        if (len == 0 || line[0] == '#') continue;
        /* round<TAB>score<TAB>text, as --mined and --audit write */
        for (p = t; p < end && *p >= '0' && *p <= '9'; p++) {}
        if (p > t && p < end && *p == '\t') {
            char *q = memchr(p + 1, '\t', (size_t)(end - p - 1));
            if (q) t = q + 1;
        }
        if (t == line) /* a labeled line: its labels are not the text */
            while (pl && (size_t)(end - t) > pl && !strncmp(t, o->pool_ro.label_prefix, pl)) {
                while (t < end && *t != ' ' && *t != '\t') t++;
                while (t < end && (*t == ' ' || *t == '\t')) t++;
            }
        if ((st = hn_hashset_add(ex, hn_text_hash(t, (size_t)(end - t)))) != HN_OK) {
            hn_err_set(err, st, "out of memory");
            break;
        }
        (*n)++;
    }
    hn_lines_close(&r);
    return st;
}

/* A sample of the cache for a person to check, stratified by score band
 * (five bands of 0.2): a band gets its share, a band with fewer lines
 * gives the rest to the higher ones first. Seeded. */
static void write_audit(const hn_mine_opts *o, const hn_cache *c, uint64_t seed)
{
    int64_t i, band_n[5] = {0}, take[5] = {0}, left = o->audit_n;
    int b, pass;
    uint64_t rng = seed * 0x9E3779B97F4A7C15ULL + 0x61756474ULL;
    int64_t *idx = malloc((size_t)(c->n ? c->n : 1) * sizeof *idx);
    if (!idx) return;
    for (i = 0; i < c->n; i++) {
        b = (int)(c->e[i].mined_score * 5);
        band_n[b < 0 ? 0 : b > 4 ? 4 : b]++;
    }
    for (pass = 0; pass < 6 && left > 0; pass++) /* spread what is left over the bands that have lines */
        for (b = 4; b >= 0 && left > 0; b--) {
            int64_t want = pass == 0 ? o->audit_n / 5 : 1;
            int64_t can = band_n[b] - take[b];
            if (pass > 0) want = left;
            if (want > can) want = can;
            if (want > left) want = left;
            take[b] += want;
            left -= want;
        }
    fprintf(o->audit, "# round<TAB>score<TAB>text: mined lines (score when mined) for a person to check, %lld in score bands "
                      "[0.8,1] [0.6,0.8) [0.4,0.6) [0.2,0.4) [0,0.2); keep the lines that are really positive and "
                      "pass the file to --exclude\n", (long long)(o->audit_n - left));
    for (b = 4; b >= 0; b--) {
        int64_t m = 0, k;
        for (i = 0; i < c->n; i++) {
            int bb = (int)(c->e[i].mined_score * 5);
            if ((bb < 0 ? 0 : bb > 4 ? 4 : bb) == b) idx[m++] = i;
        }
        for (k = 0; k < take[b] && k < m; k++) { /* partial Fisher-Yates: a uniform sample */
            int64_t j = k + (int64_t)hn_rng_below(&rng, (uint64_t)(m - k)), tmp = idx[k];
            const hn_cache_entry *e;
            idx[k] = idx[j];
            idx[j] = tmp;
            e = &c->e[idx[k]];
            fprintf(o->audit, "%d\t%.9g\t", (int)e->round, (double)e->mined_score);
            fwrite(e->text, 1, e->len, o->audit);
            fputc('\n', o->audit);
        }
    }
    free(idx);
}

/* Exact hashes of the validation lines: they judge the rounds and are never
 * mined, even when a pool holds them. */
static hn_status collect_valid_hashes(const hn_mine_opts *o, hn_hashset *seen, hn_err *err)
{
    hn_source *r = NULL;
    hn_example rec;
    int got;
    hn_status st;
    if ((st = hn_source_open(o->valid_path, &o->ro, &r, err)) != HN_OK) return st;
    while ((st = hn_source_next(r, &rec, &got, err)) == HN_OK && got)
        if ((st = hn_hashset_add(seen, hn_text_hash(rec.text, rec.len))) != HN_OK) {
            hn_err_set(err, st, "out of memory");
            break;
        }
    hn_source_free(r);
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
    hn_hashset exclude;
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
    /* warm_start with the batch solver: the last solve's dual variables, and
     * the hashes of the cache lines it was solved with (example d0.n + j),
     * sorted, to find each line's example again after the cache changed */
    hn_dcd_duals duals;
    struct warm_line *prev;
    int64_t nprev;
    int64_t *map;
} miner;

typedef struct warm_line {
    uint64_t hash;
    int64_t ex;   /* its example in the previous round's training set */
} warm_line;

static int by_hash(const void *a, const void *b)
{
    uint64_t x = ((const warm_line *)a)->hash, y = ((const warm_line *)b)->hash;
    return (x > y) - (x < y);
}

static void miner_free(miner *mn)
{
    hn_dcd_duals_free(&mn->duals);
    free(mn->prev);
    free(mn->map);
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
    hn_hashset_free(&mn->exclude);
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
    if (o->score_pool) {
        memset(&ps, 0, sizeof ps);
        st = o->score_pool(o->score_user, mn->cur, mn->neg, r, &mn->seen, &mn->exclude, &mn->select, &sel, &ps, err);
        if (st == HN_OK && (st = hn_select_near(&sel, allnear, nnear, mn->select.near_bits, &ps, err)) != HN_OK)
            hn_topk_free(&sel);
        ps.selected = sel.n;
    } else {
        st = hn_mine_select(o->pools, o->npools, &mn->sc, &mn->select, &mn->seen, allnear, nnear, &sel, &ps, stop,
                            err);
    }
    free(allnear);
    if (st != HN_OK) return st;
    row->scored = ps.scored;
    row->misclassified = ps.misclassified;
    row->above_ceiling = ps.above_ceiling;
    row->dup_exact = ps.dup_exact;
    row->excluded = ps.excluded;
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

/* --warm-start, before a round's fit on mn->d (the training file, then
 * the cache): the batch solver gets the last solve's dual variables and
 * where each example was in it (training lines stay where they were;
 * cache lines are found by hash, since the cache drops and adds lines);
 * the online trainer and the MLP get the previous round's model. */
static hn_status warm_prepare(miner *mn, hn_err *err)
{
    hn_train_opts tr = mn->fit.train;
    int64_t i;
    hn_fit_solver(&mn->fit, &tr);
    if (tr.solver != HN_SOLVER_DCD) {
        mn->fit.init = mn->cur; /* NULL in round 0: from scratch */
        return HN_OK;
    }
    mn->fit.duals = &mn->duals;
    mn->fit.duals_map = NULL;
    if (mn->duals.n == 0) return HN_OK; /* round 0 */
    free(mn->map);
    if (!(mn->map = malloc((size_t)(mn->d.n ? mn->d.n : 1) * sizeof *mn->map)))
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (i = 0; i < mn->d0.n; i++) mn->map[i] = i;
    for (i = 0; i < mn->cache.n; i++) {
        warm_line key, *hit;
        key.hash = mn->cache.e[i].hash;
        hit = mn->nprev ? bsearch(&key, mn->prev, (size_t)mn->nprev, sizeof *mn->prev, by_hash) : NULL;
        mn->map[mn->d0.n + i] = hit ? hit->ex : -1;
    }
    mn->fit.duals_map = mn->map;
    return HN_OK;
}

/* After a warm-started batch solve: remember which cache line was which example. */
static hn_status warm_remember(miner *mn, hn_err *err)
{
    int64_t i;
    free(mn->prev);
    mn->nprev = 0;
    if (!(mn->prev = malloc((size_t)(mn->cache.n ? mn->cache.n : 1) * sizeof *mn->prev)))
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    for (i = 0; i < mn->cache.n; i++) {
        mn->prev[i].hash = mn->cache.e[i].hash;
        mn->prev[i].ex = mn->d0.n + i;
    }
    mn->nprev = mn->cache.n;
    qsort(mn->prev, (size_t)mn->nprev, sizeof *mn->prev, by_hash);
    return HN_OK;
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
    if (mn->o->warm_start && (st = warm_prepare(mn, err)) != HN_OK) {
        hn_tok_free(t2);
        hn_labels_free(&lcopy);
        return st;
    }
    st = hn_fit(&mn->fit, t2, &lcopy, &mn->d, NULL, stop, out, err);
    hn_labels_free(&lcopy);
    mn->fit.init = NULL; /* mn->cur is replaced next */
    if (st == HN_OK && mn->fit.duals) st = warm_remember(mn, err);
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
    hn_hashset_init(&mn.exclude);
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
    metric = o->metric != HN_MINE_METRIC_COUNT ? o->metric : mn.labels.n == 2 ? HN_MINE_AP : HN_MINE_REJECT_RECALL;
    if (metric == HN_MINE_REJECT_RECALL && mn.labels.n == 2) {
        st = hn_err_set(err, HN_ERR_ARG, "--metric reject-recall is for several labels with a reject label; "
                                         "with two use ap, f1 or recall@P");
        goto fail;
    }
    res->metric = metric;
    res->binary = mn.labels.n == 2;
    if ((st = collect_train_hashes(o, &mn.seen, &mn.sims, &mn.nsims, err)) != HN_OK) goto fail;
    if ((st = collect_valid_hashes(o, &mn.seen, err)) != HN_OK) goto fail;
    if (o->exclude_path) {
        int64_t nex;
        if ((st = read_exclude(o, &mn.exclude, &nex, err)) != HN_OK) goto fail;
        mn.select.exclude = &mn.exclude;
        hn_log(HN_LOG_INFO, "mine: %lld lines of %s are never mined", (long long)nex, o->exclude_path);
    }
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
    if (o->audit && o->audit_n > 0) write_audit(o, &mn.cache, o->fit.train.seed);
    if (res->rows[res->best_round].has_threshold) {
        res->best->threshold = res->rows[res->best_round].threshold;
        res->best->reject_label = mn.neg;
        snprintf(res->best->threshold_note, sizeof res->best->threshold_note,
                 "mine: reject-recall on the validation set (round %d)", (int)res->best_round);
    } else {
        snprintf(res->best->threshold_note, sizeof res->best->threshold_note, "default (mined, round %d)",
                 (int)res->best_round);
    }
    miner_free(&mn);
    return HN_OK;
fail:
    if (mn.cur != res->best) hn_classifier_free(mn.cur);
    miner_free(&mn);
    hn_mine_result_free(res);
    return st;
}
