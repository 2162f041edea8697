/* cli_train.c - training options and driver shared by train and mine */
#include "src/cli/train_opts.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/cli/tokopts.h"
#include "src/base/log.h"
#include "src/eval/metrics.h"

volatile int hn_cli_stop;

static void on_signal(int sig)
{
    (void)sig;
    hn_cli_stop = 1;
}

void hn_cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void hn_cli_train_cfg_default(hn_cli_train_cfg *c)
{
    memset(c, 0, sizeof *c);
    hn_tok_opts_default(&c->tok);
    hn_train_opts_default(&c->tr);
    hn_reader_opts_default(&c->ro);
    c->ro.need_labels = 1;
}

int hn_cli_train_option(const char *cmd, int id, const char *arg, hn_cli_train_cfg *c)
{
    long v;
    double x;
    if (id >= HN_OPT_TOK_FIRST && id < HN_OPT_TOK_LAST) return hn_cli_tok_option(cmd, id, arg, &c->tok);
    switch (id) {
    case 'o': c->output = arg; return 0;
    case HN_OPT_EPOCHS:
        if (hn_cli_parse_long(cmd, "--epochs", arg, 1, 10000, &v)) return -1;
        c->tr.epochs = (int32_t)v;
        return 0;
    case HN_OPT_LR:
        if (hn_cli_parse_double(cmd, "--lr", arg, 1e-300, 1e6, &x)) return -1;
        c->tr.lr = x;
        c->lr_set = 1;
        return 0;
    case HN_OPT_L2:
        if (hn_cli_parse_double(cmd, "--l2", arg, 0, 1e6, &x)) return -1;
        c->tr.l2 = x;
        return 0;
    case HN_OPT_L1:
        if (hn_cli_parse_double(cmd, "--l1", arg, 0, 1e6, &x)) return -1;
        c->tr.l1 = x;
        return 0;
    case HN_OPT_OPTIM:
        if (hn_optim_parse(arg, &c->tr.optim) != HN_OK)
            return hn_cli_usage_error(cmd, "--optim: unknown '%s' (adagrad, sgd, adam)", arg), -1;
        return 0;
    case HN_OPT_LOSS:
        if (hn_loss_parse(arg, &c->tr.loss) != HN_OK)
            return hn_cli_usage_error(cmd, "--loss: unknown '%s' (log, focal, hinge)", arg), -1;
        return 0;
    case HN_OPT_FOCAL_GAMMA:
        if (hn_cli_parse_double(cmd, "--focal-gamma", arg, 0, 100, &x)) return -1;
        c->tr.focal_gamma = x;
        return 0;
    case HN_OPT_FOCAL_ALPHA:
        if (hn_cli_parse_double(cmd, "--focal-alpha", arg, 1e-9, 1 - 1e-9, &x)) return -1;
        c->tr.focal_alpha = x;
        return 0;
    case HN_OPT_SEED: return hn_cli_parse_u64(cmd, "--seed", arg, &c->tr.seed) ? -1 : 0;
    case HN_OPT_THREADS:
        if (hn_cli_parse_long(cmd, "--threads", arg, 1, 256, &v)) return -1;
        c->tr.threads = (int32_t)v;
        return 0;
    case HN_OPT_VALID: c->valid = arg; return 0;
    case HN_OPT_POSITIVE: c->positive = arg; return 0;
    case HN_OPT_CLASS_WEIGHT: c->class_weight = arg; return 0;
    case HN_OPT_FORMAT:
        if (hn_format_parse(arg, &c->ro.format) != HN_OK)
            return hn_cli_usage_error(cmd, "--format: unknown '%s' (auto, fasttext, tsv, mail)", arg), -1;
        return 0;
    case HN_OPT_LABEL_PREFIX:
        if (strlen(arg) >= sizeof c->ro.label_prefix || !arg[0])
            return hn_cli_usage_error(cmd, "--label-prefix: must be 1 to %zu bytes", sizeof c->ro.label_prefix - 1), -1;
        strcpy(c->ro.label_prefix, arg);
        return 0;
    case HN_OPT_SKIP_BAD: c->ro.skip_bad = 1; return 0;
    case HN_OPT_BATCH:
        if (hn_cli_parse_long(cmd, "--batch", arg, 1, 65536, &v)) return -1;
        c->tr.batch = (int32_t)v;
        return 0;
    case HN_OPT_OHEM_KEEP:
        if (hn_cli_parse_double(cmd, "--ohem-keep", arg, 1e-9, 1, &x)) return -1;
        c->tr.ohem_keep = x;
        if (c->tr.batch == 1) c->tr.batch = 64;
        return 0;
    case HN_OPT_TRAIN_NEG: c->negative = arg; return 0;
    case HN_OPT_MODEL:
        if (hn_model_kind_parse(arg, &c->tr.model) != HN_OK)
            return hn_cli_usage_error(cmd, "--model: unknown '%s' (linear, mlp)", arg), -1;
        return 0;
    case HN_OPT_DIM:
        if (hn_cli_parse_long(cmd, "--dim", arg, 1, HN_MLP_MAX_DIM, &v)) return -1;
        c->tr.dim = (int32_t)v;
        return 0;
    case HN_OPT_HIDDEN: {
        char *end;
        long h1, h2 = 0;
        errno = 0;
        h1 = strtol(arg, &end, 10);
        if (*end == ',') h2 = strtol(end + 1, &end, 10);
        if (errno || *end || end == arg || h1 < 1 || h1 > HN_MLP_MAX_DIM || h2 < 0 || h2 > HN_MLP_MAX_DIM ||
            (strchr(arg, ',') && h2 < 1))
            return hn_cli_usage_error(cmd, "--hidden: expected H or H1,H2 with widths in [1, %d], got '%s'",
                                      HN_MLP_MAX_DIM, arg), -1;
        c->tr.hidden[0] = (int32_t)h1;
        c->tr.hidden[1] = (int32_t)h2;
        return 0;
    }
    case HN_OPT_DROPOUT:
        if (hn_cli_parse_double(cmd, "--dropout", arg, 0, 0.99, &x)) return -1;
        c->tr.dropout = x;
        return 0;
    default: return -1;
    }
}

