/* tune.c - the search behind `hardneg tune` and `mine --tune` (tune.h)
 *
 * A setting is one point of the space (model, solver, loss, strength,
 * optimizer, epochs, features, class weights); its words are the `train`
 * options that say it, minus those the user fixed. The words go through
 * the same option parser as `train`, so a trial means exactly what the
 * printed command means.
 */
#include "src/cli/tune.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/base/log.h"
#include "src/base/rng.h"
#include "src/base/threads.h"
#include "src/cli/cli.h"
#include "src/cli/json.h"
#include "src/cli/tokopts.h"
#include "src/core/data.h"

#define MAX_DATA 3       /* featurized datasets kept at once (one per tokenizer setting) */
#define TOP_PERTURB 3    /* perturb the best this many */

typedef struct setting {
    hn_model_kind model;
    hn_solver_kind solver;
    hn_loss loss;
    hn_optim optim;
    double C, lr, l2, dropout;
    int32_t epochs, dim, hidden, ngrams, cmin, cmax, bits;
    int balanced;
    int32_t negw;              /* > 1: --class-weight NEGATIVE=negw (with --negative-label) */
} setting;

typedef struct dataset {
    char *key;                 /* the tokenizer options as text */
    hn_tok_opts tok;
    hn_labels labels;
    hn_dataset d, v;
    int64_t used;              /* batch that used it last */
} dataset;

typedef struct trial {
    int32_t id, rung;
    setting s;
    char words[1024];
    hn_cli_train_cfg cfg;
    dataset *data;
    hn_classifier *cl;
    hn_objective_value ov;
    double seconds;
    int failed, interrupted, promoted;
    char why[600];
} trial;

typedef struct tuner {
    hn_tune_opts *o;
    uint64_t rng;
    dataset data[MAX_DATA + 8];
    int32_t ndata;
    trial *trials;             /* every trial so far */
    int32_t ntrials, cap;
    int32_t batch_lo, batch_hi; /* the running batch: trials[lo, hi) */
    int64_t batch_no;
    volatile int stop;
    volatile int done;
    int interrupted;
    struct timespec t0;
    int32_t best;              /* index of the best trial, -1 */
} tuner;

static double now_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

void hn_tune_opts_default(hn_tune_opts *o)
{
    memset(o, 0, sizeof *o);
    hn_cli_train_cfg_default(&o->user);
    o->budget = 300;
    o->workers = 1;
    o->negative = -1;
    o->name = "tune";
}

int hn_tune_note_option(hn_tune_opts *o, int id, const char *longname, const char *arg)
{
    if (hn_cli_words_add(&o->fixed_words, longname, arg) != 0) return -1;
    if (id >= HN_OPT_TOK_FIRST && id < HN_OPT_TRAIN_LAST) o->given[id - HN_OPT_TOK_FIRST] = 1;
    return 0;
}

static int given(const hn_tune_opts *o, int id) { return o->given[id - HN_OPT_TOK_FIRST] != 0; }

/* ---- the space ------------------------------------------------------------ */

static double log_uniform(uint64_t *r, double lo, double hi)
{
    return exp(log(lo) + hn_rng_uniform(r) * (log(hi) - log(lo)));
}

static double two_digits(double x)
{
    char b[32];
    snprintf(b, sizeof b, "%.2g", x);
    return strtod(b, NULL);
}

static int32_t pick_int(uint64_t *r, const int32_t *v, int32_t n) { return v[hn_rng_below(r, (uint64_t)n)]; }

/* what the user's options force */
static void constrain(const hn_tune_opts *o, setting *s)
{
    const hn_cli_train_cfg *u = &o->user;
    if (given(o, HN_OPT_MODEL)) s->model = u->fit.train.model;
    else if (u->fit.batch_option) s->model = HN_MODEL_LINEAR;
    if (s->model == HN_MODEL_LINEAR) {
        if (given(o, HN_OPT_SOLVER)) s->solver = u->fit.train.solver;
        else if (u->fit.online_option) s->solver = HN_SOLVER_SGD;
        else if (u->fit.batch_option) s->solver = HN_SOLVER_DCD;
        if (given(o, HN_OPT_LOSS)) {
            s->loss = u->fit.train.loss;
            if (!given(o, HN_OPT_SOLVER) && s->loss != HN_LOSS_LOG && s->loss != HN_LOSS_HINGE &&
                s->loss != HN_LOSS_SQHINGE)
                s->solver = HN_SOLVER_SGD;
        }
    } else {
        s->solver = HN_SOLVER_SGD;
    }
    if (s->solver == HN_SOLVER_DCD && s->loss != HN_LOSS_LOG && s->loss != HN_LOSS_HINGE)
        s->loss = HN_LOSS_SQHINGE;
    if (s->solver == HN_SOLVER_SGD && (s->loss == HN_LOSS_SQHINGE || s->loss == HN_LOSS_HINGE) &&
        !given(o, HN_OPT_LOSS))
        s->loss = HN_LOSS_LOG;
}

