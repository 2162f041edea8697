/* classifier.c - the classifier: construction, prediction, decisions and
 * scoring a labeled dataset (see classifier.h)
 *
 * src/core. Every command that scores a labeled file goes through
 * hn_classifier_score_dataset, so eval, threshold, plot, mine and the
 * validation of train agree on what a model predicts.
 */
#include "src/core/classifier.h"

#include <stdlib.h>
#include <string.h>

#include "src/core/ngrams.h"

int32_t hn_classifier_label_id(const hn_classifier *c, const char *name)
{
    int32_t i;
    for (i = 0; i < c->nlabels; i++)
        if (!strcmp(c->labels[i], name)) return i;
    return -1;
}

hn_status hn_classifier_create(hn_tokenizer *tok, char **labels, int32_t nlabels, hn_model *model,
                               const hn_train_opts *train_opts, hn_classifier **out, hn_err *err)
{
    hn_classifier *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c) {
        int32_t i;
        hn_tok_free(tok);
        for (i = 0; i < nlabels; i++) free(labels ? labels[i] : NULL);
        free(labels);
        hn_model_free(model);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    }
    c->tok = tok;
    if (tok) c->tok_opts = *hn_tok_opts_of(tok);
    else hn_tok_opts_default(&c->tok_opts);
    c->labels = labels;
    c->nlabels = nlabels;
    c->model = model;
    if (train_opts) c->train_opts = *train_opts;
    else hn_train_opts_default(&c->train_opts);
    c->threshold = 0.5;
    c->reject_label = -1;
    hn_calib_init(&c->calib);
    snprintf(c->threshold_note, sizeof c->threshold_note, "default");
    *out = c;
    return HN_OK;
}

void hn_classifier_free(hn_classifier *c)
{
    int32_t i;
    if (!c) return;
    hn_tok_free(c->tok);
    hn_model_free(c->model);
    for (i = 0; i < c->nlabels; i++) free(c->labels ? c->labels[i] : NULL);
    free(c->labels);
    free(c->command);
    free(c->options);
    hn_calib_free(&c->calib);
    hn_ngram_table_free(c->ngrams);
    free(c);
}

hn_status hn_classifier_probs(const hn_classifier *c, hn_tok_ctx *ctx, hn_arena *a, const char *text, size_t len,
                              float *p, hn_err *err)
{
    hn_svec x;
    hn_status st;
    hn_arena_reset(a);
    if ((st = hn_tok_featurize(c->tok, ctx, text, len, a, &x, err)) != HN_OK) return st;
    hn_classifier_probs_of(c, &x, p, p);
    return HN_OK;
}

void hn_classifier_probs_of(const hn_classifier *c, const hn_svec *x, float *p, float *z)
{
    if (!hn_calib_active(&c->calib)) { /* uncalibrated: the model's probabilities, bit for bit as before */
        hn_model_predict(c->model, x, p);
        return;
    }
    hn_model_margins(c->model, x, z);
    hn_calib_apply(&c->calib, z, c->nlabels, p);
}

int32_t hn_classifier_decide(const hn_classifier *c, const float *p)
{
    int32_t k, best = 0;
    if (c->nlabels == 2 && c->reject_label < 0) return p[1] >= c->threshold ? 1 : 0;
    for (k = 1; k < c->nlabels; k++)
        if (p[k] > p[best]) best = k;
    if (c->reject_label >= 0 && p[best] < c->threshold) return c->reject_label;
    return best;
}

hn_status hn_classifier_load_data(const hn_classifier *c, const char *path, const hn_reader_opts *ro,
                                  hn_unknown_label unknown, hn_labels *labels, hn_dataset *d, hn_load_stats *stats,
                                  hn_err *err)
{
    int32_t i;
    hn_labels_init(labels);
    for (i = 0; i < c->nlabels; i++)
        if (hn_labels_add(labels, c->labels[i]) != i) {
            hn_labels_free(labels);
            return hn_err_set(err, HN_ERR_FORMAT, "the model's labels are not distinct ('%s')", c->labels[i]);
        }
    return hn_load_labeled(path, ro, c->tok, labels, unknown, d, stats, err);
}

void hn_scores_free(hn_scores *s)
{
    free(s->gold);
    free(s->pred);
    free(s->top);
    free(s->top_prob);
    free(s->score);
    memset(s, 0, sizeof *s);
}

hn_status hn_classifier_score_dataset(const hn_classifier *c, const hn_dataset *d, int32_t positive, int32_t negative,
                                      const hn_train_opts *loss_opts, hn_scores *out, hn_err *err)
{
    return hn_classifier_score_dataset_probs(c, d, positive, negative, loss_opts, out, NULL, err);
}

hn_status hn_classifier_score_dataset_probs(const hn_classifier *c, const hn_dataset *d, int32_t positive,
                                            int32_t negative, const hn_train_opts *loss_opts, hn_scores *out,
                                            float *probs, hn_err *err)
{
    int32_t nl = c->nlabels, k;
    size_t n = d->n > 0 ? (size_t)d->n : 1;
    float *p = malloc((size_t)nl * sizeof *p), *z = malloc((size_t)nl * sizeof *z), *g = malloc((size_t)nl * sizeof *g);
    double *work = malloc((size_t)nl * sizeof *work), loss = 0;
    int64_t i, counted = 0;
    memset(out, 0, sizeof *out);
    out->gold = malloc(n * sizeof *out->gold);
    out->pred = malloc(n * sizeof *out->pred);
    out->top = malloc(n * sizeof *out->top);
    out->top_prob = malloc(n * sizeof *out->top_prob);
    out->score = malloc(n * sizeof *out->score);
    if (!p || !z || !g || !work || !out->gold || !out->pred || !out->top || !out->top_prob || !out->score) {
        free(p);
        free(z);
        free(g);
        free(work);
        hn_scores_free(out);
        return hn_err_set(err, HN_ERR_NOMEM, "out of memory scoring %lld examples", (long long)d->n);
    }
    out->n = d->n;
    for (i = 0; i < d->n; i++) {
        hn_svec x = hn_dataset_get(d, i);
        int32_t top = 0, t = d->label[i];
        hn_classifier_probs_of(c, &x, p, z);
        if (probs) memcpy(probs + (size_t)i * (size_t)nl, p, (size_t)nl * sizeof *p);
        for (k = 1; k < nl; k++)
            if (p[k] > p[top]) top = k;
        out->gold[i] = t;
        out->pred[i] = hn_classifier_decide(c, p);
        out->top[i] = top;
        out->top_prob[i] = p[top];
        out->score[i] = positive >= 0 ? p[positive] : negative >= 0 ? 1.0 - p[negative] : (nl == 2 ? p[1] : 0);
        if (loss_opts && t >= 0 && t < nl) {
            hn_model_margins(c->model, &x, z);
            loss += hn_loss_grad(loss_opts->loss, loss_opts, nl, z, t, 1.0f, g, work);
            counted++;
        }
    }
    out->loss = counted ? loss / (double)counted : 0;
    free(p);
    free(z);
    free(g);
    free(work);
    return HN_OK;
}
