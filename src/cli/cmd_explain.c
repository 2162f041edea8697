/* cmd_explain.c - `hardneg explain`: which n-grams pushed each line toward
 * or away from its label, and `explain --model-summary`
 *
 * src/cli. Streams: records come from src/core/source.h (any --format,
 * labels read and ignored), one at a time; everything a line needs (its
 * tokens, n-gram occurrences, contributions) lives in an arena reset for
 * each line, so memory does not grow with the input.
 *
 * Contributions, for the explained class k (the decision, or --label):
 *   linear model: exact. The margin is z_k = b_k + sum_i w_ik x_i over the
 *     line's buckets i; the contribution of bucket i is w_ik x_i, read as
 *     z_k({i}) - z_k({}) (the margin of the one-feature vector minus the
 *     bias), so the contributions plus the bias give z_k to float
 *     rounding. Binary models have one margin z (log-odds of class 1);
 *     class 0's margin is -z.
 *   MLP: leave-one-out. contribution_i = z_k(x) - z_k(x without bucket i),
 *     the vector not renormalized; they need not add up to anything. Costs
 *     one forward pass per bucket of the line.
 * Calibration (hardneg calibrate) changes the probability shown, not the
 * margins explained.
 *
 * A bucket may hold several n-grams (hashing): each listed bucket shows the
 * line's n-grams that landed there and, with an n-gram table (train
 * --keep-ngrams), how many distinct n-grams training saw in it. Word-level
 * colours (--html): a bucket's contribution is split evenly over its
 * occurrences in the line and each occurrence's share evenly over its
 * words (a character n-gram belongs to its word), so for the linear model
 * the words' scores add up to the margin minus the bias.
 *
 * Word positions come from hn_tok_featurize_grams: its unigrams arrive
 * first, one per token in order, and every n-gram points into the same
 * token array, so a token's index is its pointer minus the first one's.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/arena.h"
#include "src/base/log.h"
#include "src/base/outfile.h"
#include "src/cli/cli.h"
#include "src/cli/inopts.h"
#include "src/cli/json.h"
#include "src/cli/progress.h"
#include "src/core/container.h"
#include "src/core/ngrams.h"
#include "src/core/source.h"

#define CMD "explain"
#define TOP_DEFAULT 10
#define SUMMARY_FULL_SCAN_BITS 22   /* without an n-gram table, scan every bucket up to 2^22 */