static void sample_online(uint64_t *r, setting *s)
{
    static const int32_t lin_epochs[] = {5, 10, 20, 30}, mlp_epochs[] = {10, 20, 30};
    if (s->model == HN_MODEL_MLP) {
        static const int32_t dims[] = {50, 100, 200}, hid[] = {128, 256, 512};
        s->optim = hn_rng_uniform(r) < 0.6 ? HN_OPTIM_ADAGRAD : HN_OPTIM_SGD;
        s->lr = two_digits(s->optim == HN_OPTIM_ADAGRAD ? log_uniform(r, 0.03, 0.3) : log_uniform(r, 0.03, 0.12));
        s->epochs = pick_int(r, mlp_epochs, 3);
        s->dim = pick_int(r, dims, 3);
        s->hidden = pick_int(r, hid, 3);
        s->dropout = 0.3 + 0.1 * (double)hn_rng_below(r, 5);
        s->l2 = hn_rng_uniform(r) < 0.5 ? 0 : 1e-6;
    } else {
        static const double l2s[] = {0, 1e-6, 1e-5};
        s->optim = hn_rng_uniform(r) < 0.5 ? HN_OPTIM_ADAGRAD : HN_OPTIM_SGD;
        s->lr = two_digits(s->optim == HN_OPTIM_ADAGRAD ? log_uniform(r, 0.05, 1) : log_uniform(r, 0.1, 2));
        s->epochs = pick_int(r, lin_epochs, 4);
        s->l2 = l2s[hn_rng_below(r, 3)];
        s->loss = hn_rng_uniform(r) < 0.8 ? HN_LOSS_LOG : HN_LOSS_FOCAL;
    }
}

static void sample_features(uint64_t *r, setting *s)
{
    static const int32_t ng[] = {1, 2, 2, 2, 3}, bits[] = {18, 20, 20, 20, 22};
    static const int32_t chars[][2] = {{0, 0}, {3, 5}, {4, 4}, {3, 3}, {2, 4}, {4, 5}};
    uint64_t c = hn_rng_below(r, 6);
    s->ngrams = pick_int(r, ng, 5);
    s->bits = pick_int(r, bits, 5);
    s->cmin = chars[c][0];
    s->cmax = chars[c][1];
}

/* can the negative label's class weight be searched: given, not fixed by
 * the user, and a plain word on a command line */
static int neg_weighable(const hn_tune_opts *o)
{
    const char *q = o->user.fit.negative;
    if (!q || !*q || given(o, HN_OPT_CLASS_WEIGHT)) return 0;
    for (; *q; q++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *q)) return 0;
    return 1;
}

static void sample(uint64_t *r, const hn_tune_opts *o, setting *s)
{
    double u = hn_rng_uniform(r);
    memset(s, 0, sizeof *s);
    s->model = u < 0.7 ? HN_MODEL_LINEAR : HN_MODEL_MLP;
    s->solver = u < 0.42 ? HN_SOLVER_DCD : HN_SOLVER_SGD;
    s->loss = hn_rng_uniform(r) < 0.7 ? HN_LOSS_SQHINGE : HN_LOSS_LOG;
    s->C = two_digits(log_uniform(r, 0.05, 20));
    sample_features(r, s);
    s->balanced = hn_rng_uniform(r) < 0.3;
    if (neg_weighable(o) && hn_rng_uniform(r) < 0.5) {
        static const int32_t ws[] = {2, 4, 8, 16};
        s->negw = pick_int(r, ws, 4);
        s->balanced = 0;
    }
    constrain(o, s);
    if (s->solver == HN_SOLVER_SGD) sample_online(r, s);
    constrain(o, s);
    if (s->solver == HN_SOLVER_DCD && s->loss == HN_LOSS_LOG && s->C > 10) s->C = 10; /* log loss: slow past it */
}

