/* fit.c - the training driver shared by train and mine (see fit.h)
 *
 * src/core. Decisions (README "Design decisions"): with two labels the
 * model is binary and the positive class is o->positive, else the less
 * frequent label (ties: the one seen second); class ids otherwise follow
 * first appearance. --class-weight balanced gives class k the weight
 * n / (K n_k), as scikit-learn does. With a validation set the epoch with
 * the best validation figure is kept (ties: the earlier epoch).
 */
#include "src/core/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/log.h"
#include "src/core/ngrams.h"
#include "src/eval/metrics.h"

void hn_fit_opts_default(hn_fit_opts *o)
{
    memset(o, 0, sizeof *o);
    hn_train_opts_default(&o->train);
    o->name = "fit";
}

void hn_fit_solver(const hn_fit_opts *o, hn_train_opts *tr)
{
    if (tr->model != HN_MODEL_LINEAR) return;
    if (!o->solver_set) {
        if (o->online_option) return;
        if (o->loss_set && tr->loss != HN_LOSS_LOG && tr->loss != HN_LOSS_HINGE && tr->loss != HN_LOSS_SQHINGE) return;
        tr->solver = HN_SOLVER_DCD;
    }
    /* dcd's own default loss, whether dcd was chosen or defaulted to (log is sgd's) */
    if (tr->solver == HN_SOLVER_DCD && !o->loss_set) tr->loss = HN_LOSS_SQHINGE;
}

hn_status hn_fit_opts_check(const hn_fit_opts *o, hn_err *err)
{
    hn_status st;
    hn_train_opts tr = o->train;
    if (!o->solver_set && o->online_option && o->batch_option)
        return hn_err_set(err, HN_ERR_ARG,
                          "%s is for the online trainer and %s for the batch solver: say which with --solver sgd|dcd",
                          o->online_option, o->batch_option);
    hn_fit_solver(o, &tr);
    if (tr.solver != HN_SOLVER_DCD && o->batch_option)
        return hn_err_set(err, HN_ERR_ARG, "%s is for the batch solver (--solver dcd), which this %s does not use",
                          o->batch_option, o->solver_set ? "run" : "model");
    if (tr.solver == HN_SOLVER_DCD && o->online_option)
        return hn_err_set(err, HN_ERR_ARG, "%s is for the online trainer (--solver sgd), not --solver dcd",
                          o->online_option);
    if ((st = hn_train_opts_check(&tr, err)) != HN_OK) return st;
    if (o->class_weight && strcmp(o->class_weight, "balanced") != 0 && !strchr(o->class_weight, '='))
        return hn_err_set(err, HN_ERR_ARG, "--class-weight: expected 'balanced' or LABEL=W[,LABEL=W...]");
    return HN_OK;
}

/* ---- validation ------------------------------------------------------------ */

typedef struct valid_ctx {
    const hn_fit_opts *fo;
    hn_classifier *cl;         /* the classifier being trained */
    hn_model *best;            /* weights of the best epoch */
    const hn_dataset *valid;
    const hn_train_opts *tr;
    double best_metric, best_vloss;
    int32_t best_epoch, epochs;
    int binary, failed;
    hn_log_level level;
    int64_t n;
} valid_ctx;

/* Average precision of scores for gold class 1 (metrics.c, the definition
 * eval reports) into *ap; -1 when there are no positives. HN_ERR_NOMEM. */
static hn_status valid_average_precision(const hn_scores *s, double *ap)
{
    int32_t *gold = malloc((size_t)(s->n ? s->n : 1) * sizeof *gold);
    hn_binary_metrics bm;
    hn_status st;
    int64_t i;
    *ap = -1;
    if (!gold) return HN_ERR_NOMEM;
    for (i = 0; i < s->n; i++) gold[i] = s->gold[i] == 1;
    if ((st = hn_binary_compute(gold, s->score, s->n, 0.5, &bm, NULL)) == HN_OK) {
        if (bm.has_average_precision) *ap = bm.average_precision;
        hn_binary_free(&bm);
    }
    free(gold);
    return st;
}