static void help(FILE *out)
{
    fprintf(out,
            "usage: hardneg explain [options] MODEL [FILE|-]\n"
            "       hardneg explain --model-summary [options] MODEL\n"
            "\n"
            "For each input record (standard input when FILE is - or absent): the predicted\n"
            "label, its probability, and the n-grams that pushed the record's margin for that\n"
            "label up (toward) and down (away), with their contributions. Linear models:\n"
            "exact, weight x feature value per hash bucket, and the contributions plus the\n"
            "bias equal the margin (the log-odds). MLP: leave-one-out, the margin minus the\n"
            "margin without the bucket (one forward pass per bucket; they need not add up).\n"
            "Each bucket shows the record's n-grams that hash there; a model trained with\n"
            "--keep-ngrams also says how many distinct n-grams training saw in it. A\n"
            "calibrated model (hardneg calibrate) shows its calibrated probability; the\n"
            "margins explained are the model's own.\n"
            "\n"
            "  --top N               n-grams listed each way, 0 = all [%d]\n"
            "  --label L             explain label L instead of the predicted one\n"
            "  --json                one JSON object a line (every label's probability, the\n"
            "                        margin, bias, sum of contributions, both lists)\n"
            "  --html FILE           also write a self-contained HTML page: each record's words\n"
            "                        coloured by contribution (red toward, blue away), the label\n"
            "                        and its probability, the top n-grams [none]\n"
            "  --model-summary       describe MODEL instead: non-zero weight rows, the strongest\n"
            "                        n-grams of each class, the buckets shared by most n-grams\n"
            "                        (n-gram strings need a model trained with --keep-ngrams)\n"
            "  -o, --output FILE     write here [standard output]\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n"
            "\n",
            TOP_DEFAULT);
    hn_cli_in_help(out, 0);
    fprintf(out, "\nText output: a header line per record (where it came from, label, probability,\n"
                 "the margin and how it decomposes), then 'toward' and 'away' lines\n"
                 "'  +0.8123  b=123456  n-gram | n-gram', and an empty line.\n"
                 "Labels on input lines are read and ignored, in every format.\n"
                 "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

/* ---- a line's n-grams ------------------------------------------------------- */

typedef struct occ {
    uint32_t bucket;
    int32_t tok;          /* first token, -1 unknown */
    int32_t order;        /* word n-gram: n; character n-gram: 0 */
    const char *chars;    /* character n-gram: its bytes (arena copy) */
    int32_t clen;
} occ;

typedef struct line_grams {
    hn_arena *a;
    occ *o;
    int32_t n, cap;
    hn_token *tok;        /* the line's tokens (the tokenizer's strings, valid until the reset) */
    int32_t ntok, tcap;
    const hn_token *base;
    int oom;
} line_grams;

static void keep_occ(const hn_gram *g, void *user)
{
    line_grams *lg = user;
    occ *oc;
    if (lg->oom) return;
    if (g->order == 1) { /* unigrams come first, one per token in order */
        if (lg->ntok == 0) lg->base = g->toks;
        if (g->toks - lg->base == lg->ntok) {
            if (lg->ntok == lg->tcap) {
                int32_t c = lg->tcap ? lg->tcap * 2 : 256;
                hn_token *t = hn_arena_grow(lg->a, lg->tok, (size_t)lg->tcap * sizeof *t, (size_t)c * sizeof *t);
                if (!t) {
                    lg->oom = 1;
                    return;
                }
                lg->tok = t;
                lg->tcap = c;
            }
            lg->tok[lg->ntok++] = g->toks[0];
        }
    }
    if (lg->n == lg->cap) {
        int32_t c = lg->cap ? lg->cap * 2 : 512;
        occ *no = hn_arena_grow(lg->a, lg->o, (size_t)lg->cap * sizeof *no, (size_t)c * sizeof *no);
        if (!no) {
            lg->oom = 1;
            return;
        }
        lg->o = no;
        lg->cap = c;
    }
    oc = &lg->o[lg->n];
    oc->bucket = g->bucket;
    oc->order = g->order;
    oc->tok = -1;
    if (lg->base) {
        ptrdiff_t d = g->toks - lg->base;
        if (d >= 0 && d < lg->ntok) oc->tok = (int32_t)d;
    }
    oc->chars = NULL;
    oc->clen = 0;
    if (g->order == 0) {
        char *s = hn_arena_alloc(lg->a, g->chars_len + 1);
        if (!s) {
            lg->oom = 1;
            return;
        }
        memcpy(s, g->chars, g->chars_len);
        s[g->chars_len] = '\0';
        oc->chars = s;
        oc->clen = (int32_t)g->chars_len;
    }
    lg->n++;
}

/* The text of one occurrence, in the arena ("" when it cannot be told). */
static const char *occ_text(const line_grams *lg, const occ *oc, hn_arena *a)
{
    size_t len = 0, k = 0;
    int32_t i;
    char *s;
    if (oc->order == 0) return oc->chars;
    if (oc->tok < 0 || oc->tok + oc->order > lg->ntok) return "";
    for (i = 0; i < oc->order; i++) len += (size_t)lg->tok[oc->tok + i].len + (i > 0);
    if (!(s = hn_arena_alloc(a, len + 1))) return "";
    for (i = 0; i < oc->order; i++) {
        if (i) s[k++] = ' ';
        memcpy(s + k, lg->tok[oc->tok + i].s, (size_t)lg->tok[oc->tok + i].len);
        k += (size_t)lg->tok[oc->tok + i].len;
    }
    s[len] = '\0';
    return s;
}

/* ---- one feature (bucket) of the line ------------------------------------------ */

typedef struct feat {
    uint32_t bucket;
    float value;
    double contrib;
    int32_t first, nocc;  /* its occurrences in the bucket-sorted occ array */
} feat;

/* The explained class's margin from the model's margins z. */
static double sel(const float *z, int32_t nl, int32_t k)
{
    if (nl == 2) return k == 1 ? (double)z[0] : -(double)z[0];
    return (double)z[k];
}

typedef struct explainer {
    const hn_classifier *cl;
    int mlp;
    int32_t nl, nout, top, label;  /* label: --label id or -1 */
    float *z0, *z, *z1, *p;        /* bias margins, full margins, scratch, probabilities */
    hn_tok_ctx *ctx;
    hn_arena a;
    int json;
    FILE *out, *html;
    const char *model_path;
    int mail;
    int64_t records;
} explainer;

/* Everything about one record, ready to print. */
typedef struct result {
    int32_t dec, k;                /* the decision and the explained class */
    double logit, bias, sum;
    feat *f;
    int32_t nf;
    line_grams lg;
    double *tokscore;              /* per token */
    int32_t *pos, *neg;            /* the listed features: largest contributions first; most negative first */
    int32_t npos, nneg;
} result;

/* Group the line's occurrences by feature, in linear time: a table from
 * bucket to feature, then a counting sort; f->first / f->nocc index the
 * regrouped lg->o. An occurrence whose bucket is not a feature (signed
 * hashing cancelled it out) is dropped. */
static hn_status group_occurrences(explainer *e, result *r, hn_err *err)
{
    line_grams *lg = &r->lg;
    uint32_t *key;
    int32_t *fid, *of, i, nf = r->nf;
    size_t cap = 16, mask;
    occ *grouped;
    while (cap < (size_t)nf * 2) cap *= 2;
    mask = cap - 1;
    key = hn_arena_alloc(&e->a, cap * sizeof *key);
    fid = hn_arena_alloc(&e->a, cap * sizeof *fid);
    of = hn_arena_alloc(&e->a, (size_t)(lg->n ? lg->n : 1) * sizeof *of);
    grouped = hn_arena_alloc(&e->a, (size_t)(lg->n ? lg->n : 1) * sizeof *grouped);
    if (!key || !fid || !of || !grouped) return hn_err_set(err, HN_ERR_NOMEM, "out of memory for %d n-grams", (int)lg->n);
    memset(key, 0, cap * sizeof *key);
    for (i = 0; i < nf; i++) {
        size_t p = ((uint64_t)r->f[i].bucket * 0x9E3779B97F4A7C15ull >> 32) & mask;
        while (key[p]) p = (p + 1) & mask;
        key[p] = r->f[i].bucket + 1;
        fid[p] = i;
        r->f[i].nocc = 0;
    }
    for (i = 0; i < lg->n; i++) {
        size_t p = ((uint64_t)lg->o[i].bucket * 0x9E3779B97F4A7C15ull >> 32) & mask;
        while (key[p] && key[p] != lg->o[i].bucket + 1) p = (p + 1) & mask;
        of[i] = key[p] ? fid[p] : -1;
        if (of[i] >= 0) r->f[of[i]].nocc++;
    }
    {
        int32_t at = 0;
        for (i = 0; i < nf; i++) {
            r->f[i].first = at;
            at += r->f[i].nocc;
            r->f[i].nocc = 0;
        }
    }
    for (i = 0; i < lg->n; i++)
        if (of[i] >= 0) {
            feat *f = &r->f[of[i]];
            grouped[f->first + f->nocc++] = lg->o[i];
        }
    lg->o = grouped;
    return HN_OK;
}

/* The indices of the `top` features (0: all) with the largest
 * contributions (toward) or the most negative ones, best first, into *out
 * (arena). A bounded min-heap: O(n log top). -1 out of memory. */
static int32_t select_top(hn_arena *a, const feat *f, int32_t nf, int32_t top, int toward, int32_t **out)
{
    int32_t *h, n = 0, i, k = top > 0 && top < nf ? top : nf;
    double sgn = toward ? 1.0 : -1.0;
    if (!(h = hn_arena_alloc(a, (size_t)(k ? k : 1) * sizeof *h))) return -1;
    for (i = 0; i < nf; i++) {
        double v = sgn * f[i].contrib;
        int32_t j;
        if (!(v > 0)) continue;
        if (n < k) { /* sift up */
            j = n++;
            while (j > 0 && sgn * f[h[(j - 1) / 2]].contrib > v) {
                h[j] = h[(j - 1) / 2];
                j = (j - 1) / 2;
            }
            h[j] = i;
        } else if (v > sgn * f[h[0]].contrib) { /* replace the smallest, sift down */
            j = 0;
            for (;;) {
                int32_t l = 2 * j + 1, r = l + 1, m = j;
                double mv = v;
                if (l < n && sgn * f[h[l]].contrib < mv) m = l, mv = sgn * f[h[l]].contrib;
                if (r < n && sgn * f[h[r]].contrib < mv) m = r;
                if (m == j) break;
                h[j] = h[m];
                j = m;
            }
            h[j] = i;
        }
    }
    /* best first: insertion sort of the (small) heap, ties by bucket */
    for (i = 1; i < n; i++) {
        int32_t x = h[i], j = i;
        double v = sgn * f[x].contrib;
        while (j > 0 && (sgn * f[h[j - 1]].contrib < v ||
                         (sgn * f[h[j - 1]].contrib == v && f[h[j - 1]].bucket > f[x].bucket))) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = x;
    }
    *out = h;
    return n;
}

static hn_status explain_line(explainer *e, const char *text, size_t len, result *r, hn_err *err)
{
    hn_svec x, one;
    hn_status st;
    int32_t i;
    line_grams *lg = &r->lg;
    memset(r, 0, sizeof *r);
    hn_arena_reset(&e->a);
    lg->a = &e->a;
    if ((st = hn_tok_featurize_grams(e->cl->tok, e->ctx, text, len, &e->a, &x, keep_occ, lg, err)) != HN_OK) return st;
    if (lg->oom) return hn_err_set(err, HN_ERR_NOMEM, "out of memory listing the n-grams (the arena needed %zu bytes)",
                                   hn_arena_need(&e->a));
    hn_model_margins(e->cl->model, &x, e->z);
    hn_classifier_probs_of(e->cl, &x, e->p, e->z1);
    r->dec = hn_classifier_decide(e->cl, e->p);
    r->k = e->label >= 0 ? e->label : r->dec;
    r->logit = sel(e->z, e->nl, r->k);
    r->bias = sel(e->z0, e->nl, r->k);
    r->nf = x.n;
    r->f = hn_arena_alloc(&e->a, (size_t)(x.n ? x.n : 1) * sizeof *r->f);
    r->tokscore = hn_arena_alloc(&e->a, (size_t)(lg->ntok ? lg->ntok : 1) * sizeof *r->tokscore);
    if (!r->f || !r->tokscore) return hn_err_set(err, HN_ERR_NOMEM, "out of memory for %d features", (int)x.n);
    {
        hn_svec rest;
        rest.idx = NULL;
        rest.val = NULL;
        if (e->mlp && x.n > 0) {
            rest.idx = hn_arena_alloc(&e->a, (size_t)x.n * sizeof *rest.idx);
            rest.val = hn_arena_alloc(&e->a, (size_t)x.n * sizeof *rest.val);
            if (!rest.idx || !rest.val) return hn_err_set(err, HN_ERR_NOMEM, "out of memory for %d features", (int)x.n);
        }
        for (i = 0; i < x.n; i++) {
            feat *f = &r->f[i];
            f->bucket = x.idx[i];
            f->value = x.val[i];
            if (e->mlp) { /* leave-one-out: the vector without bucket i */
                rest.n = x.n - 1;
                memcpy(rest.idx, x.idx, (size_t)i * sizeof *rest.idx);
                memcpy(rest.val, x.val, (size_t)i * sizeof *rest.val);
                memcpy(rest.idx + i, x.idx + i + 1, (size_t)(x.n - i - 1) * sizeof *rest.idx);
                memcpy(rest.val + i, x.val + i + 1, (size_t)(x.n - i - 1) * sizeof *rest.val);
                hn_model_margins(e->cl->model, &rest, e->z1);
                f->contrib = r->logit - sel(e->z1, e->nl, r->k);
            } else { /* exact: w_ik x_i as the margin of the one-feature vector minus the bias */
                one.n = 1;
                one.idx = &x.idx[i];
                one.val = &x.val[i];
                hn_model_margins(e->cl->model, &one, e->z1);
                f->contrib = sel(e->z1, e->nl, r->k) - r->bias;
            }
            r->sum += f->contrib;
        }
    }
    if ((st = group_occurrences(e, r, err)) != HN_OK) return st;
    /* word scores: a bucket's share per occurrence, an occurrence's per word */
    for (i = 0; i < lg->ntok; i++) r->tokscore[i] = 0;
    for (i = 0; i < r->nf; i++) {
        const feat *f = &r->f[i];
        int32_t j;
        for (j = f->first; j < f->first + f->nocc; j++) {
            const occ *oc = &lg->o[j];
            int32_t w = oc->order == 0 ? 1 : oc->order, t;
            if (oc->tok < 0) continue;
            for (t = oc->tok; t < oc->tok + w && t < lg->ntok; t++) r->tokscore[t] += f->contrib / f->nocc / w;
        }
    }
    r->npos = select_top(&e->a, r->f, r->nf, e->top, 1, &r->pos);
    r->nneg = select_top(&e->a, r->f, r->nf, e->top, 0, &r->neg);
    if (r->npos < 0 || r->nneg < 0) return hn_err_set(err, HN_ERR_NOMEM, "out of memory for %d features", (int)x.n);
    return HN_OK;
}

/* The distinct n-grams of the line in feature f, through put(s) */
typedef void (*gram_put)(FILE *out, const char *s, int index);

static void each_gram(explainer *e, const result *r, const feat *f, FILE *out, gram_put put)
{
    int32_t j, k, n = 0;
    const char *seen[16];
    for (j = f->first; j < f->first + f->nocc; j++) {
        const char *s = occ_text(&r->lg, &r->lg.o[j], &e->a);
        for (k = 0; k < n && k < 16; k++)
            if (!strcmp(seen[k], s)) break;
        if (k < n) continue;
        if (n < 16) seen[n] = s;
        put(out, s, n++);
    }
}

static void put_text_gram(FILE *out, const char *s, int index)
{
    fputs(index ? " | " : "", out);
    fputs(s, out);
}

static void put_json_gram(FILE *out, const char *s, int index)
{
    if (index) putc(',', out);
    hn_json_str(out, s);
}

/* The indices of the listed features: toward (largest first), then away
 * (most negative first). */
static int32_t listed(const result *r, int32_t top, int toward, const int32_t **idx)
{
    int32_t n = toward ? r->npos : r->nneg;
    *idx = toward ? r->pos : r->neg;
    return top > 0 && top < n ? top : n;
}

static void text_list(explainer *e, const result *r, int toward)
{
    const hn_classifier *cl = e->cl;
    const int32_t *idx;
    int32_t n = listed(r, e->top, toward, &idx), i;
    fprintf(e->out, "  %s %s:%s\n", toward ? "toward" : "away from", cl->labels[r->k], n ? "" : " nothing");
    for (i = 0; i < n; i++) {
        const feat *f = &r->f[idx[i]];
        hn_ngram_bucket nb;
        fprintf(e->out, "    %+.4f  b=%-8lu ", f->contrib, (unsigned long)f->bucket);
        each_gram(e, r, f, e->out, put_text_gram);
        if (cl->ngrams && hn_ngram_table_find(cl->ngrams, f->bucket, &nb) && nb.distinct > 1) {
            int32_t j;
            fprintf(e->out, "   [bucket shared by %lld n-grams in training:", (long long)nb.distinct);
            for (j = 0; j < nb.n; j++) fprintf(e->out, "%s %s (%lld)", j ? "," : "", nb.grams[j], (long long)nb.counts[j]);
            if (nb.distinct > nb.n) fputs(", ...", e->out);
            fputc(']', e->out);
        }
        fputc('\n', e->out);
    }
}

static const char *method_text(const explainer *e)
{
    return e->mlp ? "mlp: leave-one-out (the margin minus the margin without the bucket; they need not add up)"
                  : "linear: exact, weight x value";
}

static void write_text(explainer *e, const result *r, const char *where)
{
    const hn_classifier *cl = e->cl;
    fprintf(e->out, "%s\t%s\t%.6g", where, cl->labels[r->dec], (double)e->p[r->dec]);
    if (r->k != r->dec) fprintf(e->out, "\texplaining %s (%.6g)", cl->labels[r->k], (double)e->p[r->k]);
    if (e->mlp)
        fprintf(e->out, "\tmargin %.6g; %d buckets; %s\n", r->logit, (int)r->nf, method_text(e));
    else
        fprintf(e->out, "\tmargin %.6g = bias %.6g + %.6g from %d buckets; %s\n", r->logit, r->bias, r->sum, (int)r->nf,
                method_text(e));
    text_list(e, r, 1);
    text_list(e, r, 0);
    fputc('\n', e->out);
}

static void json_list(explainer *e, const result *r, int toward)
{
    const hn_classifier *cl = e->cl;
    const int32_t *idx;
    int32_t n = listed(r, e->top, toward, &idx), i;
    fprintf(e->out, ",\"%s\":[", toward ? "toward" : "away");
    {
        for (i = 0; i < n; i++) {
            const feat *f = &r->f[idx[i]];
            hn_ngram_bucket nb;
            fprintf(e->out, "%s{\"contribution\":%.9g,\"bucket\":%lu,\"value\":%.9g,\"grams\":[", i ? "," : "", f->contrib,
                    (unsigned long)f->bucket, (double)f->value);
            each_gram(e, r, f, e->out, put_json_gram);
            fputc(']', e->out);
            if (cl->ngrams && hn_ngram_table_find(cl->ngrams, f->bucket, &nb)) {
                int32_t j;
                fprintf(e->out, ",\"training\":{\"distinct\":%lld,\"grams\":[", (long long)nb.distinct);
                for (j = 0; j < nb.n; j++) {
                    if (j) putc(',', e->out);
                    hn_json_str(e->out, nb.grams[j]);
                }
                fputs("]}", e->out);
            }
            fputc('}', e->out);
        }
    }
    fputc(']', e->out);
}

static void write_json(explainer *e, const result *r, const char *where)
{
    const hn_classifier *cl = e->cl;
    int32_t k;
    fputs("{\"source\":", e->out);
    hn_json_str(e->out, where);
    fputs(",\"label\":", e->out);
    hn_json_str(e->out, cl->labels[r->dec]);
    fprintf(e->out, ",\"probability\":%.9g,\"explained\":", (double)e->p[r->dec]);
    hn_json_str(e->out, cl->labels[r->k]);
    fprintf(e->out, ",\"method\":\"%s\",\"margin\":%.9g,\"bias\":%.9g,\"sum\":%.9g,\"buckets\":%d,\"probabilities\":{",
            e->mlp ? "leave-one-out" : "exact", r->logit, r->bias, r->sum, (int)r->nf);
    for (k = 0; k < cl->nlabels; k++) {
        if (k) putc(',', e->out);
        hn_json_str(e->out, cl->labels[k]);
        fprintf(e->out, ":%.9g", (double)e->p[k]);
    }
    putc('}', e->out);
    json_list(e, r, 1);
    json_list(e, r, 0);
    fputs("}\n", e->out);
}

/* ---- the HTML page ------------------------------------------------------------ */

/* Text for HTML: & < > " ' escaped, control bytes as spaces, bytes that
 * are not UTF-8 as U+FFFD. */
static void html_text(FILE *f, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0, j;
            if (n && i + n <= len) {
                for (j = 1; j < n; j++)
                    if (((unsigned char)s[i + j] & 0xC0) != 0x80) n = 0;
            } else n = 0;
            if (n) {
                fwrite(s + i, 1, n, f);
                i += n - 1;
            } else {
                fputs("\xEF\xBF\xBD", f);
            }
            continue;
        }
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
        }
    }
}