int hn_cli_train_check(const char *cmd, const hn_cli_train_cfg *c)
{
    hn_err err;
    if (hn_tok_opts_check(&c->tok, &err) != HN_OK) return hn_cli_usage_error(cmd, "%s", err.msg);
    if (hn_train_opts_check(&c->tr, &err) != HN_OK) return hn_cli_usage_error(cmd, "%s", err.msg);
    if (c->class_weight && strcmp(c->class_weight, "balanced") != 0 && !strchr(c->class_weight, '='))
        return hn_cli_usage_error(cmd, "--class-weight: expected 'balanced' or LABEL=W[,LABEL=W...]");
    return 0;
}

void hn_cli_train_help(FILE *out)
{
    hn_train_opts d;
    hn_train_opts_default(&d);
    fprintf(out,
            "training:\n"
            "  -o, --output MODEL    model file to write (required; '-' = stdout)\n"
            "  --epochs N            passes over the data [%d]\n"
            "  --lr X                learning rate [%g; mlp: 0.1, with adam 0.001]\n"
            "  --optim O             adagrad, sgd (linearly decaying rate), adam (mlp) [%s]\n"
            "  --loss L              log, focal, hinge, rank (log loss + each positive vs. the\n"
            "                        hardest negative of its batch; binary) [%s]\n"
            "  --ohem-keep F         online hard example mining: per batch keep every positive\n"
            "                        and the top F of the negatives by loss [1 = off]\n"
            "  --batch B             mini-batch for OHEM and rank [1; 64 with --ohem-keep]\n"
            "  --negative-label L    the negative class for OHEM [binary: the non-positive\n"
            "                        label; multi-class: every example]\n"
            "  --focal-gamma G       focal loss gamma [%g]\n"
            "  --focal-alpha A       focal loss weight of the positive class (binary) [%g]\n"
            "  --model M             linear, or mlp (embedding bag -> ReLU layer(s)) [linear]\n"
            "  --dim D               MLP embedding width [%d]\n"
            "  --hidden H[,H2]       MLP hidden layer width(s) [%d]\n"
            "  --dropout P           MLP dropout on the hidden layers while training [%g]\n"
            "  --l2 X                L2 penalty on the weights an update touches [%g]\n"
            "  --l1 X                L1 penalty (proximal soft threshold) [%g]\n"
            "  --class-weight W      balanced, or LABEL=W,LABEL=W [1 for every class]\n"
            "  --positive LABEL      positive class of a binary model [the rarer label]\n"
            "  --valid FILE          report validation loss/metric per epoch, keep the best epoch\n"
            "  --seed S              seed of the shuffles (and of MLP initialization and dropout) [%llu]\n"
            "  --threads N           Hogwild threads; 1 is bit-for-bit reproducible [%d]\n"
            "input:\n"
            "  --format F            auto, fasttext, tsv, or mail: FILE is a folder of raw\n"
            "                        messages labeled by their top-level subfolder (spam/, ham/)\n"
            "                        or an mbox [auto: decided from the first line]\n"
            "  --label-prefix P      fastText label prefix [__label__]\n"
            "  --skip-bad            skip and count malformed lines [stop at the first]\n"
            "  -q, --quiet / -v, --verbose\n",
            (int)d.epochs, d.lr, hn_optim_name(d.optim), hn_loss_name(d.loss), d.focal_gamma, d.focal_alpha, (int)d.dim,
            (int)d.hidden[0], d.dropout, d.l2, d.l1,
            (unsigned long long)d.seed, (int)d.threads);
}