/* change one or two things of a good setting */
static void perturb(uint64_t *r, const hn_tune_opts *o, const setting *base, setting *s)
{
    int n = 1 + (int)hn_rng_below(r, 2), i;
    *s = *base;
    for (i = 0; i < n; i++) {
        switch (hn_rng_below(r, 4)) {
        case 0: { /* strength */
            double f = exp(0.7 * (2 * hn_rng_uniform(r) - 1));
            if (s->solver == HN_SOLVER_DCD) s->C = two_digits(fmin(50, fmax(0.01, s->C * f * f)));
            else s->lr = two_digits(fmin(3, fmax(0.01, s->lr * f)));
            break;
        }
        case 1: { /* features */
            setting t = *s;
            sample_features(r, &t);
            switch (hn_rng_below(r, 3)) {
            case 0: s->ngrams = t.ngrams; break;
            case 1: s->bits = t.bits; break;
            default: s->cmin = t.cmin, s->cmax = t.cmax; break;
            }
            break;
        }
        case 2:
            if (neg_weighable(o) && hn_rng_uniform(r) < 0.5) { /* the negative label's weight, doubled or halved */
                s->negw = s->negw > 1 ? (hn_rng_uniform(r) < 0.5 ? s->negw / 2 : s->negw * 2) : 2;
                if (s->negw > 32) s->negw = 32;
                s->balanced = 0;
            } else {
                s->balanced = !s->balanced;
                s->negw = 0;
            }
            break;
        default:
            if (s->solver == HN_SOLVER_DCD) {
                s->loss = s->loss == HN_LOSS_LOG ? HN_LOSS_SQHINGE : HN_LOSS_LOG;
            } else if (s->model == HN_MODEL_MLP) {
                static const int32_t dims[] = {50, 100, 200}, hid[] = {128, 256, 512};
                if (hn_rng_uniform(r) < 0.5) s->dropout = fmin(0.8, fmax(0.1, s->dropout + (hn_rng_uniform(r) < 0.5 ? -0.1 : 0.1)));
                else if (hn_rng_uniform(r) < 0.5) s->dim = pick_int(r, dims, 3);
                else s->hidden = pick_int(r, hid, 3);
            } else {
                static const double l2s[] = {0, 1e-6, 1e-5};
                s->l2 = l2s[hn_rng_below(r, 3)];
            }
        }
    }
    constrain(o, s);
    if (s->solver == HN_SOLVER_DCD && s->loss == HN_LOSS_LOG && s->C > 10) s->C = 10;
}

/* the settings tried first: what does well on the corpora we know */
static int32_t anchors(const hn_tune_opts *o, setting *out)
{
    int32_t n = 0, i, j;
    setting a[5];
    memset(a, 0, sizeof a);
    for (i = 0; i < 5; i++) {
        a[i].model = HN_MODEL_LINEAR;
        a[i].solver = HN_SOLVER_DCD;
        a[i].loss = HN_LOSS_SQHINGE;
        a[i].C = 1;
        a[i].ngrams = 2;
        a[i].bits = 20;
    }
    a[1].cmin = a[1].cmax = 4;                  /* character 4-grams */
    a[2].cmin = 3, a[2].cmax = 5, a[2].C = 0.5; /* 3-5-grams, a little more regularized */
    a[3].solver = HN_SOLVER_SGD;                /* the online trainer */
    a[3].optim = HN_OPTIM_SGD, a[3].lr = 1, a[3].epochs = 30, a[3].l2 = 1e-5, a[3].loss = HN_LOSS_LOG;
    a[3].cmin = a[3].cmax = 4;
    a[4].model = HN_MODEL_MLP, a[4].solver = HN_SOLVER_SGD; /* the MLP */
    a[4].optim = HN_OPTIM_ADAGRAD, a[4].lr = 0.1, a[4].epochs = 20, a[4].dim = 100, a[4].hidden = 256;
    a[4].dropout = 0.6, a[4].l2 = 1e-6, a[4].loss = HN_LOSS_LOG, a[4].cmin = a[4].cmax = 4;
    for (i = 0; i < 6; i++) {
        setting s = a[i < 5 ? i : 1];
        if (i == 5) { /* character 4-grams and a weight on the out-of-scope label (CLINC150) */
            if (!neg_weighable(o)) break;
            s.negw = 8;
        }
        int dup = 0;
        constrain(o, &s);
        if (s.solver == HN_SOLVER_SGD && (!s.epochs || (s.model == HN_MODEL_MLP && !s.dim))) {
            /* made online, or an MLP, by the user's options: an online setting of that kind */
            uint64_t r = 7 + (uint64_t)i;
            sample_online(&r, &s);
            constrain(o, &s);
        }
        for (j = 0; j < n; j++) dup |= !memcmp(&out[j], &s, sizeof s);
        if (!dup) out[n++] = s;
    }
    return n;
}