static void html_str(FILE *f, const char *s)
{
    html_text(f, s, strlen(s));
}

static void html_begin(explainer *e)
{
    FILE *f = e->html;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>hardneg explain: ", f);
    html_str(f, e->model_path);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}\n"
          "h1{font-size:20px;margin:0 0 4px}\n.meta{color:#555;font-size:13px;margin:0 0 16px}\n"
          "section{border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin:0 0 14px}\n"
          "h2{font-size:15px;margin:0 0 8px;font-weight:normal}\n"
          ".lab{font-weight:bold}\n.src{color:#666;font-family:monospace}\n"
          ".text{line-height:1.9;font-size:14px;margin:6px 0}\n"
          ".text span{padding:1px 2px;border-radius:3px}\n"
          "table{border-collapse:collapse;font-size:12px;margin-top:6px}\n"
          "td,th{padding:1px 8px;text-align:left;vertical-align:top}\n"
          "th{color:#555;font-weight:normal}\n.num{font-family:monospace;text-align:right}\n"
          ".pos{color:#b2182b}.neg{color:#2166ac}\n"
          ".key span{padding:1px 6px;border-radius:3px;margin-right:6px}\n"
          "</style></head><body>\n<h1>hardneg explain</h1>\n<p class=\"meta\">model ",
          f);
    html_str(f, e->model_path);
    fprintf(f, " &middot; %s &middot; <span class=\"key\"><span style=\"background:rgba(214,39,40,0.6)\">toward the "
               "label</span><span style=\"background:rgba(33,102,172,0.6)\">away from it</span></span> (each word: "
               "its share of the contributions of the n-grams it is in)</p>\n",
            e->mlp ? "MLP, leave-one-out contributions" : "linear model, exact contributions (weight &times; value)");
}