/* The validation figure of the classifier as it is now: binary AP (the
 * negated loss when the set has no positives), else accuracy; *vloss the
 * mean validation loss. HN_ERR_NOMEM. */
static hn_status valid_metric(const valid_ctx *v, double *metric, double *vloss, int *by_loss)
{
    hn_scores s;
    hn_status st;
    int64_t i, correct = 0, counted = 0;
    *by_loss = 0;
    if ((st = hn_classifier_score_dataset(v->cl, v->valid, -1, -1, v->tr, &s, NULL)) != HN_OK) return st;
    *vloss = s.loss;
    if (v->binary) {
        if ((st = valid_average_precision(&s, metric)) == HN_OK && *metric < 0) {
            *metric = -s.loss; /* AP is undefined without positives: the validation loss decides */
            *by_loss = 1;
        }
    } else {
        for (i = 0; i < s.n; i++)
            if (s.gold[i] >= 0) {
                correct += s.top[i] == s.gold[i];
                counted++;
            }
        *metric = counted ? (double)correct / (double)counted : 0;
    }
    hn_scores_free(&s);
    return st;
}

static int on_epoch(int32_t epoch, double loss, double secs, void *user)
{
    valid_ctx *v = user;
    const char *name = v->fo->name;
    double metric, vloss;
    int by_loss;
    if (!v->valid) {
        hn_log(v->level, "%s: epoch %d/%d  loss %.6f  %.2fs  %.0f ex/s", name, (int)epoch, (int)v->epochs, loss, secs,
               secs > 0 ? (double)v->n / secs : 0.0);
        return 0;
    }
    if (valid_metric(v, &metric, &vloss, &by_loss) != HN_OK) {
        /* not silent: say so, and let the run fail rather than keep an unchecked epoch */
        hn_log(HN_LOG_ERROR, "%s: out of memory evaluating epoch %d on the validation set", name, (int)epoch);
        v->failed = 1;
        return 1;
    }
    if (v->binary && !by_loss) {
        hn_log(v->level, "%s: epoch %d/%d  loss %.6f  valid loss %.6f  valid AP %.6f  %.2fs", name, (int)epoch,
               (int)v->epochs, loss, vloss, metric, secs);
    } else if (v->binary) {
        if (epoch == 1)
            hn_log(HN_LOG_WARN, "%s: the validation file has no positive examples: AP is undefined; "
                   "keeping the epoch with the lowest validation loss", name);
        hn_log(v->level, "%s: epoch %d/%d  loss %.6f  valid loss %.6f  %.2fs", name, (int)epoch, (int)v->epochs, loss,
               vloss, secs);
    } else {
        hn_log(v->level, "%s: epoch %d/%d  loss %.6f  valid loss %.6f  valid accuracy %.6f  %.2fs", name, (int)epoch,
               (int)v->epochs, loss, vloss, metric, secs);
    }
    /* ties on the metric (accuracy moves in steps of 1/n) go to the lower
     * validation loss: a later epoch that fits as well but more surely */
    if (v->best_epoch == 0 || metric > v->best_metric || (metric == v->best_metric && vloss < v->best_vloss)) {
        v->best_metric = metric;
        v->best_vloss = vloss;
        v->best_epoch = epoch;
        hn_model_copy_weights(v->best, v->cl->model);
    }
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* --solver dcd: solve at each C (ascending, each run warm-started from the
 * last) and keep the one with the best validation figure (ties: the
 * smaller C, the simpler model); without a validation set there is one C. */
static hn_status fit_dcd(valid_ctx *v, const hn_dataset *d, const float *cw, volatile int *stop, hn_err *err)
{
    const hn_fit_opts *o = v->fo;
    hn_classifier *cl = v->cl;
    hn_dcd *s = NULL;
    hn_dcd_stats ds;
    double Cs[HN_FIT_MAX_C], best_C = 0;
    int32_t nC = o->nC > 0 ? o->nC : 1, i;
    hn_status st;
    if (o->nC > 0) memcpy(Cs, o->Cs, (size_t)o->nC * sizeof *Cs);
    else Cs[0] = cl->train_opts.C;
    if (nC > 1 && !v->valid)
        return hn_err_set(err, HN_ERR_ARG, "--C with several values needs --valid FILE to choose one");
    qsort(Cs, (size_t)nC, sizeof *Cs, by_value);
    if ((st = hn_dcd_create(cl->model, d, &cl->train_opts, cw, &s, err)) != HN_OK) return st;
    if (o->init && (st = hn_dcd_anchor(s, err)) != HN_OK) goto done;
    if (o->duals && o->duals->n > 0 && (st = hn_dcd_warm(s, o->duals, o->duals_map, err)) != HN_OK) goto done;
    for (i = 0; i < nC; i++) {
        double metric = 0, vloss = 0;
        int by_loss = 0;
        if ((st = hn_dcd_run(s, Cs[i], stop, &ds, err)) != HN_OK) goto done;
        if (v->valid && (st = valid_metric(v, &metric, &vloss, &by_loss)) != HN_OK) {
            hn_err_set(err, st, "out of memory evaluating the validation set");
            goto done;
        }
        if (v->valid && by_loss && i == 0)
            hn_log(HN_LOG_WARN, "%s: the validation file has no positive examples: AP is undefined; "
                   "keeping the C with the lowest validation loss", o->name);
        {
            char vs[64] = "";
            if (v->valid)
                snprintf(vs, sizeof vs, "  valid %s %.6f", v->binary ? (by_loss ? "loss" : "AP") : "accuracy",
                         by_loss ? vloss : metric);
            hn_log(v->level, "%s: C %g  %d passes  objective %.6g  gap %.2g  scale %.4g  %.2fs%s", o->name, Cs[i],
                   (int)ds.passes, ds.primal, ds.primal - ds.dual, ds.scale, ds.seconds, vs);
        }
        if (v->valid && (i == 0 || metric > v->best_metric)) {
            v->best_metric = metric;
            best_C = Cs[i];
            hn_model_copy_weights(v->best, cl->model);
        }
        if (!v->valid) best_C = Cs[i];
    }
    if (v->valid) {
        hn_model_copy_weights(cl->model, v->best);
        if (nC > 1)
            hn_log(v->level, "%s: kept C %g (best validation %s %.6f)", o->name, best_C,
                   v->binary ? (v->best_metric < 0 ? "loss" : "AP") : "accuracy",
                   v->best_metric < 0 ? -v->best_metric : v->best_metric);
    }
    cl->train_opts.C = best_C;
    if (o->duals) st = hn_dcd_duals_get(s, o->duals, err); /* the last run's: the next warm start scales from its C */
done:
    hn_dcd_free(s);
    return st;
}

/* ---- label decisions ---------------------------------------------------------- */

static hn_status class_weights(const char *spec, const hn_labels *labels, float *cw, hn_err *err)
{
    int32_t k;
    int64_t total = 0;
    for (k = 0; k < labels->n; k++) {
        cw[k] = 1.0f;
        total += labels->count[k];
    }
    if (!spec) return HN_OK;
    if (!strcmp(spec, "balanced")) {
        for (k = 0; k < labels->n; k++)
            if (labels->count[k] > 0) cw[k] = (float)((double)total / ((double)labels->n * (double)labels->count[k]));
        return HN_OK;
    }
    {
        char buf[4096], *save = NULL, *item;
        if (strlen(spec) >= sizeof buf) return hn_err_set(err, HN_ERR_ARG, "--class-weight: too long");
        strcpy(buf, spec);
        for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            char *eq = strrchr(item, '='), *end;
            double w;
            int32_t id;
            if (!eq) return hn_err_set(err, HN_ERR_ARG, "--class-weight: '%s' is not LABEL=W", item);
            *eq = '\0';
            w = strtod(eq + 1, &end);
            if (end == eq + 1 || *end || !isfinite(w) || w <= 0)
                return hn_err_set(err, HN_ERR_ARG, "--class-weight: bad weight '%s' for %s", eq + 1, item);
            if ((id = hn_labels_find(labels, item)) < 0)
                return hn_err_set(err, HN_ERR_ARG, "--class-weight: label '%s' is not in the training data", item);
            cw[id] = (float)w;
        }
    }
    return HN_OK;
}