/* The words of s for the options the user did not give; rung 0 of an
 * online setting trains a third of its epochs. */
static void words_of(const hn_tune_opts *o, const setting *s, int rung, char *b, size_t n)
{
    size_t k = 0;
#define W(...) (k += (size_t)snprintf(b + k, k < n ? n - k : 0, __VA_ARGS__))
    b[0] = '\0';
    if (!given(o, HN_OPT_MODEL)) W(" --model %s", hn_model_kind_name(s->model));
    if (s->model == HN_MODEL_LINEAR && !given(o, HN_OPT_SOLVER)) W(" --solver %s", hn_solver_name(s->solver));
    if (s->solver == HN_SOLVER_DCD) {
        if (!given(o, HN_OPT_C)) W(" --C %g", s->C);
        if (!given(o, HN_OPT_LOSS)) W(" --loss %s", hn_loss_name(s->loss));
    } else {
        int32_t e = rung == 0 && s->epochs >= 6 ? (s->epochs + 2) / 3 : s->epochs;
        if (!given(o, HN_OPT_OPTIM)) W(" --optim %s", hn_optim_name(s->optim));
        if (!given(o, HN_OPT_LR)) W(" --lr %g", s->lr);
        if (!given(o, HN_OPT_EPOCHS)) W(" --epochs %d", (int)e);
        if (!given(o, HN_OPT_L2)) W(" --l2 %g", s->l2);
        if (s->model == HN_MODEL_LINEAR && !given(o, HN_OPT_LOSS)) W(" --loss %s", hn_loss_name(s->loss));
        if (s->model == HN_MODEL_MLP) {
            if (!given(o, HN_OPT_DIM)) W(" --dim %d", (int)s->dim);
            if (!given(o, HN_OPT_HIDDEN)) W(" --hidden %d", (int)s->hidden);
            if (!given(o, HN_OPT_DROPOUT)) W(" --dropout %g", s->dropout);
        }
    }
    if (!given(o, HN_OPT_NGRAMS)) W(" --ngrams %d", (int)s->ngrams);
    if (!given(o, HN_OPT_CHAR_NGRAMS)) W(" --char-ngrams %d:%d", (int)s->cmin, (int)s->cmax);
    if (!given(o, HN_OPT_BITS)) W(" --bits %d", (int)s->bits);
    if (!given(o, HN_OPT_CLASS_WEIGHT) && s->negw > 1) W(" --class-weight %s=%d", o->user.fit.negative, (int)s->negw);
    else if (!given(o, HN_OPT_CLASS_WEIGHT) && s->balanced) W(" --class-weight balanced");
#undef W
    if (b[0] == ' ') memmove(b, b + 1, strlen(b));
}

/* Parse words into a copy of the user's options; 0, or -1 with why. */
static int apply_words(const hn_tune_opts *o, const char *words, hn_cli_train_cfg *cfg, char *why, size_t whylen)
{
    hn_err err;
    int verb = hn_cli_verbosity;
    *cfg = o->user;
    hn_cli_verbosity = 0; /* a setting that does not parse is dropped, not shouted about */
    if (hn_cli_words_apply(o->name, words, cfg) != 0) {
        hn_cli_verbosity = verb;
        snprintf(why, whylen, "cannot apply '%s'", words);
        return -1;
    }
    hn_cli_verbosity = verb;
    cfg->fit.train.threads = 1;
    cfg->fit.quiet = 1;
    cfg->fit.name = o->name;
    if (hn_tok_opts_check(&cfg->tok, &err) != HN_OK || hn_fit_opts_check(&cfg->fit, &err) != HN_OK) {
        snprintf(why, whylen, "%s", err.msg);
        return -1;
    }
    return 0;
}

/* ---- data ------------------------------------------------------------------- */

static void dataset_free(dataset *ds)
{
    free(ds->key);
    hn_labels_free(&ds->labels);
    hn_dataset_free(&ds->d);
    hn_dataset_free(&ds->v);
    memset(ds, 0, sizeof *ds);
}