static void put_html_gram(FILE *out, const char *s, int index)
{
    fputs(index ? " | " : "", out);
    html_str(out, s);
}

static void html_cell_list(explainer *e, const result *r, int toward)
{
    const int32_t *idx;
    int32_t n = listed(r, e->top > 0 && e->top < 8 ? e->top : 8, toward, &idx), i;
    FILE *f = e->html;
    fputs("<td><table>", f);
    for (i = 0; i < n; i++) {
        const feat *ft = &r->f[idx[i]];
        fprintf(f, "<tr><td class=\"num %s\">%+.3f</td><td>", toward ? "pos" : "neg", ft->contrib);
        each_gram(e, r, ft, f, put_html_gram);
        fputs("</td></tr>", f);
    }
    fputs("</table></td>", f);
}

static void html_record(explainer *e, const result *r, const char *where)
{
    FILE *f = e->html;
    const hn_classifier *cl = e->cl;
    double mx = 0;
    int32_t t;
    for (t = 0; t < r->lg.ntok; t++)
        if (fabs(r->tokscore[t]) > mx) mx = fabs(r->tokscore[t]);
    fputs("<section><h2><span class=\"src\">", f);
    html_str(f, where);
    fputs("</span> &nbsp; <span class=\"lab\">", f);
    html_str(f, cl->labels[r->dec]);
    fprintf(f, "</span> probability %.4f", (double)e->p[r->dec]);
    if (r->k != r->dec) {
        fputs(" &middot; explaining <span class=\"lab\">", f);
        html_str(f, cl->labels[r->k]);
        fprintf(f, "</span> (%.4f)", (double)e->p[r->k]);
    }
    if (!e->mlp) fprintf(f, " &middot; margin %.3f = bias %.3f + %.3f", r->logit, r->bias, r->sum);
    else fprintf(f, " &middot; margin %.3f", r->logit);
    fputs("</h2>\n<p class=\"text\">", f);
    for (t = 0; t < r->lg.ntok; t++) {
        double s = r->tokscore[t], al = mx > 0 ? fabs(s) / mx * 0.85 : 0;
        if (t) fputc(' ', f);
        if (al >= 0.02)
            fprintf(f, "<span style=\"background:rgba(%s,%.2f)\" title=\"%+.4f\">", s > 0 ? "214,39,40" : "33,102,172", al, s);
        else fprintf(f, "<span title=\"%+.4f\">", s);
        html_text(f, r->lg.tok[t].s, (size_t)r->lg.tok[t].len);
        fputs("</span>", f);
    }
    fputs("</p>\n<table><tr><th>toward ", f);
    html_str(f, cl->labels[r->k]);
    fputs("</th><th>away from ", f);
    html_str(f, cl->labels[r->k]);
    fputs("</th></tr><tr>", f);
    html_cell_list(e, r, 1);
    html_cell_list(e, r, 0);
    fputs("</tr></table></section>\n", f);
}