static void relabel(hn_dataset *d, const int32_t *map)
{
    int64_t i;
    if (!d) return;
    for (i = 0; i < d->n; i++)
        if (d->label[i] >= 0 && d->label[i] < 2) d->label[i] = map[d->label[i]];
}

/* Binary: put the positive label at id 1. */
hn_status hn_fit_choose_positive(const hn_fit_opts *o, hn_labels *labels, hn_dataset *d, hn_dataset *valid,
                                 hn_err *err)
{
    int32_t pos;
    if (o->positive) {
        if ((pos = hn_labels_find(labels, o->positive)) < 0)
            return hn_err_set(err, HN_ERR_ARG, "--positive: label '%s' is not in the training data (labels: '%s', '%s')",
                              o->positive, labels->names[0], labels->names[1]);
    } else {
        pos = labels->count[0] < labels->count[1] ? 0 : 1;
    }
    if (pos == 0) {
        static const int32_t map[2] = {1, 0};
        hn_labels_swap(labels, 0, 1);
        relabel(d, map);
        relabel(valid, map);
    }
    hn_log(o->quiet ? HN_LOG_DEBUG : HN_LOG_INFO, "%s: binary model, positive class '%s'", o->name, labels->names[1]);
    return HN_OK;
}

/* With o->init: labels begin with the init's, in its order; a binary
 * model's positive class stays its label 1. */