/* ---- metrics used for validation ---------------------------------------- */

/* Average precision of scores s for gold class 1 (metrics.c, the definition
 * eval reports); -1 when there are no positives or on out of memory. */
static double valid_average_precision(const float *s, const int32_t *label, int64_t n)
{
    int32_t *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    double *score = malloc((size_t)(n ? n : 1) * sizeof *score), ap = -1;
    hn_binary_metrics bm;
    int64_t i;
    if (gold && score) {
        for (i = 0; i < n; i++) {
            gold[i] = label[i] == 1;
            score[i] = s[i];
        }
        if (hn_binary_compute(gold, score, n, 0.5, &bm, NULL) == HN_OK) {
            if (bm.has_average_precision) ap = bm.average_precision;
            hn_binary_free(&bm);
        }
    }
    free(gold);
    free(score);
    return ap;
}

typedef struct valid_ctx {
    const char *cmd;
    hn_model *model;
    hn_model *best;
    const hn_dataset *valid;
    const hn_train_opts *tr;
    const float *cw;
    double best_metric;
    int32_t best_epoch, epochs;
    int binary;
    int64_t n;
    struct timespec start;
} valid_ctx;

static int on_epoch(int32_t epoch, double loss, double secs, void *user)
{
    valid_ctx *v = user;
    if (!v->valid) {
        hn_log(HN_LOG_INFO, "%s: epoch %d/%d  loss %.6f  %.2fs  %.0f ex/s", v->cmd, (int)epoch, (int)v->epochs, loss, secs,
               secs > 0 ? (double)v->n / secs : 0.0);
        return 0;
    }
    {
        const hn_dataset *d = v->valid;
        int32_t k, nc = hn_model_nclasses(v->model);
        float *p = malloc((size_t)nc * sizeof *p), *s = malloc((size_t)(d->n ? d->n : 1) * sizeof *s);
        int64_t i, correct = 0, counted = 0;
        double vloss = 0, metric;
        if (!p || !s) {
            free(p);
            free(s);
            return 0;
        }
        for (i = 0; i < d->n; i++) {
            hn_svec x = hn_dataset_get(d, i);
            int32_t best = 0, t = d->label[i];
            hn_model_predict(v->model, &x, p);
            for (k = 1; k < nc; k++)
                if (p[k] > p[best]) best = k;
            s[i] = nc == 2 ? p[1] : 0;
            if (t >= 0) {
                correct += best == t;
                counted++;
                vloss += hn_model_example_loss(v->model, v->tr, NULL, &x, t);
            }
        }
        vloss = counted ? vloss / (double)counted : 0;
        if (v->binary && (metric = valid_average_precision(s, d->label, d->n)) >= 0) {
            hn_log(HN_LOG_INFO, "%s: epoch %d/%d  loss %.6f  valid loss %.6f  valid AP %.6f  %.2fs", v->cmd, (int)epoch,
                   (int)v->epochs, loss, vloss, metric, secs);
        } else if (v->binary) {
            /* AP is undefined without positives: fall back to the validation loss */
            if (epoch == 1)
                hn_log(HN_LOG_WARN, "%s: the validation file has no positive examples: AP is undefined; "
                       "keeping the epoch with the lowest validation loss", v->cmd);
            metric = -vloss;
            hn_log(HN_LOG_INFO, "%s: epoch %d/%d  loss %.6f  valid loss %.6f  %.2fs", v->cmd, (int)epoch,
                   (int)v->epochs, loss, vloss, secs);
        } else {
            metric = counted ? (double)correct / (double)counted : 0;
            hn_log(HN_LOG_INFO, "%s: epoch %d/%d  loss %.6f  valid loss %.6f  valid accuracy %.6f  %.2fs", v->cmd,
                   (int)epoch, (int)v->epochs, loss, vloss, metric, secs);
        }
        if (metric > v->best_metric || v->best_epoch == 0) {
            v->best_metric = metric;
            v->best_epoch = epoch;
            hn_model_copy_weights(v->best, v->model);
        }
        free(p);
        free(s);
    }
    return 0;
}