static hn_status load(const hn_tune_opts *o, dataset *ds, hn_err *err)
{
    hn_tokenizer *tok = NULL;
    hn_load_stats ls;
    hn_fit_opts fo = o->user.fit;
    hn_status st;
    fo.quiet = 1;
    if ((st = hn_tok_create(&ds->tok, &tok, err)) == HN_OK &&
        (st = hn_load_labeled(o->train_path, &o->user.ro, tok, &ds->labels, HN_UNKNOWN_ADD, &ds->d, &ls, err)) == HN_OK &&
        (st = hn_load_labeled(o->valid_path, &o->user.ro, tok, &ds->labels, HN_UNKNOWN_KEEP, &ds->v, &ls, err)) == HN_OK &&
        ds->labels.n == 2)
        st = hn_fit_choose_positive(&fo, &ds->labels, &ds->d, &ds->v, err);
    hn_tok_free(tok);
    return st;
}

/* The featurized data of the trial's tokenizer setting, loaded when new. */
static int data_for(tuner *tu, trial *t)
{
    hn_tune_opts *o = tu->o;
    char *key = NULL;
    size_t len;
    int32_t i, victim = -1;
    int verb = hn_cli_verbosity;
    hn_status st;
    hn_err err;
    dataset *ds;
    if (hn_tok_opts_save(&t->cfg.tok, &key, &len) != HN_OK) return hn_cli_fail(o->name, "out of memory");
    for (i = 0; i < tu->ndata; i++)
        if (!strcmp(tu->data[i].key, key)) {
            free(key);
            t->data = &tu->data[i];
            t->data->used = tu->batch_no;
            return 0;
        }
    /* room: drop the least recently used that this batch does not need */
    if (tu->ndata >= MAX_DATA) {
        for (i = 0; i < tu->ndata; i++)
            if (tu->data[i].used < tu->batch_no && (victim < 0 || tu->data[i].used < tu->data[victim].used)) victim = i;
    }
    if (victim >= 0) {
        dataset_free(&tu->data[victim]);
        ds = &tu->data[victim];
    } else if (tu->ndata < (int32_t)(sizeof tu->data / sizeof tu->data[0])) {
        ds = &tu->data[tu->ndata++];
    } else {
        free(key);
        return hn_cli_fail(o->name, "too many feature settings in one batch");
    }
    ds->key = key;
    ds->tok = t->cfg.tok;
    ds->used = tu->batch_no;
    hn_labels_init(&ds->labels);
    hn_dataset_init(&ds->d);
    hn_dataset_init(&ds->v);
    if ((tu->batch_no > 0 || tu->ndata > 1) && verb < 2) hn_cli_verbosity = 0; /* the same files: said once */
    st = load(o, ds, &err);
    hn_cli_verbosity = verb;
    if (st != HN_OK) return hn_cli_fail_err(o->name, st, &err);
    if (ds->d.n == 0) return hn_cli_fail(o->name, "%s: no training examples", o->train_path);
    if (ds->v.n == 0) return hn_cli_fail(o->name, "%s: no validation examples", o->valid_path);
    t->data = ds;
    return 0;
}

/* ---- running a batch ------------------------------------------------------- */

static void run_one(void *arg, int32_t task)
{
    tuner *tu = arg;
    trial *t = &tu->trials[tu->batch_lo + task];
    hn_tokenizer *tok = NULL;
    hn_labels labels;
    hn_err err;
    hn_status st;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hn_labels_init(&labels);
    if (tu->stop) {
        t->interrupted = 1;
        return;
    }
    if ((st = hn_tok_create(&t->data->tok, &tok, &err)) != HN_OK || (st = hn_labels_copy(&t->data->labels, &labels)) != HN_OK) {
        hn_tok_free(tok);
        t->failed = 1;
        snprintf(t->why, sizeof t->why, "%s", st == HN_ERR_NOMEM ? "out of memory" : err.msg);
        hn_labels_free(&labels);
        return;
    }
    st = hn_fit(&t->cfg.fit, tok, &labels, &t->data->d, &t->data->v, &tu->stop, &t->cl, &err);
    hn_labels_free(&labels);
    if (st == HN_OK) st = hn_objective_eval(&tu->o->metric, t->cl, &t->data->v, tu->o->negative, &t->ov, &err);
    if (st == HN_ERR_INTERRUPTED) {
        t->interrupted = 1;
    } else if (st != HN_OK) {
        t->failed = 1;
        snprintf(t->why, sizeof t->why, "%s", err.msg);
    }
    if (st != HN_OK) {
        hn_classifier_free(t->cl);
        t->cl = NULL;
    }
    t->seconds = now_since(&t0);
}