static hn_status init_labels_check(const hn_fit_opts *o, const hn_labels *labels, hn_err *err)
{
    const hn_classifier *in = o->init;
    int32_t k;
    if (labels->n < in->nlabels) return hn_err_set(err, HN_ERR_ARG, "the initial model's labels are missing");
    for (k = 0; k < in->nlabels; k++)
        if (strcmp(labels->names[k], in->labels[k]) != 0)
            return hn_err_set(err, HN_ERR_ARG, "label %d is '%s', the initial model's is '%s'", (int)k,
                              labels->names[k], in->labels[k]);
    if (in->nlabels == 2 && labels->n > 2)
        return hn_err_set(err, HN_ERR_FORMAT, "the data adds label '%s' to a binary model, which cannot grow into a "
                          "multi-class one: train without --init", labels->names[2]);
    if (in->nlabels == 2 && o->positive && strcmp(o->positive, in->labels[1]) != 0)
        return hn_err_set(err, HN_ERR_ARG, "--positive %s: the initial model's positive class is '%s'", o->positive,
                          in->labels[1]);
    return HN_OK;
}

hn_status hn_fit(const hn_fit_opts *o, hn_tokenizer *tok, hn_labels *labels, hn_dataset *d, hn_dataset *valid,
                 volatile int *stop, hn_classifier **out, hn_err *err)
{
    hn_classifier *cl = NULL;
    hn_train_opts tr = o->train;
    float *cw = NULL;
    char **names;
    int32_t nlabels;
    hn_status st;
    valid_ctx vc;
    hn_log_level level = o->quiet ? HN_LOG_DEBUG : HN_LOG_INFO;
    *out = NULL;
    memset(&vc, 0, sizeof vc);
    if (labels->n < 2) {
        st = labels->n == 1 ? hn_err_set(err, HN_ERR_FORMAT, "need at least 2 labels to train, found only '%s'",
                                         labels->names[0])
                            : hn_err_set(err, HN_ERR_FORMAT, "no training examples");
        hn_tok_free(tok);
        return st;
    }
    if (o->init && (st = init_labels_check(o, labels, err)) != HN_OK) {
        hn_tok_free(tok);
        return st;
    }
    if (labels->n == 2 && !o->init) {
        if ((st = hn_fit_choose_positive(o, labels, d, valid, err)) != HN_OK) {
            hn_tok_free(tok);
            return st;
        }
    } else if (o->positive && labels->n > 2) {
        hn_log(HN_LOG_WARN, "%s: --positive ignored: %d labels (multinomial model)", o->name, (int)labels->n);
    }
    if (o->init) { /* the kind and shape are the initial model's */
        tr.model = hn_model_kind_of(o->init->model);
        hn_model_shape(o->init->model, &tr.dim, tr.hidden);
        if (tr.model != HN_MODEL_MLP) {
            hn_train_opts def;
            hn_train_opts_default(&def);
            tr.dim = def.dim;
            tr.hidden[0] = def.hidden[0];
            tr.hidden[1] = def.hidden[1];
        }
    }
    hn_fit_solver(o, &tr);
    if (!o->lr_set && tr.model == HN_MODEL_MLP) /* the linear default (0.5) diverges for the MLP */
        tr.lr = tr.optim == HN_OPTIM_ADAM ? 0.001 : 0.1;
    if (o->negative && (tr.negative_class = hn_labels_find(labels, o->negative)) < 0) {
        hn_tok_free(tok);
        return hn_err_set(err, HN_ERR_ARG, "--negative-label: label '%s' is not in the training data", o->negative);
    }
    if (!(cw = malloc((size_t)labels->n * sizeof *cw))) {
        hn_tok_free(tok);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    if ((st = class_weights(o->class_weight, labels, cw, err)) != HN_OK) {
        hn_tok_free(tok);
        goto done;
    }
    names = hn_labels_take_names(labels, &nlabels);
    if ((st = hn_classifier_create(tok, names, nlabels, NULL, &tr, &cl, err)) != HN_OK) goto done;
    cl->train_examples = d->n;
    if (o->init) {
        if ((st = hn_model_grow(o->init->model, &tr, cl->nlabels, d, &cl->model, err)) != HN_OK) goto done;
        hn_log(level, "%s: warm start from a model of %lld rows and %d labels (%s)", o->name,
               (long long)hn_model_rows(o->init->model), (int)o->init->nlabels,
               tr.solver == HN_SOLVER_DCD ? "the batch solver regularizes toward its weights"
                                          : "training continues from its weights; optimizer state starts afresh");
    } else if ((st = hn_model_create(&tr, cl->nlabels, cl->tok_opts.bits, d, &cl->model, err)) != HN_OK) {
        goto done;
    }
    vc.fo = o;
    vc.cl = cl;
    vc.valid = valid && valid->n ? valid : NULL;
    vc.tr = &cl->train_opts;
    vc.epochs = tr.epochs;
    vc.binary = cl->nlabels == 2;
    vc.n = d->n;
    vc.level = level;
    if (vc.valid && !(vc.best = hn_model_clone(cl->model))) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory");
        goto done;
    }
    hn_log(level, "%s: the model holds %lld parameters (%.1f MB)", o->name, (long long)hn_model_params(cl->model),
           (double)hn_model_params(cl->model) * 4 / 1e6);
    if (tr.solver == HN_SOLVER_DCD)
        hn_log(level, "%s: %lld examples, %d labels, %lld weight rows, batch solver (%s loss, one-vs-rest)", o->name,
               (long long)d->n, (int)cl->nlabels, (long long)hn_model_rows(cl->model), hn_loss_name(tr.loss));
    else
        hn_log(level, "%s: %lld examples, %d labels, %lld weight rows, %d epochs", o->name, (long long)d->n,
               (int)cl->nlabels, (long long)hn_model_rows(cl->model), (int)tr.epochs);
    if (tr.solver == HN_SOLVER_DCD) {
        st = fit_dcd(&vc, d, cw, stop, err);
        goto done_ok;
    }
    if ((st = hn_model_train(cl->model, d, &cl->train_opts, cw, on_epoch, &vc, stop, err)) != HN_OK) goto done;
    if (vc.failed) {
        st = hn_err_set(err, HN_ERR_NOMEM, "out of memory evaluating the validation set");
        goto done;
    }
    if (vc.best) {
        hn_model_copy_weights(cl->model, vc.best);
        cl->best_epoch = vc.best_epoch;
        hn_log(level, "%s: kept epoch %d (best validation %s %.6f)", o->name, (int)vc.best_epoch,
               vc.binary ? (vc.best_metric < 0 ? "loss" : "AP") : "accuracy",
               vc.best_metric < 0 ? -vc.best_metric : vc.best_metric);
    }
done_ok:
    if (st != HN_OK) goto done;
    *out = cl;
    cl = NULL;
done:
    hn_model_free(vc.best);
    free(cw);
    hn_classifier_free(cl);
    return st;
}

