/* scorer.c - classifier -> hn_scorer adapter (see scorer.h) */
#include "src/core/scorer.h"

#include <stdlib.h>

struct hn_clf_scorer {
    const hn_classifier *cl;
    int32_t negative;
    int threads;
    hn_tok_ctx **ctx;
    hn_arena *arena;
    float **probs;
};

static hn_status score_one(void *self, int tid, const char *text, size_t len, float *out, hn_err *err)
{
    hn_clf_scorer *s = self;
    float *p = s->probs[tid];
    hn_status st = hn_classifier_probs(s->cl, s->ctx[tid], &s->arena[tid], text, len, p, err);
    if (st != HN_OK) return st;
    *out = 1.0f - p[s->negative];
    if (*out < 0) *out = 0;
    return HN_OK;
}

hn_status hn_clf_scorer_create(const hn_classifier *cl, int32_t negative, int threads, hn_clf_scorer **out,
                               hn_scorer *iface, hn_err *err)
{
    hn_clf_scorer *s = calloc(1, sizeof *s);
    int t;
    *out = NULL;
    if (!s) return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
    s->cl = cl;
    s->negative = negative;
    s->threads = threads;
    s->ctx = calloc((size_t)threads, sizeof *s->ctx);
    s->arena = calloc((size_t)threads, sizeof *s->arena);
    s->probs = calloc((size_t)threads, sizeof *s->probs);
    if (!s->ctx || !s->arena || !s->probs) goto nomem;
    for (t = 0; t < threads; t++) {
        hn_arena_init(&s->arena[t], 1 << 16);
        if (hn_tok_ctx_create(cl->tok, &s->ctx[t], err) != HN_OK) goto nomem;
        if (!(s->probs[t] = malloc((size_t)cl->nlabels * sizeof(float)))) goto nomem;
    }
    iface->self = s;
    iface->score = score_one;
    *out = s;
    return HN_OK;
nomem:
    hn_clf_scorer_free(s);
    return hn_err_set(err, HN_ERR_NOMEM, "out of memory");
}

void hn_clf_scorer_set(hn_clf_scorer *s, const hn_classifier *cl)
{
    s->cl = cl;
}

void hn_clf_scorer_free(hn_clf_scorer *s)
{
    int t;
    if (!s) return;
    for (t = 0; t < s->threads; t++) {
        if (s->ctx) hn_tok_ctx_free(s->ctx[t]);
        if (s->arena) hn_arena_release(&s->arena[t]);
        if (s->probs) free(s->probs[t]);
    }
    free(s->ctx);
    free(s->arena);
    free(s->probs);
    free(s);
}