static void *watchdog(void *arg)
{
    tuner *tu = arg;
    struct timespec nap = {0, 50 * 1000 * 1000};
    while (!tu->done) {
        if (hn_cli_stop && !tu->stop) {
            tu->interrupted = 1;
            tu->stop = 1;
        }
        if (now_since(&tu->t0) > tu->o->budget) tu->stop = 1;
        nanosleep(&nap, NULL);
    }
    return NULL;
}

static int add_trial(tuner *tu, const setting *s, int rung, int check_dup)
{
    trial *t;
    int32_t i;
    char words[1024];
    words_of(tu->o, s, rung, words, sizeof words);
    if (check_dup)
        for (i = 0; i < tu->ntrials; i++)
            if (!strcmp(tu->trials[i].words, words)) return 1; /* tried: say so, the caller samples again */
    if (tu->ntrials == tu->cap) {
        int32_t nc = tu->cap ? tu->cap * 2 : 64;
        trial *p = realloc(tu->trials, (size_t)nc * sizeof *p);
        if (!p) return hn_cli_fail(tu->o->name, "out of memory"), -1;
        tu->trials = p;
        tu->cap = nc;
    }
    t = &tu->trials[tu->ntrials];
    memset(t, 0, sizeof *t);
    t->id = tu->ntrials + 1;
    t->rung = rung;
    t->s = *s;
    snprintf(t->words, sizeof t->words, "%s", words);
    if (apply_words(tu->o, words, &t->cfg, t->why, sizeof t->why) != 0) return 1; /* not a valid setting here */
    tu->ntrials++;
    return 0;
}

/* a beats b: a higher figure; on a tie, a higher tie-break (objective.h);
 * then the earlier trial */
static int better(const tuner *tu, int32_t a, int32_t b)
{
    const hn_objective_value *x, *y;
    if (b < 0) return 1;
    x = &tu->trials[a].ov;
    y = &tu->trials[b].ov;
    return x->value > y->value || (x->value == y->value && x->tie > y->tie);
}

static int online(const trial *t) { return t->s.solver == HN_SOLVER_SGD; }

static void print_trial(const tuner *tu, const trial *t)
{
    char mb[160];
    const trial *b = tu->best >= 0 ? &tu->trials[tu->best] : NULL;
    if (t->interrupted) return;
    if (t->failed) {
        hn_log(HN_LOG_INFO, "%s: %4d  %s  failed: %s", tu->o->name, (int)t->id, t->words, t->why);
        return;
    }
    hn_log(HN_LOG_INFO, "%s: %4d %5.1fs  %s %.4f  best %.4f (#%d)  %s", tu->o->name, (int)t->id, t->seconds,
           hn_objective_str(&tu->o->metric, mb, sizeof mb), t->ov.value, b ? b->ov.value : t->ov.value,
           b ? (int)b->id : (int)t->id, t->words);
}

/* the next batch: promotions, perturbations of the best, random settings */
static int plan_batch(tuner *tu, int32_t want)
{
    int32_t i, j, top[TOP_PERTURB], ntop = 0, added = 0, tries = 0, lo = tu->batch_lo, hi = tu->batch_hi;
    int rc;
    /* promote the online trials of the last batch in its top third */
    for (i = lo; i < hi; i++) {
        trial *t = &tu->trials[i];
        int32_t better_than = 0, n = 0;
        if (t->rung != 0 || !online(t) || t->failed || t->interrupted || given(tu->o, HN_OPT_EPOCHS) || t->s.epochs < 6)
            continue;
        for (j = lo; j < hi; j++)
            if (!tu->trials[j].failed && !tu->trials[j].interrupted) {
                n++;
                better_than += tu->trials[j].ov.value < t->ov.value;
            }
        if (3 * better_than >= 2 * (n - 1) && !t->promoted) {
            t->promoted = 1;
            if ((rc = add_trial(tu, &t->s, 1, 1)) < 0) return -1;
            added += rc == 0;
        }
    }
    /* the best few settings so far, best first (ties: the earlier) */
    for (i = 0; i < hi; i++) {
        int32_t k;
        if (tu->trials[i].failed || tu->trials[i].interrupted) continue;
        if (ntop == TOP_PERTURB && tu->trials[top[ntop - 1]].ov.value >= tu->trials[i].ov.value) continue;
        if (ntop < TOP_PERTURB) ntop++;
        for (k = ntop - 1; k > 0 && tu->trials[top[k - 1]].ov.value < tu->trials[i].ov.value; k--) top[k] = top[k - 1];
        top[k] = i;
    }
    while (added < want && tries++ < 50 * want) {
        setting s;
        if (ntop && (added % 2 == 0)) perturb(&tu->rng, tu->o, &tu->trials[top[(added / 2) % ntop]].s, &s);
        else sample(&tu->rng, tu->o, &s);
        if ((rc = add_trial(tu, &s, 0, 1)) < 0) return -1;
        added += rc == 0;
    }
    return added;
}