hn_status hn_fit_keep_ngrams(const hn_fit_opts *o, hn_classifier *c, const char *const *paths,
                             const hn_reader_opts *const *ros, int npaths, volatile int *stop, hn_err *err)
{
    hn_ngram_table *t = NULL;
    hn_status st;
    int i;
    for (i = 0; i < npaths; i++)
        if (!strcmp(paths[i], "-"))
            return hn_err_set(err, HN_ERR_ARG, "--keep-ngrams reads %s a second time: give a file, not standard input",
                              i ? "the pool" : "the training file");
    st = hn_ngram_table_build_files(c->tok, paths, ros, npaths, o->keep_ngrams, HN_NGRAMS_MAX_BYTES_DEFAULT, stop, &t,
                                    err);
    if (st != HN_OK) return st;
    hn_ngram_table_free(c->ngrams);
    c->ngrams = t;
    hn_log(o->quiet ? HN_LOG_DEBUG : HN_LOG_INFO, "%s: n-gram table: %lld buckets, up to %d strings each%s", o->name,
           (long long)hn_ngram_table_nbuckets(t), (int)o->keep_ngrams,
           hn_ngram_table_pruned(t) ? " (counts approximate)" : "");
    return HN_OK;
}

hn_status hn_fit_files(const hn_fit_opts *o, const hn_tok_opts *tok_opts, const hn_reader_opts *ro,
                       const char *train_path, const char *valid_path, volatile int *stop, hn_classifier **out,
                       hn_err *err)
{
    hn_tokenizer *tok = NULL;
    hn_labels labels;
    hn_dataset d, v;
    hn_load_stats ls;
    hn_status st;
    *out = NULL;
    hn_labels_init(&labels);
    hn_dataset_init(&d);
    hn_dataset_init(&v);
    if (o->keep_ngrams > 0 && !strcmp(train_path, "-"))
        return hn_err_set(err, HN_ERR_ARG, "--keep-ngrams reads the training file a second time: give a file, not "
                          "standard input");
    if ((st = hn_tok_create(o->init ? &o->init->tok_opts : tok_opts, &tok, err)) != HN_OK) goto done;
    if (o->init) { /* the model's labels first, in its order; new ones follow */
        int32_t k;
        for (k = 0; k < o->init->nlabels; k++)
            if (hn_labels_add(&labels, o->init->labels[k]) != k) {
                st = hn_err_set(err, HN_ERR_FORMAT, "the initial model's label '%s' is not unique or out of memory",
                                o->init->labels[k]);
                goto done;
            }
    }
    if ((st = hn_load_labeled(train_path, ro, tok, &labels, HN_UNKNOWN_ADD, &d, &ls, err)) != HN_OK) goto done;
    if (d.n == 0) {
        st = hn_err_set(err, HN_ERR_FORMAT, "%s: no training examples", train_path);
        goto done;
    }
    hn_log(o->quiet ? HN_LOG_DEBUG : HN_LOG_INFO, "%s: read %lld examples from %s", o->name, (long long)d.n, train_path);
    if (valid_path) {
        hn_load_stats vs;
        if ((st = hn_load_labeled(valid_path, ro, tok, &labels, HN_UNKNOWN_KEEP, &v, &vs, err)) != HN_OK) goto done;
        if (vs.unknown_label)
            hn_log(HN_LOG_WARN, "%s: %s: %lld examples have labels not seen in training (counted as errors)", o->name,
                   valid_path, (long long)vs.unknown_label);
    }
    st = hn_fit(o, tok, &labels, &d, &v, stop, out, err);
    tok = NULL;
    if (st == HN_OK && o->keep_ngrams > 0) { /* the n-gram side table: one more pass over the training file */
        hn_dataset_free(&d); /* the weights are trained: give back the featurized data first */
        if ((st = hn_fit_keep_ngrams(o, *out, &train_path, &ro, 1, stop, err)) != HN_OK) {
            hn_classifier_free(*out);
            *out = NULL;
        }
    }
done:
    hn_tok_free(tok);
    hn_labels_free(&labels);
    hn_dataset_free(&d);
    hn_dataset_free(&v);
    return st;
}