/* ---- --model-summary ----------------------------------------------------------------- */

typedef struct strong {
    double w;
    uint32_t bucket;
} strong;

/* keep the `top` largest w of class c in a min-heap */
static void heap_push(strong *h, int32_t *n, int32_t top, double w, uint32_t bucket)
{
    int32_t i;
    if (*n < top) {
        i = (*n)++;
        while (i > 0 && h[(i - 1) / 2].w > w) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i].w = w;
        h[i].bucket = bucket;
        return;
    }
    if (w <= h[0].w) return;
    i = 0;
    for (;;) { /* sift the new root down */
        int32_t l = 2 * i + 1, r = l + 1, m = i;
        double mw = w;
        if (l < *n && h[l].w < mw) m = l, mw = h[l].w;
        if (r < *n && h[r].w < mw) m = r;
        if (m == i) break;
        h[i] = h[m];
        i = m;
    }
    h[i].w = w;
    h[i].bucket = bucket;
}

static int by_w_desc(const void *a, const void *b)
{
    const strong *x = a, *y = b;
    if (x->w != y->w) return x->w < y->w ? 1 : -1;
    return (x->bucket > y->bucket) - (x->bucket < y->bucket);
}

typedef struct shared {
    int64_t distinct;
    double norm;
    uint32_t bucket;
} shared;