static int parse_class_weights(const char *cmd, const char *spec, const hn_labels *labels, float *cw)
{
    int32_t k;
    int64_t total = 0;
    for (k = 0; k < labels->n; k++) {
        cw[k] = 1.0f;
        total += labels->count[k];
    }
    if (!spec) return 0;
    if (!strcmp(spec, "balanced")) {
        for (k = 0; k < labels->n; k++)
            if (labels->count[k] > 0) cw[k] = (float)((double)total / ((double)labels->n * (double)labels->count[k]));
        return 0;
    }
    {
        char buf[4096], *save = NULL, *item;
        if (strlen(spec) >= sizeof buf) return hn_cli_usage_error(cmd, "--class-weight: too long"), -1;
        strcpy(buf, spec);
        for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            char *eq = strrchr(item, '='), *end;
            double w;
            int32_t id;
            if (!eq) return hn_cli_usage_error(cmd, "--class-weight: '%s' is not LABEL=W", item), -1;
            *eq = '\0';
            w = strtod(eq + 1, &end);
            if (end == eq + 1 || *end || !isfinite(w) || w <= 0)
                return hn_cli_usage_error(cmd, "--class-weight: bad weight '%s' for %s", eq + 1, item), -1;
            if ((id = hn_labels_find(labels, item)) < 0)
                return hn_cli_usage_error(cmd, "--class-weight: label '%s' is not in the training data", item), -1;
            cw[id] = (float)w;
        }
    }
    return 0;
}

static void relabel(hn_dataset *d, const int32_t *map)
{
    int64_t i;
    if (!d) return;
    for (i = 0; i < d->n; i++)
        if (d->label[i] >= 0) d->label[i] = map[d->label[i]];
}

int hn_cli_fit(const char *cmd, const hn_cli_train_cfg *cfg, hn_tokenizer *tok, hn_labels *labels, hn_dataset *d,
               hn_dataset *valid, hn_classifier **out, hn_err *err)
{
    hn_classifier *cl = NULL;
    float *cw = NULL;
    hn_status st;
    int rc = HN_EXIT_OK;
    valid_ctx vc;
    *out = NULL;
    if (labels->n < 2) {
        hn_tok_free(tok);
        if (labels->n == 1) return hn_cli_fail(cmd, "need at least 2 labels to train, found only '%s'", labels->names[0]);
        return hn_cli_fail(cmd, "no training examples");
    }
    if (labels->n == 2) { /* binary: put the positive label at id 1 */
        int32_t pos;
        if (cfg->positive) {
            if ((pos = hn_labels_find(labels, cfg->positive)) < 0) {
                hn_tok_free(tok);
                return hn_cli_fail(cmd, "--positive: label '%s' is not in the training data", cfg->positive);
            }
        } else {
            pos = labels->count[0] < labels->count[1] ? 0 : 1;
        }
        if (pos == 0) {
            int32_t map[2] = {1, 0};
            char *tn = labels->names[0];
            int64_t tc = labels->count[0];
            labels->names[0] = labels->names[1];
            labels->names[1] = tn;
            labels->count[0] = labels->count[1];
            labels->count[1] = tc;
            relabel(d, map);
            relabel(valid, map);
        }
        hn_log(HN_LOG_INFO, "%s: binary model, positive class '%s'", cmd, labels->names[1]);
    } else if (cfg->positive) {
        hn_log(HN_LOG_WARN, "%s: --positive ignored: %d labels (multinomial model)", cmd, (int)labels->n);
    }
    if (!(cl = calloc(1, sizeof *cl)) || !(cw = malloc((size_t)labels->n * sizeof *cw))) {
        hn_tok_free(tok);
        free(cl);
        return hn_cli_fail(cmd, "out of memory");
    }
    cl->tok = tok;
    cl->tok_opts = *hn_tok_opts_of(tok);
    cl->train_opts = cfg->tr;
    if (!cfg->lr_set && cfg->tr.model == HN_MODEL_MLP) /* the linear default (0.5) diverges for the MLP */
        cl->train_opts.lr = cfg->tr.optim == HN_OPTIM_ADAM ? 0.001 : 0.1;
    if (cfg->negative) {
        int32_t id = hn_labels_find(labels, cfg->negative);
        if (id < 0) {
            rc = hn_cli_fail(cmd, "--negative-label: label '%s' is not in the training data", cfg->negative);
            hn_tok_free(tok);
            free(cl);
            free(cw);
            return rc;
        }
        cl->train_opts.negative_class = id;
    }
    cl->threshold = 0.5;
    cl->reject_label = -1;
    snprintf(cl->threshold_note, sizeof cl->threshold_note, "default");
    cl->train_examples = d->n;
    cl->nlabels = labels->n;
    cl->labels = labels->names; /* adopt */
    labels->names = NULL;
    labels->n = 0;
    if (parse_class_weights(cmd, cfg->class_weight, &(hn_labels){cl->nlabels, cl->nlabels, cl->labels, labels->count},
                            cw)) {
        rc = HN_EXIT_USAGE;
        goto done;
    }
    if ((st = hn_model_create_for(cl->nlabels, cl->tok_opts.bits, d, &cl->train_opts, &cl->model, err)) != HN_OK) {
        rc = hn_cli_fail_err(cmd, st, err);
        goto done;
    }
    memset(&vc, 0, sizeof vc);
    vc.cmd = cmd;
    vc.model = cl->model;
    vc.valid = valid && valid->n ? valid : NULL;
    vc.tr = &cl->train_opts;
    vc.cw = cw;
    vc.epochs = cfg->tr.epochs;
    vc.binary = cl->nlabels == 2;
    vc.n = d->n;
    if (vc.valid && !(vc.best = hn_model_clone(cl->model))) {
        rc = hn_cli_fail(cmd, "out of memory");
        goto done;
    }
    hn_log(HN_LOG_INFO, "%s: %lld examples, %d labels, %lld weight rows, %d epochs", cmd, (long long)d->n,
           (int)cl->nlabels, (long long)hn_model_rows(cl->model), (int)cfg->tr.epochs);
    st = hn_model_train(cl->model, d, &cl->train_opts, cw, on_epoch, &vc, &hn_cli_stop, err);
    if (st != HN_OK) {
        if (st == HN_ERR_INTERRUPTED) hn_log(HN_LOG_ERROR, "%s: interrupted; no model written", cmd);
        rc = hn_cli_fail_err(cmd, st, err);
        hn_model_free(vc.best);
        goto done;
    }
    if (vc.best) {
        hn_model_copy_weights(cl->model, vc.best);
        hn_model_free(vc.best);
        hn_log(HN_LOG_INFO, "%s: kept epoch %d (best validation %s %.6f)", cmd, (int)vc.best_epoch,
               vc.binary ? (vc.best_metric < 0 ? "loss" : "AP") : "accuracy",
               vc.best_metric < 0 ? -vc.best_metric : vc.best_metric);
    }
    *out = cl;
    cl = NULL;
done:
    free(cw);
    hn_classifier_free(cl);
    return rc;
}