static void report_json(tuner *tu, hn_tune_result *res)
{
    size_t len = 0;
    FILE *f = open_memstream(&res->report, &len);
    char mb[160];
    int32_t i;
    if (!f) return;
    fprintf(f, "{\"metric\":");
    hn_json_str(f, hn_objective_str(&tu->o->metric, mb, sizeof mb));
    fprintf(f, ",\"budget_seconds\":%g,\"seconds\":%.3f,\"best_trial\":%d,\"interrupted\":%s,\"trials\":[", tu->o->budget,
            now_since(&tu->t0), tu->best >= 0 ? (int)tu->trials[tu->best].id : 0, tu->interrupted ? "true" : "false");
    for (i = 0; i < tu->ntrials; i++) {
        const trial *t = &tu->trials[i];
        fprintf(f, "%s{\"trial\":%d,\"rung\":%d,\"options\":", i ? "," : "", (int)t->id, (int)t->rung);
        hn_json_str(f, t->words);
        fprintf(f, ",\"status\":\"%s\"", t->failed ? "failed" : t->interrupted ? "interrupted" : "ok");
        if (!t->failed && !t->interrupted) {
            fprintf(f, ",\"value\":%.17g,\"seconds\":%.3f", t->ov.value, t->seconds);
            if (t->ov.has_threshold) fprintf(f, ",\"threshold\":%.17g", t->ov.threshold);
        }
        if (t->failed) {
            fprintf(f, ",\"error\":");
            hn_json_str(f, t->why);
        }
        fputc('}', f);
    }
    fprintf(f, "]}\n");
    fclose(f);
}

/* What no setting can change: said before the budget is spent. */
static int check_data(const hn_tune_opts *o, const dataset *ds)
{
    const hn_labels *lb = &ds->labels;
    int64_t i, unknown = 0, pos = 0;
    char mb[160];
    hn_objective_str(&o->metric, mb, sizeof mb);
    if (lb->n < 2)
        return hn_cli_fail(o->name, "%s: %s: every trial needs at least two labels", o->train_path,
                           lb->n == 1 ? "one label only" : "no labels");
    if (o->metric.kind == HN_OBJ_F1_LABEL && hn_labels_find(lb, o->metric.label) < 0)
        return hn_cli_usage_error(o->name, "--metric %s: '%s' is not a label of %s", mb, o->metric.label,
                                  o->train_path);
    for (i = 0; i < ds->v.n; i++) {
        unknown += ds->v.label[i] < 0 || ds->v.label[i] >= lb->n;
        pos += ds->v.label[i] == 1;
    }
    if (unknown)
        hn_log(HN_LOG_WARN, "%s: %s: %lld examples have labels not seen in training (counted as errors)", o->name,
               o->valid_path, (long long)unknown);
    if (lb->n == 2 && pos == 0 &&
        (o->metric.kind == HN_OBJ_AP || o->metric.kind == HN_OBJ_F1 || o->metric.kind == HN_OBJ_PRECISION_AT_RECALL ||
         o->metric.kind == HN_OBJ_RECALL_AT_PRECISION))
        return hn_cli_fail(o->name, "%s: no example of the positive label '%s': %s is undefined (--metric accuracy, "
                                    "or a validation file with both labels)",
                           o->valid_path, lb->names[1], mb);
    return 0;
}