static int by_shared(const void *a, const void *b)
{
    const shared *x = a, *y = b;
    if (x->distinct != y->distinct) return x->distinct < y->distinct ? 1 : -1;
    if (x->norm != y->norm) return x->norm < y->norm ? 1 : -1;
    return (x->bucket > y->bucket) - (x->bucket < y->bucket);
}

static void put_bucket_grams(FILE *f, const hn_classifier *cl, uint32_t b, int json)
{
    hn_ngram_bucket nb;
    int32_t j;
    if (!cl->ngrams || !hn_ngram_table_find(cl->ngrams, b, &nb)) {
        if (json) fputs("[]", f);
        return;
    }
    if (json) putc('[', f);
    for (j = 0; j < nb.n; j++) {
        if (json) {
            if (j) putc(',', f);
            hn_json_str(f, nb.grams[j]);
        } else {
            fprintf(f, "%s%s", j ? " | " : "", nb.grams[j]);
        }
    }
    if (json) putc(']', f);
    else if (nb.distinct > nb.n) fprintf(f, " (+%lld more)", (long long)(nb.distinct - nb.n));
}

static int model_summary(const hn_classifier *cl, int32_t top, int json, FILE *f)
{
    int32_t nl = cl->nlabels, nout = nl == 2 ? 1 : nl, c, *hn = NULL, bits = cl->tok_opts.bits;
    int mlp = hn_model_kind_of(cl->model) == HN_MODEL_MLP;
    strong *heap = NULL;
    shared *sh = NULL;
    float *z0 = NULL, *z1 = NULL;
    int64_t nb, i, nshared = 0, nmulti = 0;
    int rc = HN_EXIT_OK, scan_all = !cl->ngrams;
    float one_v = 1.0f;
    uint32_t one_b;
    hn_svec one, none;
    if (top <= 0) top = TOP_DEFAULT;
    if (scan_all && bits > SUMMARY_FULL_SCAN_BITS)
        return hn_cli_fail(CMD, "--model-summary: a model of 2^%d buckets without an n-gram table: train it with "
                           "--keep-ngrams (or use --bits %d or fewer)", (int)bits, SUMMARY_FULL_SCAN_BITS);
    nb = scan_all ? (int64_t)1 << bits : hn_ngram_table_nbuckets(cl->ngrams);
    heap = malloc((size_t)nl * (size_t)top * sizeof *heap);
    hn = calloc((size_t)nl, sizeof *hn);
    z0 = malloc((size_t)nl * sizeof *z0);
    z1 = malloc((size_t)nl * sizeof *z1);
    sh = cl->ngrams ? malloc((size_t)(nb ? nb : 1) * sizeof *sh) : NULL;
    if (!heap || !hn || !z0 || !z1 || (cl->ngrams && !sh)) {
        rc = hn_cli_fail(CMD, "out of memory");
        goto done;
    }
    none.n = 0;
    none.idx = NULL;
    none.val = NULL;
    one.n = 1;
    one.idx = &one_b;
    one.val = &one_v;
    hn_model_margins(cl->model, &none, z0);
    for (i = 0; i < nb; i++) {
        double norm = 0;
        hn_ngram_bucket nbk;
        if (scan_all) one_b = (uint32_t)i;
        else {
            hn_ngram_table_get(cl->ngrams, i, &nbk);
            one_b = nbk.bucket;
        }
        hn_model_margins(cl->model, &one, z1);
        for (c = 0; c < nout; c++) norm += ((double)z1[c] - z0[c]) * ((double)z1[c] - z0[c]);
        if (norm == 0 && scan_all) continue; /* no row: the bucket was never seen */
        for (c = 0; c < nl; c++) {
            double w = sel(z1, nl, c) - sel(z0, nl, c);
            heap_push(heap + (size_t)c * (size_t)top, &hn[c], top, w, one_b);
        }
        if (sh) {
            sh[nshared].distinct = nbk.distinct;
            sh[nshared].norm = sqrt(norm);
            sh[nshared].bucket = one_b;
            nshared++;
            nmulti += nbk.distinct > 1;
        }
    }
    if (sh) qsort(sh, (size_t)nshared, sizeof *sh, by_shared);
    for (c = 0; c < nl; c++) qsort(heap + (size_t)c * (size_t)top, (size_t)hn[c], sizeof *heap, by_w_desc);
    if (json) {
        fprintf(f, "{\"model\":\"%s\",\"classes\":%d,\"bits\":%d,\"nonzero_rows\":%lld,\"weight\":\"%s\",\"ngram_table\":",
                mlp ? "mlp" : "linear", (int)nl, (int)bits, (long long)hn_model_rows(cl->model),
                mlp ? "margin of the n-gram alone minus the empty input's" : "weight");
        if (cl->ngrams)
            fprintf(f, "{\"buckets\":%lld,\"per_bucket\":%d,\"pruned\":%s,\"shared_buckets\":%lld}",
                    (long long)hn_ngram_table_nbuckets(cl->ngrams), (int)hn_ngram_table_per_bucket(cl->ngrams),
                    hn_ngram_table_pruned(cl->ngrams) ? "true" : "false", (long long)nmulti);
        else fputs("null", f);
        fputs(",\"strongest\":{", f);
        for (c = 0; c < nl; c++) {
            int32_t j;
            if (c) putc(',', f);
            hn_json_str(f, cl->labels[c]);
            fputs(":[", f);
            for (j = 0; j < hn[c]; j++) {
                const strong *s = &heap[(size_t)c * (size_t)top + (size_t)j];
                fprintf(f, "%s{\"weight\":%.9g,\"bucket\":%lu,\"grams\":", j ? "," : "", s->w, (unsigned long)s->bucket);
                put_bucket_grams(f, cl, s->bucket, 1);
                putc('}', f);
            }
            putc(']', f);
        }
        fputs("},\"shared\":[", f);
        for (i = 0; sh && i < nshared && i < top; i++) {
            fprintf(f, "%s{\"bucket\":%lu,\"distinct\":%lld,\"weight_norm\":%.9g,\"grams\":", i ? "," : "",
                    (unsigned long)sh[i].bucket, (long long)sh[i].distinct, sh[i].norm);
            put_bucket_grams(f, cl, sh[i].bucket, 1);
            putc('}', f);
        }
        fputs("]}\n", f);
        goto done;
    }
    fprintf(f, "model\t%s, %d classes, 2^%d buckets\n", mlp ? "mlp" : "linear", (int)nl, (int)bits);
    fprintf(f, "non-zero rows\t%lld\n", (long long)hn_model_rows(cl->model));
    if (cl->ngrams)
        fprintf(f, "n-gram table\t%lld buckets, up to %d strings each%s; %lld buckets hold 2 or more n-grams\n",
                (long long)hn_ngram_table_nbuckets(cl->ngrams), (int)hn_ngram_table_per_bucket(cl->ngrams),
                hn_ngram_table_pruned(cl->ngrams) ? " (counts approximate)" : "", (long long)nmulti);
    else fprintf(f, "n-gram table\tnone: buckets only (train with --keep-ngrams to see their n-grams)\n");
    fprintf(f, "\nstrongest n-grams per class (%s)\n",
            mlp ? "margin of the n-gram alone minus the empty input's" : "weight: the margin one n-gram adds at value 1");
    for (c = 0; c < nl; c++) {
        int32_t j;
        fprintf(f, "%s\n", cl->labels[c]);
        for (j = 0; j < hn[c]; j++) {
            const strong *s = &heap[(size_t)c * (size_t)top + (size_t)j];
            fprintf(f, "  %+.4f  b=%-8lu ", s->w, (unsigned long)s->bucket);
            put_bucket_grams(f, cl, s->bucket, 0);
            putc('\n', f);
        }
    }
    if (sh) {
        fprintf(f, "\nbuckets shared by most n-grams (distinct n-grams seen in training; one weight for all)\n");
        for (i = 0; i < nshared && i < top; i++) {
            fprintf(f, "  %6lld  |w| %.4f  b=%-8lu ", (long long)sh[i].distinct, sh[i].norm, (unsigned long)sh[i].bucket);
            put_bucket_grams(f, cl, sh[i].bucket, 0);
            putc('\n', f);
        }
    }
done:
    free(heap);
    free(hn);
    free(z0);
    free(z1);
    free(sh);
    return rc;
}