int hn_cli_train_run(const char *cmd, const hn_cli_train_cfg *cfg, const char *train_path,
                     hn_classifier **out, hn_err *err)
{
    hn_tokenizer *tok = NULL;
    hn_labels labels;
    hn_dataset d, v;
    hn_load_stats ls;
    hn_status st;
    int rc = HN_EXIT_OK;
    *out = NULL;
    hn_labels_init(&labels);
    hn_dataset_init(&d);
    hn_dataset_init(&v);
    if ((st = hn_tok_create(&cfg->tok, &tok, err)) != HN_OK) {
        rc = hn_cli_fail_err(cmd, st, err);
        goto done;
    }
    if ((st = hn_load_labeled(train_path, &cfg->ro, tok, &labels, HN_UNKNOWN_ADD, &d, &ls, err)) != HN_OK) {
        rc = hn_cli_fail_err(cmd, st, err);
        goto done;
    }
    if (d.n == 0) {
        rc = hn_cli_fail(cmd, "%s: no training examples", train_path);
        goto done;
    }
    hn_log(HN_LOG_INFO, "%s: read %lld examples from %s", cmd, (long long)d.n, train_path);
    if (cfg->valid) {
        hn_load_stats vs;
        if ((st = hn_load_labeled(cfg->valid, &cfg->ro, tok, &labels, HN_UNKNOWN_KEEP, &v, &vs, err)) != HN_OK) {
            rc = hn_cli_fail_err(cmd, st, err);
            goto done;
        }
        if (vs.unknown_label)
            hn_log(HN_LOG_WARN, "%s: %s: %lld examples have labels not seen in training (counted as errors)", cmd,
                   cfg->valid, (long long)vs.unknown_label);
    }
    rc = hn_cli_fit(cmd, cfg, tok, &labels, &d, &v, out, err);
    tok = NULL;
done:
    hn_tok_free(tok);
    hn_labels_free(&labels);
    hn_dataset_free(&d);
    hn_dataset_free(&v);
    return rc;
}