int hn_tune_run(hn_tune_opts *o, hn_tune_result *res)
{
    tuner tu;
    hn_pool *pool = NULL;
    pthread_t wd;
    int rc = HN_EXIT_OK, wd_up = 0;
    int32_t i;
    setting first[8];
    hn_err err;
    memset(res, 0, sizeof *res);
    memset(&tu, 0, sizeof tu);
    tu.o = o;
    tu.best = -1;
    tu.rng = o->user.fit.train.seed * 0x9E3779B97F4A7C15ULL + 0x7475ULL;
    clock_gettime(CLOCK_MONOTONIC, &tu.t0);
    if (hn_pool_create(o->workers, &pool) != HN_OK) return hn_cli_fail(o->name, "cannot start %d threads", (int)o->workers);
    {
        int32_t n = anchors(o, first);
        for (i = 0; i < n; i++)
            if (add_trial(&tu, &first[i], 0, 1) < 0) {
                rc = HN_EXIT_RUNTIME;
                goto done;
            }
    }
    if (tu.ntrials == 0 && plan_batch(&tu, 4) < 0) {
        rc = HN_EXIT_RUNTIME;
        goto done;
    }
    if (pthread_create(&wd, NULL, watchdog, &tu) == 0) wd_up = 1;
    tu.batch_lo = 0;
    tu.batch_hi = tu.ntrials;
    for (;;) {
        int32_t n;
        if (o->max_trials > 0 && tu.batch_hi > o->max_trials) tu.batch_hi = o->max_trials;
        if (o->max_trials > 0 && tu.batch_hi < tu.ntrials) tu.ntrials = tu.batch_hi; /* drop the planned rest */
        for (i = tu.batch_lo; i < tu.batch_hi; i++)
            if ((rc = data_for(&tu, &tu.trials[i])) != 0) goto done;
        if (tu.batch_no == 0) { /* the labels are known now: check the metric against them */
            const hn_labels *lb = &tu.trials[0].data->labels;
            if (o->user.fit.negative && (o->negative = hn_labels_find(lb, o->user.fit.negative)) < 0) {
                rc = hn_cli_usage_error(o->name, "--negative-label: '%s' is not a label of %s", o->user.fit.negative,
                                        o->train_path);
                goto done;
            }
            if (!o->metric_set) {
                const char *m = lb->n == 2 ? "ap" : o->negative >= 0 ? "in-scope-accuracy" : "accuracy";
                hn_objective_parse(m, &o->metric, &err);
            }
            if (hn_objective_check(&o->metric, lb->n, o->negative >= 0, &err) != HN_OK) {
                rc = hn_cli_usage_error(o->name, "%s", err.msg);
                goto done;
            }
            if ((rc = check_data(o, tu.trials[0].data)) != 0) goto done;
        }
        hn_pool_run(pool, tu.batch_hi - tu.batch_lo, run_one, &tu);
        for (i = tu.batch_lo; i < tu.batch_hi; i++) {
            trial *t = &tu.trials[i];
            if (!t->failed && !t->interrupted && better(&tu, i, tu.best)) {
                if (tu.best >= 0) {
                    hn_classifier_free(tu.trials[tu.best].cl);
                    tu.trials[tu.best].cl = NULL;
                }
                tu.best = i;
            } else if (t->cl) {
                hn_classifier_free(t->cl);
                t->cl = NULL;
            }
            res->ntrials += !t->interrupted;
            res->nfailed += t->failed;
            print_trial(&tu, t);
        }
        tu.batch_no++;
        if (tu.stop || (o->max_trials > 0 && tu.batch_hi >= o->max_trials)) break;
        if ((n = plan_batch(&tu, o->workers * 2 > 4 ? o->workers * 2 : 4)) < 0) {
            rc = HN_EXIT_RUNTIME;
            goto done;
        }
        if (n == 0) break; /* the space is spent */
        tu.batch_lo = tu.batch_hi;
        tu.batch_hi = tu.ntrials;
    }
    res->interrupted = tu.interrupted;
    if (tu.best < 0) {
        rc = hn_cli_fail(o->name, "no trial finished%s", tu.interrupted ? " (interrupted)" : " within the budget");
        goto done;
    }
    {
        trial *b = &tu.trials[tu.best];
        char mb[160];
        res->best = b->cl;
        b->cl = NULL;
        res->best_cfg = b->cfg;
        res->best_value = b->ov.value;
        res->best_trial = b->id;
        snprintf(res->best_args, sizeof res->best_args, "%s", b->words);
        if (b->ov.has_threshold) {
            res->best->threshold = b->ov.threshold;
            if (res->best->nlabels > 2) res->best->reject_label = o->negative;
            snprintf(res->best->threshold_note, sizeof res->best->threshold_note, "tune: %s on %s",
                     hn_objective_str(&o->metric, mb, sizeof mb), o->valid_path);
        }
    }
done:
    tu.done = 1;
    if (wd_up) pthread_join(wd, NULL);
    report_json(&tu, res);
    for (i = 0; i < tu.ntrials; i++) hn_classifier_free(tu.trials[i].cl);
    for (i = 0; i < tu.ndata; i++) dataset_free(&tu.data[i]);
    free(tu.trials);
    hn_pool_free(pool);
    return rc;
}

void hn_tune_result_free(hn_tune_result *res)
{
    hn_classifier_free(res->best);
    free(res->report);
    memset(res, 0, sizeof *res);
}