/* ---- the command -------------------------------------------------------------------- */

enum { OPT_TOP = 256, OPT_LABEL, OPT_JSON, OPT_HTML, OPT_SUMMARY };

int cmd_explain(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, OPT_TOP},
        {"label", required_argument, NULL, OPT_LABEL},
        {"json", no_argument, NULL, OPT_JSON},
        {"html", required_argument, NULL, OPT_HTML},
        {"model-summary", no_argument, NULL, OPT_SUMMARY},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        HN_CLI_IN_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    long top = TOP_DEFAULT;
    const char *model_path, *path = "-", *out_path = "-", *html_path = NULL, *label = NULL;
    int c, rc = HN_EXIT_OK, json = 0, summary = 0, out_open = 0, html_open = 0;
    hn_reader_opts ro;
    hn_classifier *cl = NULL;
    hn_source *src = NULL;
    hn_outfile of, hf;
    hn_err err;
    hn_status st = HN_OK;
    hn_progress prog;
    explainer e;

    memset(&e, 0, sizeof e);
    memset(&prog, 0, sizeof prog);
    hn_err_clear(&err);
    hn_reader_opts_default(&ro);
    ro.every_line = 1;
    hn_arena_init(&e.a, 1 << 16);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TOP:
            if (hn_cli_parse_long(CMD, "--top", optarg, 0, 1000000, &top)) return HN_EXIT_USAGE;
            break;
        case OPT_LABEL: label = optarg; break;
        case OPT_JSON: json = 1; break;
        case OPT_HTML: html_path = optarg; break;
        case OPT_SUMMARY: summary = 1; break;
        case 'o': out_path = optarg; break;
        case 'q': hn_cli_verbosity = 0; break;
        case 'v': hn_cli_verbosity = 2; break;
        case 'h': help(stdout); return HN_EXIT_OK;
        case ':': return hn_cli_missing_value(CMD, argv[optind - 1]);
        default:
            if (HN_CLI_IS_IN_OPTION(c)) {
                if (hn_cli_in_option(CMD, c, optarg, &ro)) return HN_EXIT_USAGE;
                break;
            }
            return hn_cli_unknown_option(CMD, argv, optind);
        }
    }
    if (optind >= argc) return hn_cli_usage_error(CMD, "missing MODEL");
    if (summary && argc - optind > 1) return hn_cli_usage_error(CMD, "--model-summary takes MODEL alone, no input FILE");
    if (summary && (html_path || label)) return hn_cli_usage_error(CMD, "--model-summary goes without --html and --label");
    if (argc - optind > 2) return hn_cli_usage_error(CMD, "expected MODEL [FILE]");
    model_path = argv[optind];
    if (optind + 1 < argc) path = argv[optind + 1];
    if (!summary && !strcmp(model_path, "-") && !strcmp(path, "-"))
        return hn_cli_usage_error(CMD, "MODEL and input cannot both be standard input");
    if (html_path && !strcmp(html_path, "-"))
        return hn_cli_usage_error(CMD, "--html: give a file (the explanations go to standard output)");
    {
        const char *ins[2] = {model_path, summary ? NULL : path}, *outs[2] = {out_path, html_path};
        if ((rc = hn_cli_check_files(CMD, ins, 2, outs, 2)) != 0) return rc;
    }
    if ((st = hn_classifier_load(model_path, &cl, &err)) != HN_OK) return hn_cli_fail_err(CMD, st, &err);
    e.cl = cl;
    e.mlp = hn_model_kind_of(cl->model) == HN_MODEL_MLP;
    e.nl = cl->nlabels;
    e.nout = cl->nlabels == 2 ? 1 : cl->nlabels;
    e.top = (int32_t)top;
    e.label = -1;
    e.json = json;
    e.model_path = model_path;
    if (label && (e.label = hn_classifier_label_id(cl, label)) < 0) {
        rc = hn_cli_usage_error(CMD, "--label: the model has no label '%s' ('hardneg info MODEL' lists them)", label);
        goto done;
    }
    if ((st = hn_outfile_open(&of, out_path, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    out_open = 1;
    e.out = of.f;
    if (summary) {
        if ((rc = model_summary(cl, (int32_t)top, json, e.out)) != HN_EXIT_OK) goto done;
        out_open = 0;
        if ((st = hn_outfile_commit(&of, &err)) != HN_OK) rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    e.z0 = malloc((size_t)e.nl * sizeof *e.z0);
    e.z = malloc((size_t)e.nl * sizeof *e.z);
    e.z1 = malloc((size_t)e.nl * sizeof *e.z1);
    e.p = malloc((size_t)e.nl * sizeof *e.p);
    if (!e.z0 || !e.z || !e.z1 || !e.p) {
        rc = hn_cli_fail(CMD, "out of memory");
        goto done;
    }
    {
        hn_svec none = {0, NULL, NULL};
        hn_model_margins(cl->model, &none, e.z0);
    }
    if ((st = hn_tok_ctx_create(cl->tok, &e.ctx, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    if ((st = hn_source_open(path, &ro, &src, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    e.mail = hn_source_format(src) == HN_FORMAT_MAIL;
    if (html_path) {
        if ((st = hn_outfile_open(&hf, html_path, &err)) != HN_OK) {
            rc = hn_cli_fail_err(CMD, st, &err);
            goto done;
        }
        html_open = 1;
        e.html = hf.f;
        html_begin(&e);
    }
    setvbuf(e.out, NULL, _IOFBF, 1 << 20);
    hn_progress_start(&prog, CMD, path);
    for (;;) {
        hn_example ex;
        int got = 0;
        result r;
        if ((st = hn_source_next(src, &ex, &got, &err)) != HN_OK) {
            rc = hn_cli_fail_err(CMD, st, &err);
            goto done;
        }
        if (!got) break;
        if ((st = explain_line(&e, ex.text, ex.len, &r, &err)) != HN_OK) {
            rc = hn_cli_fail(CMD, "%s: %s", ex.where, err.msg);
            goto done;
        }
        if (json) write_json(&e, &r, ex.where);
        else write_text(&e, &r, ex.where);
        if (e.html) html_record(&e, &r, ex.where);
        e.records++;
        if (ferror(e.out) || (e.html && ferror(e.html))) break;
        if ((e.records & 255) == 0) {
            hn_reader_stats rs;
            hn_source_stats(src, &rs);
            hn_progress_tick(&prog, e.records, rs.bytes);
        }
    }
    hn_progress_end(&prog);
    if (e.html) {
        fprintf(e.html, "<p class=\"meta\">%lld record%s</p>\n</body></html>\n", (long long)e.records,
                e.records == 1 ? "" : "s");
        html_open = 0;
        if ((st = hn_outfile_commit(&hf, &err)) != HN_OK) {
            rc = hn_cli_fail_err(CMD, st, &err);
            goto done;
        }
    }
    out_open = 0;
    if ((st = hn_outfile_commit(&of, &err)) != HN_OK) {
        rc = hn_cli_fail_err(CMD, st, &err);
        goto done;
    }
    hn_source_report(src, CMD);
    if (e.ctx && hn_tok_ctx_repaired_lines(e.ctx))
        hn_log(HN_LOG_WARN, "explain: %s: repaired %lld lines with invalid UTF-8", path,
               (long long)hn_tok_ctx_repaired_lines(e.ctx));
done:
    hn_progress_end(&prog);
    if (html_open) hn_outfile_abort(&hf);
    if (out_open) hn_outfile_abort(&of);
    hn_arena_release(&e.a);
    hn_tok_ctx_free(e.ctx);
    free(e.z0);
    free(e.z);
    free(e.z1);
    free(e.p);
    hn_source_free(src);
    hn_classifier_free(cl);
    return rc;
}
